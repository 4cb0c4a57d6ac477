namespace Larkway.Channels.Rendering;

/// <summary>A reply that cannot be rendered at all (blank text, a media key of the wrong shape): the message says what to fix.</summary>
public sealed class ChannelRenderException : Exception
{
    /// <summary>A rendering failure.</summary>
    public ChannelRenderException(string message)
        : base(message)
    {
    }

    /// <summary>A rendering failure with its cause.</summary>
    public ChannelRenderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
