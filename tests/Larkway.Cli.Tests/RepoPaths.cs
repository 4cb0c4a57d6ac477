namespace Larkway.Cli.Tests;

/// <summary>The shared/ folder beside the repository (test vectors live there).</summary>
internal static class RepoPaths
{
    public static string Shared { get; } = FindShared();

    private static string FindShared()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Larkway.slnx")))
            {
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
            }
        }

        throw new InvalidOperationException($"Larkway.slnx not found above {AppContext.BaseDirectory}");
    }
}
