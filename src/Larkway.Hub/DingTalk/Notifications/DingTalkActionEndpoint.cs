using System.Diagnostics.CodeAnalysis;
using Larkway.DingTalk;
using Larkway.Hub.Apps;
using Larkway.Hub.Notifications.Actions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Larkway.Hub.Platform;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.DingTalk.Notifications;

/// <summary>
/// <c>/dingtalk/actions/{token}</c>, where a notification's button on DingTalk leads. The link names its recipient, but
/// whoever holds it (a forwarded card, a copied URL) is not asked to be believed: the page first has DingTalk sign the
/// person in (<see cref="DingTalkActionSignIn"/>) and goes on only for the link's own recipient — anyone else gets a page
/// saying so, and nothing of the notification. Opening the link (GET) then only shows what the button does — the
/// notification's title and key facts, the button, who decides — with Confirm and Cancel: link previews, scanners and a
/// second look never act. Confirming (POST) records the click for that person, runs the type's action and shows its
/// answer; when that is a decision, the person gets a short follow-up message saying so
/// (<see cref="DingTalkActionState.SendFollowUpAsync"/>). A button pressed before, or any button of a delivery already
/// decided, answers so and records nothing (409). A link stops working when it expires
/// (<see cref="DingTalkActionLinkOptions.Lifetime"/>), when its notification is gone, or when its recipient has left the
/// directory. A link of a bot card or an assistant answer's feedback, sent on an app without a card template
/// (<see cref="DingTalkActionClick.Bot"/>), goes the same way — the same sign-in, only for its own person, the same
/// Confirm — and confirming runs the handler its interactive card's press would (<see cref="DingTalkBotCards.PressAsync"/>),
/// as that person, and shows its answer. Every page is plain HTML (<see cref="DingTalkConfirmPage"/>), readable in DingTalk's in-app browser, sent
/// with no referrer, never cached and never framed.
/// </summary>
/// <remarks>
/// A confirm must come from the confirm page itself: a POST that the browser marks as made by another site
/// (<c>Sec-Fetch-Site</c> <c>cross-site</c> or <c>same-site</c>), or whose <c>Origin</c> is not the Hub's, is refused with
/// 403 and records nothing. The confirm cookie is SameSite=Lax, so a cross-site POST never carries it either.
/// </remarks>
internal static partial class DingTalkActionEndpoint
{
    /// <summary>The query that drops the current DingTalk sign-in and asks DingTalk again (the mismatch page's link).</summary>
    public const string SignInAgainQuery = "signin";

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var links = endpoints.MapGroup(DingTalkActionSignIn.CookiePath).ExcludeFromDescription().AllowAnonymous().AddEndpointFilter(NoLeaksAsync);
        links.MapGet("/signin", SignedInAsync);
        links.MapGet("/{token}", ShowAsync);
        links.MapPost("/{token}", ConfirmAsync).DisableAntiforgery();
    }

    /// <summary>
    /// Every answer of the links: no Referer carries a token onwards, no cache (shared or the browser's) keeps a page for
    /// the next person, no site frames a Confirm button.
    /// </summary>
    private static ValueTask<object?> NoLeaksAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var headers = context.HttpContext.Response.Headers;
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        headers.XFrameOptions = "DENY";
        return next(context);
    }

    private static async Task<IResult> ShowAsync(string token, HttpContext http, CancellationToken cancellationToken)
    {
        var services = http.RequestServices;
        var links = services.GetRequiredService<DingTalkActionLinks>();
        if (links.Read(token) is not { } click)
        {
            return DingTalkConfirmPage.Expired(links.Lifetime);
        }

        if (http.Request.Query.ContainsKey(DingTalkConfirmPage.CancelQuery))
        {
            return DingTalkConfirmPage.Cancelled();
        }

        // Who is at the browser comes first, from the app alone: before a sign-in nothing else is read (no DingTalk call
        // for the decider's name, no directory look-up), so a scanner or a stranger costs the Hub one row.
        if (await DingTalkActionState.AppOfAsync(services, click, cancellationToken).ConfigureAwait(false) is not { } appName)
        {
            return DingTalkConfirmPage.Gone();
        }

        var who = await DingTalkActionSignIn.CurrentAsync(http).ConfigureAwait(false);
        if (http.Request.Query.ContainsKey(SignInAgainQuery))
        {
            await DingTalkActionSignIn.SignOutAsync(http).ConfigureAwait(false);
            who = null;
        }

        if (who is null || who.App != appName)
        {
            try
            {
                return await services.GetRequiredService<DingTalkActionSignIn>().ChallengeAsync(http, appName, token, cancellationToken).ConfigureAwait(false);
            }
            catch (HubAppNotFoundException)
            {
                return DingTalkConfirmPage.AppGone();
            }
        }

        if (who.UserId != click.UserId)
        {
            return Mismatch(services, token, click, who);
        }

        if (click.Bot is not null)
        {
            return DingTalkConfirmPage.AskBot(click, who.Nick ?? who.UserId);
        }

        var state = await DingTalkActionState.LoadAsync(services, click, cancellationToken).ConfigureAwait(false);
        if (Unusable(services, click, state, out var refusal))
        {
            return refusal;
        }

        return DingTalkConfirmPage.Done(state, click) ?? DingTalkConfirmPage.Ask(state, click);
    }

    /// <summary>DingTalk's return from its login: on to the link for its recipient, a page saying why not for anyone else.</summary>
    private static async Task<IResult> SignedInAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var services = http.RequestServices;
        var logger = Logger(services);
        try
        {
            var (result, token, who) = await services.GetRequiredService<DingTalkActionSignIn>().CallbackAsync(http, cancellationToken).ConfigureAwait(false);
            var click = token is null ? null : services.GetRequiredService<DingTalkActionLinks>().Read(token);
            return result switch
            {
                DingTalkSignInResult.Recipient => Results.Redirect(DingTalkActionLinks.PathPrefix + token),
                DingTalkSignInResult.SomeoneElse when click is not null => Mismatch(services, token!, click, who!),
                DingTalkSignInResult.NotAMember => DingTalkConfirmPage.NotAMember(who?.Nick),
                DingTalkSignInResult.Cancelled => DingTalkConfirmPage.SignInCancelled(token!),
                _ => DingTalkConfirmPage.SignInNotStartedHere(),
            };
        }
        catch (HubAppNotFoundException)
        {
            return DingTalkConfirmPage.AppGone();
        }
        catch (Exception ex) when (ex is DingTalkApiException or HttpRequestException or TimeoutException)
        {
            var code = ex is DingTalkApiException api ? api.Code : ex.GetType().Name;
            LogSignInFailed(logger, code);
            return DingTalkConfirmPage.SignInFailed(code);
        }
    }

    private static async Task<IResult> ConfirmAsync(string token, HttpContext http, CancellationToken cancellationToken)
    {
        var services = http.RequestServices;
        var links = services.GetRequiredService<DingTalkActionLinks>();
        var logger = Logger(services);
        if (CrossSite(http.Request, links.Origin()) is { } reason)
        {
            LogCrossSite(logger, reason);
            return DingTalkConfirmPage.Page(StatusCodes.Status403Forbidden, "Not confirmed",
                "This confirmation was sent by another site, not by this Hub's confirm page, so nothing was recorded. Open the button in the notification again and confirm on the page it shows.");
        }

        if (links.Read(token) is not { } click)
        {
            return DingTalkConfirmPage.Expired(links.Lifetime);
        }

        if (await DingTalkActionState.AppOfAsync(services, click, cancellationToken).ConfigureAwait(false) is not { } appName)
        {
            return DingTalkConfirmPage.Gone();
        }

        // Only a DingTalk sign-in of the link's own person confirms: the link alone proves nothing about who holds it.
        var who = await DingTalkActionSignIn.CurrentAsync(http).ConfigureAwait(false);
        if (who is null || who.App != appName)
        {
            return DingTalkConfirmPage.SignInFirst();
        }

        if (who.UserId != click.UserId)
        {
            return Mismatch(services, token, click, who);
        }

        if (click.Bot is not null)
        {
            return await PressBotAsync(services, token, click, cancellationToken).ConfigureAwait(false);
        }

        var state = await DingTalkActionState.LoadAsync(services, click, cancellationToken).ConfigureAwait(false);
        if (Unusable(services, click, state, out var refusal))
        {
            return refusal;
        }

        if (DingTalkConfirmPage.Done(state, click) is { } done)
        {
            return done;
        }

        // The link is made for one delivery's recipient and action, and that person signed in: DingTalk's identity of the press.
        var (ok, message, _) = await services.GetRequiredService<NotificationCardActions>()
            .HandleClickAsync(new NotificationClick(HubAppPlatform.DingTalk, null, click.UserId, click.NotificationId, click.DeliveryId, click.Action, $"{click.DeliveryId}/{click.Action}"), cancellationToken)
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
    /// A bot card's button confirmed by its person: the same handler the interactive card's press runs (the bot's card
    /// actions, the assistant's answer buttons), and its answer on the page — a robot's action card cannot be changed.
    /// The link is the press's identity: confirmed again, a Regenerate asks once; a vote is stored once regardless.
    /// </summary>
    private static async Task<IResult> PressBotAsync(IServiceProvider services, string token, DingTalkActionClick click, CancellationToken cancellationToken)
    {
        if (services.GetService<DingTalkBotCards>() is not { } botCards)
        {
            return DingTalkConfirmPage.Page(StatusCodes.Status410Gone, "Nothing to do", "This Hub no longer runs its bot's card actions, so the button does nothing now.");
        }

        var clickId = "link/" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)))[..32];
        try
        {
            var answer = await botCards.PressAsync(click, clickId, cancellationToken).ConfigureAwait(false);
            return DingTalkConfirmPage.BotAnswer(answer);
        }
        catch (HubAppNotFoundException)
        {
            return DingTalkConfirmPage.AppGone();
        }
    }

    /// <summary>Whether a link does nothing now — its notification is gone, or its recipient left the directory — and the page saying why.</summary>
    private static bool Unusable(IServiceProvider services, DingTalkActionClick click, [NotNullWhen(false)] DingTalkActionState? state, out IResult refusal)
    {
        if (state is null)
        {
            refusal = DingTalkConfirmPage.Gone();
            return true;
        }

        if (state.RecipientLeft)
        {
            LogRecipientInactive(Logger(services), click.NotificationId, click.DeliveryId);
            refusal = DingTalkConfirmPage.RecipientLeft();
            return true;
        }

        refusal = Results.Empty;
        return false;
    }

    private static IResult Mismatch(IServiceProvider services, string token, DingTalkActionClick click, DingTalkConfirmer who)
    {
        LogMismatch(Logger(services), click.Describe(), who.UserId);
        return DingTalkConfirmPage.SomeoneElse(who.Nick ?? who.UserId, token, bot: click.Bot is not null);
    }

    /// <summary>
    /// The follow-up after a decision, sent while the person waits (one robot message): the decision is recorded already,
    /// so a follow-up DingTalk refuses is logged, not shown as a failed confirm — the links say "already decided" regardless.
    /// </summary>
    private static async Task FollowUpAsync(IServiceProvider services, ILogger logger, DingTalkActionState state, DingTalkActionClick click,
        Larkway.Hub.Notifications.NotificationActionRow decision, CancellationToken cancellationToken)
    {
        try
        {
            await state.SendFollowUpAsync(services, click.UserId, decision, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DingTalkApiException or HttpRequestException or TimeoutException or HubAppNotFoundException)
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

    private static ILogger Logger(IServiceProvider services) => services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DingTalkActionEndpoint));

    [LoggerMessage(EventId = LogEvents.DingTalkActionCrossSiteRefused, Level = LogLevel.Warning, Message = "A DingTalk notification button's confirm was refused (403), sent by another site ({Reason}); nothing was recorded.")]
    private static partial void LogCrossSite(ILogger logger, string reason);

    [LoggerMessage(EventId = LogEvents.DingTalkActionFollowUpFailed, Level = LogLevel.Warning, Message = "The follow-up of a decision on DingTalk was not sent (notification {NotificationId}, delivery {DeliveryId}: {Error}); the decision is recorded and its links answer that it is decided.")]
    private static partial void LogFollowUpFailed(ILogger logger, string notificationId, long deliveryId, string error);

    [LoggerMessage(EventId = LogEvents.DingTalkActionSignInMismatch, Level = LogLevel.Warning, Message = "A DingTalk button ({Button}) was opened by DingTalk user {UserId}, not its recipient (a forwarded card or copied link); nothing was shown or recorded.")]
    private static partial void LogMismatch(ILogger logger, string button, string userId);

    [LoggerMessage(EventId = LogEvents.DingTalkActionSignInFailed, Level = LogLevel.Warning, Message = "DingTalk did not confirm who opened a notification button ({Code}); nothing was recorded.")]
    private static partial void LogSignInFailed(ILogger logger, string code);

    [LoggerMessage(EventId = LogEvents.DingTalkActionRecipientInactive, Level = LogLevel.Information, Message = "A DingTalk button of notification {NotificationId} (delivery {DeliveryId}) was opened after its recipient left the directory; it no longer acts.")]
    private static partial void LogRecipientInactive(ILogger logger, string notificationId, long deliveryId);
}
