namespace Larkway.Cli.Tests;

/// <summary>A file under the temp folder that is deleted with the test.</summary>
internal sealed class TempFile : IDisposable
{
    private TempFile(string path) => Path = path;

    public string Path { get; }

    public static TempFile WithText(string text, string extension = ".json")
    {
        var file = new TempFile(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"larkway-{Guid.NewGuid():N}{extension}"));
        File.WriteAllText(file.Path, text);
        return file;
    }

    public static TempFile WithBytes(byte[] bytes, string extension)
    {
        var file = new TempFile(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"larkway-{Guid.NewGuid():N}{extension}"));
        File.WriteAllBytes(file.Path, bytes);
        return file;
    }

    public void Dispose() => File.Delete(Path);
}
