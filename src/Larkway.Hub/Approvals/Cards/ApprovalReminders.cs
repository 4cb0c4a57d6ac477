using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Leases;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Approvals.Cards;

/// <summary>
/// Reminds approvers of tasks pending longer than <see cref="ApprovalOptions.ReminderAfter"/>, at most
/// <see cref="ApprovalOptions.MaxReminders"/> times, at least <see cref="ApprovalOptions.ReminderEvery"/> apart. The count
/// and time are stored per task (and counted with a conditional update), so neither a second replica nor a restart
/// doubles one; a decided task is never reminded (its card row is no longer PENDING). A scheduled job under the lease
/// <c>job/approval-reminders</c>.
/// </summary>
internal sealed partial class ApprovalReminders(ApprovalCards cards, ApprovalStore store, IOptions<ApprovalOptions> options, ILogger<ApprovalReminders> logger) : IHubJob
{
    private const int BatchSize = 100;

    public string Name => "approval-reminders";

    public TimeSpan Interval => options.Value.ReminderCheckInterval;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (options.Value.MaxReminders == 0 || !options.Value.CardsEnabled)
        {
            return;
        }

        var due = await cards.DueForReminderAsync(BatchSize, cancellationToken).ConfigureAwait(false);
        foreach (var card in due)
        {
            // The card row can lag a decision (the apply path updates it right after); the approval itself must still wait.
            var approval = await store.FindAsync(card.ApprovalId, cancellationToken).ConfigureAwait(false);
            if (approval is not { Status: ApprovalState.Pending })
            {
                continue;
            }

            await cards.RemindAsync(card, approval, cancellationToken).ConfigureAwait(false);
        }

        if (due.Count > 0)
        {
            LogRound(logger, due.Count);
        }
    }

    [LoggerMessage(EventId = LogEvents.ApprovalRemindersRound, Level = LogLevel.Debug, Message = "Reminders: {Count} pending tasks were due.")]
    private static partial void LogRound(ILogger logger, int count);
}
