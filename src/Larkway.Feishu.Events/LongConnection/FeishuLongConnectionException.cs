namespace Larkway.Feishu.Events.LongConnection;

/// <summary>Why a long connection could not be established or kept.</summary>
public enum FeishuLongConnectionErrorReason
{
    /// <summary>The endpoint discovery answered a non-retryable code (bad credentials, app not enabled for long connections, …). Fatal.</summary>
    DiscoveryRejected,

    /// <summary>The endpoint discovery failed transiently: HTTP status other than 200, timeout, codes 1 / 1000040343, or an unusable answer.</summary>
    DiscoveryFailed,

    /// <summary>The handshake was refused with status 514 and auth error 1000040350: too many connections for this app. Fatal.</summary>
    ConnectionLimitExceeded,

    /// <summary>The handshake was refused with status 403 (forbidden or banned). Fatal.</summary>
    Forbidden,

    /// <summary>The handshake failed for another reason (other 514s, network errors). Retryable.</summary>
    HandshakeFailed,

    /// <summary>The connection was lost and <see cref="FeishuLongConnectionOptions.AutoReconnect"/> is off.</summary>
    ConnectionLost,

    /// <summary>Every reconnect attempt allowed by <see cref="FeishuLongConnectionConfig.ReconnectCount"/> failed.</summary>
    ReconnectAttemptsExhausted,
}

/// <summary>
/// A long connection failed in a way that ends <see cref="FeishuLongConnectionClient.RunAsync"/> (or, when
/// <see cref="IsFatal"/> is false, one attempt of it). The message never contains the app secret or the
/// connection URL's credentials.
/// </summary>
public sealed class FeishuLongConnectionException : Exception
{
    public FeishuLongConnectionException()
        : this(FeishuLongConnectionErrorReason.HandshakeFailed, "The Feishu long connection failed.")
    {
    }

    public FeishuLongConnectionException(string message)
        : this(FeishuLongConnectionErrorReason.HandshakeFailed, message)
    {
    }

    public FeishuLongConnectionException(string message, Exception innerException)
        : this(FeishuLongConnectionErrorReason.HandshakeFailed, message, code: null, innerException)
    {
    }

    public FeishuLongConnectionException(FeishuLongConnectionErrorReason reason, string message, int? code = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
        Code = code;
    }

    /// <summary>What failed.</summary>
    public FeishuLongConnectionErrorReason Reason { get; }

    /// <summary>
    /// The platform's code when there is one: the discovery <c>code</c> (or HTTP status for
    /// <see cref="FeishuLongConnectionErrorReason.DiscoveryFailed"/>), the handshake's
    /// <c>Handshake-Autherrcode</c> (else its status).
    /// </summary>
    public int? Code { get; }

    /// <summary>True when trying again cannot help (credentials, connection limit, ban): fix the configuration first.</summary>
    public bool IsFatal => Reason is FeishuLongConnectionErrorReason.DiscoveryRejected
        or FeishuLongConnectionErrorReason.ConnectionLimitExceeded
        or FeishuLongConnectionErrorReason.Forbidden;
}
