using Larkway.Hub.AdminConsole;
using Larkway.Hub.Platform.OpenApi;
using Scalar.AspNetCore;
using Microsoft.AspNetCore.Http;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Hub's admin console.</summary>
public static class HubConsoleEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the console's pages and assets under <c>/console</c>, with its security headers and its not-found page, the
    /// site's root (a redirect to the console) and <c>/favicon.ico</c>. Needs <c>AddHubConsole</c>.
    /// </summary>
    public static WebApplication MapHubConsole(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseWhen(http => http.Request.Path.StartsWithSegments(ConsoleSite.Path), branch =>
        {
            branch.Use(ConsoleSite.SecurityHeaders);
            branch.UseStatusCodePages(ConsoleSite.NotFoundPageAsync);
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet(ConsoleSite.Path + "/assets/{name}", ConsoleSite.Asset).AllowAnonymous();

        // The site's root and the favicon browsers ask it for: the console is what a person opening the Hub wants.
        app.MapGet("/", () => TypedResults.Redirect(ConsoleSite.Path)).AllowAnonymous().ExcludeFromDescription();
        app.MapGet(ConsoleSite.FaviconPath, () => ConsoleSite.Asset("favicon.svg")).AllowAnonymous().ExcludeFromDescription();
        // The menu once said "Deliveries" for the notifications page: that word keeps working.
        app.MapGet(ConsoleSite.Path + "/deliveries/{**rest}", ConsoleSite.DeliveriesRedirect).AllowAnonymous().ExcludeFromDescription();
        app.MapRazorPages();
        MapApiReference(app);
        return app;
    }

    /// <summary>
    /// The API's interactive reference for signed-in administrators, from the OpenAPI document: Scalar's bundle as the
    /// NuGet package ships it, with nothing that calls another host (no CDN, web fonts, telemetry, AI agent or developer
    /// tools); its "try it" calls go straight to this Hub with the key the administrator types in. Its one inline script
    /// carries a nonce made per request, which the page's security policy names (<see cref="ConsoleSite.SecurityHeaders"/>).
    /// </summary>
    private static void MapApiReference(WebApplication app)
    {
        app.MapScalarApiReference(ConsoleSite.ApiReferencePath, options => options
                .WithTitle("Larkway Hub API")
                .WithOpenApiRoutePattern(HubOpenApi.DocumentPath)
                .AddPreferredSecuritySchemes(HubOpenApi.BearerSchemeName)
                .WithNonce()
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp()
                .HideDeveloperTools())
            .RequireAuthorization(ConsoleSite.Policy);
    }
}
