using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Feishu;
using Larkway.Feishu.Approval;
using Larkway.Hub.Bots;
using Larkway.Hub.Notifications.Actions;
using Larkway.Hub.Notifications.Types;
using Larkway.Hub.Platform;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Approvals.Cards;

/// <summary>
/// A notification type's action with an <c>approval</c> (the procurement pack's <c>payment.pending</c> → "Request
/// approval"): the click opens an approval for what the notification is about. The applicant is the clicker — the
/// person who asks is the one Feishu shows as applicant, and needs no configuration. The approval code, title,
/// reference and form values are the action's templates over the notification's data. One approval per notification
/// and action (its idempotency key), whoever clicks and however often; it belongs to the notification's caller (its
/// API key sees it), is linked to the notification, and its outcome re-renders the notification's card.
/// </summary>
internal sealed partial class ApprovalRequestAction(
    ApprovalStore store,
    ApprovalDefinitions definitions,
    ApprovalSubmissions submissions,
    ILogger<ApprovalRequestAction> logger) : INotificationCardHandler
{
    public bool Handles(NotificationCardClick click) => click?.Action?.Approval is not null;

    public async Task<CardClickAnswer> HandleAsync(NotificationCardClick click, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(click);
        var notification = click.Notification;
        var action = click.Action!;
        if (click.OperatorId.Length == 0)
        {
            return CardClickAnswer.WithToast(CardToastKind.Error, "Feishu did not say who clicked, so no approval was requested.");
        }

        var values = NotificationTypeAction.Context(notification.Data, action.Name, click.Context.Operator, click.Form);
        ApprovalRequest request;
        try
        {
            request = Request(action.Approval!, values, notification, action.Name, click.OperatorId);
        }
        catch (CardTemplateException ex)
        {
            LogNotRendered(logger, notification.Type, action.Name, notification.Id, ex.Message);
            return CardClickAnswer.WithToast(CardToastKind.Error, "The approval could not be prepared from this notification's data; the Hub's log says why.");
        }

        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(ApprovalCardClicks.Budget);
        try
        {
            if (await store.FindExistingAsync(request, notification.Caller, budget.Token).ConfigureAwait(false) is { } existing)
            {
                return Answered(action, values, existing.Approval, notification.Id, notification.Type, alreadyThere: true);
            }

            var (problems, display, name) = await CheckAsync(request, budget.Token).ConfigureAwait(false);
            if (problems.Length > 0)
            {
                LogFormInvalid(logger, notification.Type, action.Name, notification.Id, problems);
                return CardClickAnswer.WithToast(CardToastKind.Error, "The approval could not be requested: " + problems);
            }

            var created = await store.CreateAsync(request with { FormDisplay = display, ApprovalName = name }, notification.Caller, click.OperatorId, ApprovalSubmissions.InlineOwner, budget.Token).ConfigureAwait(false);
            var approval = created.Status == ApprovalCreateStatus.Created
                ? await submissions.SubmitNowAsync(created, budget.Token).ConfigureAwait(false)
                : created.Approval;
            LogRequested(logger, approval.Id, notification.Id);
            return Answered(action, values, approval, notification.Id, notification.Type, alreadyThere: created.Status != ApprovalCreateStatus.Created);
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Stored or not: a stored one is created by the submitter (same uuid); a click again answers from the store.
            LogRequestFailed(logger, notification.Id, -1);
            return CardClickAnswer.WithToast(CardToastKind.Info, "Feishu is slow to answer; the approval is being requested. Click again in a moment to see where it stands.");
        }
        catch (Exception ex) when (ApprovalBridge.Failure(ex) is { } failure && !cancellationToken.IsCancellationRequested)
        {
            // Nothing stored yet, or stored and left to the submitter (same uuid): a later click answers from the store.
            LogRequestFailed(logger, notification.Id, failure.Failure.Code);
            return CardClickAnswer.WithToast(CardToastKind.Error, $"Feishu did not answer in time (code {failure.Failure.Code}). Click again in a moment.");
        }
    }

    /// <summary>The approval request the action's templates make from the notification (applicant: the clicker).</summary>
    internal static ApprovalRequest Request(JsonObject approval, JsonElement values, Notifications.NotificationRow notification, string actionName, string clicker)
    {
        var rendered = CardTemplate.Render(approval, values).AsObject();
        var key = $"notification:{notification.Id}:{actionName}";
        var form = rendered["form"] as JsonObject ?? [];
        return new ApprovalRequest(key, rendered["approval_code"]!.GetValue<string>(), "open_id", clicker, form.ToJsonString(),

            // The request's meaning is the notification and action: a second click (by anyone) is a retry, not a conflict.
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key))))
        {
            Title = Text(rendered, "title", ApprovalLimits.MaxTitleLength),
            Reference = Text(rendered, "reference", ApprovalLimits.MaxReferenceLength),
            App = notification.App,
            NotificationId = notification.Id,
        };
    }

    /// <summary>
    /// The request checked against the definition as the API checks it ("form.amount: …; approvers.approvers: …", or empty),
    /// the form as people read it and the definition's name. A card action names no approvers, so a definition with
    /// self-select nodes is refused here with what it needs rather than by Feishu after the approval is stored.
    /// </summary>
    private async Task<(string Problems, string? Display, string? Name)> CheckAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        ApprovalDefinition definition;
        try
        {
            definition = await definitions.GetAsync(request.App, request.ApprovalCode, cancellationToken).ConfigureAwait(false);
        }
        catch (FeishuApiException ex) when (!ex.IsTransient)
        {
            return ($"approval_code: Feishu refused it ({ex.ErrorMessage}, code {ex.Code}).", null, null);
        }

        var check = ApprovalDefinitionCheck.Of(request, definition);
        return (string.Join("; ", check.Problems.Select(p => $"{p.Field}: {p.Message}")), check.FormDisplay, check.ApprovalName);
    }

    /// <summary>The action's own toast / after-card when it has them (with <c>approval</c> in the values), else a plain toast.</summary>
    private CardClickAnswer Answered(NotificationTypeAction action, JsonElement values, ApprovalRow approval, string notificationId, string type, bool alreadyThere)
    {
        var message = approval.Status switch
        {
            ApprovalState.Failed => $"Feishu refused the approval: {approval.ErrorMessage} (code {approval.ErrorCode}).",
            _ when alreadyThere => $"An approval was already requested for this ({ApprovalTransitions.WireName(approval.Status)}).",
            _ => "Approval requested: the approvers got it in Feishu.",
        };
        var toastType = approval.Status == ApprovalState.Failed ? CardToastKind.Error : alreadyThere ? CardToastKind.Info : CardToastKind.Success;
        if (alreadyThere || approval.Status == ApprovalState.Failed || (action.ToastContent is null && action.Card is null))
        {
            return CardClickAnswer.WithToast(toastType, message);
        }

        var context = JsonNode.Parse(values.GetRawText())!.AsObject();
        context["approval"] = new JsonObject { ["id"] = approval.Id, ["status"] = ApprovalTransitions.WireName(approval.Status) };
        try
        {
            var (response, problems) = (action with { Approval = null }).Answer(JsonSerializer.SerializeToElement(context), notificationId, type);
            if (problems.Count > 0)
            {
                LogNotRendered(logger, type, action.Name, notificationId, string.Join("; ", problems));
            }

            return response.Toast is null ? response with { Toast = new CardToast(CardToastKind.Success, message) } : response;
        }
        catch (CardTemplateException ex)
        {
            LogNotRendered(logger, type, action.Name, notificationId, ex.Message);
            return CardClickAnswer.WithToast(toastType, message);
        }
    }

    private static string? Text(JsonObject rendered, string field, int max) =>
        rendered[field] is JsonValue v && v.GetValue<string>() is { Length: > 0 } s ? (s.Length > max ? s[..max] : s) : null;

    [LoggerMessage(EventId = LogEvents.ApprovalRequestActionRequested, Level = LogLevel.Information, Message = "Approval {ApprovalId} was requested from a card of notification {NotificationId}.")]
    private static partial void LogRequested(ILogger logger, string approvalId, string notificationId);

    [LoggerMessage(EventId = LogEvents.ApprovalRequestActionNotRendered, Level = LogLevel.Warning, Message = "Notification type '{Type}', action '{Action}' (notification {NotificationId}): the approval's templates did not render ({Problem}).")]
    private static partial void LogNotRendered(ILogger logger, string type, string action, string notificationId, string problem);

    [LoggerMessage(EventId = LogEvents.ApprovalRequestActionFormInvalid, Level = LogLevel.Warning, Message = "Notification type '{Type}', action '{Action}' (notification {NotificationId}): the approval's form does not fit the definition ({Problems}).")]
    private static partial void LogFormInvalid(ILogger logger, string type, string action, string notificationId, string problems);

    [LoggerMessage(EventId = LogEvents.ApprovalRequestActionRequestFailed, Level = LogLevel.Warning, Message = "Requesting an approval from a card of notification {NotificationId} failed (code {Code}).")]
    private static partial void LogRequestFailed(ILogger logger, string notificationId, int code);
}
