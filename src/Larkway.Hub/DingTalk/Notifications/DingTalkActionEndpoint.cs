using Larkway.Hub.Notifications;
using System.Net;
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
/// what the button does and a button to confirm it: link previews, scanners and a second look never act. Confirming
/// (POST) records the click for the person the link was made for, runs the type's action and shows its answer.
/// The page is plain HTML, readable in DingTalk's in-app browser.
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
        endpoints.MapGet(DingTalkActionLinks.PathPrefix + "{token}", Show).ExcludeFromDescription().AllowAnonymous();
        endpoints.MapPost(DingTalkActionLinks.PathPrefix + "{token}", ConfirmAsync).ExcludeFromDescription().AllowAnonymous().DisableAntiforgery();
    }

    private static IResult Show(string token, HttpContext http)
    {
        if (http.RequestServices.GetRequiredService<DingTalkActionLinks>().Read(token) is not { } click)
        {
            return Page(StatusCodes.Status404NotFound, "This button no longer works", "The link is expired or incomplete. Open the notification again, or ask whoever sent it.");
        }

        var label = click.Label is { Length: > 0 } text ? $"“{text}”"
            : click.Action.StartsWith("button:", StringComparison.Ordinal) ? "this button" : $"“{click.Action}”";
        return Page(StatusCodes.Status200OK, "Confirm", $"Confirm {label} for this notification?",
            $"""<form method="post"><button type="submit">Confirm</button></form>""");
    }

    private static async Task<IResult> ConfirmAsync(string token, HttpContext http, CancellationToken cancellationToken)
    {
        var services = http.RequestServices;
        var links = services.GetRequiredService<DingTalkActionLinks>();
        if (CrossSite(http.Request, links.Origin()) is { } reason)
        {
            LogCrossSite(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DingTalkActionEndpoint)), reason);
            return Page(StatusCodes.Status403Forbidden, "Not confirmed",
                "This confirmation was sent by another site, not by this Hub's confirm page, so nothing was recorded. Open the button in the notification again and confirm on the page it shows.");
        }

        if (links.Read(token) is not { } click)
        {
            return Page(StatusCodes.Status404NotFound, "This button no longer works", "The link is expired or incomplete. Open the notification again, or ask whoever sent it.");
        }

        // The link is made for one delivery's recipient and action: that pair is DingTalk's identity of the press.
        var (ok, message, _) = await services.GetRequiredService<NotificationCardActions>()
            .HandleClickAsync(new NotificationClick(Directory.Links.PersonPlatform.DingTalk, null, click.UserId, click.NotificationId, click.DeliveryId, click.Action, $"{click.DeliveryId}/{click.Action}"), cancellationToken)
            .ConfigureAwait(false);
        return Page(ok ? StatusCodes.Status200OK : StatusCodes.Status410Gone, ok ? "Done" : "Nothing to do", message);
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

    private static IResult Page(int status, string title, string message, string extra = "")
    {
        var html = $$"""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{WebUtility.HtmlEncode(title)}} · Larkway</title>
            <style>body{font-family:system-ui,-apple-system,"PingFang SC",sans-serif;margin:0;background:#f5f6f7;color:#1f2329}
            main{max-width:28rem;margin:15vh auto;background:#fff;border-radius:12px;padding:1.5rem 1.75rem;box-shadow:0 1px 4px rgba(0,0,0,.08)}
            h1{font-size:1.2rem;margin:0 0 .75rem}p{line-height:1.5;margin:0 0 1.25rem}
            button{font:inherit;background:#1677ff;color:#fff;border:0;border-radius:8px;padding:.6rem 1.4rem;cursor:pointer}</style></head>
            <body><main><h1>{{WebUtility.HtmlEncode(title)}}</h1><p>{{WebUtility.HtmlEncode(message)}}</p>{{extra}}</main></body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
