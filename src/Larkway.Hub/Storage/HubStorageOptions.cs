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
}
