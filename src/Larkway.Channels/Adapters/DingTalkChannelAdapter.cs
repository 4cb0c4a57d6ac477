using Larkway.Channels.Inbound;
using Larkway.Channels.Messages;
using Larkway.Channels.Rendering;
using Larkway.DingTalk.Robots;

namespace Larkway.Channels.Adapters;

/// <summary>DingTalk in and out: a robot message to the model, a reply to app-robot messages. The Hub's one entry point for DingTalk.</summary>
public static class DingTalkChannelAdapter
{
    /// <summary>The platform.</summary>
    public static ChannelPlatform Platform { get; } = ChannelPlatform.DingTalk;

    /// <inheritdoc cref="DingTalkInboundNormalizer.Normalize(string, ChannelBotIdentity?, DateTimeOffset)"/>
    public static InboundMessage Normalize(string robotMessageJson, ChannelBotIdentity? bot, DateTimeOffset receivedAt) =>
        DingTalkInboundNormalizer.Normalize(robotMessageJson, bot, receivedAt);

    /// <inheritdoc cref="DingTalkReplyRenderer.Render"/>
    public static RenderedReply<DingTalkAppRobotMessage> Render(ChannelReply reply, ChannelConversation conversation) =>
        DingTalkReplyRenderer.Render(reply, conversation);
}
