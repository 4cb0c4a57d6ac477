using Larkway.Hub.Alerts;
using Larkway.Hub.Apps;
using Larkway.Hub.Notifications;
using Larkway.Hub.Platform.Queue;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.AdminConsole.Pages;

internal sealed class AlertsModel(AlertStore alerts, IOptions<AlertOptions> options, AlertRules rules) : PageModel
{
    public const int Limit = 100;

    public IReadOnlyList<AlertListItem> Items { get; private set; } = [];

    public IReadOnlyList<AlertRuleSettings> Rules { get; private set; } = [];

    public AlertOptions Options => options.Value;

    /// <summary>Who gets the cards, in words.</summary>
    public string RecipientText => options.Value.NotificationRecipient() is { } r
        ? $"{r.Type} {r.Value}" + (options.Value.App is { Length: > 0 } app && !HubAppRegistry.IsDefault(app) ? $" (app {app})" : $" (app {HubAppService.DefaultAppName})")
        : "nobody: no Larkway:Alerts:Recipient is set (or the larkway.alert type's own recipients, if it has some)";

    public async Task OnGetAsync()
    {
        Rules = options.Value.ResolvedRules(rules);
        Items = await alerts.ListAsync(Limit, HttpContext.RequestAborted).ConfigureAwait(false);
    }

    public string Title(string rule) => rules.Find(rule)?.Title ?? rule;

    /// <summary>A notice's state: its notification's delivery, or why there is none.</summary>
    public static (string Css, string Text) Notice(string? notificationId, string? problem, IReadOnlyList<(WorkState State, string? Error)> deliveries, bool due)
    {
        if (problem is not null)
        {
            return ("status-failed", "not posted: " + problem);
        }

        if (notificationId is null)
        {
            return due ? ("status-pending", "to be posted at the next evaluation") : ("status", "—");
        }

        if (deliveries.Count == 0)
        {
            return ("status-pending", "queued");
        }

        var states = deliveries.Select(d => d.State).Distinct().ToList();
        var text = string.Join(", ", states.Select(NotificationWire.StatusName));
        var error = deliveries.FirstOrDefault(d => d.State is WorkState.Retrying or WorkState.DeadLetter).Error;
        var css = "status-" + NotificationWire.StatusName(states.Count == 1 ? states[0] : WorkState.InProgress);
        return (css, error is null ? text : $"{text} ({error})");
    }
}
