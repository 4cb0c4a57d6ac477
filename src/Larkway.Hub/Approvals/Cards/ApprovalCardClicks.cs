using System.Text.Json;
using Larkway.Hub.Bots;
using Larkway.Hub.Notifications.Actions;
using Larkway.Hub.Platform;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Approvals.Cards;

/// <summary>
/// Approve / Reject on an approval card, on a platform that lets an app decide (<see cref="IApprovalPlatform.DecidesFromCards"/>).
/// Only the task's assignee decides (the clicker's id from the callback is the user the Hub acts for, as the platforms'
/// task APIs require); anyone else gets a toast and nothing happens. The Hub approves or rejects on the platform for the
/// clicker, reads and applies the instance (source <c>card</c>: the transition, the callbacks, every card re-rendered)
/// and answers with the updated card within the card callback's deadline. A task already decided elsewhere shows as
/// such; the platform failing leaves the card as it was, with a toast.
/// </summary>
internal sealed partial class ApprovalCardClicks(ApprovalStore store, ApprovalBridge bridge, ApprovalCards cards, ApprovalPlatforms platforms, ILogger<ApprovalCardClicks> logger)
    : INotificationCardHandler
{
    /// <summary>
    /// How long the click may wait for the platform: the inbox answers a card callback within 2.5 s (under Feishu's 3 s,
    /// the shortest card-action deadline), and the click's reads and records come before and after this wait, so a slow
    /// platform is told to the person as a toast instead of an answer that arrives too late to show.
    /// </summary>
    internal static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(1800);

    public bool Handles(NotificationCardClick click) =>
        click is not null && click.Notification.Type == ApprovalCards.TaskType
        && click.Context.Action is ApprovalCardRenderer.ApproveAction or ApprovalCardRenderer.RejectAction;

    public async Task<CardClickAnswer> HandleAsync(NotificationCardClick click, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(click);
        var approve = click.Context.Action == ApprovalCardRenderer.ApproveAction;
        // The notification says which task its card is for (its data, the Hub's own); a button's value says it on Feishu,
        // where the card's value comes back, and is only the fallback, since a value can be copied into another card.
        var (dataApproval, dataTask) = CardOf(click.Notification);
        var (approvalId, taskId) = (dataApproval ?? click.Value("approval_id"), dataTask ?? click.Value("task_id"));
        var approval = approvalId is null ? null : await store.FindAsync(approvalId, cancellationToken).ConfigureAwait(false);
        var card = approval is null || taskId is null ? null : await cards.FindAsync(approval.Id, taskId, cancellationToken).ConfigureAwait(false);

        // The card must be the one this notification carries: a value copied into another card decides nothing.
        if (approval is null || card is null || card.NotificationId != click.Notification.Id)
        {
            return CardClickAnswer.WithToast(CardToastKind.Info, "This approval is no longer on record, so the button does nothing now.");
        }

        if (!string.Equals(click.OperatorId, card.ApproverUserId, StringComparison.Ordinal))
        {
            return CardClickAnswer.WithToast(CardToastKind.Info, "Only the approver this task is assigned to can decide it. Nothing was changed.");
        }

        var platform = platforms.Of(approval);
        if (!platform.Piece.DecidesFromCards)
        {
            return CardClickAnswer.WithToast(CardToastKind.Info, $"Decide it in {platform.Display}'s approval page: this card only links there.");
        }

        var known = TaskStatus(approval, taskId!) ?? card.TaskStatus;
        if (approval.Status != ApprovalState.Pending || known != "PENDING")
        {
            return await AnswerAsync(approval, taskId!, known, CardToastKind.Info, "This was already decided; the card shows where it stands.", cancellationToken).ConfigureAwait(false);
        }

        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(Budget);
        try
        {
            // Null when the decision was taken but not read back in time: shown as taken; its event applies it.
            var decided = await bridge.DecideAsync(approval, taskId!, click.OperatorId, approve, Comment(click), ApprovalBridge.FromCard, budget.Token)
                .ConfigureAwait(false);
            var status = decided is not null && TaskStatus(decided, taskId!) is { } read && read != "PENDING" ? read : approve ? "APPROVED" : "REJECTED";
            return await AnswerAsync(decided ?? approval, taskId!, status, approve ? CardToastKind.Success : CardToastKind.Warning, approve ? "Approved." : "Rejected.", cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (platform.Piece.Failure(ex) is { Kind: ApprovalFailureKind.TaskNotPending } gone)
        {
            // Decided (or transferred) in the platform's own app meanwhile: read it, show it, no error.
            LogDecidedElsewhere(logger, approval.Id, taskId!, platform.Display, gone.Failure.CodeText);
            var current = await TrySyncAsync(approval, budget.Token).ConfigureAwait(false) ?? approval;
            var status = TaskStatus(current, taskId!) is { } s && s != "PENDING" ? s : "DONE";
            return await AnswerAsync(current, taskId!, status, CardToastKind.Info, "This task was already decided elsewhere; nothing more to do here.", cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The platform did not answer within the budget: the decision may or may not have been taken; events will tell.
            LogDecideSlow(logger, approval.Id, taskId!);
            return CardClickAnswer.WithToast(CardToastKind.Info, $"{platform.Display} is slow to answer; this card updates once your decision is confirmed. If it does not, click again.");
        }
        catch (Exception ex) when (platform.Piece.Failure(ex) is { } failure && !cancellationToken.IsCancellationRequested)
        {
            LogDecideFailed(logger, approval.Id, taskId!, failure.Failure.CodeText, failure.Failure.RequestId);
            return CardClickAnswer.WithToast(CardToastKind.Error,
                $"{platform.Display} did not take the decision just now (code {failure.Failure.CodeText}); nothing was changed. Try again in a moment.");
        }
    }

    private async Task<ApprovalRow?> TrySyncAsync(ApprovalRow approval, CancellationToken cancellationToken)
    {
        try
        {
            return await bridge.SyncAsync(approval, ApprovalBridge.FromCard, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (bridge.Failure(approval, ex) is not null)
        {
            // Events and reconciliation bring it later.
            return null;
        }
    }

    private async Task<CardClickAnswer> AnswerAsync(ApprovalRow approval, string taskId, string taskStatus, CardToastKind toast, string message, CancellationToken cancellationToken)
    {
        // The same card the outbox renders, so neither overwrites the other with something else.
        var look = platforms.CardOf(approval);
        var name = await cards.ApplicantNameAsync(approval, look, cancellationToken).ConfigureAwait(false);
        using var card = JsonDocument.Parse(ApprovalCardRenderer.Render(approval, taskId, taskStatus, look, name));
        return CardClickAnswer.WithToast(toast, message).AndPlatformCard(card.RootElement.Clone());
    }

    /// <summary>The approval and task the notification's data names (an approver's card names them there, read once); nulls when it does not.</summary>
    private static (string? ApprovalId, string? TaskId) CardOf(Notifications.NotificationRow notification)
    {
        if (notification.Data is not { } data)
        {
            return (null, null);
        }

        using var json = JsonDocument.Parse(data);
        var root = json.RootElement;
        string? Field(string name) => root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
        return (Field("approval_id"), Field("task_id"));
    }

    private static string? TaskStatus(ApprovalRow approval, string taskId) =>
        JsonSerializer.Deserialize(approval.Tasks, ApprovalStorageJsonContext.Default.ApprovalTaskSnapshotArray)?.FirstOrDefault(t => t.Id == taskId)?.Status;

    /// <summary>The comment typed beside the buttons, if the card has an input (a form's <c>comment</c>, or a single input).</summary>
    private static string? Comment(NotificationCardClick click)
    {
        var text = (click.Form["comment"] ?? click.Form["input"])?.GetValueKind() == JsonValueKind.String
            ? (click.Form["comment"] ?? click.Form["input"])!.GetValue<string>().Trim()
            : null;
        return string.IsNullOrEmpty(text) ? null : text.Length > ApprovalTransitionRow.MaxCommentLength ? text[..ApprovalTransitionRow.MaxCommentLength] : text;
    }

    [LoggerMessage(EventId = LogEvents.ApprovalCardClicksDecidedElsewhere, Level = LogLevel.Information, Message = "Approval {ApprovalId}: task {TaskId} was clicked on its card but {Platform} says it is no longer pending (code {Code}); shown as decided elsewhere.")]
    private static partial void LogDecidedElsewhere(ILogger logger, string approvalId, string taskId, string platform, string code);

    [LoggerMessage(EventId = LogEvents.ApprovalCardClicksDecideSlow, Level = LogLevel.Warning, Message = "Approval {ApprovalId}: deciding task {TaskId} from its card did not finish within the card's time budget; events and reconciliation settle it.")]
    private static partial void LogDecideSlow(ILogger logger, string approvalId, string taskId);

    [LoggerMessage(EventId = LogEvents.ApprovalCardClicksDecideFailed, Level = LogLevel.Warning, Message = "Approval {ApprovalId}: deciding task {TaskId} from its card failed (code {Code}, request id {RequestId}); the card is unchanged.")]
    private static partial void LogDecideFailed(ILogger logger, string approvalId, string taskId, string code, string? requestId);
}
