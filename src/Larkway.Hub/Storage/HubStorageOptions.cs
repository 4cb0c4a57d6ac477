namespace Larkway.Hub.Storage;

/// <summary>Storage settings, bound from <c>Larkway:Storage</c>.</summary>
public sealed class HubStorageOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Larkway:Storage";

    /// <summary>The connection string used when none is configured.</summary>
    public const string DefaultConnectionString = "Data Source=./data/larkway.db";

    /// <summary>
    /// The database connection string (<c>Larkway:Storage:ConnectionString</c>, else <c>ConnectionStrings:Hub</c>,
    /// else <see cref="DefaultConnectionString"/>).
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>The database engine. Only <c>Sqlite</c> today; PostgreSQL will share the same model.</summary>
    public string Provider { get; set; } = "Sqlite";

    /// <summary>How long a statement waits for another connection's write lock before failing.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// SQLite's <c>synchronous</c> setting. <see cref="HubStorageSynchronous.Full"/> (default): a commit — and so an
    /// acknowledged event — is flushed to disk before the ack, surviving power loss. <see cref="HubStorageSynchronous.Normal"/>:
    /// commits survive a crash of the Hub process but not of the machine; acks come sooner.
    /// </summary>
    public HubStorageSynchronous Synchronous { get; set; } = HubStorageSynchronous.Full;
}

/// <summary>How far a commit is flushed before it returns (SQLite <c>PRAGMA synchronous</c>).</summary>
public enum HubStorageSynchronous
{
    /// <summary>Flushed to disk on every commit: survives power loss.</summary>
    Full,

    /// <summary>Written to the OS on every commit and flushed at checkpoints: survives a process crash, not an OS crash.</summary>
    Normal,
}
