using System.Globalization;
using Larkway.Channels.Messages;
using Larkway.WeCom.AiBot;
using Larkway.WeCom.Callbacks;

namespace Larkway.Channels.Inbound;

/// <summary>
/// WeCom messages as <see cref="InboundMessage"/>s: the AI bot's JSON messages (<see cref="WeComAiBotMessage"/>, the
/// same on the long connection and in URL-callback mode) and an app's callback XML messages (<see cref="WeComMessage"/>).
/// </summary>
public static class WeComInboundNormalizer
{
    /// <summary>
    /// Normalizes an AI bot message. <c>chattype</c> <c>single</c> is a direct chat keyed by the sender's userid,
    /// <c>group</c> a group keyed by <c>chatid</c>. WeCom delivers group messages only when the bot is @-mentioned, so
    /// every group message mentions it; the mention ("@BotName" at the start of the text) is taken out: by the bot's
    /// name when <see cref="ChannelBotIdentity.Name"/> is given, else the leading "@word".
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="bot">The bot: its aibotid, and its name as members @-mention it.</param>
    /// <param name="receivedAt">When the caller received it.</param>
    /// <exception cref="ChannelInboundException">It has no msgid, no sender, or a group message has no chatid.</exception>
    public static InboundMessage Normalize(WeComAiBotMessage message, ChannelBotIdentity bot, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(bot);
        Require(message.MsgId, "msgid");
        Require(message.From?.UserId, "from.userid");
        if (message.IsGroup)
        {
            Require(message.ChatId, "chatid (a group message)");
        }

        var appId = message.AiBotId is { Length: > 0 } id ? id : bot.Id;
        Require(appId, "aibotid");
        var attachments = new List<ChannelAttachment>();
        switch (message.MsgType)
        {
            case "image" when message.Image is { } image:
                attachments.Add(FileRef(AttachmentKind.Image, image));
                break;
            case "file" when message.File is { } file:
                attachments.Add(FileRef(AttachmentKind.File, file));
                break;
            case "video" when message.Video is { } video:
                attachments.Add(FileRef(AttachmentKind.Video, video));
                break;
            case "mixed":
                attachments.AddRange((message.Mixed?.MsgItem ?? []).Where(i => i.MsgType == "image" && i.Image is not null).Select(i => FileRef(AttachmentKind.Image, i.Image!)));
                break;
        }

        var text = message.PlainText;
        var mentions = new List<ChannelMention>();
        if (message.IsGroup)
        {
            var name = bot.Name;
            if (name is { Length: > 0 })
            {
                text = InboundText.RemoveMention(text, "@" + name);
            }
            else if (text.TrimStart() is ['@', ..] leading)
            {
                var end = leading.IndexOfAny([' ', '\u2005', '\n', '\t']);
                name = end < 0 ? leading[1..] : leading[1..end];
                text = end < 0 ? "" : leading[(end + 1)..];
            }

            mentions.Add(new ChannelMention(bot.Id, name ?? "", IsBot: true));
        }

        var sender = message.From!;
        var quote = message.Quote;
        var quoted = quote?.MsgType switch
        {
            "text" => quote.Text?.Content,
            "voice" => quote.Voice?.Content,
            "mixed" => string.Join('\n', (quote.Mixed?.MsgItem ?? []).Where(i => i.MsgType == "text" && i.Text is not null).Select(i => i.Text!.Content)),
            _ => null,
        };
        return new InboundMessage
        {
            Platform = ChannelPlatform.WeCom,
            App = new ChannelApp(appId, bot.Name),
            Conversation = new ChannelConversation(message.ConversationId, message.IsGroup ? ConversationKind.Group : ConversationKind.Direct),
            Sender = new ChannelSender(sender.UserId)
            {
                OtherIds = sender.CorpId is { Length: > 0 } corp ? new Dictionary<string, string> { ["corpid"] = corp } : new Dictionary<string, string>(),
            },
            Text = text.Trim(),
            PlatformMessageType = message.MsgType,
            Mentions = mentions,
            Attachments = attachments,
            MessageId = message.MsgId,
            QuotedText = string.IsNullOrEmpty(quoted) ? null : quoted,
            MentionsBot = message.IsGroup,
            SentAt = message.CreateTime is > 0 and var seconds && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds()
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null,
            ReceivedAt = receivedAt,
            DedupKey = InboundMessage.DedupKeyFor(ChannelPlatform.WeCom, appId, message.MsgId),
        };
    }

    /// <summary>
    /// Normalizes an app's callback message (text, image, voice, video, location, link). App messages come from
    /// one-to-one chats with the app: the conversation is direct, keyed by the sender's userid; the app is its AgentID.
    /// </summary>
    /// <param name="message">The parsed callback (<c>WeComCallbackMessage.Parse</c>); events are not messages and are refused.</param>
    /// <param name="receivedAt">When the caller received it.</param>
    /// <exception cref="ChannelInboundException">It has no AgentID or no sender.</exception>
    public static InboundMessage Normalize(WeComMessage message, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(message);
        Require(message.FromUserName, "FromUserName");
        if (message.AgentId is not { } agentId)
        {
            throw new ChannelInboundException("Cannot normalize a WeCom app message without AgentID: it names the app that received it.");
        }

        var attachments = new List<ChannelAttachment>();
        var text = "";
        switch (message)
        {
            case WeComTextMessage t:
                text = t.Content;
                break;
            case WeComImageMessage { MediaId: { Length: > 0 } mediaId } image:
                attachments.Add(new ChannelAttachment(AttachmentKind.Image, mediaId) { Url = image.PicUrl });
                break;
            case WeComVoiceMessage { MediaId: { Length: > 0 } mediaId }:
                attachments.Add(new ChannelAttachment(AttachmentKind.Audio, mediaId));
                break;
            case WeComVideoMessage { MediaId: { Length: > 0 } mediaId }:
                attachments.Add(new ChannelAttachment(AttachmentKind.Video, mediaId));
                break;
            case WeComLocationMessage location:
                text = location.Label ?? "";
                break;
            case WeComLinkMessage link:
                text = string.Join('\n', new[] { link.Title, link.Description, link.Url }.Where(s => !string.IsNullOrEmpty(s)));
                break;
        }

        var appId = agentId.ToString(CultureInfo.InvariantCulture);
        var messageId = message.MsgId is { Length: > 0 } id ? id : message.DeduplicationKey;
        return new InboundMessage
        {
            Platform = ChannelPlatform.WeCom,
            App = new ChannelApp(appId),
            Conversation = new ChannelConversation(message.FromUserName, ConversationKind.Direct),
            Sender = new ChannelSender(message.FromUserName)
            {
                OtherIds = message.ToUserName is { Length: > 0 } corp ? new Dictionary<string, string> { ["corpid"] = corp } : new Dictionary<string, string>(),
            },
            Text = text.Trim(),
            PlatformMessageType = message.MsgType,
            Attachments = attachments,
            MessageId = messageId,
            SentAt = message.CreateTime.ToUnixTimeSeconds() > 0 ? message.CreateTime : null,
            ReceivedAt = receivedAt,
            DedupKey = InboundMessage.DedupKeyFor(ChannelPlatform.WeCom, appId, messageId),
        };
    }

    private static ChannelAttachment FileRef(AttachmentKind kind, WeComAiBotFileRef file) =>
        new(kind, file.Url) { Url = file.Url, DecryptionKey = file.AesKey };

    private static void Require(string? value, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ChannelInboundException($"Cannot normalize a WeCom message without {what}.");
        }
    }
}
