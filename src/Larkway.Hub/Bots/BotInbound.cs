using System.Text.Json;
using Larkway.Channels.Inbound;
using Larkway.Channels.Messages;

namespace Larkway.Hub.Bots;

/// <summary>How every platform's room reads a message into the neutral model for its bot.</summary>
public static class BotInbound
{
    /// <summary>
    /// Runs a platform's normalizer; a message it cannot read (no chat id, no sender…) fails the same way on every retry,
    /// so it surfaces as a malformed event — the inbox dead-letters it with the normalizer's reason — never as a message
    /// answered from half its fields.
    /// </summary>
    /// <exception cref="JsonException">The normalizer refused the message; its message says which field is missing.</exception>
    public static InboundMessage Read(Func<InboundMessage> normalize)
    {
        ArgumentNullException.ThrowIfNull(normalize);
        try
        {
            return normalize();
        }
        catch (ChannelInboundException ex)
        {
            throw new JsonException(ex.Message, ex);
        }
    }
}
