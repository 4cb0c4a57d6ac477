namespace Larkway.Emulator.LongConnection;

/// <summary>How a callback sent over a long connection ended.</summary>
public enum LongConnectionCallbackStatus
{
    /// <summary>The client acked; <see cref="LongConnectionCallbackResult.Code"/> is the ack's code (200 or 500).</summary>
    Acked,

    /// <summary>No ack within the timeout (Feishu shows the user an error then).</summary>
    TimedOut,

    /// <summary>The app had no live long connection.</summary>
    NoConnection,

    /// <summary>The connection carrying the callback closed before its ack.</summary>
    ConnectionClosed,
}

/// <summary>
/// The answer to a callback (e.g. <c>card.action.trigger</c>) sent over a long connection:
/// <see cref="DataJson"/> is the ack's <c>data</c>, base64-decoded (the handler's return value as JSON), or null.
/// </summary>
public sealed record LongConnectionCallbackResult(LongConnectionCallbackStatus Status, int? Code, string? DataJson, string? Error)
{
    public bool Succeeded => Status == LongConnectionCallbackStatus.Acked && Code == 200;
}
