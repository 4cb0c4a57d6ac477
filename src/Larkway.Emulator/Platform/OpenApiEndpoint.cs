using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Platform;

/// <summary>The kinds of bearer token an Open API endpoint takes (the doc's "supported access token types").</summary>
[Flags]
internal enum AccessTokenTypes
{
    None = 0,
    Tenant = 1,
    App = 2,
    User = 4,
}

/// <summary>Endpoint metadata: this route is an Open API call, subject to faults, auth and rate limits.</summary>
internal sealed record OpenApiEndpoint(AccessTokenTypes Accepts, bool ApiRateLimited)
{
    public bool RequiresToken => Accepts != AccessTokenTypes.None;

    /// <summary>The API's own frequency limit when it is not the common tier (<see cref="RateLimiter.ApiTier"/>).</summary>
    public IReadOnlyList<RateWindow>? Tier { get; init; }

    /// <summary>The HTTP status of a refused call: 429, or 400 for the older APIs that answer so (docx).</summary>
    public int RateLimitStatus { get; init; } = 429;
}

/// <summary>
/// Endpoint metadata for families whose failures are not the standard envelope: turns an injected 500 or 503 into the
/// endpoint's own error (the OAuth token endpoint answers 20050 / 20072).
/// </summary>
internal sealed record FaultAnswer(Func<int, ApiErrorException> ForStatus);

/// <summary>Who called: the app, and for a user_access_token the user's grant (else null).</summary>
internal sealed record Caller(EmulatorApp App)
{
    public AccessTokenTypes TokenType { get; init; } = AccessTokenTypes.Tenant;

    /// <summary>For a user_access_token: the user it was issued to and the scopes it carries.</summary>
    public Authen.UserGrant? User { get; init; }
}

internal static class OpenApiEndpointExtensions
{
    /// <summary>Marks a route group as tenant-token Open API endpoints.</summary>
    public static TBuilder AsOpenApi<TBuilder>(this TBuilder builder, bool requiresTenantToken = true, bool apiRateLimited = true)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AsOpenApi(requiresTenantToken ? AccessTokenTypes.Tenant : AccessTokenTypes.None, apiRateLimited);

    /// <summary>Marks a route group as Open API endpoints that take the given token types.</summary>
    public static TBuilder AsOpenApi<TBuilder>(this TBuilder builder, AccessTokenTypes accepts, bool apiRateLimited = true)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new OpenApiEndpoint(accepts, apiRateLimited));

    /// <summary>Marks one route as an Open API endpoint with its own frequency limit (the most specific metadata wins).</summary>
    public static TBuilder AsOpenApi<TBuilder>(this TBuilder builder, AccessTokenTypes accepts, IReadOnlyList<RateWindow> tier)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new OpenApiEndpoint(accepts, true) { Tier = tier });

    /// <summary>An Open API endpoint whose frequency limit answers <paramref name="rateLimitStatus"/> (docx: HTTP 400 + 99991400).</summary>
    public static TBuilder AsOpenApi<TBuilder>(this TBuilder builder, AccessTokenTypes accepts, IReadOnlyList<RateWindow> tier, int rateLimitStatus)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new OpenApiEndpoint(accepts, true) { Tier = tier, RateLimitStatus = rateLimitStatus });

    public static EmulatorApp CallerApp(this HttpContext context) =>
        context.Features.Get<Caller>()?.App ?? throw new InvalidOperationException("The endpoint is not marked as a token-authenticated Open API endpoint.");

    public static Caller Caller(this HttpContext context) =>
        context.Features.Get<Caller>() ?? throw new InvalidOperationException("The endpoint is not marked as a token-authenticated Open API endpoint.");

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
