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
/// Links a routed person to their DingTalk or WeCom account the first time a notification goes there: the platform's
/// contacts are asked by the person's mobile number (DingTalk) or email, then mobile (WeCom), the account found is stored
/// as the person's link (so later notifications go straight to the userid, and the console shows it), and the delivery is
/// sent to that userid. An account already linked to someone else is never used for this person.
/// </summary>
internal sealed partial class PersonLinker(
    PersonLinkStore links, HubAppRegistry apps, Larkway.Hub.DingTalk.HubDingTalkClients dingTalk, Larkway.Hub.WeCom.HubWeComClients weCom, ILogger<PersonLinker> logger)
{
    /// <summary>Looks the delivery's person up when it is routed by email or mobile; rewrites <paramref name="delivery"/> to the userid found.</summary>
    public async Task<PersonLookup> LookUpAsync(NotificationDeliveryRow delivery, NotificationRow notification, CancellationToken cancellationToken)
    {
        if (delivery.PersonId is not { } personId || delivery.RecipientType is not ("dingtalk_mobile" or "wecom_email" or "wecom_mobile"))
        {
            return new();
        }

        var appName = delivery.App ?? notification.App ?? "";
        if (await apps.FindAsync(appName, cancellationToken).ConfigureAwait(false) is not { Enabled: true, Error: null } app)
        {
            // The sender reports the app's state.
            return new();
        }

        var platform = app.IsDingTalk ? PersonPlatform.DingTalk : PersonPlatform.WeCom;
        string? userId;
        try
        {
            userId = app.IsDingTalk
                ? await DingTalkByMobileAsync(app, delivery.Recipient, cancellationToken).ConfigureAwait(false)
                : delivery.RecipientType == "wecom_email"
                    ? await weCom.For(app, app.Name).Users.GetUserIdByEmailAsync(delivery.Recipient, corpEmail: true, cancellationToken).ConfigureAwait(false)
                        ?? await weCom.For(app, app.Name).Users.GetUserIdByEmailAsync(delivery.Recipient, corpEmail: false, cancellationToken).ConfigureAwait(false)
                    : await WeComByMobileAsync(app, delivery.Recipient, cancellationToken).ConfigureAwait(false);
        }
        catch (Larkway.DingTalk.DingTalkApiException ex) when (ex.IsTransient)
        {
            return new(Unavailable: $"DingTalk could not look the person up now ({ex.Code}).");
        }
        catch (Larkway.WeCom.WeComApiException ex) when (ex.IsTransient)
        {
            return new(Unavailable: $"WeCom could not look the person up now ({ex.Code}).");
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException)
        {
            return new(Unavailable: $"{PersonPlatform.Display(platform)} could not be reached to look the person up ({ex.GetType().Name}).");
        }

        var by = delivery.RecipientType == "wecom_email" ? "email" : "mobile number";
        if (userId is null)
        {
            return new(NotFound: $"{PersonPlatform.Display(platform)} has no member with the person's {by}.");
        }

        var source = delivery.RecipientType == "wecom_email" ? PersonLinkSource.Email : PersonLinkSource.Mobile;
        var linked = await links.LinkAsync(personId, platform, app.Name, userId, source, cancellationToken).ConfigureAwait(false);
        if (linked == PersonLinkOutcome.TakenByOther)
        {
            LogLinkTaken(logger, personId, platform, app.Name);
            return new(NotFound: $"The {PersonPlatform.Display(platform)} account found by the person's {by} is linked to another person; link the right account in the console.");
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

    /// <summary>DingTalk knows mainland numbers without the country code (<see cref="MobileForms"/>).</summary>
    private async Task<string?> DingTalkByMobileAsync(StoredApp app, string mobile, CancellationToken cancellationToken)
    {
        var client = dingTalk.For(app, app.Name);
        foreach (var candidate in MobileForms(mobile))
        {
            try
            {
                return await client.Users.GetUserIdByMobileAsync(candidate, cancellationToken).ConfigureAwait(false);
            }
            catch (Larkway.DingTalk.DingTalkApiException ex) when (!ex.IsTransient)
            {
                // Not a member with this form of the number: the next form, else nobody.
            }
        }

        return null;
    }

    private async Task<string?> WeComByMobileAsync(StoredApp app, string mobile, CancellationToken cancellationToken)
    {
        var client = weCom.For(app, app.Name);
        foreach (var candidate in MobileForms(mobile))
        {
            if (await client.Users.GetUserIdByMobileAsync(candidate, cancellationToken).ConfigureAwait(false) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>
    /// The forms of the number to look up: for a mainland number Feishu holds as <c>+86…</c>, the national form the
    /// mainland platforms expect first, then the number as stored; any other number as stored.
    /// </summary>
    internal static IEnumerable<string> MobileForms(string mobile)
    {
        var trimmed = mobile.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (trimmed.StartsWith("+86", StringComparison.Ordinal) && trimmed.Length > 3)
        {
            yield return trimmed[3..];
        }

        yield return trimmed;
    }

    [LoggerMessage(EventId = LogEvents.PersonRoutingLinked, Level = LogLevel.Information, Message = "Person {PersonId} linked to their {Platform} account under app {App} by {Source}.")]
    private static partial void LogLinked(ILogger logger, string personId, string platform, string app, string source);

    [LoggerMessage(EventId = LogEvents.PersonRoutingLinkTaken, Level = LogLevel.Warning, Message = "Person {PersonId}: the {Platform} account found under app {App} is linked to another person; not used.")]
    private static partial void LogLinkTaken(ILogger logger, string personId, string platform, string app);
}
