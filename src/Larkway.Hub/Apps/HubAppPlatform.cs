namespace Larkway.Hub.Apps;

/// <summary>
/// The names of the built-in platforms as stored in <c>hub_apps.platform</c> and sent on the wire, and thin forwarders for
/// callers that do not ask <see cref="HubPlatforms"/> yet. What a platform is (its checks, tables, paths) comes from the
/// <see cref="HubPlatformInfo"/> its room registers; new code asks the registry.
/// </summary>
public static class HubAppPlatform
{
    /// <summary>Feishu or Lark; the platform of every app stored before platforms existed.</summary>
    public const string Feishu = "feishu";

    /// <summary>DingTalk (an organisation's internal app: AppKey and AppSecret, its robot, Stream mode).</summary>
    public const string DingTalk = "dingtalk";

    /// <summary>WeCom (a corp's self-built app: corp id, AgentId and Secret, its URL callbacks).</summary>
    public const string WeCom = "wecom";

    /// <summary>True for an app of DingTalk.</summary>
    public static bool IsDingTalk(string? platform) => string.Equals(platform, DingTalk, StringComparison.Ordinal);

    /// <summary>True for an app of WeCom.</summary>
    public static bool IsWeCom(string? platform) => string.Equals(platform, WeCom, StringComparison.Ordinal);

    /// <summary>True for a Feishu or Lark app (every app stored before platforms existed is one).</summary>
    public static bool IsFeishu(string? platform) => string.Equals(Of(platform), Feishu, StringComparison.Ordinal);

    /// <summary>
    /// The platform a stored app's <c>platform</c> names, as every seam keys it: none (an app stored before platforms
    /// existed) is Feishu; any other name is kept as itself, so an app of a platform whose room is not added stays its own.
    /// </summary>
    public static string Of(string? platform) => string.IsNullOrEmpty(platform) ? Feishu : platform;

    /// <summary>The built-in names as people write them, for a process whose Hub has not registered the room (unit tests).</summary>
    private static readonly Dictionary<string, string> BuiltInDisplay = new(StringComparer.Ordinal) { [Feishu] = "Feishu", [DingTalk] = "DingTalk", [WeCom] = "WeCom" };

    /// <summary>The platform's name as people write it, for messages (as its room registered it; an unknown one as itself).</summary>
    public static string Display(string? platform) =>
        HubPlatformCatalog.Find(Of(platform))?.DisplayName ?? BuiltInDisplay.GetValueOrDefault(Of(platform)) ?? Of(platform);
}
