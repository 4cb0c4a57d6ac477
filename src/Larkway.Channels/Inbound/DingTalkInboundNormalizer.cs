using System.Text;
using System.Text.Json;
using Larkway.Channels.Messages;
using Larkway.DingTalk.Stream;

namespace Larkway.Channels.Inbound;

/// <summary>
/// A DingTalk robot message (the Stream mode's robot CALLBACK data, or an outgoing robot's HTTP callback body) as an
/// <see cref="InboundMessage"/>. The typed fields come from Larkway.DingTalk's <see cref="DingTalkRobotInboundMessage"/>;
/// what it does not model is read from the same JSON: <c>atUsers[]</c> (<c>dingtalkId</c>, <c>staffId</c>), the
/// <c>content</c> of <c>richText</c>, <c>picture</c>, <c>file</c>, <c>audio</c> (with its <c>recognition</c>) and
/// <c>video</c> messages, and a reply's <c>text.repliedMsg</c>. <c>conversationType</c> "1" is a direct chat, "2" a group;
/// the bot is mentioned when <c>isInAtList</c> is true or <c>atUsers</c> names its <c>chatbotUserId</c>.
/// </summary>
public static class DingTalkInboundNormalizer
{
    /// <summary>Normalizes a robot message from its JSON text.</summary>
    /// <param name="robotMessageJson">The decrypted JSON (a Stream frame's <c>data</c>, or the callback body).</param>
    /// <param name="bot">The robot's identity (its robotCode, and its name to take "@name" out of rich text), or null to rely on the message's own chatbotUserId and robotCode.</param>
    /// <param name="receivedAt">When the caller received it.</param>
    /// <exception cref="ChannelInboundException">The JSON is not a robot message, or it has no msgId, conversationId or robotCode.</exception>
    public static InboundMessage Normalize(string robotMessageJson, ChannelBotIdentity? bot, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(robotMessageJson);
        try
        {
            using var document = JsonDocument.Parse(robotMessageJson);
            var typed = DingTalkRobotInboundMessage.Parse(robotMessageJson);
            return Normalize(typed, document.RootElement, bot, receivedAt);
        }
        catch (JsonException ex)
        {
            // The parser's message names a position, never the text.
            throw new ChannelInboundException($"The DingTalk robot message is not valid JSON of a robot message: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Normalizes a robot message already parsed by Larkway.DingTalk. Without the JSON, mentions of other people and
    /// the content of non-text messages are not known: prefer the JSON overload.
    /// </summary>
    /// <exception cref="ChannelInboundException">It has no msgId, conversationId or robotCode.</exception>
    public static InboundMessage Normalize(DingTalkRobotInboundMessage message, ChannelBotIdentity? bot, DateTimeOffset receivedAt) =>
        Normalize(message, null, bot, receivedAt);

    /// <summary>
    /// Normalizes a robot message already parsed, with the JSON it was parsed from (mentions of other people, the content
    /// of non-text messages), for a caller that holds both and need not parse the text again.
    /// </summary>
    /// <exception cref="ChannelInboundException">It has no msgId, conversationId or robotCode.</exception>
    public static InboundMessage Normalize(DingTalkRobotInboundMessage message, JsonElement json, ChannelBotIdentity? bot, DateTimeOffset receivedAt) =>
        Normalize(message, (JsonElement?)json, bot, receivedAt);

    private static InboundMessage Normalize(DingTalkRobotInboundMessage message, JsonElement? raw, ChannelBotIdentity? bot, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(message);
        Require(message.MessageId, "msgId");
        Require(message.ConversationId, "conversationId");
        var appId = message.RobotCode is { Length: > 0 } code ? code : bot?.Id;
        Require(appId, "robotCode (or a ChannelBotIdentity naming it)");

        bool IsBot(string? id) => !string.IsNullOrEmpty(id) && (id == message.ChatbotUserId || (bot?.Is(id) ?? false));

        var mentions = new List<ChannelMention>();
        if (raw is { } root && root.TryGetProperty("atUsers", out var atUsers) && atUsers.ValueKind == JsonValueKind.Array)
        {
            foreach (var user in atUsers.EnumerateArray())
            {
                var dingtalkId = Str(user, "dingtalkId");
                var staffId = Str(user, "staffId");
                var isBot = IsBot(dingtalkId) || IsBot(staffId);
                mentions.Add(new ChannelMention(staffId ?? dingtalkId, isBot ? bot?.Name ?? "" : "", isBot));
            }
        }

        if (message.IsInAtList && !mentions.Any(m => m.IsBot))
        {
            mentions.Add(new ChannelMention(message.ChatbotUserId, bot?.Name ?? "", IsBot: true));
        }

        var attachments = new List<ChannelAttachment>();
        var text = raw is { } body ? ContentText(message.MessageType, body, attachments) : message.Text?.Content ?? "";
        if (bot?.Name is { Length: > 0 } botName)
        {
            text = InboundText.RemoveMention(text, "@" + botName);
        }

        string? repliedId = null;
        string? quoted = null;
        if (raw is { } r && r.TryGetProperty("text", out var textObject) && textObject.ValueKind == JsonValueKind.Object
            && textObject.TryGetProperty("repliedMsg", out var replied) && replied.ValueKind == JsonValueKind.Object)
        {
            repliedId = Str(replied, "msgId");
            quoted = replied.TryGetProperty("content", out var repliedContent) && repliedContent.ValueKind == JsonValueKind.Object
                ? Str(repliedContent, "text")
                : null;
        }

        var otherIds = new Dictionary<string, string>();
        if (message.SenderId is { Length: > 0 } senderId)
        {
            otherIds["senderId"] = senderId;
        }

        if (message.SenderCorpId is { Length: > 0 } corpId)
        {
            otherIds["senderCorpId"] = corpId;
        }

        var sender = message.SenderStaffId is { Length: > 0 } staff ? staff : message.SenderId ?? "";
        return new InboundMessage
        {
            Platform = ChannelPlatform.DingTalk,
            App = new ChannelApp(appId!),
            Conversation = new ChannelConversation(message.ConversationId, message.IsGroup ? ConversationKind.Group : ConversationKind.Direct)
            {
                Title = message.IsGroup ? message.ConversationTitle : null,
            },
            Sender = new ChannelSender(sender, message.SenderNick, IsBot(message.SenderId) || IsBot(message.SenderStaffId)) { OtherIds = otherIds },
            Text = text.Trim(),
            PlatformMessageType = message.MessageType,
            Mentions = mentions,
            Attachments = attachments,
            MessageId = message.MessageId,
            ReplyToMessageId = repliedId,
            QuotedText = quoted,
            MentionsBot = message.IsInAtList || mentions.Any(m => m.IsBot),
            SentAt = InboundText.FromUnixMilliseconds(message.CreateAt),
            ReceivedAt = receivedAt,
            DedupKey = InboundMessage.DedupKeyFor(ChannelPlatform.DingTalk, appId!, message.MessageId),
        };
    }

    private static string ContentText(string messageType, JsonElement root, List<ChannelAttachment> attachments)
    {
        var content = root.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
        string? DownloadCode(JsonElement e) => Str(e, "downloadCode") ?? Str(e, "pictureDownloadCode");
        switch (messageType)
        {
            case "text":
                return root.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.Object ? Str(t, "content") ?? "" : "";
            case "richText" when content.ValueKind == JsonValueKind.Object && content.TryGetProperty("richText", out var items) && items.ValueKind == JsonValueKind.Array:
                var text = new StringBuilder();
                foreach (var item in items.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.Object)
                    {
                        continue;
                    }

                    if (Str(item, "text") is { } part)
                    {
                        text.Append(part);
                    }
                    else if (Str(item, "type") == "picture" && DownloadCode(item) is { } picture)
                    {
                        attachments.Add(new ChannelAttachment(AttachmentKind.Image, picture));
                    }
                }

                return text.ToString();
            case "picture" when content.ValueKind == JsonValueKind.Object && DownloadCode(content) is { } image:
                attachments.Add(new ChannelAttachment(AttachmentKind.Image, image));
                return "";
            case "file" when content.ValueKind == JsonValueKind.Object && DownloadCode(content) is { } file:
                attachments.Add(new ChannelAttachment(AttachmentKind.File, file, Str(content, "fileName")));
                return "";
            case "audio" when content.ValueKind == JsonValueKind.Object:
                if (DownloadCode(content) is { } audio)
                {
                    attachments.Add(new ChannelAttachment(AttachmentKind.Audio, audio));
                }

                return Str(content, "recognition") ?? "";
            case "video" when content.ValueKind == JsonValueKind.Object && DownloadCode(content) is { } video:
                attachments.Add(new ChannelAttachment(AttachmentKind.Video, video));
                return "";
            default:
                return "";
        }
    }

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            && value.GetString() is { Length: > 0 } s ? s : null;

    private static void Require(string? value, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ChannelInboundException($"Cannot normalize a DingTalk robot message without {what}.");
        }
    }
}
