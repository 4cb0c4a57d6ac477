using System.Text.Json;

namespace Larkway.Emulator.Platform;

/// <summary>The one JSON configuration of the wire: snake_case, nulls omitted.</summary>
internal static class EmulatorJson
{
    public const string ContentType = "application/json; charset=utf-8";

    // Feishu writes non-ASCII text (and content strings) as UTF-8, not \uXXXX escapes.
    public static readonly JsonSerializerOptions Options = WireJson.Options(JsonNamingPolicy.SnakeCaseLower);

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);
}
