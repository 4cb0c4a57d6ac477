using System.Globalization;
using Larkway.Hub.Platform.Configuration;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;

namespace Larkway.Hub.Platform.Storage;

/// <summary>
/// One Hub per data folder. A folder holding state this process alone owns (the SQLite database, the sandbox Emulator's
/// state file) is locked for the process's lifetime: <c>hub.lock</c> is held open exclusively, an OS lock that dies with
/// the process, so a crash leaves nothing to clean up. Two Hubs on one folder would otherwise run side by side and the
/// Emulator state of one overwrite the other's. The lock cannot be read while held, so the owner (process id, start time)
/// is written beside it in <c>hub.lock.owner</c> for the second Hub's message.
/// </summary>
public sealed class DataFolderLock : IDisposable
{
    /// <summary>The file held open while the Hub runs.</summary>
    public const string FileName = "hub.lock";

    /// <summary>Who holds the lock: read by a Hub that finds the folder taken.</summary>
    public const string OwnerFileName = "hub.lock.owner";

    private readonly FileStream _lock;

    private DataFolderLock(string folder, FileStream held)
    {
        Folder = folder;
        _lock = held;
    }

    /// <summary>The locked folder's full path.</summary>
    public string Folder { get; }

    /// <summary>
    /// Locks <paramref name="folder"/> (created when missing); a folder another Hub holds is a
    /// <see cref="HubConfigurationException"/> naming the folder and that Hub's process.
    /// </summary>
    public static DataFolderLock Acquire(string folder, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var full = Path.GetFullPath(folder);
        System.IO.Directory.CreateDirectory(full);
        FileStream held;
        try
        {
            // FileShare.None: an exclusive OS lock (flock on Unix), released by the kernel when the process ends.
            held = new FileStream(Path.Combine(full, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new HubConfigurationException(
                $"The data folder {full} is in use by another Hub ({Owner(full)}). One Hub runs per data folder: stop that one, "
                + "or give this one its own folder (Larkway:Storage:ConnectionString names the SQLite file, LARKWAY_EMULATOR_STATE_FILE the sandbox's state).");
        }

        try
        {
            var owner = string.Create(CultureInfo.InvariantCulture, $"process {Environment.ProcessId}, started {time.GetUtcNow():yyyy-MM-dd HH:mm:ss} UTC");
            File.WriteAllText(Path.Combine(full, OwnerFileName), owner);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The owner line only improves another Hub's message; the lock itself is what counts.
        }

        return new DataFolderLock(full, held);
    }

    private static string Owner(string folder)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(folder, OwnerFileName)).Trim();
            return text.Length is > 0 and <= 200 ? text : "process unknown";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "process unknown";
        }
    }

    /// <summary>
    /// The folders holding state this Hub alone owns: the SQLite database's (not an in-memory one) and, in the sandbox,
    /// the Emulator state file's. PostgreSQL replicas share their database by design and keep nothing of their own in the
    /// folder but the first start's secrets file, so outside the sandbox they take no lock (deploy.md runs two in one).
    /// </summary>
    public static IReadOnlyList<string> OwnedFolders(IConfiguration configuration, string? sandboxStateFile)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var folders = new List<string>();
        if (SqliteFolder(configuration) is { } database)
        {
            folders.Add(database);
        }

        if (sandboxStateFile is not null && Path.GetDirectoryName(Path.GetFullPath(sandboxStateFile)) is { Length: > 0 } state
            && !folders.Contains(state, StringComparer.Ordinal))
        {
            folders.Add(state);
        }

        return folders;
    }

    /// <summary>The full path of the SQLite database's folder as the storage settings name it; null for PostgreSQL or in memory.</summary>
    public static string? SqliteFolder(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var provider = configuration[$"{HubStorageOptions.SectionName}:Provider"];
        if (provider is { Length: > 0 } && HubStorageOptions.ParseProvider(provider) != HubStorageEngine.Sqlite)
        {
            return null;
        }

        var connectionString = configuration[$"{HubStorageOptions.SectionName}:ConnectionString"] is { Length: > 0 } configured ? configured
            : configuration.GetConnectionString("Hub") is { Length: > 0 } named ? named
            : HubStorageOptions.DefaultConnectionString;
        try
        {
            var builder = new SqliteConnectionStringBuilder(connectionString);
            if (builder.Mode == SqliteOpenMode.Memory || builder.DataSource is not { Length: > 0 } file || file == ":memory:")
            {
                return null;
            }

            return Path.GetDirectoryName(Path.GetFullPath(file)) is { Length: > 0 } folder ? folder : null;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            // A malformed connection string stops the start with its own message a moment later.
            return null;
        }
    }

    /// <summary>Releases the folder (the owner file stays; the next Hub overwrites it).</summary>
    public void Dispose() => _lock.Dispose();
}
