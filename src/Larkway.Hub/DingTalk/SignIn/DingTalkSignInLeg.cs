using Larkway.DingTalk;
using Larkway.Hub.Apps;
using Larkway.Hub.Identity;
using Larkway.Hub.Identity.SignIn;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.DingTalk.SignIn;

/// <summary>
/// The sign-in's DingTalk leg, DingTalk's OAuth 2.0 login for web pages: the browser goes to <c>login.dingtalk.com/oauth2/auth</c>
/// (scope <c>openid corpid</c>, <c>prompt=consent</c>) and comes back to <c>/oidc/dingtalk/done</c> with <c>authCode</c> and the
/// <c>state</c> bound to it (<see cref="SignInCorrelation"/>). The code is exchanged (<c>POST /v1.0/oauth2/userAccessToken</c>),
/// the person read (<c>GET /v1.0/contact/users/me</c>: unionId, nick, email, mobile, avatar) and their userid in the
/// organisation looked up by unionId (<c>topapi/user/getbyunionid</c>): the userid is what the directory sync links a
/// DingTalk person by. DingTalk's login has no PKCE; the code is useless without the app's secret, which stays on the Hub.
/// </summary>
internal sealed class DingTalkSignInLeg(HubAppRegistry apps, HubDingTalkClients clients, SignInCorrelation correlation, IOptions<IdentityOptions> options) : ISignInLeg
{
    /// <inheritdoc />
    public string DisplayName => "DingTalk";

    /// <inheritdoc />
    public async Task<SignInLegOffer?> OfferAsync(CancellationToken cancellationToken) =>
        await AppAsync(cancellationToken).ConfigureAwait(false) is { } app ? new SignInLegOffer(app.Name, QrLogin: false) : null;

    /// <inheritdoc />
    public async Task<IResult> StartAsync(HttpContext http, SignInLegStart start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (await AppAsync(cancellationToken).ConfigureAwait(false) is not { } app)
        {
            return SignInPages.Error("Sign-in is not set up", "This Hub has no DingTalk app to sign people in with.", StatusCodes.Status503ServiceUnavailable);
        }

        var client = clients.For(app, app.Name);
        var state = correlation.Begin(http, HubAppPlatform.DingTalk, start);
        return TypedResults.Redirect(client.SignIn.GetAuthorizeUrl(start.DoneUrl, state, askCorpId: true).AbsoluteUri);
    }

    /// <inheritdoc />
    public async Task<SignInLegResult> CompleteAsync(HttpContext http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        var query = http.Request.Query;
        if (correlation.End(http, HubAppPlatform.DingTalk, query["state"].ToString()) is not { } started)
        {
            return SignInLegResult.Expired();
        }

        if (query["error"].ToString() is { Length: > 0 })
        {
            return new SignInLegResult { Denied = true, Continuation = started.Continuation };
        }

        if (query["authCode"].ToString() is not { Length: > 0 } code)
        {
            return SignInLegResult.Failed("DingTalk sent no authCode back. Go back to the app and sign in again.");
        }

        if (await AppAsync(cancellationToken).ConfigureAwait(false) is not { } app)
        {
            return SignInLegResult.Failed("This Hub no longer has a DingTalk app to sign people in with.", StatusCodes.Status503ServiceUnavailable);
        }

        try
        {
            var client = clients.For(app, app.Name);
            var token = await client.SignIn.GetUserTokenAsync(code, cancellationToken).ConfigureAwait(false);
            var me = await client.SignIn.GetCurrentUserAsync(token, cancellationToken).ConfigureAwait(false);
            var userId = await client.Users.GetUserIdByUnionIdAsync(me.UnionId, cancellationToken).ConfigureAwait(false);
            var seen = new SignInPersonSeen(app.Name, userId, me.Nick ?? "")
            {
                TenantKey = token.CorpId,
                UnionId = me.UnionId,
                Email = Shown(me.Email),
                Mobile = Shown(me.Mobile),
                AvatarUrl = Shown(me.AvatarUrl),
            };
            return new SignInLegResult { Seen = seen, Continuation = started.Continuation, Qr = started.Qr };
        }
        catch (DingTalkApiException ex) when (ex.Code == DingTalkErrorCodes.UserNotFound)
        {
            return SignInLegResult.Failed("Your DingTalk account is not a member of this Hub's DingTalk organisation.", StatusCodes.Status403Forbidden, "Not in the directory");
        }
        catch (DingTalkApiException ex)
        {
            // DingTalk's code and message (never a token): a refused code is the request's, a failing DingTalk the Hub's upstream.
            return ex.IsTransient || ex.Code == DingTalkErrorCodes.MalformedResponse || ex.HttpStatus is { } s && (int)s >= 500
                ? SignInLegResult.Failed("DingTalk could not be reached or did not answer properly. Try again in a moment.", StatusCodes.Status502BadGateway, "DingTalk did not sign you in")
                : SignInLegResult.Failed($"DingTalk refused the sign-in ({ex.Code}: {ex.ErrorMessage}). Go back to the app and sign in again.", title: "DingTalk did not sign you in");
        }
        catch (HttpRequestException)
        {
            return SignInLegResult.Failed("DingTalk could not be reached. Try again in a moment.", StatusCodes.Status502BadGateway, "DingTalk did not sign you in");
        }
    }

    private async Task<StoredApp?> AppAsync(CancellationToken cancellationToken) =>
        await SignInAppChoice.PickAsync(apps, options.Value, HubAppPlatform.DingTalk, _ => true, cancellationToken).ConfigureAwait(false);

    private static string? Shown(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
