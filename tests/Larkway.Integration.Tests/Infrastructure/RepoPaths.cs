namespace Larkway.Integration.Tests.Infrastructure;

/// <summary>Finds the repository root (the folder with Larkway.slnx).</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Larkway.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Larkway.slnx not found above {AppContext.BaseDirectory}");
    }
}
