using Larkway.Feishu.Events.Crypto;

namespace Larkway.Feishu.Events.Envelopes;

/// <summary>Secrets and policy for verifying inbound events and callbacks of one app.</summary>
public sealed class FeishuEventReceiverOptions
{
    /// <summary>The app's Encrypt Key: decrypts <c>encrypt</c> bodies and verifies the SHA-256 signature. Null when none is configured.</summary>
    public string? EncryptKey { get; set; }

    /// <summary>The app's Verification Token: checked against the body's token and used for the old card-callback SHA-1 signature.</summary>
    public string? VerificationToken { get; set; }

    /// <summary>
    /// Whether old-style message-card callbacks are accepted (default true). Their SHA-1 signature proves knowledge of
    /// the Verification Token alone, which Feishu also puts in every event body, so an app whose card callbacks are
    /// new-style <c>card.action.trigger</c> (SHA-256 with the Encrypt Key) should turn them off.
    /// </summary>
    public bool AcceptLegacyCardCallbacks { get; set; } = true;

    /// <summary>Allowed skew of <c>X-Lark-Request-Timestamp</c> on signed requests; null disables the check. Default 5 minutes.</summary>
    public TimeSpan? TimestampWindow { get; set; } = FeishuRequestTimestamp.DefaultWindow;

    /// <summary>The clock for the timestamp window.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
