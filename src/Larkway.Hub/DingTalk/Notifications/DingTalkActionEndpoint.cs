using Larkway.Hub.Notifications;
using Larkway.Hub.Notifications.Actions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Larkway.Hub.Platform;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.DingTalk.Notifications;

/// <summary>
/// <c>/dingtalk/actions/{token}</c>, where a notification's button on DingTalk leads. Opening the link (GET) only shows
/// what the button does — the notification's title and key facts, the button, who decides — with Confirm and Cancel:
/// link previews, scanners and a second look never act, and Cancel leaves without recording anything. Confirming (POST)
/// records the click for the person the link was made for, runs the type's action and shows its answer; when that is a
/// decision, the person gets a short follow-up message saying so (<see cref="DingTalkActionState.SendFollowUpAsync"/>).
/// A button pressed before, or any button of a delivery already decided, answers so and records nothing (409). The page
/// is plain HTML (<see cref="DingTalkConfirmPage"/>), readable in DingTalk's in-app browser.
/// </summary>
/// <remarks>
/// A confirm must come from the confirm page itself: a POST that the browser marks as made by another site
/// (<c>Sec-Fetch-Site</c> <c>cross-site</c> or <c>same-site</c>), or whose <c>Origin</c> is not the Hub's, is refused with
/// 403 and records nothing — otherwise any page that learnt a link could click for its recipient. A POST with neither
/// header (an old in-app browser, a server-side client) is accepted: the per-recipient, signed and expiring token in
/// the path is what authorizes it, and browsers that could be led cross-site all send one of the two.
/// </remarks>
internal static partial class DingTalkActionEndpoint
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(DingTalkActionLinks.PathPrefix + "{token}", ShowAsync).ExcludeFromDescription().AllowAnonymous();
        endpoints.MapPost(DingTalkActionLinks.PathPrefix + "{token}", ConfirmAsync).ExcludeFromDescription().AllowAnonymous().DisableAntiforgery();
    }

    private static async Task<IResult> ShowAsync(string token, HttpContext http, CancellationToken cancellationToken)
    {
        if (http.RequestServices.GetRequiredService<DingTalkActionLinks>().Read(token) is not { } click)
        {
            return DingTalkConfirmPage.Expired();
        }

        if (http.Request.Query.ContainsKey(DingTalkConfirmPage.CancelQuery))
        {
            return DingTalkConfirmPage.Cancelled();
        }

        return await DingTalkActionState.LoadAsync(http.RequestServices, click, cancellationToken).ConfigureAwait(false) is not { } state
            ? DingTalkConfirmPage.Gone()
            : DingTalkConfirmPage.Done(state, click) ?? DingTalkConfirmPage.Ask(state, click);
    }

    private static async Task<IResult> ConfirmAsync(string token, HttpContext http, CancellationToken cancellationToken)
    {
        var services = http.RequestServices;
        var links = services.GetRequiredService<DingTalkActionLinks>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DingTalkActionEndpoint));
        if (CrossSite(http.Request, links.Origin()) is { } reason)
        {
            LogCrossSite(logger, reason);
            return DingTalkConfirmPage.Page(StatusCodes.Status403Forbidden, "Not confirmed",
                "This confirmation was sent by another site, not by this Hub's confirm page, so nothing was recorded. Open the button in the notification again and confirm on the page it shows.");
        }

        if (links.Read(token) is not { } click)
        {
            return DingTalkConfirmPage.Expired();
        }

        if (await DingTalkActionState.LoadAsync(services, click, cancellationToken).ConfigureAwait(false) is not { } state)
        {
            return DingTalkConfirmPage.Gone();
        }

        if (DingTalkConfirmPage.Done(state, click) is { } done)
        {
            return done;
        }

        // The link is made for one delivery's recipient and action: that pair is DingTalk's identity of the press.
        var (ok, message, _) = await services.GetRequiredService<NotificationCardActions>()
            .HandleClickAsync(new NotificationClick(Apps.HubAppPlatform.DingTalk, null, click.UserId, click.NotificationId, click.DeliveryId, click.Action, $"{click.DeliveryId}/{click.Action}"), cancellationToken)
            .ConfigureAwait(false);
        if (ok && await DingTalkActionState.NewDecisionAsync(services, click, cancellationToken).ConfigureAwait(false) is { } decision)
        {
            await FollowUpAsync(services, logger, state, click, decision, cancellationToken).ConfigureAwait(false);
        }

        // Another button of this delivery was confirmed first (two pages open at once): that decision stands, said as a second look says it.
        if (!ok && await DingTalkActionState.LoadAsync(services, click, cancellationToken).ConfigureAwait(false) is { } after
            && DingTalkConfirmPage.Done(after, click) is { } decidedMeanwhile)
        {
            return decidedMeanwhile;
        }

        return DingTalkConfirmPage.Page(ok ? StatusCodes.Status200OK : StatusCodes.Status410Gone, ok ? "Done" : "Nothing to do", message, state.Title);
    }

    /// <summary>
    /// The follow-up after a decision, sent while the person waits (one robot message): the decision is recorded already,
    /// so a follow-up DingTalk refuses is logged, not shown as a failed confirm — the links say "already decided" regardless.
    /// </summary>
    private static async Task FollowUpAsync(IServiceProvider services, ILogger logger, DingTalkActionState state, DingTalkActionClick click,
        NotificationActionRow decision, CancellationToken cancellationToken)
    {
        try
        {
            await state.SendFollowUpAsync(services, click.UserId, decision, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Larkway.DingTalk.DingTalkApiException or HttpRequestException or TimeoutException or Apps.HubAppNotFoundException)
        {
            LogFollowUpFailed(logger, click.NotificationId, click.DeliveryId, ex.GetType().Name);
        }
    }

    /// <summary>Why the POST is another site's (for the log, without the token); null when it may act.</summary>
    internal static string? CrossSite(HttpRequest request, string hubOrigin)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Equals("cross-site", StringComparison.OrdinalIgnoreCase) || site.Equals("same-site", StringComparison.OrdinalIgnoreCase))
        {
            return $"Sec-Fetch-Site: {site}";
        }

        // The Origin is checked against where the links point and where this request arrived (the same behind a proxy
        // that forwards the host); "null" (a sandboxed or privacy-redirected form) is no origin of the Hub's.
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !SameOrigin(origin, hubOrigin) && !SameOrigin(origin, $"{request.Scheme}://{request.Host}"))
        {
            return $"Origin: {(origin.Length > 100 ? origin[..100] : origin)}";
        }

        return null;
    }

    private static bool SameOrigin(string origin, string other) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var a) && Uri.TryCreate(other, UriKind.Absolute, out var b)
        && string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;

    [LoggerMessage(EventId = LogEvents.DingTalkActionCrossSiteRefused, Level = LogLevel.Warning, Message = "A DingTalk notification button's confirm was refused (403), sent by another site ({Reason}); nothing was recorded.")]
    private static partial void LogCrossSite(ILogger logger, string reason);

    [LoggerMessage(EventId = LogEvents.DingTalkActionFollowUpFailed, Level = LogLevel.Warning, Message = "The follow-up of a decision on DingTalk was not sent (notification {NotificationId}, delivery {DeliveryId}: {Error}); the decision is recorded and its links answer that it is decided.")]
    private static partial void LogFollowUpFailed(ILogger logger, string notificationId, long deliveryId, string error);
}
