namespace Larkway.Hub.Apps;

/// <summary>
/// The platforms a stored app can belong to, as stored in <c>hub_apps.platform</c> and sent on the wire. Lark is Feishu's
/// international edition (same API, another host): a Feishu app with Lark's base URL.
/// </summary>
public static class HubAppPlatform
{
    /// <summary>Feishu or Lark.</summary>
    public const string Feishu = "feishu";

    /// <summary>DingTalk (an organisation's internal app: AppKey and AppSecret, its robot, Stream mode).</summary>
    public const string DingTalk = "dingtalk";

    /// <summary>What a caller may send as <c>platform</c>; <c>lark</c> stores a Feishu app on Lark's host.</summary>
    public static readonly IReadOnlyList<string> Accepted = [Feishu, "lark", DingTalk];

    /// <summary>True for an app of DingTalk.</summary>
    public static bool IsDingTalk(string? platform) => string.Equals(platform, DingTalk, StringComparison.Ordinal);
}
