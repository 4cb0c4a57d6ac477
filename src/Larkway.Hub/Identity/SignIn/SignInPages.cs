using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Larkway.Hub.Identity.SignIn;

/// <summary>
/// The broker's own pages (sign-in, errors, sign-out): small server-rendered HTML with the console's style sheet, every
/// value encoded, no inline script, and a strict Content-Security-Policy of their own — the QR SDK's host is allowed
/// only on the sign-in page that loads it.
/// </summary>
internal static class SignInPages
{
    /// <summary>The policy every broker page starts from.</summary>
    public const string BasePolicy = "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'";

    /// <summary>What a person is told when the platform's answer belongs to no sign-in this browser started in time.</summary>
    public const string ExpiredSignIn = "This sign-in was started too long ago or in another browser. Go back to the app and sign in again.";

    /// <summary>
    /// The sign-in page: a button per platform (<c>id="{platform}-sign-in"</c>, the first the primary one) and, where the
    /// platform offers it, QR login (<c>id="{platform}-qr"</c>).
    /// </summary>
    public static IResult SignIn(string appName, IReadOnlyList<SignInButton> buttons)
    {
        ArgumentNullException.ThrowIfNull(buttons);
        var account = buttons.Count == 1 ? $"your {buttons[0].DisplayName} account" : "your work account";
        var body = new StringBuilder()
            .Append("<section class=\"signin\" data-page=\"broker-sign-in\">")
            .Append("<h1>Sign in</h1>")
            .Append("<p class=\"muted\">to <strong>").Append(E(appName)).Append("</strong> with ").Append(E(account)).Append(".</p>");
        for (var i = 0; i < buttons.Count; i++)
        {
            var button = buttons[i];
            body.Append("<p><a class=\"button").Append(i == 0 ? " primary" : "").Append("\" id=\"").Append(E(button.Platform)).Append("-sign-in\" href=\"")
                .Append(E(button.Href)).Append("\">Sign in with ").Append(E(button.DisplayName)).Append("</a></p>");
            if (button.QrHref is { } qr)
            {
                body.Append("<p><a class=\"button\" id=\"").Append(E(button.Platform)).Append("-qr\" href=\"").Append(E(qr)).Append("\">Scan a QR code with the ")
                    .Append(E(button.DisplayName)).Append(" app</a></p>");
            }
        }

        body.Append("<p class=\"muted\">No other app sees your password; the app gets your name and work email.</p></section>");
        return Page("Sign in", body.ToString(), BasePolicy + "; script-src 'none'; form-action 'self'", StatusCodes.Status200OK);
    }

    /// <summary>
    /// The answer to an app: a redirect with it in the query, or for <c>response_mode=form_post</c> a page whose form
    /// carries it to the redirect URI by POST (submitted by the Hub's own script; a button without script). The page's
    /// CSP lets the form go to the redirect URI's origin and nowhere else.
    /// </summary>
    public static IResult Answer(Provider.AuthorizeOutcome.Redirect answer)
    {
        if (!answer.FormPost)
        {
            return new NoStoreRedirect(answer.Location);
        }

        var body = new StringBuilder()
            .Append("<section class=\"signin\" data-page=\"broker-form-post\"><h1>Signing you in</h1>")
            .Append("<form method=\"post\" id=\"form-post\" action=\"").Append(E(answer.RedirectUri)).Append("\">");
        foreach (var (name, value) in answer.Answer)
        {
            if (value is not null)
            {
                body.Append("<input type=\"hidden\" name=\"").Append(E(name)).Append("\" value=\"").Append(E(value)).Append("\">");
            }
        }

        body.Append("<noscript><p>Your browser runs no scripts: continue to the app by hand.</p><button type=\"submit\" class=\"primary\">Continue</button></noscript></form>")
            .Append("<script src=\"").Append(IdentitySite.FormPostScriptPath).Append("\"></script></section>");
        var target = new Uri(answer.RedirectUri);
        var origin = target.IsAbsoluteUri && target.Scheme is "http" or "https" ? target.GetLeftPart(UriPartial.Authority) : target.Scheme + ":";
        return Page("Signing you in", body.ToString(), $"{BasePolicy}; script-src 'self'; form-action {origin}", StatusCodes.Status200OK);
    }

    /// <summary>A sign-in that cannot go on: what went wrong and what to do.</summary>
    public static IResult Error(string title, string detail, int status = StatusCodes.Status400BadRequest) =>
        Page(title, $"<section class=\"signin\" data-page=\"broker-error\"><h1>{E(title)}</h1><p class=\"error\" role=\"alert\">{E(detail)}</p></section>",
            BasePolicy + "; form-action 'none'", status);

    /// <summary>
    /// A person signed in who holds no console grant: the way back (the password sign-in) and how a grant is made,
    /// in the sandbox with where the password of <c>admin</c> is (<paramref name="sandboxSecretsFile"/>), since there the
    /// Emulator's users are the only Feishu accounts and none is an administrator until granted.
    /// </summary>
    public static IResult NotAdministrator(string personName, string? sandboxSecretsFile)
    {
        var body = new StringBuilder()
            .Append("<section class=\"signin\" data-page=\"broker-not-admin\"><h1>Not an administrator</h1>")
            .Append("<p class=\"error\" role=\"alert\">").Append(E(personName)).Append(" is not an administrator of this Hub's console.</p>")
            .Append("<p>An administrator grants it on the console's <strong>Administrators</strong> page, to this person or their department; then sign in again.</p>");
        if (sandboxSecretsFile is not null)
        {
            body.Append("<p id=\"sandbox-admin-hint\">In the sandbox, sign in as <code>admin</code> with the console password (shown at the first start on a terminal, otherwise in <code>")
                .Append(E(sandboxSecretsFile)).Append("</code>), open Administrators and grant this person.</p>");
        }

        body.Append("<p><a class=\"button primary\" id=\"console-password-sign-in\" href=\"/console/sign-in\">Sign in with the password instead</a></p></section>");
        return Page("Not an administrator", body.ToString(), BasePolicy + "; form-action 'none'", StatusCodes.Status403Forbidden);
    }

    /// <summary>Asks before signing out of every app (an RP-initiated logout without a valid id_token_hint).</summary>
    public static IResult ConfirmSignOut(string? appName, IReadOnlyDictionary<string, string> fields, string antiforgeryName, string antiforgeryToken, string? redirectOrigin)
    {
        var body = new StringBuilder()
            .Append("<section class=\"signin\" data-page=\"broker-sign-out\"><h1>Sign out</h1>")
            .Append("<p>Sign out of every app you signed in to through this Hub")
            .Append(appName is null ? "" : " (the request came from <strong>" + E(appName) + "</strong>)")
            .Append("?</p><form method=\"post\" action=\"").Append(IdentitySite.EndSessionPath).Append("\">");
        foreach (var (name, value) in fields)
        {
            body.Append("<input type=\"hidden\" name=\"").Append(E(name)).Append("\" value=\"").Append(E(value)).Append("\">");
        }

        body.Append("<input type=\"hidden\" name=\"").Append(E(antiforgeryName)).Append("\" value=\"").Append(E(antiforgeryToken)).Append("\">")
            .Append("<input type=\"hidden\" name=\"confirm\" value=\"yes\">")
            .Append("<button type=\"submit\" class=\"primary\">Sign out everywhere</button></form></section>");

        // A form's redirect counts against form-action: the app's registered logout page must be allowed.
        return Page("Sign out", body.ToString(), BasePolicy + "; form-action 'self'" + (redirectOrigin is null ? "" : " " + redirectOrigin), StatusCodes.Status200OK);
    }

    /// <summary>After a sign-out with nowhere to return to.</summary>
    public static IResult SignedOut() =>
        Page("Signed out", "<section class=\"signin\" data-page=\"broker-signed-out\"><h1>Signed out</h1><p>You are signed out of every app that signed you in through this Hub. You can close this window.</p></section>",
            BasePolicy + "; form-action 'none'", StatusCodes.Status200OK);

    /// <summary>A broker page with its own policy.</summary>
    public static IResult Page(string title, string body, string policy, int status) => new HtmlPage(title, body, policy, status);

    /// <summary>HTML-encodes a value.</summary>
    public static string E(string value) => WebUtility.HtmlEncode(value);

    /// <summary>A 302 that no cache keeps and that sends no Referer (the location carries a code).</summary>
    private sealed class NoStoreRedirect(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.Headers.CacheControl = "no-store";
            response.Headers.Pragma = "no-cache";
            response.Headers["Referrer-Policy"] = "no-referrer";
            response.Redirect(location);
            return Task.CompletedTask;
        }
    }

    private sealed class HtmlPage(string title, string body, string policy, int status) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
    {
        public int? StatusCode => status;

        public string ContentType => "text/html; charset=utf-8";

        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            response.ContentType = ContentType;
            response.Headers.ContentSecurityPolicy = policy;
            response.Headers.XFrameOptions = "DENY";
            response.Headers.XContentTypeOptions = "nosniff";
            response.Headers["Referrer-Policy"] = "no-referrer";
            response.Headers.CacheControl = "no-store";
            response.Headers.Pragma = "no-cache";
            return response.WriteAsync($"""
                <!DOCTYPE html>
                <html lang="en">
                <head>
                    <meta charset="utf-8">
                    <meta name="viewport" content="width=device-width, initial-scale=1">
                    <title>{E(title)} · Larkway Hub</title>
                    <link rel="icon" href="/console/assets/favicon.svg" type="image/svg+xml">
                    <link rel="stylesheet" href="/console/assets/console.css">
                </head>
                <body>
                <main class="main">
                {body}
                </main>
                </body>
                </html>
                """);
        }
    }
}

/// <summary>A platform's button on the sign-in page.</summary>
/// <param name="Platform">The platform as its unit is named (the button's id).</param>
/// <param name="DisplayName">The platform as the button shows it.</param>
/// <param name="Href">Where the button goes (the leg's start).</param>
/// <param name="QrHref">The QR login's start, when offered.</param>
internal sealed record SignInButton(string Platform, string DisplayName, string Href, string? QrHref);
