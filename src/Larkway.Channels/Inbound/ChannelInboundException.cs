namespace Larkway.Channels.Inbound;

/// <summary>
/// A platform message that cannot be normalized (no message id, no conversation, a missing bot identity): the message
/// names the field and what to fix. It never contains the message's text.
/// </summary>
public sealed class ChannelInboundException : Exception
{
    /// <summary>A normalization failure.</summary>
    public ChannelInboundException(string message)
        : base(message)
    {
    }

    /// <summary>A normalization failure with its cause.</summary>
    public ChannelInboundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
