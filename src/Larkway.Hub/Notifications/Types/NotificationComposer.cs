using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Feishu.Cards;

namespace Larkway.Hub.Notifications.Types;

/// <summary>
/// Applies the notification type to a request: its switch, and — when the caller sent no card — its template
/// rendered with the caller's data and its recipients added to the caller's. The rendered card is validated here,
/// before anything is stored.
/// </summary>
internal sealed class NotificationComposer(NotificationTypeStore types, Platform.Observability.CardTelemetry cards, NotificationChannels? channels = null)
{
    /// <param name="request">The parsed request.</param>
    /// <param name="forUpdate">An update of a notification already accepted: the switch does not apply (a card already sent is kept current).</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    public Task<ComposeResult> ComposeAsync(NotificationRequest request, bool forUpdate, CancellationToken cancellationToken) =>
        ComposeAsync(request, forUpdate, checkOnly: false, cancellationToken);

    /// <param name="request">The parsed request.</param>
    /// <param name="forUpdate">An update of a notification already accepted: the switch does not apply.</param>
    /// <param name="checkOnly">The request is refused anyway (its other problems are being collected): no card is counted.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    public async Task<ComposeResult> ComposeAsync(NotificationRequest request, bool forUpdate, bool checkOnly, CancellationToken cancellationToken)
    {
        var type = await types.GetAsync(request.Type, cancellationToken).ConfigureAwait(false);
        if (type is { Enabled: false } && !forUpdate)
        {
            return ComposeResult.Disabled;
        }

        if (request.ContentKind != NotificationRequest.FromType)
        {
            return new ComposeResult(request, []);
        }

        if (type is null)
        {
            return Problem("type", $"No notification type '{request.Type}' is defined on this Hub: send the card itself in 'card' (or 'feishu_template'), or define the type (PUT /api/v1/notification-types/{request.Type}).");
        }

        var problems = new List<NotificationProblem>();
        using var data = JsonDocument.Parse(request.Data);
        var rendered = NotificationTypeDefinition.RenderCard(JsonNode.Parse(type.Template)!, data.RootElement, "data", problems);
        var card = rendered is null ? null : NotificationRequest.Shared(rendered.ToJsonString());
        if (card is not null && Encoding.UTF8.GetByteCount(card) > NotificationLimits.MaxContentBytes)
        {
            problems.Add(new("data", $"With this data the card is larger than Feishu's {NotificationLimits.MaxContentBytes / 1024} KB."));
        }

        // Counted once the card is known good or bad; recipient problems are the caller's, not the card's. Data that leaves a
        // placeholder empty or makes the card invalid is a refused request (400), not a failed render: only a template that
        // fails whatever the data counts as failed, so the "card rendering" objective measures the types, not the callers.
        if (!checkOnly)
        {
            if (problems.Exists(p => IsTemplateFault(p.Field)))
            {
                cards.Rendered(Platform.Observability.CardTelemetry.Notification, ok: false);
            }
            else if (problems.Count == 0)
            {
                cards.Rendered(Platform.Observability.CardTelemetry.Notification, ok: true);
            }
        }

        var typeRecipientsTemplate = JsonNode.Parse(type.Recipients)!.AsArray();
        var typeRecipients = NotificationTypeDefinition.RenderRecipients(typeRecipientsTemplate, data.RootElement, "data", problems, channels?.RecipientTypes);
        var recipients = request.Recipients.Concat(typeRecipients).Distinct().ToList();
        if (recipients.Count == 0 && typeRecipientsTemplate.Count == 0)
        {
            problems.Add(new("recipients", $"Nobody to send to: the type '{type.Name}' names no recipients, so send them in 'recipients'."));
        }
        else if (recipients.Count > NotificationLimits.MaxRecipients)
        {
            problems.Add(new("recipients", $"At most {NotificationLimits.MaxRecipients} recipients per notification, the type's included."));
        }

        return problems.Count > 0
            ? new ComposeResult(null, problems)
            : new ComposeResult(request with { ContentKind = "card", Content = card!, Recipients = recipients }, []);
    }

    /// <summary>A problem of the type's template itself (<see cref="NotificationTypeDefinition.RenderCard"/> names them <c>template…</c>).</summary>
    private static bool IsTemplateFault(string field) =>
        field == "template" || field.StartsWith("template.", StringComparison.Ordinal) || field.StartsWith("template[", StringComparison.Ordinal);

    private static ComposeResult Problem(string field, string message) => new(null, [new(field, message)]);
}

/// <summary>The request ready to store, or the problems, or that the type is switched off.</summary>
internal sealed record ComposeResult(NotificationRequest? Request, IReadOnlyList<NotificationProblem> Problems, bool IsDisabled = false)
{
    public static ComposeResult Disabled { get; } = new(null, [], IsDisabled: true);
}
