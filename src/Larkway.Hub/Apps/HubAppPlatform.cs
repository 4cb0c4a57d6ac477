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

    /// <summary>WeCom (a corp's self-built app: corp id, AgentId and Secret, its URL callbacks).</summary>
    public const string WeCom = "wecom";

    /// <summary>What a caller may send as <c>platform</c>; <c>lark</c> stores a Feishu app on Lark's host.</summary>
    public static readonly IReadOnlyList<string> Accepted = [Feishu, "lark", DingTalk, WeCom];

    /// <summary>True for an app of DingTalk.</summary>
    public static bool IsDingTalk(string? platform) => string.Equals(platform, DingTalk, StringComparison.Ordinal);

    /// <summary>True for an app of WeCom.</summary>
    public static bool IsWeCom(string? platform) => string.Equals(platform, WeCom, StringComparison.Ordinal);

    /// <summary>True for a Feishu or Lark app (every app stored before platforms existed is one).</summary>
    public static bool IsFeishu(string? platform) => !IsDingTalk(platform) && !IsWeCom(platform);

    /// <summary>The platform a stored app's <c>platform</c> names, as every seam keys it (an app stored before platforms existed, or none: Feishu).</summary>
    public static string Of(string? platform) => IsDingTalk(platform) ? DingTalk : IsWeCom(platform) ? WeCom : Feishu;

    /// <summary>The platform's name as people write it, for messages.</summary>
    public static string Display(string? platform) => IsDingTalk(platform) ? "DingTalk" : IsWeCom(platform) ? "WeCom" : "Feishu";
}
