using System.Text.Json;

namespace Larkway.Feishu.Events.Tests.TestSupport;

/// <summary>Loads the platforms' vector files from tests/fixtures/vectors (see its README for where the facts come from).</summary>
internal static class SharedVectors
{
    private static readonly Lazy<string> Root = new(FindVectors);

    public static string VectorsDirectory => Root.Value;

    public static JsonElement Load(string relativePath)
    {
        var path = Path.Combine(VectorsDirectory, relativePath);
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return document.RootElement.Clone();
    }

    public static JsonElement Crypto => Load("feishu-crypto.json");

    public static JsonElement Signature => Load("feishu-signature.json");

    public static IEnumerable<JsonElement> Items(JsonElement file, string arrayName) => file.GetProperty(arrayName).EnumerateArray();

    public static JsonElement ById(JsonElement file, string arrayName, string id) =>
        Items(file, arrayName).Single(v => v.GetProperty("id").GetString() == id);

    public static TheoryData<string> Ids(JsonElement file, string arrayName)
    {
        var data = new TheoryData<string>();
        foreach (var item in Items(file, arrayName))
        {
            data.Add(item.GetProperty("id").GetString()!);
        }

        return data;
    }

    public static string Str(this JsonElement element, string name) => element.GetProperty(name).GetString()!;

    private static string FindVectors()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Larkway.slnx")))
            {
                return Path.Combine(dir.FullName, "tests", "fixtures", "vectors");
            }
        }

        throw new DirectoryNotFoundException("Larkway.slnx not found above " + AppContext.BaseDirectory);
    }
}
