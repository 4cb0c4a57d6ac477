using Microsoft.AspNetCore.Http;

namespace Larkway.Hub.AdminConsole;

/// <summary>One page of the console's menu: its label and address.</summary>
internal sealed record ConsoleMenuLink(string Text, string Href)
{
    /// <summary>
    /// Whether <paramref name="path"/> is this page or one below it (a notification's page is under Notifications); the
    /// dashboard, at the console's root, only itself.
    /// </summary>
    public bool IsCurrent(PathString path) =>
        Href == ConsoleSite.Path
            ? path.Equals(ConsoleSite.Path, StringComparison.OrdinalIgnoreCase) || path.Equals(ConsoleSite.Path + "/", StringComparison.OrdinalIgnoreCase)
            : path.StartsWithSegments(Href, StringComparison.OrdinalIgnoreCase);
}

/// <summary>A group of the menu: a dropdown under one word, so the bar stays one row at 1280 px with room for more pages.</summary>
internal sealed record ConsoleMenuGroup(string Text, IReadOnlyList<ConsoleMenuLink> Links)
{
    /// <summary>The page of this group <paramref name="path"/> is on, if any.</summary>
    public ConsoleMenuLink? Current(PathString path) => Links.FirstOrDefault(l => l.IsCurrent(path));
}

/// <summary>
/// The console's menu. Grouped by what a person comes to do: messages people get (and what they answer), who the people
/// are and who may administer, what connects to the Hub (platform apps, business systems), and how the Hub is doing.
/// </summary>
internal static class ConsoleMenu
{
    public static readonly IReadOnlyList<ConsoleMenuGroup> Groups =
    [
        new("Messaging",
        [
            new("Notifications", "/console/notifications"),
            new("Notification types", "/console/types"),
            new("Approvals", "/console/approvals"),
            new("Assistants", "/console/assistants"),
            new("Customer service", "/console/customer-service"),
            new("Events", "/console/events"),
        ]),
        new("People",
        [
            new("Directory", "/console/directory"),
            new("Sign-in apps", "/console/sign-in-apps"),
            new("Sign-in sessions", "/console/sign-in-sessions"),
            new("Administrators", "/console/administrators"),
        ]),
        new("Integrations",
        [
            new("Apps", "/console/apps"),
            new("API keys", "/console/api-keys"),
            new("Webhooks", "/console/webhooks"),
            new("Bitable syncs", "/console/bitable-syncs"),
            new("Knowledge syncs", "/console/knowledge-syncs"),
            new("API reference", ConsoleSite.ApiReferencePath),
        ]),
        new("Operations",
        [
            new("Dashboard", ConsoleSite.Path),
            new("Alerts", "/console/alerts"),
            new("Audit log", "/console/audit"),
        ]),
    ];
}
