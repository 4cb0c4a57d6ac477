using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Platform;

/// <summary>Endpoint metadata: this route is an Open API call, subject to faults, auth and rate limits.</summary>
internal sealed record OpenApiEndpoint(bool RequiresTenantToken, bool ApiRateLimited);

/// <summary>The app whose tenant_access_token authenticated the call.</summary>
internal sealed record Caller(EmulatorApp App);

internal static class OpenApiEndpointExtensions
{
    /// <summary>Marks a route group as tenant-token Open API endpoints.</summary>
    public static TBuilder AsOpenApi<TBuilder>(this TBuilder builder, bool requiresTenantToken = true, bool apiRateLimited = true)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new OpenApiEndpoint(requiresTenantToken, apiRateLimited));

    public static EmulatorApp CallerApp(this HttpContext context) =>
        context.Features.Get<Caller>()?.App ?? throw new InvalidOperationException("The endpoint is not marked as a tenant-token Open API endpoint.");

    /// <summary>The user ids the calling app sees.</summary>
    public static AppUserIds CallerIds(this HttpContext context, EmulatorState state) => state.IdsFor(context.CallerApp().AppId);

    /// <summary>"POST /open-apis/im/v1/messages/{message_id}" — how faults and rate limits name an API.</summary>
    public static string? OperationName(this Endpoint endpoint)
    {
        if (endpoint is not RouteEndpoint route)
        {
            return null;
        }

        var method = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.FirstOrDefault() ?? "*";
        var path = "/" + (route.RoutePattern.RawText ?? string.Empty).TrimStart('/');
        return method + " " + path.TrimEnd('/');
    }
}
