namespace Larkway.Hub.Notifications.Types;

/// <summary>
/// A notification type as data: its switch, its card template, sample data for previews and checks, and the
/// recipients it always goes to. Seeded from the built-in pack on first start; users change or add their own.
/// </summary>
public sealed class NotificationTypeRow
{
    /// <summary>The type's name (e.g. <c>purchase_order.created</c>), as callers send it.</summary>
    public string Name { get; set; } = "";

    /// <summary>What it announces, for people.</summary>
    public string Description { get; set; } = "";

    /// <summary>The switch: when off, notifications of this type are accepted and not sent.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The card JSON, with Handlebars placeholders in its strings.</summary>
    public string Template { get; set; } = "";

    /// <summary>Sample data (JSON) the template is checked and previewed with.</summary>
    public string SampleData { get; set; } = "{}";

    /// <summary>A JSON array of recipients (placeholders allowed: <c>{"email": "{{requester.email}}"}</c>) added to the caller's.</summary>
    public string Recipients { get; set; } = "[]";

    /// <summary>
    /// What the card's buttons do, a JSON object keyed by the button value's <c>action</c>: <c>{"approve": {"toast": {"type",
    /// "content"}, "card": {…after-card template…}, "decision": "approved"}}</c>.
    /// </summary>
    public string Actions { get; set; } = "{}";

    /// <summary>When last changed.</summary>
    public DateTimeOffset UpdatedAt { get; set; }
}
