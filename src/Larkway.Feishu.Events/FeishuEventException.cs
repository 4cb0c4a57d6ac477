namespace Larkway.Feishu.Events;

/// <summary>Why an inbound event or callback request was rejected.</summary>
public enum FeishuEventErrorReason
{
    /// <summary>The <c>X-Lark-Signature</c> header is missing or does not match the raw body.</summary>
    BadSignature,

    /// <summary>The <c>X-Lark-Request-Timestamp</c> header is missing, unparsable or outside the allowed window.</summary>
    StaleTimestamp,

    /// <summary>The verification token in the body is missing or does not match the configured one.</summary>
    WrongToken,

    /// <summary>The <c>encrypt</c> payload cannot be decrypted (bad base64, length, padding, key, or no key configured).</summary>
    BadEncryption,

    /// <summary>The (decrypted) body is not the JSON shape of any known envelope, or a known event does not match its model.</summary>
    Malformed,

    /// <summary>The receiver is configured in a way that cannot verify this request.</summary>
    Configuration,
}

/// <summary>
/// An inbound event or callback was rejected. The message says what is wrong; it never contains
/// plaintext, keys, tokens or signatures.
/// </summary>
public sealed class FeishuEventException : Exception
{
    public FeishuEventException()
        : this(FeishuEventErrorReason.Malformed, "Invalid Feishu event.")
    {
    }

    public FeishuEventException(string message)
        : this(FeishuEventErrorReason.Malformed, message)
    {
    }

    public FeishuEventException(string message, Exception innerException)
        : this(FeishuEventErrorReason.Malformed, message, innerException)
    {
    }

    public FeishuEventException(FeishuEventErrorReason reason, string message)
        : base(message) => Reason = reason;

    public FeishuEventException(FeishuEventErrorReason reason, string message, Exception? innerException)
        : base(message, innerException) => Reason = reason;

    /// <summary>The category of the failure, for mapping to an HTTP status and metrics.</summary>
    public FeishuEventErrorReason Reason { get; }
}
