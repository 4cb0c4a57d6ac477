namespace Larkway.Cli.Infrastructure;

/// <summary>A failure whose message is already the one line the user should read.</summary>
internal sealed class CliException(string message, int exitCode = ExitCodes.Failure) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
