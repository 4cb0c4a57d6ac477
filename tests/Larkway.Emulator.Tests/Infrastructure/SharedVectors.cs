using System.Text.Json;

namespace Larkway.Emulator.Tests.Infrastructure;

/// <summary>The platforms' vectors in tests/fixtures/vectors (see its README for where the facts come from).</summary>
public static class SharedVectors
{
    public static JsonElement Load(string fileName)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Larkway.slnx")))
            {
                using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.FullName, "tests", "fixtures", "vectors", fileName)));
                return document.RootElement.Clone();
            }
        }

        throw new DirectoryNotFoundException($"Larkway.slnx not found above {AppContext.BaseDirectory}");
    }
}
