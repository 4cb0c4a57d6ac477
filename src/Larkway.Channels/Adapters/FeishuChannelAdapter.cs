using Larkway.Channels.Inbound;
using Larkway.Channels.Messages;
using Larkway.Channels.Rendering;
using Larkway.Feishu.Events.Models.Im;
using FeishuContent = Larkway.Feishu.Im.MessageContent;

namespace Larkway.Channels.Adapters;

/// <summary>Feishu in and out: a received message to the model, a reply to message contents. The Hub's one entry point for Feishu.</summary>
public static class FeishuChannelAdapter
{
    /// <summary>The platform.</summary>
    public static ChannelPlatform Platform { get; } = ChannelPlatform.Feishu;

    /// <inheritdoc cref="FeishuInboundNormalizer.Normalize"/>
    public static InboundMessage Normalize(MessageReceivedEvent received, string appId, ChannelBotIdentity bot, DateTimeOffset receivedAt) =>
        FeishuInboundNormalizer.Normalize(received, appId, bot, receivedAt);

    /// <inheritdoc cref="FeishuReplyRenderer.Render"/>
    public static RenderedReply<FeishuContent> Render(ChannelReply reply, ChannelConversation conversation, FeishuRenderOptions? options = null) =>
        FeishuReplyRenderer.Render(reply, conversation, options);
}
