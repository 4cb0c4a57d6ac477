namespace Larkway.Cli.Infrastructure;

/// <summary>Process exit codes shared by every command.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The operation failed: the platform refused it, or the input is invalid (e.g. a card that does not validate).</summary>
    public const int Failure = 1;

    /// <summary>The command line itself is wrong (missing or conflicting options).</summary>
    public const int Usage = 2;
}
