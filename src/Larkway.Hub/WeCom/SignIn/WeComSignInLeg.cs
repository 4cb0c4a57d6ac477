using Larkway.Hub.Apps;
using Larkway.Hub.Identity;
using Larkway.Hub.Identity.SignIn;
using Larkway.WeCom;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.WeCom.SignIn;

/// <summary>
/// The sign-in's WeCom leg: WeCom's web login (<c>login.work.weixin.qq.com/wwlogin/sso/login</c>, <c>login_type=CorpApp</c>:
/// a QR code, or one click in the WeCom desktop app) in any browser, and web authorization
/// (<c>open.weixin.qq.com/connect/oauth2/authorize</c>, <c>snsapi_base</c>: no QR code, the member already known) inside
/// WeCom's own browser. Either way the browser comes back to <c>/oidc/wecom/done</c> with <c>code</c> and
/// the <c>state</c> bound to it (<see cref="SignInCorrelation"/>), or with <c>state</c> alone when the person refused. The code
/// is turned into the member's userid with the app's token (<c>GET /cgi-bin/auth/getuserinfo</c>): the userid is what the
/// directory sync links a WeCom person by. Someone who is not a member of the corp (an openid, no userid) is refused. The app
/// needs its AgentId; WeCom's login has no PKCE, and the code is useless without the app's token, which stays on the Hub.
/// </summary>
internal sealed class WeComSignInLeg(HubAppRegistry apps, HubWeComClients clients, SignInCorrelation correlation, IOptions<IdentityOptions> options) : ISignInLeg
{
    /// <inheritdoc />
    public string DisplayName => "WeCom";

    /// <inheritdoc />
    public async Task<SignInLegOffer?> OfferAsync(CancellationToken cancellationToken) =>
        await AppAsync(cancellationToken).ConfigureAwait(false) is { } app ? new SignInLegOffer(app.Name, QrLogin: false) : null;

    /// <inheritdoc />
    public async Task<IResult> StartAsync(HttpContext http, SignInLegStart start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (await AppAsync(cancellationToken).ConfigureAwait(false) is not { AgentId: not null } app)
        {
            return SignInPages.Error("Sign-in is not set up", "This Hub has no WeCom app with an AgentId to sign people in with.", StatusCodes.Status503ServiceUnavailable);
        }

        var state = correlation.Begin(http, HubAppPlatform.WeCom, start);
        var signIn = clients.For(app, app.Name).SignIn;
        var page = InWeComsBrowser(http.Request) ? signIn.GetAuthorizeUrl(start.DoneUrl, state) : signIn.GetWebLoginUrl(start.DoneUrl, state);
        return TypedResults.Redirect(page.AbsoluteUri);
    }

    /// <summary>
    /// Whether the page was opened in WeCom's own browser (a workbench app, a link in a chat), whose user agent carries
    /// <c>wxwork/</c>: there the person is already known, so web authorization signs them in without a QR code to scan.
    /// </summary>
    internal static bool InWeComsBrowser(HttpRequest request) =>
        request.Headers.UserAgent.ToString().Contains("wxwork/", StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public async Task<SignInLegResult> CompleteAsync(HttpContext http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        var query = http.Request.Query;
        if (correlation.End(http, HubAppPlatform.WeCom, query["state"].ToString()) is not { } started)
        {
            return SignInLegResult.Expired();
        }

        // WeCom's refusal is the state without a code.
        if (query["code"].ToString() is not { Length: > 0 } code)
        {
            return new SignInLegResult { Denied = true, Continuation = started.Continuation };
        }

        if (await AppAsync(cancellationToken).ConfigureAwait(false) is not { } app)
        {
            return SignInLegResult.Failed("This Hub no longer has a WeCom app to sign people in with.", StatusCodes.Status503ServiceUnavailable);
        }

        try
        {
            var user = await clients.For(app, app.Name).SignIn.GetUserInfoAsync(code, cancellationToken).ConfigureAwait(false);
            if (user.UserId is not { Length: > 0 } userId)
            {
                return SignInLegResult.Failed("You signed in with a WeCom account that is not a member of this Hub's WeCom organisation.", StatusCodes.Status403Forbidden, "Not in the directory");
            }

            return new SignInLegResult { Seen = new SignInPersonSeen(app.Name, userId, ""), Continuation = started.Continuation, Qr = started.Qr };
        }
        catch (WeComApiException ex)
        {
            // WeCom's code and message (never a token): a refused code is the request's, a failing WeCom the Hub's upstream.
            return ex.IsTransient || ex.Code == WeComErrorCodes.MalformedResponse || ex.HttpStatus is { } s && (int)s >= 500
                ? SignInLegResult.Failed("WeCom could not be reached or did not answer properly. Try again in a moment.", StatusCodes.Status502BadGateway, "WeCom did not sign you in")
                : SignInLegResult.Failed($"WeCom refused the sign-in ({ex.Code}: {ex.ErrorMessage}). Go back to the app and sign in again.", title: "WeCom did not sign you in");
        }
        catch (HttpRequestException)
        {
            return SignInLegResult.Failed("WeCom could not be reached. Try again in a moment.", StatusCodes.Status502BadGateway, "WeCom did not sign you in");
        }
    }

    private async Task<StoredApp?> AppAsync(CancellationToken cancellationToken) =>
        await SignInAppChoice.PickAsync(apps, options.Value, HubAppPlatform.WeCom, a => a.AgentId is not null, cancellationToken).ConfigureAwait(false);
}
