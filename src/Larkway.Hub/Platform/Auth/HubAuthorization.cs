using Larkway.Hub.Platform.Auth.ApiKeys;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;

namespace Larkway.Hub.Platform.Auth;

/// <summary>"May send this notification type": the admin key, or an API key whose types match the type (the resource).</summary>
internal sealed class MaySendRequirement : AuthorizationHandler<MaySendRequirement, string>, IAuthorizationRequirement
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, MaySendRequirement requirement, string resource)
    {
        if (context.User.IsInRole(HubAuth.AdminRole)
            || (context.User.FindFirst(HubAuth.TypesClaim)?.Value is { } types && ApiKeyStore.Allows(types, resource)))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary>Puts an endpoint (or group) behind the bearer scheme's policies.</summary>
public static class HubAuthEndpointConventionBuilderExtensions
{
    /// <summary>Only the admin key; an API key gets 403 naming <paramref name="onlyAdmin"/> ("manages webhooks").</summary>
    public static TBuilder RequireHubAdmin<TBuilder>(this TBuilder builder, string onlyAdmin)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(HubAuth.AdminPolicy).WithMetadata(HubKeyHint.AdminKey(onlyAdmin));

    /// <summary>The admin key or any valid API key.</summary>
    public static TBuilder RequireHubCaller<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(HubAuth.CallerPolicy).WithMetadata(HubKeyHint.AnyKey);
}
