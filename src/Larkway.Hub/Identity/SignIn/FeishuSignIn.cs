using Larkway.Feishu;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Identity.SignIn;

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
/// What the sign-in page needs to know of the sign-in app. The Feishu leg itself is Larkway.Feishu.AspNetCore's
/// <c>AddFeishu</c> handler (scheme <see cref="IdentitySite.FeishuScheme"/>): correlation, state, PKCE, the exchange
/// and user_info are its.
/// </summary>
internal interface IFeishuSignIn
{
    /// <summary>How QR login is offered for the sign-in app's Open Platform.</summary>
    Task<QrLoginKind> QrLoginKindAsync(CancellationToken cancellationToken);
}

/// <summary><see cref="IFeishuSignIn"/> from the sign-in app's client.</summary>
internal sealed class FeishuClientSignIn(IFeishuClientFactory apps, IOptions<IdentityOptions> options) : IFeishuSignIn
{
    /// <summary>The QR SDK's host, the one script source the QR page's CSP allows besides the Hub.</summary>
    public const string QrSdkOrigin = "https://lf-package-cn.feishucdn.com";

    /// <summary>The QR SDK (Feishu's QR login documentation).</summary>
    public const string QrSdkScript = QrSdkOrigin + "/obj/feishu-static/lark/passport/qrcode/LarkSSOSDKWebQRCode-1.0.3.js";

    /// <summary>Where the QR SDK's frame comes from.</summary>
    public const string PassportOrigin = "https://passport.feishu.cn";

    public async Task<QrLoginKind> QrLoginKindAsync(CancellationToken cancellationToken)
    {
        var client = await apps.GetClientAsync(options.Value.FeishuAppName, cancellationToken).ConfigureAwait(false);
        return client.BaseUrl.Host switch
        {
            "open.feishu.cn" => QrLoginKind.Sdk,
            "open.larksuite.com" => QrLoginKind.None,
            _ => QrLoginKind.Page,
        };
    }
}
