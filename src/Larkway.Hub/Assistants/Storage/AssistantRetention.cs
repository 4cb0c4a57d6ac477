using System.Linq.Expressions;
using Larkway.Hub.Directory;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Leases;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Assistants.Storage;

/// <summary>
/// What the assistants keep, and for how long — hourly, on one replica (lease <c>job/assistant-retention</c>):
/// <list type="number">
/// <item>the values behind the placeholders of turns that ended longer ago than <see cref="AssistantOptions.PlaceholderRetention"/>
/// are erased (the masked question and the answer stay), and those of turns dead-lettered before they ended, once
/// <see cref="AssistantOptions.TurnRetention"/> has passed since they arrived;</item>
/// <item>turns that ended longer ago than <see cref="AssistantOptions.TurnRetention"/> are deleted, with their feedback and
/// masking audit (the database cascades);</item>
/// <item>sessions that expired or were ended (<c>/new</c>) and have no turn left are deleted, with the history they held;</item>
/// <item><c>/link</c> codes that expired longer ago than <see cref="Routing.AssistantLinking.LimitWindow"/> are deleted: they
/// can no longer be typed, nor count toward an hourly limit; so do their ended delivery items.</item>
/// </list>
/// A turn counts as ended once it reached its terminal status and left the queue (done or dead-lettered): one still queued,
/// answering, retrying or replayed is never touched, however old. Each statement takes at most <see cref="BatchSize"/> rows,
/// so a large backlog is worked off in short transactions rather than one long lock.
/// </summary>
internal sealed partial class AssistantRetention(
    IDbContextFactory<HubDbContext> contexts,
    HubDatabaseInitializer initializer,
    IOptions<AssistantOptions> options,
    TimeProvider time,
    ILogger<AssistantRetention> logger) : IHubJob
{
    /// <summary>Rows one statement changes at most.</summary>
    public const int BatchSize = 1000;

    /// <summary>
    /// How long a session is kept past its end when no turn is left: a question that found it current a moment before it
    /// expired may still be storing its turn.
    /// </summary>
    public static readonly TimeSpan SessionGrace = TimeSpan.FromHours(1);

    /// <inheritdoc />
    public string Name => "assistant-retention";

    /// <inheritdoc />
    public TimeSpan Interval => TimeSpan.FromHours(1);

    /// <inheritdoc />
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var run = await PruneAsync(cancellationToken).ConfigureAwait(false);
        if (run.PlaceholdersErased + run.TurnsDeleted + run.SessionsDeleted + run.LinkCodesDeleted + run.LinkCodeDeliveriesDeleted > 0)
        {
            LogPruned(logger, run.PlaceholdersErased, run.TurnsDeleted, run.SessionsDeleted, run.LinkCodesDeleted, run.LinkCodeDeliveriesDeleted);
        }
    }

    /// <summary>One pass over everything due now; returns what it erased and deleted.</summary>
    public async Task<AssistantRetentionRun> PruneAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var settings = options.Value;
        var now = time.GetUtcNow();
        // A question's attachment keys (a WeCom AI bot's decryption key among them) go with the values.
        var erased = await EraseValuesAsync(EndedBefore(now - settings.PlaceholderRetention), now, cancellationToken).ConfigureAwait(false);

        // A turn dead-lettered before it ended (its worker kept dying) is kept for a replay that would close its reply,
        // but not its values for ever: they go once TurnRetention has passed since it arrived.
        erased += await EraseValuesAsync(StuckBefore(now - settings.TurnRetention), now, cancellationToken).ConfigureAwait(false);

        var turns = await InBatchesAsync(
            db =>
            {
                var ended = EndedBefore(now - settings.TurnRetention);
                var batch = db.AssistantTurns.Where(ended).OrderBy(t => t.FinishedAt).Take(BatchSize).Select(t => t.Id);
                return db.AssistantTurns.Where(t => batch.Contains(t.Id)).Where(ended).ExecuteDeleteAsync(cancellationToken);
            },
            cancellationToken).ConfigureAwait(false);

        var sessionsEndedBefore = now - SessionGrace;
        var sessions = await InBatchesAsync(
            db =>
            {
                Expression<Func<AssistantSessionRow, bool>> spent = s => (s.ExpiresAt < sessionsEndedBefore || s.EndedAt < sessionsEndedBefore)
                    && !db.Set<AssistantTurnRow>().Any(t => t.SessionId == s.Id);
                var batch = db.AssistantSessions.Where(spent).OrderBy(s => s.Id).Take(BatchSize).Select(s => s.Id);
                return db.AssistantSessions.Where(s => batch.Contains(s.Id)).Where(spent).ExecuteDeleteAsync(cancellationToken);
            },
            cancellationToken).ConfigureAwait(false);

        // A code's row counts toward the limits for LimitWindow after it was asked for, and is never asked for after it expired.
        var codesSpentBefore = now - Routing.AssistantLinking.LimitWindow;
        var codes = await InBatchesAsync(
            db =>
            {
                var batch = db.PersonLinkCodes.Where(c => c.ExpiresAt < codesSpentBefore).OrderBy(c => c.Id).Take(BatchSize).Select(c => c.Id);
                return db.PersonLinkCodes.Where(c => batch.Contains(c.Id) && c.ExpiresAt < codesSpentBefore).ExecuteDeleteAsync(cancellationToken);
            },
            cancellationToken).ConfigureAwait(false);

        // Their delivery items go with them once ended (their protected code was erased when they ended).
        var deliveries = await InBatchesAsync(
            db =>
            {
                var ended = db.WorkItems.Where(w => w.Queue == Routing.LinkCodeDelivery.QueueName && (w.State == WorkState.Done || w.State == WorkState.DeadLetter) && w.CreatedAt < codesSpentBefore);
                var batch = ended.OrderBy(w => w.Id).Take(BatchSize).Select(w => w.Id);
                return ended.Where(w => batch.Contains(w.Id)).ExecuteDeleteAsync(cancellationToken);
            },
            cancellationToken).ConfigureAwait(false);

        return new(erased, turns, sessions, codes, deliveries);
    }

    /// <summary>
    /// Turns that reached their terminal status before <paramref name="cutoff"/> and are out of the queue. The queue's state
    /// is checked as well as the status: a replayed turn is pending again until the queue has closed it.
    /// </summary>
    private static Expression<Func<AssistantTurnRow, bool>> EndedBefore(DateTimeOffset cutoff) =>
        t => t.FinishedAt < cutoff
            && (t.State == WorkState.Done || t.State == WorkState.DeadLetter)
            && t.Status != AssistantTurnStatus.Queued && t.Status != AssistantTurnStatus.Answering;

    /// <summary>Erases the placeholder values and attachment keys of the turns <paramref name="due"/> names; returns how many.</summary>
    private Task<int> EraseValuesAsync(Expression<Func<AssistantTurnRow, bool>> due, DateTimeOffset now, CancellationToken cancellationToken)
    {
        DateTimeOffset? erasedAt = now;
        return InBatchesAsync(
            db =>
            {
                var batch = db.AssistantTurns.Where(due).Where(t => t.Placeholders != null || t.Attachments != null).OrderBy(t => t.Id).Take(BatchSize).Select(t => t.Id);
                return db.AssistantTurns.Where(t => batch.Contains(t.Id) && (t.Placeholders != null || t.Attachments != null)).ExecuteUpdateAsync(
                    s => s.SetProperty(t => t.Placeholders, (string?)null).SetProperty(t => t.Attachments, (string?)null).SetProperty(t => t.PlaceholdersErasedAt, erasedAt), cancellationToken);
            },
            cancellationToken);
    }

    /// <summary>Dead-lettered before reaching a terminal status (queued or answering), and arrived before <paramref name="cutoff"/>.</summary>
    private static Expression<Func<AssistantTurnRow, bool>> StuckBefore(DateTimeOffset cutoff) =>
        t => t.State == WorkState.DeadLetter && (t.Status == AssistantTurnStatus.Queued || t.Status == AssistantTurnStatus.Answering) && t.ReceivedAt < cutoff;

    private Task<int> InBatchesAsync(Func<HubDbContext, Task<int>> batch, CancellationToken cancellationToken) =>
        StatementBatches.UntilDoneAsync(contexts, BatchSize, batch, cancellationToken);

    [LoggerMessage(EventId = LogEvents.AssistantRetentionPruned, Level = LogLevel.Information,
        Message = "Assistant retention: placeholder values of {Placeholders} ended turns erased; {Turns} turns (with their feedback), {Sessions} sessions, {LinkCodes} spent link codes and {LinkCodeDeliveries} of their ended deliveries deleted.")]
    private static partial void LogPruned(ILogger logger, int placeholders, int turns, int sessions, int linkCodes, int linkCodeDeliveries);
}

/// <summary>What one retention pass did.</summary>
/// <param name="PlaceholdersErased">Turns whose placeholders' values were erased.</param>
/// <param name="TurnsDeleted">Turns deleted (their feedback and masking audit with them).</param>
/// <param name="SessionsDeleted">Sessions deleted.</param>
/// <param name="LinkCodesDeleted"><c>/link</c> code rows deleted.</param>
/// <param name="LinkCodeDeliveriesDeleted">Their ended delivery items deleted (<c>assistant-link-codes</c>).</param>
internal readonly record struct AssistantRetentionRun(int PlaceholdersErased, int TurnsDeleted, int SessionsDeleted, int LinkCodesDeleted = 0, int LinkCodeDeliveriesDeleted = 0);
