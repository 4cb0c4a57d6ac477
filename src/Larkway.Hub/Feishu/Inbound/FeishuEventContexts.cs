using Larkway.Channels.Messages;
using Larkway.Feishu.Events.Envelopes;
using Larkway.Hub.Inbox;

namespace Larkway.Hub.Feishu.Inbound;

/// <summary>
/// A Feishu envelope as the neutral event observers see, with the envelope attached for the observers of Feishu's events.
/// Beside the inbox while Feishu's card actions are still answered by the inbox's sink; Feishu's handler uses it too.
/// </summary>
internal static class FeishuEventContexts
{
    /// <summary>The neutral event of a stored Feishu envelope.</summary>
    public static InboxEventContext Of(long inboxEventId, string appName, DateTimeOffset receivedAt, FeishuEventEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return new InboxEventContext(inboxEventId, appName, ChannelPlatform.Feishu, envelope.EventType, envelope.DedupKey, envelope.CreateTime, receivedAt, envelope.Event)
            .WithNative(envelope);
    }
}
