using Larkway.Channels.Inbound;
using Larkway.Channels.Messages;
using Larkway.Channels.Rendering;
using Larkway.WeCom.AiBot;
using Larkway.WeCom.Callbacks;
using Larkway.WeCom.Messages;

namespace Larkway.Channels.Adapters;

/// <summary>
/// WeCom in and out, for its two kinds of bot: the AI bot (JSON messages, <see cref="WeComAiBotReply"/> replies) and an
/// app (callback XML messages, <see cref="WeComAppMessage"/> replies). The Hub's one entry point for WeCom.
/// </summary>
public static class WeComChannelAdapter
{
    /// <summary>The platform.</summary>
    public static ChannelPlatform Platform { get; } = ChannelPlatform.WeCom;

    /// <inheritdoc cref="WeComInboundNormalizer.Normalize(WeComAiBotMessage, ChannelBotIdentity, DateTimeOffset)"/>
    public static InboundMessage Normalize(WeComAiBotMessage message, ChannelBotIdentity bot, DateTimeOffset receivedAt) =>
        WeComInboundNormalizer.Normalize(message, bot, receivedAt);

    /// <inheritdoc cref="WeComInboundNormalizer.Normalize(WeComMessage, DateTimeOffset)"/>
    public static InboundMessage Normalize(WeComMessage message, DateTimeOffset receivedAt) =>
        WeComInboundNormalizer.Normalize(message, receivedAt);

    /// <inheritdoc cref="WeComReplyRenderer.RenderAiBot"/>
    public static RenderedReply<WeComAiBotReply> RenderAiBot(ChannelReply reply, ChannelConversation conversation, string? taskId = null) =>
        WeComReplyRenderer.RenderAiBot(reply, conversation, taskId);

    /// <inheritdoc cref="WeComReplyRenderer.RenderAppMessage"/>
    public static RenderedReply<WeComAppMessage> RenderAppMessage(ChannelReply reply, ChannelConversation conversation, string? taskId = null) =>
        WeComReplyRenderer.RenderAppMessage(reply, conversation, taskId);
}
