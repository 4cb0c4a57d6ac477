using Larkway.Hub.Alerts;
using Larkway.Hub.Apps;

namespace Larkway.Hub.WeCom;

/// <summary>The alert on WeCom's URL callbacks: the rule "callbacks refused" under WeCom's own name, key and words.</summary>
internal static class WeComCallbacksAlert
{
    public static readonly RefusedCallbacksAlert Rule = new(
        "wecom_callbacks_refused", "WeComCallbacksRefused", "WeCom callbacks refused", HubAppPlatform.WeCom, "WeCom", "signature, decryption or corp id",
        "WeCom does not send a refused message again: make the app's Token, EncodingAESKey and corp id in the Hub (console → Apps → Edit) match its 接收消息 settings.",
        WeComCallbackTelemetry.Explain);
}
