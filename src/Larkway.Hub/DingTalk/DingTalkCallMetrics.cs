using Larkway.Hub.Monitoring;

namespace Larkway.Hub.DingTalk;

/// <summary>DingTalk's client calls and token fetches as the recorder counts them (docs/metrics.md: <c>larkway.dingtalk.*</c>).</summary>
internal static class DingTalkCallMetrics
{
    public static readonly PlatformCallInstruments Instruments = new("dingtalk", "dingtalk.app_key");
}
