using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Larkway.Hub.Platform.Storage;

/// <summary>
/// PostgreSQL: the same model through <see cref="PostgresHubDbContext"/> (to which the PostgreSQL migrations belong),
/// and an <see cref="NpgsqlDataSource"/> for a room that writes in its own SQL (the inbox's hot writes).
/// Several Hub processes may share the database: dedup is the primary key of <c>inbox_dedup_keys</c>, claims use
/// <c>FOR UPDATE SKIP LOCKED</c>, and every completion is conditional on the lease owner.
/// </summary>
internal sealed class PostgresHubStorageProvider : IHubStorageProvider, IAsyncDisposable, IDisposable
{
    /// <summary>The assembly holding the PostgreSQL migrations (src/Larkway.Hub.Migrations.Postgres).</summary>
    public const string MigrationsAssemblyName = "Larkway.Hub.Migrations.Postgres";

    private static readonly Lazy<System.Reflection.Assembly> Migrations = new(() => HubMigrationsAssembly.Load(MigrationsAssemblyName));

    private readonly string _connectionString;
    private readonly Lazy<NpgsqlDataSource> _dataSource;

    public PostgresHubStorageProvider(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _connectionString = connectionString;
        _dataSource = new Lazy<NpgsqlDataSource>(() => NpgsqlDataSource.Create(_connectionString));
    }

    /// <summary>The data source a room writing in its own SQL uses (made on first use, disposed with the provider).</summary>
    public NpgsqlDataSource DataSource => _dataSource.Value;

    /// <summary>Where the database is, for messages: <c>host:port/database</c>, without the user or password.</summary>
    public string Target
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder(_connectionString);
            return $"{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}";
        }
    }

    public DbContextOptionsBuilder CreateOptionsBuilder() => new DbContextOptionsBuilder<PostgresHubDbContext>();

    public HubDbContext CreateDbContext(DbContextOptions options) => new PostgresHubDbContext((DbContextOptions<PostgresHubDbContext>)options);

    // EF Core gets the connection string rather than the writer's data source: every data source instance would
    // make EF Core build another internal service provider (one per Hub instance, which tests create by the dozen).
    public void Configure(DbContextOptionsBuilder builder) => builder.UseNpgsql(_connectionString, npgsql => npgsql.MigrationsAssembly(Migrations.Value));

    /// <summary>
    /// Replicas starting together would each apply the pending migrations (a second "CREATE TABLE" fails); a
    /// session advisory lock on the migrating connection lets one apply them while the others wait, then find none.
    /// </summary>
    public async Task MigrateAsync(HubDbContext db, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({MigrationLockKey})", cancellationToken).ConfigureAwait(false);
            try
            {
                await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({MigrationLockKey})", CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    public Task InitializeAsync(HubDbContext db, CancellationToken cancellationToken) => Task.CompletedTask;

    // An arbitrary constant naming "the Hub's migrations" among advisory locks ("LARKWAY" in ASCII).
    private const long MigrationLockKey = 0x4C41524B574159;

    /// <inheritdoc />
    public bool SupportsSkipLocked => true;

    public bool IsUniqueViolation(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                return true;
            }
        }

        return false;
    }

    // A transaction-level advisory lock on the key's 64-bit hash: released by the commit or rollback, never left behind
    // by a connection returned to the pool. Two keys sharing a hash only wait for each other.
    public async Task LockUntilCommitAsync(HubDbContext db, string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("LockUntilCommitAsync needs an open transaction.");
        }

        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({key}, 0))", cancellationToken).ConfigureAwait(false);
    }

    public bool IsBusy(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            // Serialization failures, deadlocks, too many connections, a pool with no free connection in time.
            if (e is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.TooManyConnections }
                || e is NpgsqlException { IsTransient: true, InnerException: TimeoutException or null })
            {
                return true;
            }
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataSource.IsValueCreated)
        {
            await _dataSource.Value.DisposeAsync().ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        if (_dataSource.IsValueCreated)
        {
            _dataSource.Value.Dispose();
        }
    }
}
