using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Platform.Storage;

/// <summary>
/// What differs between database engines: how the context is configured (and which context type carries the
/// engine's migrations), one-time setup, and how a unique violation looks. One small
/// implementation per provider; the model and everything else are shared.
/// </summary>
internal interface IHubStorageProvider
{
    /// <summary>A builder for this engine's context type (<see cref="HubDbContext"/> or a derived type holding its own migrations).</summary>
    DbContextOptionsBuilder CreateOptionsBuilder();

    /// <summary>Points the context at the database.</summary>
    void Configure(DbContextOptionsBuilder builder);

    /// <summary>A context on options made by <see cref="CreateOptionsBuilder"/> and <see cref="Configure"/>.</summary>
    HubDbContext CreateDbContext(DbContextOptions options);

    /// <summary>Applies pending migrations; at most one process at a time where several may share the database.</summary>
    Task MigrateAsync(HubDbContext db, CancellationToken cancellationToken);

    /// <summary>Runs after migrations at startup (e.g. SQLite's WAL mode).</summary>
    Task InitializeAsync(HubDbContext db, CancellationToken cancellationToken);

    /// <summary>Whether claims can skip rows another transaction has locked (<c>FOR UPDATE SKIP LOCKED</c>).</summary>
    bool SupportsSkipLocked { get; }

    /// <summary>True when the exception (or an inner one) is a primary-key or unique-index violation.</summary>
    bool IsUniqueViolation(Exception exception);

    /// <summary>
    /// Holds <paramref name="key"/> until <paramref name="db"/>'s open transaction ends, so transactions that take the same
    /// key run one after another on every process sharing the database: a count-then-insert under it is atomic. Take keys
    /// in one fixed order where a transaction takes several.
    /// </summary>
    Task LockUntilCommitAsync(HubDbContext db, string key, CancellationToken cancellationToken);

    /// <summary>True when the exception (or an inner one) says the database is busy for now (locked, a deadlock, no free connection): the same request later can succeed.</summary>
    bool IsBusy(Exception exception);
}

/// <summary>
/// <see cref="IDbContextFactory{TContext}"/> over the configured provider: the options are built once, for the
/// provider's context type, with the application's services (logging) — what <c>AddDbContextFactory</c> does for a
/// single context type.
/// </summary>
internal sealed class HubDbContextFactory(IHubStorageProvider provider, IServiceProvider services) : IDbContextFactory<HubDbContext>
{
    private readonly Lazy<DbContextOptions> _options = new(() =>
    {
        var builder = provider.CreateOptionsBuilder().UseApplicationServiceProvider(services);
        provider.Configure(builder);
        HubDbLogging.Configure(builder);
        return builder.Options;
    });

    public HubDbContext CreateDbContext() => provider.CreateDbContext(_options.Value);
}
