using System.Security.Claims;
using Larkway.Feishu;
using Larkway.Feishu.AspNetCore.Authentication;
using Larkway.Hub.Identity;
using Larkway.Hub.Identity.SignIn;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Feishu.SignIn;

/// <summary>How the broker's sign-in page offers Feishu's QR login.</summary>
internal enum QrLoginKind
{
    /// <summary>No QR login (Lark: its QR SDK is not documented).</summary>
    None,

    /// <summary>Feishu's QR SDK script on a page of the Hub (real Feishu).</summary>
    Sdk,

    /// <summary>The QR page of the Open Platform at the base URL (the Emulator's own QR page).</summary>
    Page,
}

/// <summary>
/// The sign-in's Feishu leg: Larkway.Feishu.AspNetCore's <c>AddFeishu</c> handler (scheme <see cref="Scheme"/>) keeps
/// correlation, state and PKCE, exchanges the code and reads user_info, answering at <see cref="CallbackPath"/>; its result
/// waits in a short-lived cookie (<see cref="ResultScheme"/>) until the broker's <c>/oidc/feishu/done</c> asks for it.
/// A Feishu person the directory has not synced yet is added (<see cref="SignInPersonSeen.MayAddPerson"/>), as Feishu's
/// sign-in always has.
/// </summary>
internal sealed class FeishuSignInLeg(IFeishuClientFactory apps, IOptions<IdentityOptions> options, Larkway.Hub.Apps.HubAppRegistry? registry = null) : ISignInLeg
{
    /// <summary>The handler's scheme.</summary>
    public const string Scheme = "LarkwayIdentity.Feishu";

    /// <summary>Holds who Feishu said signed in, for the moment between the handler's callback and the broker's session.</summary>
    public const string ResultScheme = "LarkwayIdentity.FeishuResult";

    /// <summary>The handler's callback (Feishu's redirect URI).</summary>
    public const string CallbackPath = IdentitySite.Path + "/feishu/callback";

    /// <summary>Where the handler sends a refusal at Feishu: the broker's denied route of this leg.</summary>
    public const string DeniedPath = IdentitySite.Path + "/feishu/denied";

    /// <summary>The QR page's script (real Feishu's QR SDK), served by the Hub.</summary>
    public const string QrScriptPath = IdentitySite.Path + "/assets/qr-login.js";

    /// <summary>The properties' item that says the leg was a QR login (<c>page</c> or <c>sdk</c>).</summary>
    public const string QrItem = "larkway.qr";

    /// <summary>The QR SDK's host, the one script source the QR page's CSP allows besides the Hub.</summary>
    public const string QrSdkOrigin = "https://lf-package-cn.feishucdn.com";

    /// <summary>The QR SDK (Feishu's QR login documentation).</summary>
    public const string QrSdkScript = QrSdkOrigin + "/obj/feishu-static/lark/passport/qrcode/LarkSSOSDKWebQRCode-1.0.3.js";

    /// <summary>Where the QR SDK's frame comes from.</summary>
    public const string PassportOrigin = "https://passport.feishu.cn";

    /// <inheritdoc />
    public string DisplayName => "Feishu";

    private string AppName => AppOf(options.Value);

    /// <summary>The app Feishu's sign-in uses: <c>SignInApps:feishu</c>, else <c>FeishuApp</c> (<c>""</c>: the default app).</summary>
    public static string AppOf(IdentityOptions options) => options.SignInAppOf(Larkway.Hub.Apps.HubAppPlatform.Feishu) ?? options.FeishuAppName;

    /// <summary>
    /// Feishu's button is offered whenever the Hub has a Feishu app to sign in with: the app named (or the default app) must
    /// exist, else the page says sign-in is not set up. A Hub without a default app (stored apps only) that names none
    /// offers no Feishu button: its people sign in on the platforms it has apps for.
    /// </summary>
    public async Task<SignInLegOffer?> OfferAsync(CancellationToken cancellationToken) =>
        AppName.Length == 0 && registry is { HasDefaultApp: false }
            ? null
            : new(AppName, await QrLoginKindAsync(cancellationToken).ConfigureAwait(false) != QrLoginKind.None);

    /// <summary>Off to Feishu through the handler: its authorize page, or its QR login (the SDK's page on real Feishu).</summary>
    public async Task<IResult> StartAsync(HttpContext http, SignInLegStart start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);

        // The sealed continuation rides in the return address: /done reads it, and so does /denied (the handler's ReturnUrl).
        var properties = new FeishuChallengeProperties { RedirectUri = QueryHelpers.AddQueryString(start.DonePath, "r", start.Continuation) };
        if (start.Qr)
        {
            var kind = await QrLoginKindAsync(cancellationToken).ConfigureAwait(false);
            if (kind == QrLoginKind.None)
            {
                return SignInPages.Error("QR login unavailable", "This Hub's Feishu offers no QR login; use Sign in with Feishu.");
            }

            properties.QrLogin = true;
            properties.Items[QrItem] = kind == QrLoginKind.Sdk ? "sdk" : "page";
        }

        return TypedResults.Challenge(properties, [Scheme]);
    }

    /// <summary>Back from Feishu: the handler has checked state and correlation and read the person.</summary>
    public async Task<SignInLegResult> CompleteAsync(HttpContext http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        var result = await http.AuthenticateAsync(ResultScheme).ConfigureAwait(false);
        await http.SignOutAsync(ResultScheme).ConfigureAwait(false);
        if (result is not { Succeeded: true, Principal: { } principal, Properties: { } properties })
        {
            return SignInLegResult.Expired();
        }

        var seen = Seen(principal, AppName);
        return seen is null
            ? SignInLegResult.Failed("Feishu did not say who signed in (no open_id or tenant). Try again.", StatusCodes.Status502BadGateway)
            : new SignInLegResult { Seen = seen, Continuation = http.Request.Query["r"].ToString(), Qr = properties.Items.ContainsKey(QrItem) };
    }

    /// <summary>The person as the Feishu handler's claims describe them.</summary>
    internal static SignInPersonSeen? Seen(ClaimsPrincipal principal, string app)
    {
        string? Claim(string type) => principal.FindFirstValue(type) is { Length: > 0 } value ? value : null;
        if (Claim(ClaimTypes.NameIdentifier) is not { } openId || Claim(FeishuClaimTypes.TenantKey) is not { } tenant)
        {
            return null;
        }

        return new SignInPersonSeen(app, openId, Claim(ClaimTypes.Name) ?? "")
        {
            TenantKey = tenant,
            UnionId = Claim(FeishuClaimTypes.UnionId),
            TenantUserId = Claim(FeishuClaimTypes.UserId),
            EnName = Claim(FeishuClaimTypes.EnName),
            Email = Claim(ClaimTypes.Email),
            EnterpriseEmail = Claim(FeishuClaimTypes.EnterpriseEmail),
            EmployeeNo = Claim(FeishuClaimTypes.EmployeeNo),
            AvatarUrl = Claim(FeishuClaimTypes.AvatarUrl),
            MayAddPerson = true,
        };
    }

    /// <summary>How QR login is offered for the sign-in app's Open Platform.</summary>
    public async Task<QrLoginKind> QrLoginKindAsync(CancellationToken cancellationToken)
    {
        var client = await apps.GetClientAsync(AppName, cancellationToken).ConfigureAwait(false);
        return client.BaseUrl.Host switch
        {
            "open.feishu.cn" => QrLoginKind.Sdk,
            "open.larksuite.com" => QrLoginKind.None,
            _ => QrLoginKind.Page,
        };
    }

    /// <summary>
    /// Feishu's QR login with its QR SDK (real Feishu): the SDK draws the code; <paramref name="gotoUrl"/> is the QR page's
    /// URL the handler made (its state inside). The only page whose CSP allows the SDK's host and Feishu's frame.
    /// </summary>
    public static IResult QrSdkPage(string gotoUrl)
    {
        var body = new System.Text.StringBuilder()
            .Append("<section class=\"signin\" data-page=\"broker-qr\"><h1>Scan with Feishu</h1>")
            .Append("<p class=\"muted\">Open the Feishu app on your phone and scan this code.</p>")
            .Append("<div id=\"feishu-qr\" data-goto=\"").Append(SignInPages.E(gotoUrl)).Append("\"></div>")
            .Append("<script src=\"").Append(SignInPages.E(QrSdkScript)).Append("\"></script>")
            .Append("<script src=\"").Append(QrScriptPath).Append("\"></script></section>");
        var policy = $"{SignInPages.BasePolicy}; script-src 'self' {QrSdkOrigin}; frame-src {PassportOrigin}; form-action 'none'";
        return SignInPages.Page("Scan with Feishu", body.ToString(), policy, StatusCodes.Status200OK);
    }

    /// <summary>
    /// How a failed Feishu leg is answered: Feishu unreachable or failing (a network error, a timeout, a 5xx, an answer
    /// that cannot be read) is the Hub's upstream failing, 502; anything else — a state or correlation that does not check
    /// out, a code Feishu refused — is the request's fault, 400 (a forged or replayed callback is not an outage).
    /// </summary>
    public static int StatusOf(Exception? failure) =>
        IsOutage(failure) ? StatusCodes.Status502BadGateway : StatusCodes.Status400BadRequest;

    /// <summary>Whether the failure is Feishu's (unreachable, failing, unreadable) rather than the request's.</summary>
    public static bool IsOutage(Exception? failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case FeishuApiException api:
                    return api.IsTransient || api.Code == FeishuErrorCodes.MalformedResponse || api.HttpStatus is { } s && (int)s >= 500;
                case HttpRequestException or TimeoutException:
                    return true;
            }
        }

        return false;
    }

    /// <summary>What the person is told: Feishu's refusal as the handler words it (codes and messages, never a token), or that Feishu is unreachable.</summary>
    public static string Describe(Exception? failure) => IsOutage(failure)
        ? "Feishu could not be reached or did not answer properly. Try again in a moment."
        : (failure?.Message ?? "The sign-in with Feishu failed.") + " Go back to the app and sign in again.";
}
