using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Feishu.Cards;
using Larkway.Hub.Notifications;
using Larkway.Hub.Notifications.Types;
using Larkway.Hub.Platform.Observability;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Alerts;

/// <summary>
/// Submits an alert's notices (opened, cleared) as notifications of the built-in type <c>larkway.alert</c>, through the
/// notifications pipeline: rendered from the type's template (editable, and switchable off, in the console), queued in
/// the outbox, sent by its sender with a stable message uuid. The idempotency key comes from the alert row's id, so a
/// notice is one notification however often it is submitted. It is submitted as any caller's notification is
/// (<see cref="NotificationService"/>): a person, or an email of one, goes to the platform their routing picks.
/// </summary>
internal sealed class AlertNotifier(
    NotificationService notifications,
    NotificationComposer composer,
    NotificationTypeStore types,
    CardTelemetry cards,
    IOptions<AlertOptions> options)
{
    /// <summary>The notification type of alert cards.</summary>
    public const string AlertType = "larkway.alert";

    /// <summary>The caller notifications of alerts are recorded under.</summary>
    public const string Caller = "hub:alerts";

    /// <summary>What happened to a notice: the notification's id, or why there is none.</summary>
    public readonly record struct Outcome(string? NotificationId, string? Problem);

    public async Task<Outcome> SubmitAsync(AlertRow alert, AlertRule? rule, bool cleared, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var o = options.Value;
        var recipient = o.NotificationRecipient();
        var data = Data(alert, rule, cleared).ToJsonString();
        var key = $"alert-{alert.Id.ToString(CultureInfo.InvariantCulture)}-{(cleared ? "cleared" : "opened")}";
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key + "\n" + data)));
        var app = o.App is { Length: > 0 } a && !Apps.HubAppRegistry.IsDefault(a) ? a : null;
        NotificationRecipient[] recipients = recipient is null ? [] : [recipient];

        var type = await types.GetAsync(AlertType, cancellationToken).ConfigureAwait(false);
        NotificationRequest request;
        if (type is null)
        {
            // Deleted by an administrator: the built-in card still goes to the configured recipient.
            if (recipient is null)
            {
                return new(null, "No recipient: set Larkway:Alerts:Recipient (ChatId, Email or OpenId).");
            }

            using var document = JsonDocument.Parse(data);
            var card = CardTemplate.Render(JsonNode.Parse(Template)!, document.RootElement);
            var errors = CardValidator.Validate(card).Errors;
            cards.Rendered(CardTelemetry.Alert, ok: errors.Count == 0);
            if (errors.Count > 0)
            {
                return new(null, "The built-in alert card is not valid: " + string.Join("; ", errors.Select(e => $"{e.Path}: {e.Message}")));
            }

            request = new NotificationRequest(AlertType, key, "card", NotificationRequest.Shared(card.ToJsonString()), recipients, hash) { Data = data, App = app };
        }
        else
        {
            if (recipient is null && type.Recipients is "[]" or "")
            {
                return new(null, "No recipient: set Larkway:Alerts:Recipient (ChatId, Email or OpenId), or give the larkway.alert type recipients in the console.");
            }

            var composed = await composer.ComposeAsync(
                new NotificationRequest(AlertType, key, NotificationRequest.FromType, "", recipients, hash) { Data = data, App = app }, forUpdate: false, cancellationToken).ConfigureAwait(false);
            if (composed.IsDisabled)
            {
                return new(null, "The notification type larkway.alert is switched off in the console.");
            }

            if (composed.Request is null)
            {
                return new(null, "The larkway.alert card could not be made: " + string.Join("; ", composed.Problems.Select(p => $"{p.Field}: {p.Message}")));
            }

            request = composed.Request;
        }

        // Created, or found under its key (submitted before, perhaps worded differently after a restart): that one stands.
        var submitted = await notifications.SubmitAsync(request, AlertCaller, cancellationToken).ConfigureAwait(false);
        return submitted.Outcome switch
        {
            NotificationSubmitOutcome.Disabled => new(null, "The notification type larkway.alert is switched off in the console."),
            NotificationSubmitOutcome.Invalid => new(null, "The alert card cannot go to the configured recipient: " + string.Join("; ", submitted.Problems.Select(p => $"{p.Field}: {p.Message}"))),
            _ when submitted.Id is { } id => new(id, null),
            _ => new(null, submitted.Failure?.Message ?? "The platform could not be asked; the next notice tries again."),
        };
    }

    /// <summary>The alerts as a caller of the notifications service: an admin, whose notifications the admin key lists.</summary>
    private static readonly Platform.Auth.HubCaller AlertCaller = new(Caller, IsAdmin: true, Types: null);

    /// <summary>The values the alert card's template renders.</summary>
    internal static JsonObject Data(AlertRow alert, AlertRule? rule, bool cleared)
    {
        var title = rule?.Title ?? alert.Rule;
        return new JsonObject
        {
            ["alert"] = new JsonObject
            {
                ["id"] = alert.Id,
                ["rule"] = alert.Rule,
                ["title"] = title,
                ["state"] = cleared ? "cleared" : "firing",
                ["headline"] = cleared ? $"Cleared: {title}" : $"Alert: {title}",
                ["color"] = cleared ? "green" : "red",
                ["detail"] = cleared ? alert.ClearedDetail ?? "" : alert.Detail,
                ["opened_at"] = Time(alert.OpenedAt),
                ["cleared_at"] = alert.ClearedAt is { } at ? Time(at) : "",
                ["when"] = cleared && alert.ClearedAt is { } c ? $"Opened {Time(alert.OpenedAt)}, cleared {Time(c)}" : $"Since {Time(alert.OpenedAt)}",
            },
        };
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>The built-in type's card template.</summary>
    internal const string Template = """
        {
          "config": { "wide_screen_mode": true },
          "header": { "template": "{{alert.color}}", "title": { "tag": "plain_text", "content": "{{alert.headline}}" } },
          "elements": [
            { "tag": "div", "text": { "tag": "plain_text", "content": "{{alert.detail}}" } },
            { "tag": "note", "elements": [ { "tag": "plain_text", "content": "{{alert.when}} · rule {{alert.rule}} · Larkway Hub console: Alerts" } ] }
          ]
        }
        """;

    /// <summary>The built-in type as a row (the console lists it with the others; an administrator may edit it or switch it off).</summary>
    internal static NotificationTypeRow TypeRow() => new()
    {
        Name = AlertType,
        Description = "The Hub's own alerts (Larkway:Alerts): a rule breached, and when it cleared.",
        Enabled = true,
        Template = JsonNode.Parse(Template)!.ToJsonString(),
        SampleData = Data(new AlertRow { Id = 1, Rule = AlertRule.ApiErrorRate.Name, OpenedAt = DateTimeOffset.UnixEpoch, Detail = "2.4 % of 250 Open Platform calls failed in the last 5 min (6 errors; threshold 0.5 %, at least 20 calls)." }, AlertRule.ApiErrorRate, cleared: false).ToJsonString(),
        Recipients = "[]",
        Actions = "{}",
    };
}

/// <summary>Adds the built-in <c>larkway.alert</c> type once (so a type an administrator deleted stays deleted).</summary>
internal sealed class AlertTypeStartup(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer, IHubStorageProvider provider, TimeProvider time) : IHostedService
{
    /// <summary>The <c>hub_settings</c> row that records that the type was added.</summary>
    public const string Setting = "alert_type_loaded";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            if (await db.Settings.AnyAsync(s => s.Name == Setting, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            var now = time.GetUtcNow();
            if (!await db.NotificationTypes.AnyAsync(t => t.Name == AlertNotifier.AlertType, cancellationToken).ConfigureAwait(false))
            {
                var row = AlertNotifier.TypeRow();
                row.UpdatedAt = now;
                db.NotificationTypes.Add(row);
            }

            db.Settings.Add(new HubSetting { Name = Setting, Value = AlertNotifier.AlertType, UpdatedAt = now });
            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateException ex) when (provider.IsUniqueViolation(ex))
            {
                // Another replica added it at the same moment.
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
