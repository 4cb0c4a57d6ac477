using Microsoft.AspNetCore.WebUtilities;

namespace Larkway.Feishu.AspNetCore.Authentication;

/// <summary>
/// The QR SDK's <c>goto</c> page (二维码 SDK 接入文档): <c>/suite/passport/oauth/authorize</c> on the passport host —
/// <c>passport.feishu.cn</c> for Feishu, <c>passport.larksuite.com</c> for Lark (by analogy with the accounts host; no
/// Lark page names it), the base URL itself for anything else (the Emulator). It takes client_id, redirect_uri,
/// response_type=code and state, and no scope or PKCE.
/// </summary>
internal static class FeishuQrLoginUrl
{
    public const string Path = "/suite/passport/oauth/authorize";

    public static Uri PassportHostOf(Uri baseUrl) => baseUrl.Host switch
    {
        "open.feishu.cn" => new Uri("https://passport.feishu.cn"),
        "open.larksuite.com" => new Uri("https://passport.larksuite.com"),
        _ => new Uri(baseUrl.GetLeftPart(UriPartial.Authority)),
    };

    public static Uri Build(Uri baseUrl, string clientId, Uri redirectUri, string state) =>
        new(QueryHelpers.AddQueryString(new Uri(PassportHostOf(baseUrl), Path).AbsoluteUri, new Dictionary<string, string?>
        {
            ["client_id"] = clientId,
            ["redirect_uri"] = redirectUri.AbsoluteUri,
            ["response_type"] = "code",
            ["state"] = state,
        }));
}
