using Larkway.Hub.Identity.Clients;
using Larkway.Hub.Identity.Provider;
using Larkway.Hub.Identity.Sessions;
using Larkway.Hub.Identity.SignIn;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Hub's sign-in broker.</summary>
public static class HubIdentityEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps discovery (<c>/.well-known/openid-configuration</c>), the protocol endpoints under <c>/oidc</c> (authorize,
    /// token, userinfo, jwks, revoke, logout, register), the sign-in page and the Feishu leg, and the admin API under
    /// <c>/api/v1/identity</c>. Needs <c>AddHubIdentity</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapHubIdentity(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        OidcEndpoints.Map(endpoints);
        SignInEndpoints.Map(endpoints);
        ClientsApi.Map(endpoints);
        SessionsApi.Map(endpoints);
        return endpoints;
    }
}
