namespace Larkway.Integration.Tests.Infrastructure;

/// <summary>Removes the temporary folders test Hubs make for themselves, so a suite run leaves none behind.</summary>
internal static class TemporaryFolder
{
    /// <summary>Deletes <paramref name="path"/> and what it holds; one that cannot be removed now is left to the OS's temp cleanup.</summary>
    public static void Delete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
