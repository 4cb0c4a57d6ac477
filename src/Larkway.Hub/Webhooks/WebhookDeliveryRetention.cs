using System.Linq.Expressions;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Webhooks;

/// <summary>
/// What the webhook outbox keeps (lease <c>job/webhook-retention</c>): a delivery delivered longer ago than
/// <see cref="WebhookOptions.Retention"/>, and a dead-lettered one queued longer ago than
/// <see cref="WebhookOptions.DeadLetterRetention"/>, is deleted with its payload. One still pending, in flight or retrying
/// is never touched. Ids (sent as <c>X-Larkway-Delivery</c>) are never reused, so a receiver's dedup by id stays right.
/// </summary>
internal sealed partial class WebhookDeliveryRetention(
    IDbContextFactory<HubDbContext> contexts,
    HubDatabaseInitializer initializer,
    IOptions<WebhookOptions> options,
    TimeProvider time,
    ILogger<WebhookDeliveryRetention> logger) : QueueRetention<WebhookDeliveryRow>(contexts, initializer, time)
{
    /// <inheritdoc />
    public override string Name => "webhook-retention";

    /// <inheritdoc />
    protected override (TimeSpan Finished, TimeSpan DeadLetter) Retention => (options.Value.Retention, options.Value.DeadLetterRetention);

    /// <inheritdoc />
    protected override Expression<Func<WebhookDeliveryRow, bool>> Spent(DateTimeOffset finishedBefore, DateTimeOffset deadBefore) =>
        d => (d.State == WorkState.Done && (d.DeliveredAt < finishedBefore || (d.DeliveredAt == null && d.CreatedAt < finishedBefore)))
            || (d.State == WorkState.DeadLetter && d.CreatedAt < deadBefore);

    /// <inheritdoc />
    protected override void LogPruned(int rows) => LogPruned(logger, rows);

    [LoggerMessage(EventId = LogEvents.WebhookRetentionPruned, Level = LogLevel.Information,
        Message = "Webhook retention: {Deliveries} deliveries past their retention deleted.")]
    private static partial void LogPruned(ILogger logger, int deliveries);
}
