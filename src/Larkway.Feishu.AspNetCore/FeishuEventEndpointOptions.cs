using Larkway.Feishu.Events.Crypto;

namespace Larkway.Feishu.AspNetCore;

/// <summary>
/// Secrets and limits of the event and card-action endpoints of one app (named options; the default
/// app has the empty name). Bound from configuration or set in code; validated at start.
/// </summary>
public sealed class FeishuEventEndpointOptions
{
    /// <summary>The app's Encrypt Key (developer console → Events and callbacks → Encryption strategy).</summary>
    public string? EncryptKey { get; set; }

    /// <summary>The app's Verification Token, checked on every event and used to verify old card callbacks.</summary>
    public string? VerificationToken { get; set; }

    /// <summary>
    /// Whether old-style message-card callbacks (signed with SHA-1 and the Verification Token) are accepted; default
    /// true. Turn off when the app's card callbacks are new-style <c>card.action.trigger</c>, signed with the Encrypt Key:
    /// the token is not a secret in the way the Encrypt Key is (every plain event body carries it).
    /// </summary>
    public bool AcceptLegacyCardCallbacks { get; set; } = true;

    /// <summary>Allowed skew of <c>X-Lark-Request-Timestamp</c>; null turns the check off. Default 5 minutes.</summary>
    public TimeSpan? TimestampWindow { get; set; } = FeishuRequestTimestamp.DefaultWindow;

    /// <summary>Largest request body accepted, in bytes; larger requests get 413. Default 1 MiB — Feishu events are a few KB.</summary>
    public long MaxRequestBodySize { get; set; } = 1024 * 1024;

    /// <summary>
    /// How long a card action may take before the endpoint answers <c>{}</c> on its own, so the user never
    /// sees Feishu's timeout error (the platform allows 3 s, network included). Default 2.5 s.
    /// </summary>
    public TimeSpan CardActionDeadline { get; set; } = TimeSpan.FromMilliseconds(2500);

    /// <summary>Hooks into the request pipeline.</summary>
    public FeishuEndpointEvents Events { get; set; } = new();
}
