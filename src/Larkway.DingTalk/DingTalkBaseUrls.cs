namespace Larkway.DingTalk;

/// <summary>DingTalk's two API hosts, and where the Larkway emulator serves both.</summary>
public static class DingTalkBaseUrls
{
    /// <summary>The new API (<c>/v1.0/…</c>, token in the <c>x-acs-dingtalk-access-token</c> header).</summary>
    public static readonly Uri Api = new("https://api.dingtalk.com");

    /// <summary>The old API (<c>/gettoken</c>, <c>/topapi/…</c>, <c>/robot/send</c>; token in the <c>access_token</c> query).</summary>
    public static readonly Uri Oapi = new("https://oapi.dingtalk.com");

    /// <summary>The sign-in pages a browser is sent to (<c>/oauth2/auth</c>: DingTalk's OAuth 2.0 login and its QR code).</summary>
    public static readonly Uri Login = new("https://login.dingtalk.com");

    /// <summary>
    /// The base URL of DingTalk inside a Larkway emulator at <paramref name="emulator"/>: it serves the three hosts' paths under
    /// <c>/dingtalk</c>, so set <see cref="DingTalkAppOptions.ApiBaseUrl"/>, <see cref="DingTalkAppOptions.OapiBaseUrl"/> and
    /// <see cref="DingTalkAppOptions.LoginBaseUrl"/> to it.
    /// </summary>
    public static Uri Emulator(Uri emulator)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        return new Uri(emulator.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/dingtalk");
    }
}
