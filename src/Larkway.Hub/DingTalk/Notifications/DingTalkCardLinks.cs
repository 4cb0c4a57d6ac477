namespace Larkway.Hub.DingTalk.Notifications;

/// <summary>
/// What a link in a DingTalk message may open besides http(s): DingTalk's own <c>dingtalk://</c> pages (a mini program,
/// a chat). The card conversion shared with WeCom knows no platform's schemes; DingTalk's renderer hands it these.
/// </summary>
internal static class DingTalkCardLinks
{
    /// <summary>The schemes, lower case as <see cref="Uri.Scheme"/> gives them.</summary>
    public static readonly IReadOnlySet<string> Schemes = new HashSet<string>(StringComparer.Ordinal) { "dingtalk" };
}
