using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Platform.Storage;

/// <summary>
/// Applies migrations and provider setup once per process. Everything that touches the database awaits
/// <see cref="EnsureInitializedAsync"/>, so the order in which hosted services start does not matter.
/// </summary>
internal sealed partial class HubDatabaseInitializer(
    IDbContextFactory<HubDbContext> contexts,
    IHubStorageProvider provider,
    ILogger<HubDatabaseInitializer> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _initialized;

    public async Task EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        if (_initialized)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_initialized)
            {
                return;
            }

            var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await using (db.ConfigureAwait(false))
            {
                await RefuseUnknownHistoryAsync(db, cancellationToken).ConfigureAwait(false);
                var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken).ConfigureAwait(false)).Count();
                await provider.MigrateAsync(db, cancellationToken).ConfigureAwait(false);
                await provider.InitializeAsync(db, cancellationToken).ConfigureAwait(false);
                LogDatabaseReady(logger, db.Database.ProviderName ?? "?", pending);
            }

            _initialized = true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// A database whose applied migrations this Hub does not know was made by another build (a pre-release one whose
    /// migrations were since combined, or a newer Hub): migrating it would fail halfway, so the Hub stops and says so.
    /// </summary>
    private static async Task RefuseUnknownHistoryAsync(HubDbContext db, CancellationToken cancellationToken)
    {
        var known = db.Database.GetMigrations().ToHashSet(StringComparer.Ordinal);
        var unknown = (await db.Database.GetAppliedMigrationsAsync(cancellationToken).ConfigureAwait(false)).Where(m => !known.Contains(m)).ToList();
        if (unknown.Count > 0)
        {
            throw new Platform.Configuration.HubConfigurationException(
                $"The Hub database was created by a different Larkway Hub build: it has migration(s) {string.Join(", ", unknown)}, which this build does not know. "
                + "A pre-release sandbox database (./data/larkway.db) can simply be deleted; otherwise run the Hub version that created it, or point Larkway:Storage:ConnectionString at a new database.");
        }
    }

    [LoggerMessage(EventId = LogEvents.HubDatabaseInitializerDatabaseReady, Level = LogLevel.Information, Message = "Hub database ready ({Provider}); {Applied} migration(s) applied.")]
    private static partial void LogDatabaseReady(ILogger logger, string provider, int applied);
}

/// <summary>Migrates the database when the host starts, so a broken database stops the Hub at once.</summary>
internal sealed class HubStorageStartup(HubDatabaseInitializer initializer) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => initializer.EnsureInitializedAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
