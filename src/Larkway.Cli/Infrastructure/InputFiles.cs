namespace Larkway.Cli.Infrastructure;

/// <summary>Reads files named on the command line, with errors that name the option and the path.</summary>
internal static class InputFiles
{
    public static async Task<string> ReadTextAsync(string option, string path, CancellationToken cancellationToken)
    {
        EnsureExists(option, path);
        return await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<byte[]> ReadBytesAsync(string option, string path, CancellationToken cancellationToken)
    {
        EnsureExists(option, path);
        return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
    }

    private static void EnsureExists(string option, string path)
    {
        if (!File.Exists(path))
        {
            throw new CliException($"{option}: file not found: {path}");
        }
    }
}
