using Larkway.Hub.Apps;
using Larkway.Hub.Directory;
using Larkway.Hub.Directory.Links;

namespace Larkway.Hub.Notifications.Routing;

/// <summary>
/// One way to reach a person: the platform, the Hub app that sends there (null: the notification's own app; <c>""</c>:
/// the default Feishu app), and the recipient as that platform's sender takes it.
/// </summary>
internal sealed record PersonRoute(string Platform, string? App, string RecipientType, string Recipient);

/// <summary>
/// Turns a person into a route: their preferred platform (or the type's order, or the directory's), the first platform
/// in that order that can reach them — an app of that platform enabled in the Hub and an account there (a link, or an
/// email / mobile number the platform's contacts can look up) —, and after a refusal the next one.
/// </summary>
internal sealed class PersonRouter(PersonLinkStore links, PeopleStore people, HubAppRegistry apps)
{
    /// <summary>The first route for <paramref name="person"/>, or null with the reason when no platform reaches them.</summary>
    public async Task<(PersonRoute? Route, string? Why)> FirstAsync(PersonRow person, string? type, string? notificationApp, CancellationToken cancellationToken) =>
        await NextAsync(person, type, notificationApp, [], cancellationToken).ConfigureAwait(false);

    /// <summary>The first route on a platform not in <paramref name="tried"/>, or null with the reason.</summary>
    public async Task<(PersonRoute? Route, string? Why)> NextAsync(PersonRow person, string? type, string? notificationApp, IReadOnlyCollection<string> tried, CancellationToken cancellationToken)
    {
        if (person.Status != PersonStatus.Active)
        {
            return (null, $"{person.Name} ({person.Id}) is {(person.Status == PersonStatus.Frozen ? "suspended" : "no longer with the company")}: not sent.");
        }

        var settings = await links.RoutingAsync(cancellationToken).ConfigureAwait(false);
        var order = settings.OrderFor(person.PreferredPlatform, type);
        var own = await PlatformOfAsync(notificationApp, cancellationToken).ConfigureAwait(false);
        var personLinks = await links.LinksAsync(person.Id, cancellationToken).ConfigureAwait(false);
        foreach (var platform in order.Where(p => !tried.Contains(p)))
        {
            if (await RouteOnAsync(person, platform, own, notificationApp, settings, personLinks, cancellationToken).ConfigureAwait(false) is { } route)
            {
                return (route, null);
            }
        }

        var left = order.Where(p => !tried.Contains(p)).Select(PersonPlatform.Display).ToList();
        return (null, tried.Count > 0 && left.Count == 0
            ? $"Every platform in {person.Name}'s order ({string.Join(", ", order.Select(PersonPlatform.Display))}) was tried."
            : $"{person.Name} ({person.Id}) cannot be reached on {string.Join(" or ", left.DefaultIfEmpty("any platform"))}: no account linked or found by email or mobile, or no enabled app of that platform in the Hub.");
    }

    /// <summary>The person named by a <c>person</c> recipient, or null.</summary>
    public Task<PersonRow?> FindAsync(string personId, CancellationToken cancellationToken) => people.FindAsync(personId, cancellationToken);

    /// <summary>The active person an email names, when exactly one does.</summary>
    public Task<PersonRow?> FindByEmailAsync(string email, CancellationToken cancellationToken) => links.ActivePersonByEmailAsync(email, cancellationToken);

    /// <summary>The platform whose routes an email of this person starts with (to tell whether routing changes anything).</summary>
    public async Task<string> FirstPlatformAsync(PersonRow person, string? type, CancellationToken cancellationToken) =>
        (await links.RoutingAsync(cancellationToken).ConfigureAwait(false)).OrderFor(person.PreferredPlatform, type)[0];

    private async Task<PersonRoute?> RouteOnAsync(PersonRow person, string platform, string ownPlatform, string? notificationApp,
        RoutingSettings settings, IReadOnlyList<PersonLinkRow> personLinks, CancellationToken cancellationToken)
    {
        // The notification's own app sends on its own platform (App null); another platform's deliveries name their app.
        string? app;
        if (platform == ownPlatform)
        {
            app = null;
        }
        else if (platform == PersonPlatform.Feishu)
        {
            app = "";
        }
        else if (await SenderAppAsync(platform, settings, cancellationToken).ConfigureAwait(false) is { } found)
        {
            app = found;
        }
        else
        {
            return null;
        }

        var appName = app ?? notificationApp ?? "";
        switch (platform)
        {
            case PersonPlatform.Feishu:
                var openId = await links.OpenIdAsync(person.Id, HubAppRegistry.IsDefault(appName) ? "" : appName, cancellationToken).ConfigureAwait(false);
                return openId is not null ? new(platform, app, "open_id", openId)
                    : person.Email is { Length: > 0 } email ? new(platform, app, "email", email.ToLowerInvariant())
                    : person.EnterpriseEmail is { Length: > 0 } work ? new(platform, app, "email", work.ToLowerInvariant())
                    : person.UserId is { Length: > 0 } userId ? new(platform, app, "user_id", userId)
                    : null;
            case PersonPlatform.DingTalk:
                return personLinks.FirstOrDefault(l => l.Platform == platform && l.App == appName) is { } dingTalk ? new(platform, app, "dingtalk_userid", dingTalk.UserId)
                    : person.Mobile is { Length: > 0 } mobile ? new(platform, app, "dingtalk_mobile", mobile)
                    : null;
            case PersonPlatform.WeCom:
                return personLinks.FirstOrDefault(l => l.Platform == platform && l.App == appName) is { } weCom ? new(platform, app, "wecom_userid", weCom.UserId)
                    : (person.EnterpriseEmail ?? person.Email) is { Length: > 0 } address ? new(platform, app, "wecom_email", address.ToLowerInvariant())
                    : person.Mobile is { Length: > 0 } phone ? new(platform, app, "wecom_mobile", phone)
                    : null;
            default:
                return null;
        }
    }

    /// <summary>The app that sends on a platform for notifications of another: the configured one, else the only enabled one.</summary>
    private async Task<string?> SenderAppAsync(string platform, RoutingSettings settings, CancellationToken cancellationToken)
    {
        var all = await apps.AllAsync(cancellationToken).ConfigureAwait(false);
        var usable = all.Where(a => a.Platform == platform && a.Enabled && a.Error is null).Select(a => a.Name).Order(StringComparer.Ordinal).ToList();
        if (settings.Apps.TryGetValue(platform, out var configured))
        {
            return usable.Contains(configured) ? configured : null;
        }

        return usable.Count == 1 ? usable[0] : null;
    }

    /// <summary>The platform of the notification's app (Feishu for the default app).</summary>
    private async Task<string> PlatformOfAsync(string? appName, CancellationToken cancellationToken)
    {
        if (appName is null || HubAppRegistry.IsDefault(appName))
        {
            return PersonPlatform.Feishu;
        }

        var app = await apps.FindAsync(appName, cancellationToken).ConfigureAwait(false);
        return app is { IsDingTalk: true } ? PersonPlatform.DingTalk : app is { IsWeCom: true } ? PersonPlatform.WeCom : PersonPlatform.Feishu;
    }
}
