using System.Diagnostics.Metrics;

namespace Larkway.Hub.Platform.Observability;

/// <summary>
/// Cards the Hub renders from templates — a notification type's card from the caller's data, a card action's
/// after-card, an approval's card — counted by where and how it ended: the success metric "card rendering 100 %".
/// </summary>
public sealed class CardTelemetry
{
    /// <summary>A notification type's template rendered with a caller's data.</summary>
    public const string Notification = "notification";

    /// <summary>The after-card of a notification type's card action.</summary>
    public const string NotificationAction = "notification_action";

    /// <summary>An approval's card for an approver.</summary>
    public const string Approval = "approval";

    /// <summary>An alert's card (<c>larkway.alert</c>).</summary>
    public const string Alert = "alert";

    private readonly Counter<long> _rendered;

    public CardTelemetry(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _rendered = meters.Create("Larkway").CreateCounter<long>(
            "larkway.hub.cards.rendered", "{card}", "Cards rendered from templates, by source and outcome (rendered: a valid card; failed: the template did not render or the card was not valid).");
    }

    /// <summary>Counts one card: <paramref name="ok"/> when it rendered to a valid card.</summary>
    public void Rendered(string source, bool ok) =>
        _rendered.Add(1, new KeyValuePair<string, object?>("larkway.card.source", source), new KeyValuePair<string, object?>("outcome", ok ? "rendered" : "failed"));
}
