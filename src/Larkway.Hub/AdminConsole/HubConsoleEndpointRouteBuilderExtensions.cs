using Larkway.Hub.AdminConsole;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Hub's admin console.</summary>
public static class HubConsoleEndpointRouteBuilderExtensions
{
    /// <summary>Maps the console's pages and assets under <c>/console</c>, with its security headers. Needs <c>AddHubConsole</c>.</summary>
    public static WebApplication MapHubConsole(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseWhen(http => http.Request.Path.StartsWithSegments(ConsoleSite.Path), branch => branch.Use(ConsoleSite.SecurityHeaders));
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet(ConsoleSite.Path + "/assets/{name}", ConsoleSite.Asset).AllowAnonymous();
        app.MapRazorPages();
        return app;
    }
}
