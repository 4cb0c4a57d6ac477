using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Hub.Notifications;
using Larkway.Hub.Notifications.Types;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Approvals.Cards;

/// <summary>
/// Keeps approvers' cards in step with an approval, after every apply (event, reconciliation, card, API): a card to each
/// approver whose task is pending — a notification of type <c>larkway.approval.task</c>, so the notifications outbox
/// sends, paces, retries and updates it — and a re-render (PATCH through the outbox) of every card whose task or
/// approval moved on. When an approval opened from a notification card ends, that notification's card is re-rendered
/// with the outcome in its data. Every step is idempotent (notification keys, a unique card per task), so running it
/// again after a crash or on two replicas sends nothing twice.
/// </summary>
internal sealed partial class ApprovalCards(
    IDbContextFactory<HubDbContext> contexts,
    HubDatabaseInitializer initializer,
    IHubStorageProvider provider,
    NotificationStore notifications,
    NotificationComposer composer,
    IOptions<ApprovalOptions> options,
    TimeProvider time,
    Platform.Observability.CardTelemetry cardTelemetry,
    ApprovalPlatforms platforms,
    ILogger<ApprovalCards> logger,
    ApprovalPeople? people = null)
{
    /// <summary>
    /// The card's facts beyond the approval row: the applicant's directory name, which cards show where the platform's
    /// cards cannot mention a person by id (null: the id as the request named them).
    /// </summary>
    public async Task<string?> ApplicantNameAsync(ApprovalRow approval, ApprovalCardPlatform look, CancellationToken cancellationToken) =>
        people is null || look.Mentions ? null : await people.NameOfAsync(approval.ApplicantPersonId, cancellationToken).ConfigureAwait(false);

    /// <summary>Renders an approver's card, counted for the dashboard's card-rendering success.</summary>
    private string Rendered(Func<string> render)
    {
        try
        {
            var card = render();
            cardTelemetry.Rendered(Platform.Observability.CardTelemetry.Approval, ok: true);
            return card;
        }
        catch
        {
            cardTelemetry.Rendered(Platform.Observability.CardTelemetry.Approval, ok: false);
            throw;
        }
    }

    /// <summary>The notification type of approval cards.</summary>
    public const string TaskType = "larkway.approval.task";

    /// <summary>The notification type of reminders.</summary>
    public const string ReminderType = "larkway.approval.reminder";

    /// <summary>The caller the Hub's own notifications are stored under.</summary>
    public const string Caller = "larkway-approvals";

    /// <summary>Brings the approval's cards up to date with <paramref name="approval"/> (as just applied).</summary>
    public async Task RefreshAsync(ApprovalRow approval, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(approval);
        if (approval.Status is ApprovalState.Submitting or ApprovalState.Failed)
        {
            return;
        }

        var tasks = JsonSerializer.Deserialize(approval.Tasks, ApprovalStorageJsonContext.Default.ApprovalTaskSnapshotArray) ?? [];
        var cards = await CardsOfAsync(approval.Id, cancellationToken).ConfigureAwait(false);
        var look = platforms.CardOf(approval);

        // Looked up once, and only when a card is rendered (most refreshes render none).
        Task<string?>? applicantName = null;
        Task<string?> NameAsync() => applicantName ??= ApplicantNameAsync(approval, look, cancellationToken);
        if (options.Value.CardsEnabled && approval.Status == ApprovalState.Pending)
        {
            foreach (var task in tasks.Where(t => t.Status == "PENDING" && t.UserId is { Length: > 0 } && cards.All(c => c.TaskId != t.Id)))
            {
                if (await SendCardAsync(approval, task, look, await NameAsync().ConfigureAwait(false), cancellationToken).ConfigureAwait(false) is { } card)
                {
                    cards.Add(card);
                }
            }
        }

        foreach (var card in cards)
        {
            var status = tasks.FirstOrDefault(t => t.Id == card.TaskId)?.Status ?? card.TaskStatus;
            var shown = ApprovalCardRenderer.Shown(status, approval.Status);
            if (card.Shown == shown)
            {
                continue;
            }

            // Re-render first, record after: a crash in between re-renders once more, which shows the same.
            var name = await NameAsync().ConfigureAwait(false);
            var content = Rendered(() => ApprovalCardRenderer.Render(approval, card.TaskId, status, look, name));
            await notifications.UpdateContentAsync(card.NotificationId, "card", content, null, cancellationToken).ConfigureAwait(false);
            await UpdateCardAsync(card.Id, status, shown, cancellationToken).ConfigureAwait(false);
        }

        if (approval.NotificationId is { } notificationId && !ApprovalTransitions.IsOpen(approval.Status)
            && approval.CardsShowStatus != ApprovalTransitions.WireName(approval.Status))
        {
            await ShowOutcomeAsync(approval, notificationId, cancellationToken).ConfigureAwait(false);
        }

        await CardsShownAsync(approval, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The card of one task, or null.</summary>
    public async Task<ApprovalCardRow?> FindAsync(string approvalId, string taskId, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.ApprovalCards.AsNoTracking().FirstOrDefaultAsync(c => c.ApprovalId == approvalId && c.TaskId == taskId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Cards of pending tasks due a reminder now (pending long enough, not reminded lately, reminders left).</summary>
    public async Task<IReadOnlyList<ApprovalCardRow>> DueForReminderAsync(int batchSize, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var pendingBefore = now - o.ReminderAfter;
        DateTimeOffset? remindedBefore = now - o.ReminderEvery;
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.ApprovalCards.AsNoTracking()
                .Where(c => c.TaskStatus == "PENDING" && c.PendingSince <= pendingBefore && c.Reminders < o.MaxReminders
                    && (c.LastRemindedAt == null || c.LastRemindedAt <= remindedBefore))
                .OrderBy(c => c.PendingSince).Take(batchSize)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Counts reminder number <c>Reminders + 1</c> for the card — a conditional update, so of two replicas (or a
    /// restarted one) only one counts it — then queues it. False when someone else counted it, or the task was decided.
    /// </summary>
    public async Task<bool> RemindAsync(ApprovalCardRow card, ApprovalRow approval, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(approval);
        DateTimeOffset? now = time.GetUtcNow();
        var number = card.Reminders + 1;
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var counted = await db.ApprovalCards
                .Where(c => c.Id == card.Id && c.Reminders == card.Reminders && c.TaskStatus == "PENDING")
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Reminders, number).SetProperty(c => c.LastRemindedAt, now), cancellationToken)
                .ConfigureAwait(false);
            if (counted != 1)
            {
                return false;
            }
        }

        // The key names the reminder's number: a crash after counting re-queues nothing, and a retry posts it once.
        var request = Request(ReminderType, $"reminder:{card.ApprovalId}:{card.TaskId}:{number}", approval, card.ApproverUserId,
            ApprovalCardRenderer.Reminder(approval, number, card.PendingSince, platforms.CardOf(approval)));
        await notifications.CreateAsync(Caller, request, cancellationToken).ConfigureAwait(false);
        LogReminded(logger, approval.Id, card.TaskId, number);
        return true;
    }

    private async Task<ApprovalCardRow?> SendCardAsync(ApprovalRow approval, ApprovalTaskSnapshot task, ApprovalCardPlatform look, string? applicantName, CancellationToken cancellationToken)
    {
        var shown = ApprovalCardRenderer.Shown(task.Status, approval.Status);
        var request = Request(TaskType, $"task:{approval.Id}:{task.Id}", approval, task.UserId!,
            Rendered(() => ApprovalCardRenderer.Render(approval, task.Id, task.Status, look, applicantName))) with
        {
            Data = new JsonObject { ["approval_id"] = approval.Id, ["task_id"] = task.Id, ["reference"] = approval.Reference }.ToJsonString(),
        };

        // Idempotent by key: two replicas applying the same snapshot store one notification.
        var created = await notifications.CreateAsync(Caller, request, cancellationToken).ConfigureAwait(false);
        var card = new ApprovalCardRow
        {
            ApprovalId = approval.Id,
            TaskId = task.Id,
            ApproverUserId = task.UserId!,
            NotificationId = created.Id,
            TaskStatus = task.Status,
            Shown = shown,
            PendingSince = time.GetUtcNow(),
        };
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            db.ApprovalCards.Add(card);
            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateException ex) when (provider.IsUniqueViolation(ex))
            {
                // Another applier stored it first; theirs is the same card.
                return null;
            }
        }

        LogCardQueued(logger, approval.Id, task.Id, created.Id);
        return card;
    }

    /// <summary>
    /// Re-renders the notification that opened the approval with <c>approval</c> in its data — <c>status</c>, <c>approved</c>,
    /// <c>rejected</c>, <c>decided_by</c> (their id on the platform), <c>comment</c>, <c>id</c> — so its type's template can show the outcome.
    /// </summary>
    private async Task ShowOutcomeAsync(ApprovalRow approval, string notificationId, CancellationToken cancellationToken)
    {
        var status = ApprovalTransitions.WireName(approval.Status);
        if (await notifications.GetAsync(notificationId, cancellationToken).ConfigureAwait(false) is { } found)
        {
            var notification = found.Notification;
            var tasks = JsonSerializer.Deserialize(approval.Tasks, ApprovalStorageJsonContext.Default.ApprovalTaskSnapshotArray) ?? [];
            var decider = tasks.Where(t => t.Status is "APPROVED" or "REJECTED").OrderBy(t => t.EndTime ?? DateTimeOffset.MinValue).LastOrDefault();
            var data = (notification.Data is null ? null : JsonNode.Parse(notification.Data) as JsonObject) ?? [];
            data["approval"] = new JsonObject
            {
                ["id"] = approval.Id,
                ["status"] = status,
                ["approved"] = approval.Status == ApprovalState.Approved,
                ["rejected"] = approval.Status == ApprovalState.Rejected,
                ["decided_by"] = decider?.UserId,
                ["comment"] = decider?.Comment,
            };
            var request = new NotificationRequest(notification.Type, notification.IdempotencyKey, NotificationRequest.FromType, "", [], notification.RequestHash)
            {
                Data = data.ToJsonString(),
                App = notification.App,
            };
            var composed = await composer.ComposeAsync(request, forUpdate: true, cancellationToken).ConfigureAwait(false);
            if (composed.Request is { } rendered)
            {
                await notifications.UpdateContentAsync(notificationId, rendered.ContentKind, rendered.Content, rendered.Data, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // A type changed or deleted since: the card stays; the business system still gets the callback.
                LogOutcomeNotRendered(logger, approval.Id, notificationId, string.Join("; ", composed.Problems.Select(p => p.Field + ": " + p.Message)));
            }
        }

        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            await db.Approvals.Where(a => a.Id == approval.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.CardsShowStatus, status), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A card to the approver by their id on the approval's platform, sent by the approval's app.</summary>
    private NotificationRequest Request(string type, string key, ApprovalRow approval, string userId, string card) =>
        new(type, key, "card", NotificationRequest.Shared(card), [new NotificationRecipient(platforms.Of(approval).Piece.RecipientType, userId)], KeyHash(key)) { App = approval.App };

    private static string KeyHash(string key) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));

    private async Task<List<ApprovalCardRow>> CardsOfAsync(string approvalId, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.ApprovalCards.AsNoTracking().Where(c => c.ApprovalId == approvalId).OrderBy(c => c.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Clears the approval's <see cref="ApprovalRow.CardsDue"/> marker — only if no change came since (same sequence), so a
    /// newer change keeps its own.
    /// </summary>
    private async Task CardsShownAsync(ApprovalRow approval, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            await db.Approvals.Where(a => a.Id == approval.Id && a.Sequence == approval.Sequence && a.CardsDue)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.CardsDue, false), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task UpdateCardAsync(long id, string status, string shown, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            await db.ApprovalCards.Where(c => c.Id == id)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.TaskStatus, status).SetProperty(c => c.Shown, shown), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<HubDbContext> ContextAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = LogEvents.ApprovalCardsCardQueued, Level = LogLevel.Information, Message = "Approval {ApprovalId}: a card for task {TaskId} was queued (notification {NotificationId}).")]
    private static partial void LogCardQueued(ILogger logger, string approvalId, string taskId, string notificationId);

    [LoggerMessage(EventId = LogEvents.ApprovalCardsReminded, Level = LogLevel.Information, Message = "Approval {ApprovalId}: reminder {Number} for task {TaskId} was queued.")]
    private static partial void LogReminded(ILogger logger, string approvalId, string taskId, int number);

    [LoggerMessage(EventId = LogEvents.ApprovalCardsOutcomeNotRendered, Level = LogLevel.Warning, Message = "Approval {ApprovalId} ended, but notification {NotificationId} could not be re-rendered with the outcome ({Problems}); its card is unchanged.")]
    private static partial void LogOutcomeNotRendered(ILogger logger, string approvalId, string notificationId, string problems);
}
