using Larkway.Hub.Alerts;
using Larkway.Hub.Apps;
using Larkway.Hub.Monitoring;

namespace Larkway.Hub.Feishu;

/// <summary>
/// The alert on Feishu's pushes (events and card callbacks to <c>/feishu/…</c> and each stored Feishu app's URLs): the rule
/// "callbacks refused" under Feishu's own name, key and words, over the receivers' <c>larkway.feishu.events.rejected</c>.
/// </summary>
internal static class FeishuCallbacksAlert
{
    /// <summary>The receivers' counter of refused requests (Larkway.Feishu.Events): every measurement is a refusal.</summary>
    public const string InstrumentName = "larkway.feishu.events.rejected";

    /// <summary>The reasons that mean the request failed verification for an app the Hub serves: what the alert counts.</summary>
    public static bool IsVerificationFailure(string? reason) => reason is "bad_signature" or "wrong_token" or "bad_encryption";

    /// <summary>How the recorder counts them: per app, the configured app (tagged with an empty name) as <c>default</c>.</summary>
    public static readonly RefusedCallbacksInstrument Refusals = new(
        HubAppPlatform.Feishu, InstrumentName, "feishu.app", static reason => IsVerificationFailure(reason), OutcomeTag: null, UnnamedApp: HubAppService.DefaultAppName);

    public static readonly RefusedCallbacksAlert Rule = new(
        "feishu_callbacks_refused", "FeishuCallbacksRefused", "Feishu callbacks refused", HubAppPlatform.Feishu, "Feishu", "signature, decryption or verification token",
        "Feishu retries a refused event a few times and then drops it: make the app's Encrypt Key and Verification Token in the Hub (FEISHU_ENCRYPT_KEY and FEISHU_VERIFICATION_TOKEN for the configured app, console → Apps → Edit for the others) match its Events and Callbacks settings.",
        Explain, DeploymentApp: HubAppService.DefaultAppName);

    /// <summary>What a verification failure's reason means, and what to fix.</summary>
    public static string Explain(string reason) => reason switch
    {
        "bad_signature" => "the X-Lark-Signature does not match: the Encrypt Key in the Hub differs from the app's, or the requests are forged",
        "wrong_token" => "the verification token does not match the app's Verification Token",
        _ => "they do not decrypt: the Encrypt Key in the Hub differs from the app's",
    };
}
