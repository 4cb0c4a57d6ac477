namespace Larkway.Hub.Assistants.Replies;

/// <summary>
/// A reply cannot be made from this replica now (a WeCom AI bot's long connection is held by another replica, or by none
/// while it reconnects): nothing was sent, and the turn can be answered later or where the connection is.
/// </summary>
internal sealed class AssistantReplyUnavailableException : InvalidOperationException
{
    /// <summary>A reply that cannot be made here; <paramref name="message"/> says why.</summary>
    public AssistantReplyUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>A reply that cannot be made here, with the failure that showed it.</summary>
    public AssistantReplyUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
