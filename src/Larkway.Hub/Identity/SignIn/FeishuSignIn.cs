using Larkway.Feishu;
using Larkway.Feishu.Authen;
using Larkway.Hub.Directory;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Identity.SignIn;

/// <summary>How the broker's sign-in page offers Feishu's QR login.</summary>
internal enum QrLoginKind
{
    /// <summary>No QR login (Lark: its QR SDK is not documented).</summary>
    None,

    /// <summary>Feishu's QR SDK script on the page (real Feishu).</summary>
    Sdk,

    /// <summary>A link to the QR page of the Open Platform at the base URL (the Emulator's own QR page).</summary>
    Page,
}

/// <summary>
/// The upstream leg of the broker: Feishu's own sign-in for the Hub's sign-in app (<see cref="IdentityOptions.FeishuApp"/>).
/// A seam of its own so the broker does not care how the leg is done: today with the client library's
/// <see cref="FeishuAuthorizeUrl"/>, <c>ExchangeCodeAsync</c> and <c>GetUserInfoAsync</c>.
/// </summary>
internal interface IFeishuSignIn
{
    /// <summary>Feishu's authorize page for a sign-in coming back to <paramref name="callback"/>.</summary>
    Task<Uri> AuthorizeUrlAsync(Uri callback, string state, string codeChallenge, CancellationToken cancellationToken);

    /// <summary>How QR login is offered, and the QR SDK's <c>goto</c> (the passport authorize URL) for it.</summary>
    Task<(QrLoginKind Kind, Uri? Goto, string AppId)> QrLoginAsync(Uri callback, string state, CancellationToken cancellationToken);

    /// <summary>Exchanges Feishu's code and reads who signed in.</summary>
    Task<FeishuPersonSeen> CompleteAsync(string code, Uri callback, string? codeVerifier, CancellationToken cancellationToken);
}

/// <summary><see cref="IFeishuSignIn"/> with the Larkway client library.</summary>
internal sealed class FeishuClientSignIn(IFeishuClientFactory apps, IOptions<IdentityOptions> options) : IFeishuSignIn
{
    /// <summary>The QR SDK's host, the one script source the sign-in page's CSP allows besides the Hub.</summary>
    public const string QrSdkOrigin = "https://lf-package-cn.feishucdn.com";

    /// <summary>The QR SDK (Feishu's QR login documentation).</summary>
    public const string QrSdkScript = QrSdkOrigin + "/obj/feishu-static/lark/passport/qrcode/LarkSSOSDKWebQRCode-1.0.3.js";

    /// <summary>Where the QR SDK's frame comes from.</summary>
    public const string PassportOrigin = "https://passport.feishu.cn";

    public async Task<Uri> AuthorizeUrlAsync(Uri callback, string state, string codeChallenge, CancellationToken cancellationToken)
    {
        var client = await ClientAsync(cancellationToken).ConfigureAwait(false);
        return FeishuAuthorizeUrl.Build(client.BaseUrl, new FeishuAuthorizeRequest
        {
            ClientId = client.AppId,
            RedirectUri = callback,
            State = state,
            CodeChallenge = codeChallenge,
        });
    }

    public async Task<(QrLoginKind Kind, Uri? Goto, string AppId)> QrLoginAsync(Uri callback, string state, CancellationToken cancellationToken)
    {
        var client = await ClientAsync(cancellationToken).ConfigureAwait(false);
        var (kind, passport) = client.BaseUrl.Host switch
        {
            "open.feishu.cn" => (QrLoginKind.Sdk, new Uri(PassportOrigin)),
            "open.larksuite.com" => (QrLoginKind.None, null),
            _ => (QrLoginKind.Page, new Uri(client.BaseUrl.GetLeftPart(UriPartial.Authority))),
        };
        if (passport is null)
        {
            return (kind, null, client.AppId);
        }

        var query = $"client_id={Uri.EscapeDataString(client.AppId)}&redirect_uri={Uri.EscapeDataString(callback.AbsoluteUri)}&response_type=code&state={Uri.EscapeDataString(state)}";
        return (kind, new UriBuilder(new Uri(passport, "/suite/passport/oauth/authorize")) { Query = query }.Uri, client.AppId);
    }

    public async Task<FeishuPersonSeen> CompleteAsync(string code, Uri callback, string? codeVerifier, CancellationToken cancellationToken)
    {
        var client = await ClientAsync(cancellationToken).ConfigureAwait(false);
        var token = await client.Authen.ExchangeCodeAsync(code, callback, codeVerifier, cancellationToken: cancellationToken).ConfigureAwait(false);
        var user = await client.Authen.GetUserInfoAsync(token.AccessToken, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(user.OpenId) || string.IsNullOrEmpty(user.TenantKey))
        {
            throw new FeishuApiException(0, "Feishu's user_info named no open_id or tenant.");
        }

        return new FeishuPersonSeen(options.Value.FeishuAppName, user.TenantKey, user.OpenId, Blank(user.UnionId), Blank(user.UserId), user.Name ?? "")
        {
            EnName = Blank(user.EnName),
            Email = Blank(user.Email),
            EnterpriseEmail = Blank(user.EnterpriseEmail),
            Mobile = Blank(user.Mobile),
            EmployeeNo = Blank(user.EmployeeNo),
            AvatarUrl = Blank(user.AvatarUrl),
        };
    }

    private ValueTask<FeishuClient> ClientAsync(CancellationToken cancellationToken) => apps.GetClientAsync(options.Value.FeishuAppName, cancellationToken);

    private static string? Blank(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
