using System.Text.Json;

namespace Larkway.Emulator.Tests.Infrastructure;

/// <summary>Test vectors from the repository's sibling <c>shared/vectors</c> folder.</summary>
public static class SharedVectors
{
    public static JsonElement Load(string fileName)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(dir.FullName, "shared", "vectors", fileName), Path.Combine(dir.FullName, "..", "shared", "vectors", fileName) })
            {
                if (File.Exists(candidate))
                {
                    using var document = JsonDocument.Parse(File.ReadAllText(candidate));
                    return document.RootElement.Clone();
                }
            }
        }

        throw new FileNotFoundException($"shared/vectors/{fileName} not found above {AppContext.BaseDirectory}");
    }
}
