using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Larkway.Hub.AdminConsole;

/// <summary>The console's names, its security headers and its two static assets.</summary>
internal static class ConsoleSite
{
    public const string Path = "/console";

    /// <summary>The console's cookie scheme, apart from the APIs' bearer keys.</summary>
    public const string Scheme = "LarkwayConsole";

    public const string Policy = "LarkwayConsoleAdmin";

    // Scripts and styles only from the Hub itself: no inline script, no CDN (there is no internet at runtime).
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static readonly Dictionary<string, (string Resource, string ContentType)> Assets = new(StringComparer.Ordinal)
    {
        ["console.css"] = ("Larkway.Hub.console.css", "text/css; charset=utf-8"),
        ["console.js"] = ("Larkway.Hub.console.js", "text/javascript; charset=utf-8"),
    };

    public static Task SecurityHeaders(HttpContext http, RequestDelegate next)
    {
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
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
