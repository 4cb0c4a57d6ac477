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
