using Larkway.Feishu.AspNetCore.Jsapi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Larkway.Feishu.AspNetCore;

/// <summary>Maps the Feishu event and card-action endpoints, and the JSAPI config endpoint of H5 pages.</summary>
public static class FeishuEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>POST pattern</c> for the app's event subscription: events (v1 and v2) and new-style callbacks,
    /// plain or encrypted, plus url_verification. Register the app with
    /// <see cref="FeishuEventsServiceCollectionExtensions.AddFeishuEventReceiver(IServiceCollection, string, Action{FeishuEventEndpointOptions})"/>.
    /// </summary>
    public static RouteHandlerBuilder MapFeishuEvents(this IEndpointRouteBuilder endpoints, string pattern, string? appName = null) =>
        Map(endpoints, pattern, appName ?? Options.DefaultName, FeishuEndpointKind.Events, "Feishu events");

    /// <summary>
    /// Maps <c>POST pattern</c> for the app's card request URL: old-style message-card callbacks (SHA-1 with the
    /// verification token) and new-style <c>card.action.trigger</c>, plus url_verification.
    /// </summary>
    public static RouteHandlerBuilder MapFeishuCardActions(this IEndpointRouteBuilder endpoints, string pattern, string? appName = null) =>
        Map(endpoints, pattern, appName ?? Options.DefaultName, FeishuEndpointKind.CardActions, "Feishu card actions");

    /// <summary>
    /// Maps <c>POST pattern</c> as the event endpoint of whichever app <paramref name="appName"/> picks from the request
    /// (e.g. a route value, for apps added at run time). Each app's secrets come from the named
    /// <see cref="FeishuEventEndpointOptions"/>; refuse unknown apps with an endpoint filter.
    /// </summary>
    public static RouteHandlerBuilder MapFeishuEvents(this IEndpointRouteBuilder endpoints, string pattern, Func<HttpContext, string> appName) =>
        Map(endpoints, pattern, appName, FeishuEndpointKind.Events, "Feishu events");

    /// <summary>Maps <c>POST pattern</c> as the card request URL of whichever app <paramref name="appName"/> picks from the request.</summary>
    public static RouteHandlerBuilder MapFeishuCardActions(this IEndpointRouteBuilder endpoints, string pattern, Func<HttpContext, string> appName) =>
        Map(endpoints, pattern, appName, FeishuEndpointKind.CardActions, "Feishu card actions");

    /// <summary>
    /// Maps <c>GET pattern?url=…</c>, which answers an H5 page's <c>h5sdk.config</c> parameters —
    /// <c>{"appId","timestamp","nonceStr","signature","url"}</c>, timestamp in milliseconds, a fresh nonce every call — for
    /// the page at <c>url</c> (its <c>#fragment</c> left out), when the page's origin is on
    /// <see cref="FeishuJsapiConfigOptions.AllowedOrigins"/>. The app's JSAPI ticket signs and never leaves the server.
    /// A missing or malformed url is 400, an origin not on the list 403, a refusal from Feishu 502, each a problem+json
    /// saying what to send or configure. The options are <paramref name="configure"/> applied to a copy of those
    /// registered with <c>services.Configure&lt;FeishuJsapiConfigOptions&gt;(…)</c>; the app comes from
    /// <c>services.AddFeishu()</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">No origin is allowed, one is not an origin, or <c>services.AddFeishu()</c> was not called.</exception>
    public static RouteHandlerBuilder MapFeishuJsapiConfig(this IEndpointRouteBuilder endpoints, string pattern, Action<FeishuJsapiConfigOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        var options = (endpoints.ServiceProvider.GetService<IOptions<FeishuJsapiConfigOptions>>()?.Value ?? new FeishuJsapiConfigOptions()).Clone();
        configure?.Invoke(options);
        var factory = endpoints.ServiceProvider.GetService<IFeishuClientFactory>()
            ?? throw new InvalidOperationException($"MapFeishuJsapiConfig(\"{pattern}\") signs with an app of services.AddFeishu(): call it first.");
        if (factory is FeishuClientFactory library && !library.IsRegistered(options.AppName ?? string.Empty))
        {
            throw new InvalidOperationException(string.IsNullOrEmpty(options.AppName)
                ? $"MapFeishuJsapiConfig(\"{pattern}\") signs with the default app, which is not registered: call services.AddFeishu(o => …), or set AppName."
                : $"MapFeishuJsapiConfig(\"{pattern}\") signs with app '{options.AppName}', which is not registered: call services.AddFeishu().AddApp(\"{options.AppName}\", o => …).");
        }

        var endpoint = FeishuJsapiConfigEndpoint.Create(pattern, options);
        Func<HttpContext, Task<IResult>> handle = endpoint.HandleAsync;
        return endpoints.MapGet(pattern, (Delegate)handle)
            .WithDisplayName($"Feishu JSAPI config ({pattern})");
    }

    private static RouteHandlerBuilder Map(IEndpointRouteBuilder endpoints, string pattern, Func<HttpContext, string> appName, FeishuEndpointKind kind, string name)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        ArgumentNullException.ThrowIfNull(appName);
        if (endpoints.ServiceProvider.GetService<FeishuEventRequestHandler>() is null)
        {
            throw new InvalidOperationException($"Call services.AddFeishuEventReceiver(…) before mapping {name}.");
        }

        return endpoints.MapPost(pattern, (HttpContext context, FeishuEventRequestHandler handler) => handler.HandleAsync(context, appName(context), kind))
            .WithDisplayName($"{name} ({pattern})")
            .DisableAntiforgery()
            .ExcludeFromDescription();
    }

    private static RouteHandlerBuilder Map(IEndpointRouteBuilder endpoints, string pattern, string appName, FeishuEndpointKind kind, string name)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        if (endpoints.ServiceProvider.GetService<FeishuEventRequestHandler>() is null)
        {
            throw new InvalidOperationException($"Call services.AddFeishuEventReceiver(\"{appName}\", …) before mapping {name}.");
        }

        return endpoints.MapPost(pattern, (HttpContext context, FeishuEventRequestHandler handler) => handler.HandleAsync(context, appName, kind))
            .WithDisplayName($"{name} ({(appName.Length == 0 ? "default app" : appName)})")
            .DisableAntiforgery()
            .ExcludeFromDescription();
    }
}
