using Larkway.Hub.Monitoring;

namespace Larkway.Hub.WeCom;

/// <summary>WeCom's client calls and token fetches as the recorder counts them (docs/metrics.md: <c>larkway.wecom.*</c>).</summary>
internal static class WeComCallMetrics
{
    public static readonly PlatformCallInstruments Instruments = new("wecom", "wecom.app");
}
