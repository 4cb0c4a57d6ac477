namespace Larkway.WeCom.Callbacks;

/// <summary>
/// Why a callback could not be verified or decrypted. The values are the error codes of WeCom's official WXBizMsgCrypt
/// libraries, so that a log line reads the same as theirs.
/// </summary>
public enum WeComCallbackError
{
    /// <summary>The msg_signature does not match: another token, a forged request, or a parameter not URL-decoded.</summary>
    ValidateSignature = -40001,

    /// <summary>The body is not the documented XML (<c>&lt;xml&gt;&lt;Encrypt&gt;…</c>) or JSON (<c>{"encrypt":…}</c>).</summary>
    ParseBody = -40002,

    /// <summary>The EncodingAESKey is not 43 Base64 characters.</summary>
    IllegalAesKey = -40004,

    /// <summary>It decrypted, but for another receiver (corp id, suite id, or "" for an AI bot).</summary>
    ValidateReceiveId = -40005,

    /// <summary>The ciphertext does not decrypt to valid PKCS#7 padding (32-byte blocks): another EncodingAESKey, or damage.</summary>
    DecryptAes = -40007,

    /// <summary>The decrypted length field points past the end of the message.</summary>
    IllegalBuffer = -40008,

    /// <summary>The ciphertext (or echostr) is not Base64 of whole AES blocks.</summary>
    DecodeBase64 = -40010,

    /// <summary>
    /// The signature matches but the timestamp is not within <see cref="WeComCallbackOptions.TimestampWindow"/> of now
    /// (Larkway's own code: WXBizMsgCrypt does not check freshness).
    /// </summary>
    StaleTimestamp = -40098,

    /// <summary>A required parameter (msg_signature, timestamp, nonce, echostr or the ciphertext) is missing.</summary>
    MissingParameter = -40099,
}

/// <summary>A WeCom callback that failed verification or decryption; <see cref="Error"/> says which step, the message what to check.</summary>
public sealed class WeComCallbackException : Exception
{
    /// <summary>A failure of <paramref name="error"/>.</summary>
    public WeComCallbackException(WeComCallbackError error, string message, Exception? innerException = null)
        : base($"{message} (WXBizMsgCrypt {(int)error} {error})", innerException)
    {
        Error = error;
    }

    /// <summary>For serialisers and mocks.</summary>
    public WeComCallbackException()
        : this(WeComCallbackError.ParseBody, "The callback could not be read.")
    {
    }

    /// <summary>For serialisers and mocks.</summary>
    public WeComCallbackException(string message)
        : this(WeComCallbackError.ParseBody, message)
    {
    }

    /// <summary>For serialisers and mocks.</summary>
    public WeComCallbackException(string message, Exception innerException)
        : this(WeComCallbackError.ParseBody, message, innerException)
    {
    }

    /// <summary>Which step failed.</summary>
    public WeComCallbackError Error { get; }

    /// <summary>The official library's code of <see cref="Error"/> (e.g. -40001).</summary>
    public int Code => (int)Error;
}
