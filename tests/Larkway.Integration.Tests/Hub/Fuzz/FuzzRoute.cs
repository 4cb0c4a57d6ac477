using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub.Fuzz;

/// <summary>One route the Hub maps: its pattern, route parameters and the methods it answers.</summary>
internal sealed record FuzzRoute(string Pattern, IReadOnlyList<string> Parameters, IReadOnlyList<string> Methods)
{
    public bool IsFeishu => Pattern.StartsWith("/feishu/", StringComparison.Ordinal);

    /// <summary>DingTalk's HTTP callbacks (<c>/dingtalk/apps/{name}/callback</c>): signed by headers or by the query.</summary>
    public bool IsDingTalk => Pattern.StartsWith("/dingtalk/", StringComparison.Ordinal);

    /// <summary>WeCom's callback (<c>/wecom/apps/{name}/callback</c>): the URL check (GET) and encrypted callbacks (POST), signed in the query.</summary>
    public bool IsWeCom => Pattern.StartsWith("/wecom/", StringComparison.Ordinal);

    public bool IsConsole => Pattern.StartsWith("/console", StringComparison.Ordinal);

    public bool IsApi => Pattern.StartsWith("/api/", StringComparison.Ordinal);

    /// <summary>The assistants' API and console pages, whose <c>{name}</c> is an assistant's (<see cref="FuzzTarget.AssistantName"/>).</summary>
    public bool IsAssistant => Pattern.StartsWith("/api/v1/assistants", StringComparison.Ordinal) || Pattern.StartsWith("/console/assistants", StringComparison.Ordinal);

    public override string ToString() => Pattern;

    /// <summary>
    /// Every route of a Hub as its endpoint data source lists them (APIs, Feishu endpoints, console pages), and the
    /// callback paths its remote authentication handlers answer before routing (the Feishu sign-in's callback), read from
    /// a Hub started in this process: a route added later is fuzzed without anyone listing it here.
    /// </summary>
    public static async Task<IReadOnlyList<FuzzRoute>> DiscoverAsync()
    {
        await using var hub = await HubSandbox.StartAsync();
        var sources = hub.Host.Services.GetRequiredService<EndpointDataSource>();
        var endpoints = sources.Endpoints.OfType<RouteEndpoint>()
            .Select(e => new FuzzRoute(
                "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'),
                [.. e.RoutePattern.Parameters.Select(p => p.Name)],
                e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods is { Count: > 0 } methods ? [.. methods] : ["GET", "POST"]));
        var callbacks = (await CallbackPathsAsync(hub.Host.Services)).Select(path => new FuzzRoute(path, [], ["GET", "POST"]));
        return [.. endpoints.Concat(callbacks)
            .GroupBy(r => r.Pattern, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.First() with { Methods = [.. g.SelectMany(r => r.Methods).Distinct(StringComparer.Ordinal)] })];
    }

    /// <summary>The callback path of every remote authentication scheme (OAuth and the like), as its handler's options set it.</summary>
    private static async Task<List<string>> CallbackPathsAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        var handlers = scope.ServiceProvider.GetRequiredService<IAuthenticationHandlerProvider>();
        var paths = new List<string>();
        foreach (var scheme in await services.GetRequiredService<IAuthenticationSchemeProvider>().GetRequestHandlerSchemesAsync())
        {
            var handler = await handlers.GetHandlerAsync(context, scheme.Name);
            if (handler?.GetType().GetProperty("Options")?.GetValue(handler) is RemoteAuthenticationOptions { CallbackPath.HasValue: true } options)
            {
                paths.Add(options.CallbackPath.Value!);
            }
        }

        return paths;
    }

    /// <summary>The path with each parameter replaced by <paramref name="value"/>'s choice (already escaped as needed).</summary>
    public string Path(Func<string, string> value)
    {
        var path = Pattern;
        foreach (var parameter in Parameters)
        {
            // A parameter is {name}, {name:constraint}, or a catch-all {*name} / {**name}.
            var match = Regex.Match(path, @"\{\*{0,2}" + Regex.Escape(parameter) + @"[}:=?]");
            var end = path.IndexOf('}', match.Index);
            path = path[..match.Index] + value(parameter) + path[(end + 1)..];
        }

        return path;
    }
}
