using Larkway.Hub.Inbox;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Larkway.Hub.Storage;

/// <summary>
/// PostgreSQL: the same model through <see cref="PostgresHubDbContext"/> (which carries the PostgreSQL migrations),
/// and the inbox's hot writes in <see cref="PostgresInboxWriter"/> on an <see cref="NpgsqlDataSource"/> of its own.
/// Several Hub processes may share the database: dedup is the primary key of <c>inbox_dedup_keys</c>, claims use
/// <c>FOR UPDATE SKIP LOCKED</c>, and every completion is conditional on the lease owner.
/// </summary>
internal sealed class PostgresHubStorageProvider : IHubStorageProvider, IAsyncDisposable, IDisposable
{
    private readonly string _connectionString;
    private readonly Lazy<NpgsqlDataSource> _dataSource;

    public PostgresHubStorageProvider(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _connectionString = connectionString;
        _dataSource = new Lazy<NpgsqlDataSource>(() => NpgsqlDataSource.Create(_connectionString));
    }

    public DbContextOptionsBuilder CreateOptionsBuilder() => new DbContextOptionsBuilder<PostgresHubDbContext>();

    public HubDbContext CreateDbContext(DbContextOptions options) => new PostgresHubDbContext((DbContextOptions<PostgresHubDbContext>)options);

    // EF Core gets the connection string rather than the writer's data source: every data source instance would
    // make EF Core build another internal service provider (one per Hub instance, which tests create by the dozen).
    public void Configure(DbContextOptionsBuilder builder) => builder.UseNpgsql(_connectionString);

    public Task InitializeAsync(HubDbContext db, CancellationToken cancellationToken) => Task.CompletedTask;

    public IInboxWriter CreateInboxWriter() => new PostgresInboxWriter(_dataSource.Value);

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
