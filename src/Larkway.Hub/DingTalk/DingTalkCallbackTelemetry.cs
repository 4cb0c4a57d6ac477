using System.Diagnostics.Metrics;
using Larkway.Hub.Apps;
using Larkway.Hub.Monitoring;

namespace Larkway.Hub.DingTalk;

/// <summary>
/// DingTalk's HTTP callbacks to stored apps (the outgoing robot's messages and the event subscription's encrypted pushes) on
/// the <c>Larkway</c> meter: <c>larkway.hub.dingtalk.callbacks</c>, one per request by app and outcome — <c>stored</c>,
/// <c>duplicate</c> (a re-send of one already stored), <c>url_verified</c> (the subscription's <c>check_url</c> answered) or
/// <c>refused</c> with <c>error.type</c> saying why. The monitoring counts the refusals that failed verification per app for
/// the alert <c>DingTalkCallbacksRefused</c>. Tags are names and reasons only, never a body.
/// </summary>
internal sealed class DingTalkCallbackTelemetry
{
    /// <summary>The instrument's name (docs/metrics.md).</summary>
    public const string InstrumentName = "larkway.hub.dingtalk.callbacks";

    /// <summary>The tag naming the stored app a callback was for.</summary>
    public const string AppTag = "dingtalk.app";

    /// <summary>The outgoing robot's <c>sign</c> does not match the app's AppSecret, or a push's signature does not match its token.</summary>
    public const string BadSignature = "bad_signature";

    /// <summary>Signed correctly, but its timestamp is outside <c>Larkway:Apps:CallbackTimestampWindow</c>: a replay, or a clock that is off.</summary>
    public const string StaleTimestamp = "stale_timestamp";

    /// <summary>A push that does not decrypt with the app's aes_key.</summary>
    public const string BadEncryption = "bad_encryption";

    /// <summary>A push that decrypts but was encrypted for another AppKey (the app's AppKey in the Hub is wrong).</summary>
    public const string WrongOwner = "wrong_owner";

    /// <summary>An outgoing robot's timestamp and sign already used with another body.</summary>
    public const string Replay = "replay";

    /// <summary>Headers or query parameters missing, or a body that is no robot message or encrypted event.</summary>
    public const string Malformed = "malformed";

    /// <summary>No DingTalk app has the name in the URL.</summary>
    public const string UnknownApp = "unknown_app";

    /// <summary>The app is disabled, or has no usable keys in the Hub.</summary>
    public const string Configuration = "configuration";

    private readonly Counter<long> _callbacks;

    public DingTalkCallbackTelemetry(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _callbacks = meters.Create("Larkway").CreateCounter<long>(InstrumentName, "{request}",
            "DingTalk callback requests to stored apps, by app and outcome (stored, duplicate, url_verified, refused with error.type).");
    }

    /// <summary>True when <paramref name="errorType"/> says the request failed verification for an app the Hub serves: what the alert counts.</summary>
    public static bool IsVerificationFailure(string? errorType) => errorType is BadSignature or BadEncryption or WrongOwner;

    /// <summary>How the recorder counts the refused callbacks (per app, stored under <c>dingtalk_callbacks_refused/{app}</c>).</summary>
    public static readonly RefusedCallbacksInstrument Refusals = new(HubAppPlatform.DingTalk, InstrumentName, AppTag, static reason => IsVerificationFailure(reason));

    /// <summary>What a verification failure's reason means, and what to fix (for the alert).</summary>
    public static string Explain(string reason) => reason switch
    {
        BadSignature => "the signature does not match: the AppSecret (outgoing robot) or the event subscription's token in the Hub differs from DingTalk's, or the requests are forged",
        WrongOwner => "encrypted for another app: the app's AppKey in the Hub is wrong",
        _ => "they do not decrypt: the aes_key in the Hub differs from the event subscription's",
    };

    public void Stored(string app, bool duplicate) =>
        _callbacks.Add(1, new(AppTag, app), new("outcome", duplicate ? "duplicate" : "stored"));

    public void UrlVerified(string app) => _callbacks.Add(1, new(AppTag, app), new("outcome", "url_verified"));

    public void Refused(string app, string errorType) =>
        _callbacks.Add(1, new(AppTag, app), new("outcome", "refused"), new("error.type", errorType));
}
