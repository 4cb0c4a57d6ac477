using Larkway.Hub.Platform.Units;
using Larkway.Hub.Apps;
using Larkway.Hub.Directory.Links;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Queue;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Notifications.Routing;

/// <summary>What looking a routed person up on their platform came to.</summary>
/// <param name="Also">The delivery's new recipient (the userid found) to store with the outcome; null when nothing changed.</param>
/// <param name="NotFound">Why the platform does not know the person (the route fails and the next platform is tried).</param>
/// <param name="Unavailable">The platform could not be asked now (retried later).</param>
internal sealed record PersonLookup(Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<NotificationDeliveryRow>>? Also = null, string? NotFound = null, string? Unavailable = null);

/// <summary>
/// Links a routed person to their account on the delivery's platform the first time a notification goes there: the
/// platform's contacts are asked (<see cref="IPlatformAccounts.FindUserIdAsync"/>) by the email or mobile number the
/// delivery was routed by (<c>{platform}_email</c>, <c>{platform}_mobile</c>), the account found is stored as the person's
/// link (so later notifications go straight to the userid, and the console shows it), and the delivery is sent to that
/// <c>{platform}_userid</c>. An account already linked to someone else is never used for this person.
/// </summary>
internal sealed partial class PersonLinker(PersonLinkStore links, HubAppRegistry apps, PlatformPieces<IPlatformAccounts> accounts, PersonPlatforms platforms, ILogger<PersonLinker> logger)
{
    /// <summary>Looks the delivery's person up when it is routed by email or mobile; rewrites <paramref name="delivery"/> to the userid found.</summary>
    public async Task<PersonLookup> LookUpAsync(NotificationDeliveryRow delivery, NotificationRow notification, CancellationToken cancellationToken)
    {
        if (delivery.PersonId is not { } personId)
        {
            return new();
        }

        var appName = delivery.App ?? notification.App ?? "";
        if (await apps.FindAsync(appName, cancellationToken).ConfigureAwait(false) is not { Enabled: true, Error: null } app)
        {
            // The sender reports the app's state.
            return new();
        }

        var platform = HubAppPlatform.Of(app.Platform);
        var source = delivery.RecipientType == platform + "_email" ? PersonLinkSource.Email
            : delivery.RecipientType == platform + "_mobile" ? PersonLinkSource.Mobile
            : null;
        if (source is null || accounts.Find(platform) is not { } platformAccounts)
        {
            return new();
        }

        string? userId;
        try
        {
            userId = await platformAccounts.FindUserIdAsync(app.Name, source, delivery.Recipient, cancellationToken).ConfigureAwait(false);
        }
        catch (PlatformAccountsUnavailableException ex)
        {
            return new(Unavailable: ex.Message);
        }

        var by = source == PersonLinkSource.Email ? "email" : "mobile number";
        if (userId is null)
        {
            return new(NotFound: $"{platforms.Display(platform)} has no member with the person's {by}.");
        }

        var linked = await links.LinkAsync(personId, platform, app.Name, userId, source, cancellationToken).ConfigureAwait(false);
        if (linked == PersonLinkOutcome.TakenByOther)
        {
            LogLinkTaken(logger, personId, platform, app.Name);
            return new(NotFound: $"The {platforms.Display(platform)} account found by the person's {by} is linked to another person; link the right account in the console.");
        }

        if (linked == PersonLinkOutcome.Linked)
        {
            LogLinked(logger, personId, platform, app.Name, source);
        }

        var type = platform + "_userid";
        delivery.RecipientType = type;
        delivery.Recipient = userId;
        return new(Also: s =>
        {
            s.SetProperty(d => d.RecipientType, type);
            s.SetProperty(d => d.Recipient, userId);
        });
    }

    [LoggerMessage(EventId = LogEvents.PersonRoutingLinked, Level = LogLevel.Information, Message = "Person {PersonId} linked to their {Platform} account under app {App} by {Source}.")]
    private static partial void LogLinked(ILogger logger, string personId, string platform, string app, string source);

    [LoggerMessage(EventId = LogEvents.PersonRoutingLinkTaken, Level = LogLevel.Warning, Message = "Person {PersonId}: the {Platform} account found under app {App} is linked to another person; not used.")]
    private static partial void LogLinkTaken(ILogger logger, string personId, string platform, string app);
}
