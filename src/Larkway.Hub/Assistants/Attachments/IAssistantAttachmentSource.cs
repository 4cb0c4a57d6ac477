using Larkway.Channels.Backends;
using Larkway.Channels.Messages;

namespace Larkway.Hub.Assistants.Attachments;

/// <summary>
/// Where a platform's attachments are fetched from when the assistant answers: the question's images and files go to
/// the backend as their bytes. A platform without one sends the backend text only.
/// </summary>
internal interface IAssistantAttachmentSource
{
    /// <summary>
    /// True when <paramref name="attachment"/> carries what fetching it needs (a key, a URL, a decryption key): only
    /// those are kept with the question, so a turn never holds a file it cannot fetch.
    /// </summary>
    bool CanFetch(ChannelAttachment attachment);

    /// <summary>
    /// The bytes of <paramref name="attachment"/> of message <paramref name="messageId"/>, received by
    /// <paramref name="app"/>; at most <paramref name="maxBytes"/>.
    /// </summary>
    /// <exception cref="AssistantAttachmentException">The file is too large, gone, or could not be fetched.</exception>
    Task<AssistantFile> FetchAsync(string app, string messageId, ChannelAttachment attachment, long maxBytes, CancellationToken cancellationToken);
}

/// <summary>An attachment that could not be given to the backend; <see cref="Exception.Message"/> is for the asker.</summary>
internal sealed class AssistantAttachmentException(string message, bool transient, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>True when fetching it again later may work (the platform was unavailable).</summary>
    public bool Transient { get; } = transient;
}
