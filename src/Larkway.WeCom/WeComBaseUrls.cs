namespace Larkway.WeCom;

/// <summary>Where WeCom's APIs live; a test or the Emulator replaces them.</summary>
public static class WeComBaseUrls
{
    /// <summary>WeCom's server API (<c>/cgi-bin/…</c>): tokens, app messages, media, users, the group robot.</summary>
    public static readonly Uri Api = new("https://qyapi.weixin.qq.com/");

    /// <summary>WeCom's web login (<c>/wwlogin/sso/login</c>, document 98152).</summary>
    public static readonly Uri Login = new("https://login.work.weixin.qq.com/");

    /// <summary>WeCom's web authorization inside its own browser (<c>/connect/oauth2/authorize</c>, document 91022).</summary>
    public static readonly Uri OAuth = new("https://open.weixin.qq.com/");

    /// <summary>The AI bot's long connection.</summary>
    public static readonly Uri AiBotWebSocket = new("wss://openws.work.weixin.qq.com");

    /// <summary>The Larkway emulator's WeCom API, served under <c>/wecom</c> (so <c>{emulator}/wecom/cgi-bin/…</c>).</summary>
    public static Uri Emulator(Uri emulator)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        return new Uri(emulator.GetLeftPart(UriPartial.Authority) + "/wecom/");
    }
}
