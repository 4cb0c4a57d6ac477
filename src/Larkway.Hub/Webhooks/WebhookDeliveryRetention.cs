using System.Linq.Expressions;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Leases;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Webhooks;

/// <summary>
/// What the webhook outbox keeps — hourly, on one replica (lease <c>job/webhook-retention</c>): a delivery delivered
/// longer ago than <see cref="WebhookOptions.Retention"/>, and a dead-lettered one queued longer ago than
/// <see cref="WebhookOptions.DeadLetterRetention"/>, is deleted with its payload. One still pending, in flight or retrying
/// is never touched. Ids (sent as <c>X-Larkway-Delivery</c>) are never reused, so a receiver's dedup by id stays right.
/// </summary>
internal sealed partial class WebhookDeliveryRetention(
    IDbContextFactory<HubDbContext> contexts,
    HubDatabaseInitializer initializer,
    IOptions<WebhookOptions> options,
    TimeProvider time,
    ILogger<WebhookDeliveryRetention> logger) : IHubJob
{
    /// <summary>Rows one statement deletes at most.</summary>
    public const int BatchSize = 1000;

    /// <inheritdoc />
    public string Name => "webhook-retention";

    /// <inheritdoc />
    public TimeSpan Interval => TimeSpan.FromHours(1);

    /// <inheritdoc />
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var deleted = await PruneAsync(cancellationToken).ConfigureAwait(false);
        if (deleted > 0)
        {
            LogPruned(logger, deleted);
        }
    }

    /// <summary>One pass over everything due now; returns the deliveries deleted.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var spent = Spent(now - options.Value.Retention, now - options.Value.DeadLetterRetention);
        return await StatementBatches.UntilDoneAsync(
            contexts,
            BatchSize,
            db =>
            {
                var batch = db.WebhookDeliveries.Where(spent).OrderBy(d => d.Id).Take(BatchSize).Select(d => d.Id);
                return db.WebhookDeliveries.Where(d => batch.Contains(d.Id)).Where(spent).ExecuteDeleteAsync(cancellationToken);
            },
            cancellationToken).ConfigureAwait(false);
    }

    private static Expression<Func<WebhookDeliveryRow, bool>> Spent(DateTimeOffset deliveredBefore, DateTimeOffset deadBefore) =>
        d => (d.State == WorkState.Done && (d.DeliveredAt < deliveredBefore || (d.DeliveredAt == null && d.CreatedAt < deliveredBefore)))
            || (d.State == WorkState.DeadLetter && d.CreatedAt < deadBefore);

    [LoggerMessage(EventId = LogEvents.WebhookRetentionPruned, Level = LogLevel.Information,
        Message = "Webhook retention: {Deliveries} deliveries past their retention deleted.")]
    private static partial void LogPruned(ILogger logger, int deliveries);
}
