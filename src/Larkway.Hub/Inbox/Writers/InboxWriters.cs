using Larkway.Hub.Platform.Storage;

namespace Larkway.Hub.Inbox;

/// <summary>The inbox's writer for the configured engine: its hot writes in that engine's own SQL, on the engine's connection settings.</summary>
internal static class InboxWriters
{
    /// <summary>How often, at most, SQLite's writer checkpoints the WAL after writes (it turns automatic checkpoints off).</summary>
    private static readonly TimeSpan CheckpointInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>A writer owned (and disposed) by the caller.</summary>
    public static IInboxWriter For(IHubStorageProvider provider) => provider switch
    {
        SqliteHubStorageProvider sqlite => new SqliteInboxWriter(sqlite.ConnectionString, sqlite.BusyTimeoutMilliseconds, sqlite.Synchronous, CheckpointInterval),
        PostgresHubStorageProvider postgres => new PostgresInboxWriter(postgres.DataSource),
        _ => throw new NotSupportedException($"The inbox has no writer for the storage provider {provider.GetType().Name}: it writes in SQLite's and PostgreSQL's own SQL."),
    };
}
