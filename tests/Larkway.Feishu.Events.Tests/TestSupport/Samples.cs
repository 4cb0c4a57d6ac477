using System.Text;
using System.Text.Json;

namespace Larkway.Feishu.Events.Tests.TestSupport;

/// <summary>Sample payloads from tests/fixtures/vectors/feishu-events.</summary>
internal static class Samples
{
    public static JsonElement Payload(string fileName) => SharedVectors.Load(Path.Combine("feishu-events", fileName)).GetProperty("payload");

    public static byte[] PayloadBytes(string fileName) => Bytes(Payload(fileName));

    public static byte[] Bytes(JsonElement element) => Encoding.UTF8.GetBytes(element.GetRawText());

    public static IEnumerable<string> EventFiles() =>
        Directory.EnumerateFiles(Path.Combine(SharedVectors.VectorsDirectory, "feishu-events"), "*.json").Select(Path.GetFileName).Order()!;
}
