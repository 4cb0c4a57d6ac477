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
    private const string BasePolicy = "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'";

    /// <summary>The sign-in page: "Sign in with Feishu" and, where Feishu offers it, QR login.</summary>
    public static IResult SignIn(string appName, string feishuHref, string? qrHref)
    {
        var body = new StringBuilder()
            .Append("<section class=\"signin\" data-page=\"broker-sign-in\">")
            .Append("<h1>Sign in</h1>")
            .Append("<p class=\"muted\">to <strong>").Append(E(appName)).Append("</strong> with your Feishu account.</p>")
            .Append("<p><a class=\"button primary\" id=\"feishu-sign-in\" href=\"").Append(E(feishuHref)).Append("\">Sign in with Feishu</a></p>");
        if (qrHref is not null)
        {
            body.Append("<p><a class=\"button\" id=\"feishu-qr\" href=\"").Append(E(qrHref)).Append("\">Scan a QR code with the Feishu app</a></p>");
        }

        body.Append("<p class=\"muted\">No other app sees your Feishu password; the app gets your name and work email.</p></section>");
        return Page("Sign in", body.ToString(), BasePolicy + "; script-src 'none'; form-action 'self'", StatusCodes.Status200OK);
    }

    /// <summary>
    /// Feishu's QR login with its QR SDK (real Feishu): the SDK draws the code; <paramref name="gotoUrl"/> is the QR page's
    /// URL the Feishu handler made (its state inside). The only page whose CSP allows the SDK's host and Feishu's frame.
    /// </summary>
    public static IResult QrSdk(string gotoUrl)
    {
        var body = new StringBuilder()
            .Append("<section class=\"signin\" data-page=\"broker-qr\"><h1>Scan with Feishu</h1>")
            .Append("<p class=\"muted\">Open the Feishu app on your phone and scan this code.</p>")
            .Append("<div id=\"feishu-qr\" data-goto=\"").Append(E(gotoUrl)).Append("\"></div>")
            .Append("<script src=\"").Append(E(FeishuClientSignIn.QrSdkScript)).Append("\"></script>")
            .Append("<script src=\"").Append(IdentitySite.QrScriptPath).Append("\"></script></section>");
        var policy = $"{BasePolicy}; script-src 'self' {FeishuClientSignIn.QrSdkOrigin}; frame-src {FeishuClientSignIn.PassportOrigin}; form-action 'none'";
        return Page("Scan with Feishu", body.ToString(), policy, StatusCodes.Status200OK);
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
    /// A person Feishu signed in who holds no console grant: the way back (the password sign-in) and how a grant is made,
    /// in the sandbox with where the password of <c>admin</c> is (<paramref name="sandboxSecretsFile"/>), since there the
    /// Emulator's users are the only Feishu accounts and none is an administrator until granted.
    /// </summary>
    public static IResult NotAdministrator(string personName, string? sandboxSecretsFile)
    {
        var body = new StringBuilder()
            .Append("<section class=\"signin\" data-page=\"broker-not-admin\"><h1>Not an administrator</h1>")
            .Append("<p class=\"error\" role=\"alert\">").Append(E(personName)).Append(" is not an administrator of this Hub's console.</p>")
            .Append("<p>An administrator grants it on the console's <strong>Administrators</strong> page, to this person or their department; then sign in with Feishu again.</p>");
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
            .Append("<p>Sign out of every app you signed in to with Feishu")
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
        Page("Signed out", "<section class=\"signin\" data-page=\"broker-signed-out\"><h1>Signed out</h1><p>You are signed out of every app that signed you in with Feishu through this Hub. You can close this window.</p></section>",
            BasePolicy + "; form-action 'none'", StatusCodes.Status200OK);

    private static IResult Page(string title, string body, string policy, int status) => new HtmlPage(title, body, policy, status);

    private static string E(string value) => WebUtility.HtmlEncode(value);

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
