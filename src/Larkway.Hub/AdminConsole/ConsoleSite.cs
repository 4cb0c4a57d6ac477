using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Larkway.Hub.AdminConsole;

/// <summary>The console's names, its security headers, its static assets and its page for a path that has none.</summary>
internal static class ConsoleSite
{
    public const string Path = "/console";

    /// <summary>The console's cookie scheme, apart from the APIs' bearer keys.</summary>
    public const string Scheme = "LarkwayConsole";

    public const string Policy = "LarkwayConsoleAdmin";

    /// <summary>
    /// The console role that may do everything, including reading what Feishu sent (event payloads). The bootstrap
    /// administrator has it; a read-only role (Feishu sign-in, to come) would not.
    /// </summary>
    public const string AdminRole = "admin";

    /// <summary>May read an event's payload: a signed-in console user in <see cref="AdminRole"/>.</summary>
    public const string PayloadPolicy = "LarkwayConsolePayloads";

    // Scripts and styles only from the Hub itself: no inline script, no CDN (there is no internet at runtime).
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>The API's interactive reference (Scalar), for signed-in administrators.</summary>
    public const string ApiReferencePath = Path + "/api-reference";

    /// <summary>
    /// The reference's page configures its bundle in an inline script, allowed by the nonce of that one answer, and the
    /// bundle styles itself inline, allowed there only; everything still comes from this Hub.
    /// </summary>
    private static string ApiReferenceSecurityPolicy(string? nonce) =>
        $"default-src 'self'; script-src 'self'{(nonce is null ? "" : $" 'nonce-{nonce}'")}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static readonly Dictionary<string, (string Resource, string ContentType)> Assets = new(StringComparer.Ordinal)
    {
        ["console.css"] = ("Larkway.Hub.console.css", "text/css; charset=utf-8"),
        ["console.js"] = ("Larkway.Hub.console.js", "text/javascript; charset=utf-8"),
        ["favicon.svg"] = ("Larkway.Hub.favicon.svg", "image/svg+xml"),
    };

    /// <summary>The favicon browsers ask the site's root for (an SVG: every current browser takes one by its content type).</summary>
    public const string FaviconPath = "/favicon.ico";

    /// <summary>
    /// <c>/console/deliveries[/…]</c> to the same place under <c>/console/notifications</c>, query kept: the page lists
    /// notifications (each with its deliveries), and is named so in the menu and the docs.
    /// </summary>
    public static IResult DeliveriesRedirect(HttpRequest request, string? rest) =>
        TypedResults.Redirect(Path + "/notifications" + (string.IsNullOrEmpty(rest) ? "" : "/" + Uri.EscapeDataString(rest)) + request.QueryString);

    public static Task SecurityHeaders(HttpContext http, RequestDelegate next)
    {
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = http.Request.Path.StartsWithSegments(ApiReferencePath)
                ? ApiReferenceSecurityPolicy(http.Items[Scalar.AspNetCore.ScalarOptions.NonceHttpContextItemKey] as string)
                : ContentSecurityPolicy;
            headers.XFrameOptions = "DENY";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            if (!http.Request.Path.StartsWithSegments(Path + "/assets"))
            {
                // Pages show live state and secrets shown once: never cached by the browser or a proxy.
                headers.CacheControl = "no-store";
                headers.Pragma = "no-cache";
            }

            return Task.CompletedTask;
        });
        return next(http);
    }

    /// <summary>
    /// A console path with no page (or a page that found nothing to show) answers a page that says so and leads back,
    /// not an empty 404. The text names only the path asked for.
    /// </summary>
    public static async Task NotFoundPageAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        if (http.Response.StatusCode != StatusCodes.Status404NotFound || !HttpMethods.IsGet(http.Request.Method)
            || http.Request.Path.StartsWithSegments(Path + "/assets"))
        {
            return;
        }

        var path = System.Net.WebUtility.HtmlEncode(http.Request.Path.Value);
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(MessagePage(
            "Page not found",
            $"""<p>There is nothing at <code>{path}</code>: the address may be mistyped, or what it showed was deleted.</p>""",
            Path,
            "Go to the dashboard")).ConfigureAwait(false);
    }

    /// <summary>
    /// A 400 refusal of a console form as a <see cref="MessagePage"/> leading back to the form's page (its GET, never an
    /// address taken from the request's query or headers).
    /// </summary>
    public static Microsoft.AspNetCore.Mvc.ContentResult FormRefused(HttpContext http, string title, string bodyHtml) => new()
    {
        StatusCode = StatusCodes.Status400BadRequest,
        ContentType = "text/html; charset=utf-8",
        Content = MessagePage(title, bodyHtml, http.Request.PathBase + http.Request.Path, "Open the page again"),
    };

    /// <summary>
    /// A page of the console's look with one message and one link onward, for answers no page renders (a path with no
    /// page, a form that could not be taken). <paramref name="bodyHtml"/> is HTML, already encoded.
    /// </summary>
    public static string MessagePage(string title, string bodyHtml, string linkHref, string linkText) => $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{System.Net.WebUtility.HtmlEncode(title)}} · Larkway Hub</title>
            <link rel="icon" href="{{Path}}/assets/favicon.svg" type="image/svg+xml">
            <link rel="stylesheet" href="{{Path}}/assets/console.css">
        </head>
        <body>
        <main class="main">
            <h1>{{System.Net.WebUtility.HtmlEncode(title)}}</h1>
            {{bodyHtml}}
            <p><a href="{{System.Net.WebUtility.HtmlEncode(linkHref)}}">{{System.Net.WebUtility.HtmlEncode(linkText)}}</a></p>
        </main>
        </body>
        </html>
        """;

    public static IResult Asset(string name)
    {
        if (!Assets.TryGetValue(name, out var asset))
        {
            return TypedResults.NotFound();
        }

        var stream = typeof(ConsoleSite).Assembly.GetManifestResourceStream(asset.Resource)
            ?? throw new InvalidOperationException($"The embedded resource {asset.Resource} is missing.");
        return TypedResults.Stream(stream, asset.ContentType, lastModified: null, entityTag: new EntityTagHeaderValue("\"" + typeof(ConsoleSite).Assembly.ManifestModule.ModuleVersionId.ToString("N") + "\""));
    }
}
