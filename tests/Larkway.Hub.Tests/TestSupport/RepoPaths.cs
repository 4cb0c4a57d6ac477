namespace Larkway.Hub.Tests.TestSupport;

/// <summary>The repository's root: the folder above the test output that holds Larkway.slnx.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> s_root = new(Find);

    public static string Root => s_root.Value;

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Larkway.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"Larkway.slnx not found above {AppContext.BaseDirectory}");
    }
}
