using System.Security.Claims;
using System.Text.Json;
using Larkway.Feishu.Authen;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.AspNetCore.Http;

namespace Larkway.Feishu.AspNetCore.Authentication;

/// <summary>
/// What <see cref="OAuthEvents.OnCreatingTicket"/> gets from Feishu sign-in: the usual context, and the typed user, token
/// set and app client. Cast to it: <c>var feishu = (FeishuCreatingTicketContext)context;</c>.
/// </summary>
public class FeishuCreatingTicketContext : OAuthCreatingTicketContext
{
    /// <summary>The context of one sign-in.</summary>
    public FeishuCreatingTicketContext(
        ClaimsPrincipal principal,
        AuthenticationProperties properties,
        HttpContext context,
        AuthenticationScheme scheme,
        FeishuAuthenticationOptions options,
        HttpClient backchannel,
        OAuthTokenResponse tokens,
        JsonElement user,
        FeishuClient client,
        FeishuUserToken userToken,
        UserInfo userInfo)
        : base(principal, properties, context, scheme, options, backchannel, tokens, user)
    {
        Client = client;
        UserToken = userToken;
        UserInfo = userInfo;
    }

    /// <summary>The client of the app the user signed in to (call <c>Client.AsUser(UserToken.AccessToken)</c> to act as them).</summary>
    public FeishuClient Client { get; }

    /// <summary>The user's token set (secret): the access token, its expiry, and the refresh token with <c>offline_access</c>.</summary>
    public FeishuUserToken UserToken { get; }

    /// <summary>Everything user_info said about the user (the claims are made from it).</summary>
    public UserInfo UserInfo { get; }
}
