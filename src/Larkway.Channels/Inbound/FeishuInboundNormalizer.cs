using System.Globalization;
using System.Text;
using Larkway.Channels.Messages;
using Larkway.Feishu.Events.Models.Im;

namespace Larkway.Channels.Inbound;

/// <summary>
/// Feishu's <c>im.message.receive_v1</c> (<see cref="MessageReceivedEvent"/>) as an <see cref="InboundMessage"/>:
/// <c>@_user_N</c> placeholders resolved from <c>mentions[]</c> (the bot's own taken out), <c>@_all</c> as @all,
/// post paragraphs as lines, images/files/audio/video as attachments, <c>thread_id</c> as a thread conversation,
/// <c>parent_id</c> as the message replied to, and <c>sender_type</c> <c>app</c> as a bot.
/// </summary>
public static class FeishuInboundNormalizer
{
    /// <summary>The placeholder Feishu writes for @all.</summary>
    public const string AllPlaceholder = "@_all";

    /// <summary>Normalizes a received message.</summary>
    /// <param name="received">The typed event (from the dispatcher or <c>FeishuEventParser</c>).</param>
    /// <param name="appId">The app that received it (the envelope's <c>app_id</c>).</param>
    /// <param name="bot">The bot's identity: <see cref="ChannelBotIdentity.Id"/> is its open_id.</param>
    /// <param name="receivedAt">When the caller received it.</param>
    /// <exception cref="ChannelInboundException">The event has no message id or chat id, or the app id or bot open_id is blank.</exception>
    public static InboundMessage Normalize(MessageReceivedEvent received, string appId, ChannelBotIdentity bot, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(received);
        ArgumentNullException.ThrowIfNull(bot);
        Require(appId, "the app id (the envelope's app_id)");
        Require(bot.Id, "the bot's open_id (ChannelBotIdentity.Id; from /open-apis/bot/v3/info)");
        var message = received.Message ?? throw new ChannelInboundException("The Feishu event has no message object.");
        Require(message.MessageId, "message.message_id");
        Require(message.ChatId, "message.chat_id");

        var mentions = new List<ChannelMention>();
        var replacements = new List<(string Key, string? Text)>();
        foreach (var mention in message.Mentions ?? [])
        {
            if (string.IsNullOrEmpty(mention.Key))
            {
                continue;
            }

            var isAll = mention.Key == AllPlaceholder;
            var id = mention.Id?.OpenId ?? mention.Id?.UserId ?? mention.Id?.UnionId;
            var isBot = !isAll && (bot.Is(mention.Id?.OpenId) || bot.Is(mention.Id?.UserId) || bot.Is(mention.Id?.UnionId));
            var name = mention.Name ?? (isAll ? "all" : "");
            mentions.Add(new ChannelMention(isAll ? null : id, name, isBot, isAll));
            replacements.Add((mention.Key, isBot ? null : "@" + name));
        }

        var attachments = new List<ChannelAttachment>();
        var text = TextOf(message.ParseContent(), attachments);
        if (text.Contains(AllPlaceholder, StringComparison.Ordinal) && !replacements.Any(r => r.Key == AllPlaceholder))
        {
            mentions.Add(new ChannelMention(null, "all", IsAll: true));
            replacements.Add((AllPlaceholder, "@all"));
        }

        // Longest keys first, so that @_user_1 does not eat the start of @_user_10.
        foreach (var (key, replacement) in replacements.OrderByDescending(r => r.Key.Length))
        {
            text = replacement is null ? InboundText.RemoveMention(text, key) : text.Replace(key, replacement, StringComparison.Ordinal);
        }

        var kind = message.ChatType == "p2p" ? ConversationKind.Direct
            : string.IsNullOrEmpty(message.ThreadId) ? ConversationKind.Group : ConversationKind.Thread;
        var sender = received.Sender ?? new MessageSender();
        var senderId = sender.SenderId?.OpenId ?? sender.SenderId?.UserId ?? sender.SenderId?.UnionId ?? "";
        var otherIds = new Dictionary<string, string>();
        if (sender.SenderId?.UnionId is { Length: > 0 } unionId)
        {
            otherIds["union_id"] = unionId;
        }

        if (sender.SenderId?.UserId is { Length: > 0 } userId)
        {
            otherIds["user_id"] = userId;
        }

        return new InboundMessage
        {
            Platform = ChannelPlatform.Feishu,
            App = new ChannelApp(appId),
            Conversation = new ChannelConversation(message.ChatId, kind, kind == ConversationKind.Thread ? message.ThreadId : null),
            Sender = new ChannelSender(senderId, IsBot: sender.SenderType == "app" || bot.Is(senderId)) { OtherIds = otherIds },
            Text = text.Trim(),
            PlatformMessageType = message.MessageType,
            Mentions = mentions,
            Attachments = attachments,
            MessageId = message.MessageId,
            ReplyToMessageId = string.IsNullOrEmpty(message.ParentId) ? null : message.ParentId,
            MentionsBot = mentions.Any(m => m.IsBot),
            SentAt = InboundText.FromUnixMilliseconds(message.CreateTime),
            ReceivedAt = receivedAt,
            DedupKey = InboundMessage.DedupKeyFor(ChannelPlatform.Feishu, appId, message.MessageId),
        };
    }

    private static string TextOf(MessageContent content, List<ChannelAttachment> attachments)
    {
        switch (content)
        {
            case TextContent text:
                return text.Text;
            case PostContent post:
                return PostText(post, attachments);
            case ImageContent image:
                attachments.Add(new ChannelAttachment(AttachmentKind.Image, image.ImageKey));
                return "";
            case FileContent file:
                attachments.Add(new ChannelAttachment(AttachmentKind.File, file.FileKey, file.FileName));
                return "";
            case AudioContent audio:
                attachments.Add(new ChannelAttachment(AttachmentKind.Audio, audio.FileKey));
                return "";
            case MediaContent media:
                attachments.Add(new ChannelAttachment(AttachmentKind.Video, media.FileKey, media.FileName));
                return "";
            default:
                return "";
        }
    }

    private static string PostText(PostContent post, List<ChannelAttachment> attachments)
    {
        var lines = new List<string>();
        if (!string.IsNullOrWhiteSpace(post.Title))
        {
            lines.Add(post.Title);
        }

        foreach (var paragraph in post.Content)
        {
            var line = new StringBuilder();
            foreach (var element in paragraph)
            {
                switch (element.Tag)
                {
                    case "text" or "a" or "md":
                        line.Append(element.Text);
                        break;
                    case "at":
                        // In a received post, user_id is the mention's placeholder key (@_user_1), resolved with the text.
                        line.Append(element.UserId is { Length: > 0 } key ? key : "@" + element.UserName);
                        break;
                    case "code_block":
                        line.Append(CultureInfo.InvariantCulture, $"```{element.Language?.ToLowerInvariant()}\n{element.Text?.TrimEnd('\n')}\n```");
                        break;
                    case "hr":
                        line.Append("---");
                        break;
                    case "img" when element.ImageKey is { Length: > 0 } imageKey:
                        attachments.Add(new ChannelAttachment(AttachmentKind.Image, imageKey));
                        break;
                    case "media" when element.FileKey is { Length: > 0 } fileKey:
                        attachments.Add(new ChannelAttachment(AttachmentKind.Video, fileKey));
                        break;
                }
            }

            lines.Add(line.ToString());
        }

        return string.Join('\n', lines);
    }

    private static void Require(string? value, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ChannelInboundException($"Cannot normalize a Feishu message without {what}.");
        }
    }
}
