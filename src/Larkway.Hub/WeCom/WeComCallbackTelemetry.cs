using System.Diagnostics.Metrics;
using Larkway.Hub.Apps;
using Larkway.Hub.Monitoring;

namespace Larkway.Hub.WeCom;

/// <summary>
/// WeCom callbacks to stored apps on the <c>Larkway</c> meter: <c>larkway.hub.wecom.callbacks</c>, one per request by app and
/// outcome — <c>stored</c>, <c>duplicate</c> (WeCom's retry of one already stored), <c>url_verified</c> (WeCom's URL check
/// answered) or <c>refused</c> with <c>error.type</c> saying why. The monitoring counts the refusals per app for the alert
/// <c>WeComCallbacksRefused</c> and readiness. Tags are names and reasons only, never a body.
/// </summary>
internal sealed class WeComCallbackTelemetry
{
    /// <summary>The instrument's name (docs/metrics.md).</summary>
    public const string InstrumentName = "larkway.hub.wecom.callbacks";

    /// <summary>The tag naming the stored app a callback was for.</summary>
    public const string AppTag = "wecom.app";

    /// <summary>A forged or misconfigured request: its <c>msg_signature</c> does not match the app's Token.</summary>
    public const string BadSignature = "bad_signature";

    /// <summary>Signed correctly, but its timestamp is outside <c>Larkway:Apps:CallbackTimestampWindow</c>: a replay, or a clock that is off.</summary>
    public const string StaleTimestamp = "stale_timestamp";

    /// <summary>It does not decrypt with the app's EncodingAESKey.</summary>
    public const string BadEncryption = "bad_encryption";

    /// <summary>It decrypts but was encrypted for another corp (the app's corp id is wrong).</summary>
    public const string WrongCorp = "wrong_corp";

    /// <summary>A parameter or element is missing, or the body (or what it decrypts to) is not WeCom's XML.</summary>
    public const string Malformed = "malformed";

    /// <summary>The body is larger than a callback can be.</summary>
    public const string TooLarge = "too_large";

    /// <summary>No enabled WeCom app has the name in the URL.</summary>
    public const string UnknownApp = "unknown_app";

    /// <summary>The app is disabled, or has no usable Token and EncodingAESKey in the Hub.</summary>
    public const string Configuration = "configuration";

    private readonly Counter<long> _callbacks;

    public WeComCallbackTelemetry(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _callbacks = meters.Create("Larkway").CreateCounter<long>(InstrumentName, "{request}",
            "WeCom callback requests to stored apps, by app and outcome (stored, duplicate, url_verified, refused with error.type).");
    }

    /// <summary>True when <paramref name="errorType"/> says the request failed WeCom's crypto for an app the Hub serves: what the alert counts.</summary>
    public static bool IsVerificationFailure(string? errorType) => errorType is BadSignature or BadEncryption or WrongCorp;

    /// <summary>How the recorder counts the refused callbacks (per app, stored under <c>wecom_callbacks_refused/{app}</c>).</summary>
    public static readonly RefusedCallbacksInstrument Refusals = new(HubAppPlatform.WeCom, InstrumentName, AppTag, static reason => IsVerificationFailure(reason));

    /// <summary>What a verification failure's reason means, and what to fix (for the alert and readiness).</summary>
    public static string Explain(string reason) => reason switch
    {
        BadSignature => "the msg_signature does not match: the Token in the Hub differs from the app's 接收消息 settings, or the requests are forged",
        WrongCorp => "encrypted for another corp: the app's corp id (app_id) in the Hub is wrong",
        _ => "they do not decrypt: the EncodingAESKey in the Hub differs from the app's 接收消息 settings",
    };

    public void Stored(string app, bool duplicate) =>
        _callbacks.Add(1, new(AppTag, app), new("outcome", duplicate ? "duplicate" : "stored"));

    public void UrlVerified(string app) => _callbacks.Add(1, new(AppTag, app), new("outcome", "url_verified"));

    public void Refused(string app, string errorType) =>
        _callbacks.Add(1, new(AppTag, app), new("outcome", "refused"), new("error.type", errorType));
}
