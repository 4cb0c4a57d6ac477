using Larkway.Hub.Alerts;

namespace Larkway.Hub.DingTalk;

/// <summary>The alert on DingTalk's Stream connections: the rule "a long connection is not held" under DingTalk's own name and key.</summary>
internal static class DingTalkStreamAlert
{
    public static readonly LongConnectionAlert Rule = new("dingtalk_stream_down", "DingTalkStreamDown", "DingTalk Stream down", DingTalkStreamDuty.Connection);
}
