using Larkway.Feishu.AspNetCore.Authentication;
using Larkway.Feishu.Authen;
using Larkway.Hub.Feishu.SignIn;
using Larkway.Hub.Identity;
using Larkway.Hub.Identity.SignIn;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Feishu.Docs;

/// <summary>
/// "Let the assistant ask Feishu as me": a person signs in with Feishu once, granting the document scopes, and the Hub
/// keeps their token (encrypted, refreshed) so that <see cref="FeishuDocumentAccess"/> asks Feishu's own permission check
/// as them — which counts the rights the bot cannot see (a wiki space's, a folder's). Rides the sign-in's Feishu leg
/// (state, PKCE, code exchange); only this entry keeps the token.
/// </summary>
internal static class FeishuDocsConnect
{
    /// <summary>Where a person starts (the assistant's refusals link here).</summary>
    public const string Path = IdentitySite.Path + "/feishu/documents";

    /// <summary>Where Feishu's round trip ends.</summary>
    public const string DonePath = Path + "/done";

    /// <summary>The challenge's mark: only its sign-in keeps the token.</summary>
    public const string Marker = "larkway.docs";

    /// <summary>What the person grants: reading documents and the wiki, the permission check, and a refresh token.</summary>
    public static readonly IReadOnlyList<string> Scopes = ["docx:document:readonly", "wiki:wiki:readonly", "docs:permission.member:auth", FeishuAuthenticationDefaults.OfflineAccessScope];

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, (Delegate)Start).AllowAnonymous().ExcludeFromDescription().WithName("FeishuDocsConnect");
        endpoints.MapGet(DonePath, (Delegate)DoneAsync).AllowAnonymous().ExcludeFromDescription().WithName("FeishuDocsConnected");
    }

    /// <summary>Keeps the token of a sign-in this entry started (the leg's <c>OnCreatingTicket</c>).</summary>
    public static async Task KeepTokenAsync(OAuthCreatingTicketContext context)
    {
        if (context is FeishuCreatingTicketContext feishu && context.Properties.Items.ContainsKey(Marker) && feishu.UserInfo.OpenId is { Length: > 0 } openId)
        {
            var store = context.HttpContext.RequestServices.GetRequiredService<IFeishuUserTokenStore>();
            await store.SaveAsync(feishu.Client.AppId, openId, feishu.UserToken, context.HttpContext.RequestAborted).ConfigureAwait(false);
        }
    }

    private static IResult Start()
    {
        var properties = new OAuthChallengeProperties { RedirectUri = DonePath, Scope = [.. Scopes] };
        properties.Items[Marker] = "1";
        return Results.Challenge(properties, [FeishuSignInLeg.Scheme]);
    }

    private static async Task<IResult> DoneAsync(HttpContext http)
    {
        var result = await http.AuthenticateAsync(FeishuSignInLeg.ResultScheme).ConfigureAwait(false);
        if (!result.Succeeded || result.Properties?.Items.ContainsKey(Marker) != true)
        {
            return SignInPages.Error("Not connected", "Feishu did not sign you in for your documents. Open the link the assistant gave you again.");
        }

        await http.SignOutAsync(FeishuSignInLeg.ResultScheme).ConfigureAwait(false);
        var name = result.Principal?.Identity?.Name ?? "You";
        var body = $"<section class=\"signin\" data-page=\"docs-connected\"><h1>Documents connected</h1><p>{SignInPages.E(name)}: the assistant now asks Feishu which documents you may open, and reads the ones you link. Ask your question again in the chat.</p></section>";
        return SignInPages.Page("Documents connected", body, SignInPages.BasePolicy + "; form-action 'none'", StatusCodes.Status200OK);
    }
}
