using Larkway.Hub.Platform.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Hub.Platform.Observability.Prometheus;

/// <summary><c>GET /metrics</c>: one scrape per request, in the Prometheus text format 0.0.4.</summary>
internal static class MetricsEndpoint
{
    public const string Path = "/metrics";

    /// <summary>Maps the scrape route; the caller decides who may call it.</summary>
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder endpoints, PrometheusScrapeExporter exporter)
    {
        // A route handler (not a RequestDelegate), so that endpoint filters such as the admin check apply: the explicit
        // return type keeps the lambda from converting to RequestDelegate, and leaves it one the generator compiles.
        return endpoints.MapGet(Path, Task<IResult> (HttpContext context) => ScrapeAsync(context, exporter))
            .WithDisplayName("Prometheus metrics")
            .ExcludeFromDescription();
    }

    /// <summary>
    /// The one place that says who may scrape on the Hub's own port: the admin key today. When the admin key becomes an
    /// authentication scheme with an "admin" policy, this becomes <c>RequireAuthorization(policy)</c> and nothing else changes.
    /// </summary>
    public static RouteHandlerBuilder RequireAdmin(this RouteHandlerBuilder route) =>
        route.RequireHubAdmin("reads the metrics");

    private static async Task<IResult> ScrapeAsync(HttpContext context, PrometheusScrapeExporter exporter)
    {
        var text = await exporter.ScrapeAsync(context.RequestAborted).ConfigureAwait(false);
        if (text is null)
        {
            context.Response.Headers.RetryAfter = "5";
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        context.Response.Headers.CacheControl = "no-store";
        return Results.Bytes(text, PrometheusTextWriter.ContentType);
    }
}
