namespace Larkway.Cli.Tests;

/// <summary>The platforms' vectors in tests/fixtures/vectors (see its README for where the facts come from).</summary>
internal static class RepoPaths
{
    public static string Vectors { get; } = FindVectors();

    private static string FindVectors()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Larkway.slnx")))
            {
                return Path.Combine(dir.FullName, "tests", "fixtures", "vectors");
            }
        }

        throw new InvalidOperationException($"Larkway.slnx not found above {AppContext.BaseDirectory}");
    }
}
