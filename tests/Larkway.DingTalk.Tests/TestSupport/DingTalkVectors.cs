using System.Text.Json;

namespace Larkway.DingTalk.Tests.TestSupport;

/// <summary>The DingTalk vectors of tests/fixtures/vectors (see its README for where the facts come from).</summary>
internal static class DingTalkVectors
{
    private static readonly Lazy<JsonElement> File = new(Load);

    public static JsonElement Robot => File.Value.GetProperty("custom_robot_webhook");

    public static JsonElement OutgoingRobot => File.Value.GetProperty("outgoing_robot_http_callback");

    public static JsonElement ById(JsonElement section, string arrayName, string id) =>
        section.GetProperty(arrayName).EnumerateArray().Single(v => v.GetProperty("id").GetString() == id);

    public static TheoryData<string> Ids(JsonElement section, string arrayName)
    {
        var data = new TheoryData<string>();
        foreach (var item in section.GetProperty(arrayName).EnumerateArray())
        {
            data.Add(item.GetProperty("id").GetString()!);
        }

        return data;
    }

    public static string Str(this JsonElement element, string name) => element.GetProperty(name).GetString()!;

    private static JsonElement Load()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "Larkway.slnx")))
            {
                var path = Path.Combine(dir.FullName, "tests", "fixtures", "vectors", "dingtalk.json");
                using var document = JsonDocument.Parse(System.IO.File.ReadAllBytes(path));
                return document.RootElement.Clone();
            }
        }

        throw new DirectoryNotFoundException("Larkway.slnx not found above " + AppContext.BaseDirectory);
    }
}
