using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Hub.Bots;
using Larkway.Hub.Notifications.Actions;
using Larkway.Hub.Notifications.Types;
using Larkway.Hub.Platform;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Approvals.Cards;

/// <summary>
/// A notification type's action with an <c>approval</c> (the procurement pack's <c>payment.pending</c> → "Request
/// approval"): the click opens an approval for what the notification is about, on the platform of the notification's
/// app. The applicant is the clicker — the person who asks is the one the platform shows as applicant, and needs no
/// configuration. The definition (<c>definition</c>, or its older name <c>approval_code</c>), title,
/// reference and form values are the action's templates over the notification's data. One approval per notification
/// and action (its idempotency key), whoever clicks and however often; it belongs to the notification's caller (its
/// API key sees it), is linked to the notification, and its outcome re-renders the notification's card.
/// </summary>
internal sealed partial class ApprovalRequestAction(
    ApprovalStore store,
    ApprovalDefinitions definitions,
    ApprovalSubmissions submissions,
    ApprovalPlatforms platforms,
    ILogger<ApprovalRequestAction> logger,
    Microsoft.Extensions.Options.IOptions<ApprovalOptions>? options = null) : INotificationCardHandler
{
    public bool Handles(NotificationCardClick click) => click?.Action?.Approval is not null;

    public async Task<CardClickAnswer> HandleAsync(NotificationCardClick click, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(click);
        var notification = click.Notification;
        var action = click.Action!;
        if (click.OperatorId.Length == 0)
        {
            return CardClickAnswer.WithToast(CardToastKind.Error, "The platform did not say who clicked, so no approval was requested.");
        }

        var (platform, unusable) = await platforms.ForAppAsync(notification.App, cancellationToken).ConfigureAwait(false);
        if (platform is null)
        {
            LogFormInvalid(logger, notification.Type, action.Name, notification.Id, unusable!);
            return CardClickAnswer.WithToast(CardToastKind.Error, "The approval could not be requested: " + unusable);
        }

        var values = NotificationTypeAction.Context(notification.Data, action.Name, click.Context.Operator, click.Form);
        ApprovalRequest request;
        try
        {
            request = Request(action.Approval!, values, notification, action.Name, platform.Piece.PersonIdTypes[0], click.OperatorId);
        }
        catch (CardTemplateException ex)
        {
            LogNotRendered(logger, notification.Type, action.Name, notification.Id, ex.Message);
            return CardClickAnswer.WithToast(CardToastKind.Error, "The approval could not be prepared from this notification's data; the Hub's log says why.");
        }

        // A Hub-level definition name (a type's action written once for every platform) is the code of the notification's app.
        if (options is not null)
        {
            if (options.Value.DefinitionFor(request.Definition, request.App, out var unmapped) is not { } code)
            {
                LogFormInvalid(logger, notification.Type, action.Name, notification.Id, unmapped!);
                return CardClickAnswer.WithToast(CardToastKind.Error, "The approval could not be requested: " + unmapped);
            }

            request = request with { Definition = code };
        }

        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(ApprovalCardClicks.Budget);
        try
        {
            if (await store.FindExistingAsync(request, notification.Caller, budget.Token).ConfigureAwait(false) is { } existing)
            {
                return Answered(action, values, existing.Approval, notification.Id, notification.Type, alreadyThere: true);
            }

            var (problems, display, name) = await CheckAsync(request, platform, budget.Token).ConfigureAwait(false);
            if (problems.Length > 0)
            {
                LogFormInvalid(logger, notification.Type, action.Name, notification.Id, problems);
                return CardClickAnswer.WithToast(CardToastKind.Error, "The approval could not be requested: " + problems);
            }

            var applicant = new ApprovalApplicant(platform.Name, click.OperatorId, null);
            var created = await store.CreateAsync(request with { FormDisplay = display, ApprovalName = name }, notification.Caller, applicant, ApprovalSubmissions.InlineOwner, budget.Token).ConfigureAwait(false);
            var approval = created.Status == ApprovalCreateStatus.Created
                ? await submissions.SubmitNowAsync(created, budget.Token).ConfigureAwait(false)
                : created.Approval;
            LogRequested(logger, approval.Id, notification.Id);
            return Answered(action, values, approval, notification.Id, notification.Type, alreadyThere: created.Status != ApprovalCreateStatus.Created);
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Stored or not: a stored one is created by the submitter (never twice); a click again answers from the store.
            LogRequestFailed(logger, notification.Id, "-1");
            return CardClickAnswer.WithToast(CardToastKind.Info, $"{platform.Display} is slow to answer; the approval is being requested. Click again in a moment to see where it stands.");
        }
        catch (Exception ex) when (platform.Piece.Failure(ex) is { } failure && !cancellationToken.IsCancellationRequested)
        {
            // Nothing stored yet, or stored and left to the submitter: a later click answers from the store.
            LogRequestFailed(logger, notification.Id, failure.Failure.CodeText);
            return CardClickAnswer.WithToast(CardToastKind.Error, $"{platform.Display} did not answer in time (code {failure.Failure.CodeText}). Click again in a moment.");
        }
    }

    /// <summary>The approval request the action's templates make from the notification (applicant: the clicker).</summary>
    internal static ApprovalRequest Request(JsonObject approval, JsonElement values, Notifications.NotificationRow notification, string actionName, string clickerType, string clicker)
    {
        var rendered = CardTemplate.Render(approval, values).AsObject();
        var key = $"notification:{notification.Id}:{actionName}";
        var form = rendered["form"] as JsonObject ?? [];
        var definition = (rendered["definition"] ?? rendered["approval_code"])?.GetValue<string>()
            ?? throw new CardTemplateException("approval.definition", "the action's approval names no definition (definition, or approval_code).");
        return new ApprovalRequest(key, definition, clickerType, clicker, form.ToJsonString(),

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
    /// self-select nodes is refused here with what it needs rather than by the platform after the approval is stored.
    /// </summary>
    private async Task<(string Problems, string? Display, string? Name)> CheckAsync(ApprovalRequest request, ApprovalPlatform platform, CancellationToken cancellationToken)
    {
        ApprovalDefinitionShape definition;
        try
        {
            definition = await definitions.GetAsync(platform, request.App, request.Definition, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (platform.Piece.Failure(ex) is { Transient: false } refused)
        {
            return ($"definition: {platform.Display} refused it ({refused.Failure.Message}, code {refused.Failure.CodeText}).", null, null);
        }

        using var form = JsonDocument.Parse(request.Form);
        var check = definition.CheckForm(form.RootElement);
        var problems = check.Problems.Concat(ApprovalApprovers.Check(request.Approvers, definition));
        return (string.Join("; ", problems.Select(p => $"{p.Field}: {p.Message}")), ApprovalFormDisplay.Serialize(check.Display), definition.Name);
    }

    /// <summary>The action's own toast / after-card when it has them (with <c>approval</c> in the values), else a plain toast.</summary>
    private CardClickAnswer Answered(NotificationTypeAction action, JsonElement values, ApprovalRow approval, string notificationId, string type, bool alreadyThere)
    {
        var message = approval.Status switch
        {
            ApprovalState.Failed => $"{Apps.HubAppPlatform.Display(approval.Platform)} refused the approval: {approval.ErrorMessage} (code {ApprovalWire.Failure(approval)?.Code.ToString() ?? "none"}).",
            _ when alreadyThere => $"An approval was already requested for this ({ApprovalTransitions.WireName(approval.Status)}).",
            _ => $"Approval requested: the approvers got it in {Apps.HubAppPlatform.Display(approval.Platform)}.",
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
    private static partial void LogRequestFailed(ILogger logger, string notificationId, string code);
}
