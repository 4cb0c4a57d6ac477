using Larkway.Hub.Alerts;
using Larkway.Hub.Apps;

namespace Larkway.Hub.DingTalk;

/// <summary>The alert on DingTalk's HTTP callbacks: the rule "callbacks refused" under DingTalk's own name, key and words.</summary>
internal static class DingTalkCallbacksAlert
{
    public static readonly RefusedCallbacksAlert Rule = new(
        "dingtalk_callbacks_refused", "DingTalkCallbacksRefused", "DingTalk callbacks refused", HubAppPlatform.DingTalk, "DingTalk", "signature, decryption or AppKey",
        "A refused robot message is not sent again, and a refused push is retried only for a while: make the app's AppKey, AppSecret, token and aes_key in the Hub (console → Apps → Edit) match DingTalk's developer console.",
        DingTalkCallbackTelemetry.Explain);
}
