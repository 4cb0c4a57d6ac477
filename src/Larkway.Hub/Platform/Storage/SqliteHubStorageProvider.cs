using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace Larkway.Hub.Platform.Storage;

/// <summary>SQLite: a file under <c>./data/</c>, WAL mode, a busy timeout; a room writing in its own SQL (the inbox) connects with the same settings.</summary>
internal sealed class SqliteHubStorageProvider : IHubStorageProvider
{
    // SQLITE_CONSTRAINT_PRIMARYKEY and SQLITE_CONSTRAINT_UNIQUE.
    private const int PrimaryKeyViolation = 1555;
    private const int UniqueViolation = 2067;

    /// <summary>The assembly holding the SQLite migrations (src/Larkway.Hub.Migrations.Sqlite).</summary>
    public const string MigrationsAssemblyName = "Larkway.Hub.Migrations.Sqlite";

    private static readonly Lazy<System.Reflection.Assembly> Migrations = new(() => HubMigrationsAssembly.Load(MigrationsAssemblyName));

    private readonly string _connectionString;
    private readonly BusyTimeoutInterceptor _busyTimeout;
    private readonly int _busyTimeoutMilliseconds;
    private readonly HubStorageSynchronous _synchronous;

    public SqliteHubStorageProvider(string connectionString, TimeSpan busyTimeout, HubStorageSynchronous synchronous = HubStorageSynchronous.Full)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var timeoutSeconds = Math.Max(1, (int)Math.Ceiling(busyTimeout.TotalSeconds));

        // Microsoft.Data.Sqlite retries a busy statement until the command timeout; keep the two in step.
        if (!connectionString.Contains("Default Timeout", StringComparison.OrdinalIgnoreCase)
            && !connectionString.Contains("DefaultTimeout", StringComparison.OrdinalIgnoreCase))
        {
            builder.DefaultTimeout = timeoutSeconds;
        }

        _connectionString = builder.ToString();
        DataSource = builder.DataSource;
        _busyTimeoutMilliseconds = (int)Math.Min(int.MaxValue, busyTimeout.TotalMilliseconds);
        _synchronous = synchronous;
        _busyTimeout = new BusyTimeoutInterceptor(_busyTimeoutMilliseconds, synchronous);
    }

    /// <summary>The database file (as configured, possibly relative to the working directory).</summary>
    public string DataSource { get; }

    /// <summary>The connection string with the busy timeout applied, for a room that writes in its own SQL (the inbox).</summary>
    public string ConnectionString => _connectionString;

    /// <summary>How long a write waits for SQLite's lock before it fails as busy.</summary>
    public int BusyTimeoutMilliseconds => _busyTimeoutMilliseconds;

    /// <summary>How durable a commit is (<c>PRAGMA synchronous</c>).</summary>
    public HubStorageSynchronous Synchronous => _synchronous;

    public DbContextOptionsBuilder CreateOptionsBuilder() => new DbContextOptionsBuilder<HubDbContext>();

    public HubDbContext CreateDbContext(DbContextOptions options) => new((DbContextOptions<HubDbContext>)options);

    public void Configure(DbContextOptionsBuilder builder)
    {
        EnsureDirectory(DataSource);
        builder.UseSqlite(_connectionString, sqlite => sqlite.MigrationsAssembly(Migrations.Value)).AddInterceptors(_busyTimeout);
    }

    // SQLite's write lock (and EF Core's migration lock table) already keeps a second process out.
    public Task MigrateAsync(HubDbContext db, CancellationToken cancellationToken) => db.Database.MigrateAsync(cancellationToken);

    public async Task InitializeAsync(HubDbContext db, CancellationToken cancellationToken)
    {
        // Persistent on the file: readers no longer block the writer, and a commit is one append to the log.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public bool SupportsSkipLocked => false;

    public bool IsUniqueViolation(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SqliteException { SqliteExtendedErrorCode: PrimaryKeyViolation or UniqueViolation })
            {
                return true;
            }
        }

        return false;
    }

    // Nothing to take: a transaction here begins with BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default), which holds the
    // file's one write lock until it ends, so every writing transaction, on any key, already runs alone.
    public Task LockUntilCommitAsync(HubDbContext db, string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Database.CurrentTransaction is null
            ? throw new InvalidOperationException("LockUntilCommitAsync needs an open transaction.")
            : Task.CompletedTask;
    }

    public bool IsBusy(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            // SQLITE_BUSY and SQLITE_LOCKED: another writer held the file past the busy timeout.
            if (e is SqliteException { SqliteErrorCode: 5 or 6 })
            {
                return true;
            }
        }

        return false;
    }

    private static void EnsureDirectory(string dataSource)
    {
        if (string.IsNullOrEmpty(dataSource)
            || dataSource.Equals(":memory:", StringComparison.OrdinalIgnoreCase)
            || dataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            System.IO.Directory.CreateDirectory(directory);
        }
    }

    /// <summary>Sets SQLite's own busy handler on every opened connection, so a locked file waits instead of failing at once.</summary>
    private sealed class BusyTimeoutInterceptor(int milliseconds, HubStorageSynchronous synchronous) : DbConnectionInterceptor
    {
        // Both are per connection, so every opened connection gets them.
        private readonly string _sql = string.Create(CultureInfo.InvariantCulture,
            $"PRAGMA busy_timeout = {milliseconds}; PRAGMA synchronous = {(synchronous == HubStorageSynchronous.Normal ? "NORMAL" : "FULL")};");

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        {
            using var command = connection.CreateCommand();
            command.CommandText = _sql;
            command.ExecuteNonQuery();
        }

        public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = _sql;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
