using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Larkway.Feishu.AspNetCore;

/// <summary>Maps the Feishu event and card-action endpoints.</summary>
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
