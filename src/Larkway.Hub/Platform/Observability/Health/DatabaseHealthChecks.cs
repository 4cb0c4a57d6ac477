using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Platform.Observability.Health;

/// <summary>
/// The database answers. Unhealthy otherwise: this replica can store nothing, so it should get no traffic. The answer
/// names no host or error text (<c>/readyz</c> is anonymous); the exception is logged.
/// </summary>
internal sealed partial class DatabaseHealthCheck(IDbContextFactory<HubDbContext> contexts, ILogger<DatabaseHealthCheck> logger) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await using (db.ConfigureAwait(false))
            {
                return await db.Database.CanConnectAsync(cancellationToken).ConfigureAwait(false)
                    ? HealthCheckResult.Healthy($"The {db.Database.ProviderName} database answers.")
                    : new HealthCheckResult(context.Registration.FailureStatus, "The database does not answer.");
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogUnreachable(logger, ex);
            return new HealthCheckResult(context.Registration.FailureStatus, "The database could not be reached; the Hub's log says why.");
        }
    }

    [LoggerMessage(EventId = LogEvents.DatabaseHealthCheckUnreachable, Level = LogLevel.Warning, Message = "Readiness: the database could not be reached.")]
    private static partial void LogUnreachable(ILogger logger, Exception exception);
}

/// <summary>
/// Every migration this build knows is applied. The Hub migrates at start, so a pending one means another replica (or
/// an operator) is mid-migration, or the database was replaced under a running Hub: the schema is not what the code expects.
/// </summary>
internal sealed partial class MigrationsHealthCheck(IDbContextFactory<HubDbContext> contexts, ILogger<MigrationsHealthCheck> logger) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await using (db.ConfigureAwait(false))
            {
                var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken).ConfigureAwait(false)).ToList();
                return pending.Count == 0
                    ? HealthCheckResult.Healthy("All migrations are applied.")
                    : new HealthCheckResult(context.Registration.FailureStatus, $"{pending.Count} migration(s) pending, the first {pending[0]}.");
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogUnreadable(logger, ex);
            return new HealthCheckResult(context.Registration.FailureStatus, "The applied migrations could not be read; the Hub's log says why.");
        }
    }

    [LoggerMessage(EventId = LogEvents.MigrationsHealthCheckUnreadable, Level = LogLevel.Warning, Message = "Readiness: the applied migrations could not be read.")]
    private static partial void LogUnreadable(ILogger logger, Exception exception);
}
