using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub.Fuzz;

/// <summary>One route the Hub maps: its pattern, route parameters and the methods it answers.</summary>
internal sealed record FuzzRoute(string Pattern, IReadOnlyList<string> Parameters, IReadOnlyList<string> Methods)
{
    public bool IsFeishu => Pattern.StartsWith("/feishu/", StringComparison.Ordinal);

    public bool IsConsole => Pattern.StartsWith("/console", StringComparison.Ordinal);

    public bool IsApi => Pattern.StartsWith("/api/", StringComparison.Ordinal);

    public override string ToString() => Pattern;

    /// <summary>
    /// Every route of a Hub as its endpoint data source lists them (APIs, Feishu endpoints, console pages), read from
    /// a Hub started in this process: a route added later is fuzzed without anyone listing it here.
    /// </summary>
    public static async Task<IReadOnlyList<FuzzRoute>> DiscoverAsync()
    {
        await using var hub = await HubSandbox.StartAsync();
        var sources = hub.Host.Services.GetRequiredService<EndpointDataSource>();
        return [.. sources.Endpoints.OfType<RouteEndpoint>()
            .Select(e => new FuzzRoute(
                "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'),
                [.. e.RoutePattern.Parameters.Select(p => p.Name)],
                e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods is { Count: > 0 } methods ? [.. methods] : ["GET", "POST"]))
            .GroupBy(r => r.Pattern, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.First() with { Methods = [.. g.SelectMany(r => r.Methods).Distinct(StringComparer.Ordinal)] })];
    }

    /// <summary>The path with each parameter replaced by <paramref name="value"/>'s choice (already escaped as needed).</summary>
    public string Path(Func<string, string> value)
    {
        var path = Pattern;
        foreach (var parameter in Parameters)
        {
            var start = path.IndexOf("{" + parameter, StringComparison.Ordinal);
            var end = path.IndexOf('}', start);
            path = path[..start] + value(parameter) + path[(end + 1)..];
        }

        return path;
    }
}
