namespace Larkway.Hub.Platform.Storage;

/// <summary>Storage settings, bound from <c>Larkway:Storage</c>.</summary>
public sealed class HubStorageOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Larkway:Storage";

    /// <summary>The connection string used when none is configured.</summary>
    public const string DefaultConnectionString = "Data Source=./data/larkway.db";

    /// <summary>
    /// The database connection string (<c>Larkway:Storage:ConnectionString</c>, else <c>ConnectionStrings:Hub</c>,
    /// else, for SQLite only, <see cref="DefaultConnectionString"/>; PostgreSQL requires one).
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// The database engine: <c>Sqlite</c> (default; one process on a file) or <c>Postgres</c> / <c>PostgreSQL</c>
    /// (case-insensitive; several Hub replicas may share one database). Both use the same model and have their own migrations.
    /// </summary>
    public string Provider { get; set; } = "Sqlite";

    /// <summary>SQLite only: how long a statement waits for another connection's write lock before failing.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// SQLite only: its <c>synchronous</c> setting. <see cref="HubStorageSynchronous.Full"/> (default): a commit — and so an
    /// acknowledged event — is flushed to disk before the ack, surviving power loss. <see cref="HubStorageSynchronous.Normal"/>:
    /// commits survive a crash of the Hub process but not of the machine; acks come sooner.
    /// </summary>
    public HubStorageSynchronous Synchronous { get; set; } = HubStorageSynchronous.Full;

    /// <summary>Reads <see cref="Provider"/>: <c>Sqlite</c>, <c>Postgres</c> or <c>PostgreSQL</c>, in any case; null otherwise.</summary>
    public static HubStorageEngine? ParseProvider(string? provider) => provider?.Trim().ToUpperInvariant() switch
    {
        "SQLITE" => HubStorageEngine.Sqlite,
        "POSTGRES" or "POSTGRESQL" => HubStorageEngine.Postgres,
        _ => null,
    };
}

/// <summary>The database engines the Hub runs on.</summary>
public enum HubStorageEngine
{
    /// <summary>A SQLite file (default).</summary>
    Sqlite,

    /// <summary>A PostgreSQL database, which several Hub replicas may share.</summary>
    Postgres,
}

/// <summary>How far a commit is flushed before it returns (SQLite <c>PRAGMA synchronous</c>).</summary>
public enum HubStorageSynchronous
{
    /// <summary>Flushed to disk on every commit: survives power loss.</summary>
    Full,

    /// <summary>Written to the OS on every commit and flushed at checkpoints: survives a process crash, not an OS crash.</summary>
    Normal,
}
