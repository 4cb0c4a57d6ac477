namespace Larkway.Hub.Assistants.Replies;

/// <summary>
/// A reply cannot be opened in this process, though another may open it (a WeCom AI bot's long connection is held by
/// another replica): the turn waits and is claimed again, without using up an attempt.
/// </summary>
public sealed class AssistantReplyUnavailableException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public AssistantReplyUnavailableException()
    {
    }

    /// <summary>Creates the exception with the reason.</summary>
    public AssistantReplyUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the reason and its cause.</summary>
    public AssistantReplyUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
