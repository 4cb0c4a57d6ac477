using Larkway.Hub.Platform.Storage;
using Microsoft.Extensions.Configuration;

namespace Larkway.Hub.Sandbox;

/// <summary>
/// Where the sandbox Emulator keeps its tenant between starts, so the Hub's pending approvals and the cards it sent
/// still exist after a restart: <c>emulator-state.json</c> beside the Hub's SQLite database (<c>./data/</c> by default),
/// or under <c>./data/</c> with PostgreSQL. <c>LARKWAY_EMULATOR_STATE_FILE</c> (<c>Larkway:Emulator:StateFile</c>) names
/// another file; <c>off</c> keeps the sandbox in memory, fresh at every start.
/// </summary>
internal static class SandboxEmulatorState
{
    public const string Setting = "LARKWAY_EMULATOR_STATE_FILE";

    public const string FileName = "emulator-state.json";

    private const string DefaultFolder = "./data";

    /// <summary>Whether the state file is named by its own setting rather than derived from the database's folder.</summary>
    public static bool IsConfigured(IConfiguration configuration) => !string.IsNullOrWhiteSpace(Configured(configuration));

    /// <summary>The state file for this configuration; null when it is <c>off</c>.</summary>
    public static string? FileFor(IConfiguration configuration)
    {
        var configured = Configured(configuration);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured.Trim().Equals("off", StringComparison.OrdinalIgnoreCase) ? null : configured.Trim();
        }

        return Path.Combine(DataFolder(configuration), FileName);
    }

    private static string? Configured(IConfiguration configuration) =>
        configuration[Setting] is { Length: > 0 } fromEnv ? fromEnv : configuration["Larkway:Emulator:StateFile"];

    /// <summary>The folder of the SQLite database, as the storage settings name it (their defaults included).</summary>
    private static string DataFolder(IConfiguration configuration) => DataFolderLock.SqliteFolder(configuration) ?? DefaultFolder;
}
