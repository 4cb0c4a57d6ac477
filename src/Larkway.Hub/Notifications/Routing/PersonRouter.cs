using Larkway.Hub.Platform.Units;
using Larkway.Hub.Apps;
using Larkway.Hub.Directory;
using Larkway.Hub.Directory.Links;

namespace Larkway.Hub.Notifications.Routing;

/// <summary>
/// One way to reach a person: the platform, the Hub app that sends there (null: the notification's own app; <c>""</c>:
/// the default app), and the recipient as that platform's sender takes it.
/// </summary>
internal sealed record PersonRoute(string Platform, string? App, string RecipientType, string Recipient);

/// <summary>
/// Turns a person into a route: their preferred platform (or the type's order, or the directory's), the first platform
/// in that order that can reach them — an app of that platform enabled in the Hub and an account there (a link, or an
/// email / mobile number the platform's contacts can look up) —, and after a refusal the next one.
/// </summary>
internal sealed class PersonRouter(PersonLinkStore links, PeopleStore people, HubAppRegistry apps, RoutingSettingsStore routing, PlatformPieces<IPersonAddressing> addressings, PersonPlatforms platforms)
{
    /// <summary>
    /// Reads at once what routing <paramref name="persons"/> needs for one notification: the settings, the sending apps,
    /// their links and their open_ids; a submit's recipients are then routed without a query each.
    /// </summary>
    public async Task<PersonRoutingBatch> BatchAsync(IReadOnlyCollection<PersonRow> persons, string? notificationApp, CancellationToken cancellationToken)
    {
        var settings = await routing.GetAsync(cancellationToken).ConfigureAwait(false);
        var own = await PlatformOfAsync(notificationApp, cancellationToken).ConfigureAwait(false);
        var senders = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var platform in addressings.All.Where(a => !a.Piece.HasDefaultApp && a.Platform.Name != own).Select(a => a.Platform.Name))
        {
            senders[platform] = await SenderAppAsync(platform, settings, cancellationToken).ConfigureAwait(false);
        }

        // The directory's ids are kept per app it was synced from (any platform's): each route reads them under its sending app.
        var ids = persons.Select(p => p.Id).Distinct(StringComparer.Ordinal).ToList();
        var personLinks = await links.LinksAsync(ids, cancellationToken).ConfigureAwait(false);
        var directoryIds = await links.DirectoryIdsAsync(ids, cancellationToken).ConfigureAwait(false);
        return new(settings, own, notificationApp, senders, personLinks, directoryIds, addressings, platforms);
    }

    /// <summary>
    /// The first route for <paramref name="person"/> (one of the batch's), or null with the reason when no platform reaches
    /// them; with the platforms skipped on the way (<see cref="RouteStep"/>).
    /// </summary>
    public static RouteChoice First(PersonRow person, string? type, PersonRoutingBatch batch) => Next(person, type, [], batch);

    /// <summary>
    /// The first route on a platform not in <paramref name="considered"/> (after a platform refused), or null with the
    /// reason; with the platforms skipped on the way. The order is walked once: a platform skipped before is not asked again.
    /// </summary>
    public async Task<RouteChoice> NextAsync(PersonRow person, string? type, string? notificationApp, IReadOnlyCollection<string> considered, CancellationToken cancellationToken) =>
        Next(person, type, considered, await BatchAsync([person], notificationApp, cancellationToken).ConfigureAwait(false));

    /// <summary>The person a routed delivery is for, or null.</summary>
    public Task<PersonRow?> FindAsync(string personId, CancellationToken cancellationToken) => people.FindAsync(personId, cancellationToken);

    /// <summary>The people named by <c>person</c> recipients, by id (those that exist).</summary>
    public Task<IReadOnlyDictionary<string, PersonRow>> FindManyAsync(IReadOnlyCollection<string> personIds, CancellationToken cancellationToken) =>
        people.FindManyAsync(personIds, cancellationToken);

    /// <summary>The active people emails name, by email, where exactly one does.</summary>
    public Task<IReadOnlyDictionary<string, PersonRow>> FindByEmailsAsync(IReadOnlyCollection<string> emails, CancellationToken cancellationToken) =>
        links.ActivePeopleByEmailsAsync(emails, cancellationToken);

    private static RouteChoice Next(PersonRow person, string? type, IReadOnlyCollection<string> tried, PersonRoutingBatch batch)
    {
        if (person.Status != PersonStatus.Active)
        {
            return new(null, $"{person.Name} ({person.Id}) is {(person.Status == PersonStatus.Frozen ? "suspended" : "no longer with the company")}: not sent.", []);
        }

        var order = batch.Settings.OrderFor(person.PreferredPlatform, type);
        var skipped = new List<RouteStep>();
        foreach (var platform in order.Where(p => !tried.Contains(p)))
        {
            var (route, skip) = RouteOn(person, platform, batch);
            if (route is not null)
            {
                return new(route, null, skipped);
            }

            skipped.Add(new RouteStep(platform, skip));
        }

        var left = order.Where(p => !tried.Contains(p)).Select(batch.Platforms.Display).ToList();
        return new(null, tried.Count > 0 && left.Count == 0
            ? $"Every platform in {person.Name}'s order ({string.Join(", ", order.Select(batch.Platforms.Display))}) was tried."
            : $"{person.Name} ({person.Id}) cannot be reached on {string.Join(" or ", left.DefaultIfEmpty("any platform"))}: no account linked or found by email or mobile, or no enabled app of that platform in the Hub.",
            skipped);
    }

    /// <summary>The route on <paramref name="platform"/>, or null with why it was skipped (<see cref="RouteStep.AppOff"/>, <see cref="RouteStep.NoAccount"/>).</summary>
    private static (PersonRoute? Route, string? Skip) RouteOn(PersonRow person, string platform, PersonRoutingBatch batch)
    {
        if (batch.Addressing.Find(platform) is not { } addressing)
        {
            return (null, RouteStep.AppOff);
        }

        // The notification's own app sends on its own platform (App null); another platform's deliveries name their app
        // ("": the default app).
        string? app;
        if (platform == batch.OwnPlatform)
        {
            app = null;
        }
        else if (addressing.HasDefaultApp)
        {
            app = "";
        }
        else if (batch.Senders.GetValueOrDefault(platform) is { } found)
        {
            app = found;
        }
        else
        {
            return (null, RouteStep.AppOff);
        }

        var appName = app ?? batch.NotificationApp ?? "";
        var book = new PersonAddressBook(
            [.. batch.Links[person.Id].Where(l => l.Platform == platform && l.App == appName)],
            batch.DirectoryIds.GetValueOrDefault((person.Id, HubAppService.NameInStore(appName))));
        var route = addressing.Route(person, app, book);
        return (route, route is null ? RouteStep.NoAccount : null);
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

    /// <summary>
    /// The platform of the notification's app: for the default app, the platform whose addressing has it; null when the
    /// notification names no app and the Hub has no default app (every person then goes by the sending apps of <see cref="SenderAppAsync"/>).
    /// </summary>
    private async Task<string?> PlatformOfAsync(string? appName, CancellationToken cancellationToken)
    {
        if (appName is null || HubAppRegistry.IsDefault(appName))
        {
            return addressings.All.Where(a => a.Piece.HasDefaultApp).Select(a => a.Platform.Name).FirstOrDefault();
        }

        var app = await apps.FindAsync(appName, cancellationToken).ConfigureAwait(false);
        return HubAppPlatform.Of(app?.Platform);
    }
}

/// <summary>Where routing sends a person next: the route (null when no platform is left, with why), and the platforms skipped on the way.</summary>
internal sealed record RouteChoice(PersonRoute? Route, string? Why, IReadOnlyList<RouteStep> Skipped);

/// <summary>What routing one notification's people needs, read once (<see cref="PersonRouter.BatchAsync"/>).</summary>
internal sealed record PersonRoutingBatch(
    RoutingSettings Settings,
    string? OwnPlatform,
    string? NotificationApp,
    IReadOnlyDictionary<string, string?> Senders,
    ILookup<string, PersonLinkRow> Links,
    IReadOnlyDictionary<(string PersonId, string App), string> DirectoryIds,
    PlatformPieces<IPersonAddressing> Addressing,
    PersonPlatforms Platforms)
{
    /// <summary>The platform an email of this person is sent on first (to tell whether routing changes anything); null when no platform is registered.</summary>
    public string? FirstPlatform(PersonRow person, string? type) => Settings.OrderFor(person.PreferredPlatform, type) is [var first, ..] ? first : null;
}
