using System.Text.Json;
using System.Text.Json.Serialization;

namespace Larkway.DingTalk.Stream;

/// <summary>
/// A message a person sent to the app's robot, as DingTalk delivers it (Stream CALLBACK data, or the body of an outgoing
/// robot's HTTP callback).
/// </summary>
public sealed record DingTalkRobotInboundMessage
{
    /// <summary>The message id; DingTalk's key to deduplicate by.</summary>
    [JsonPropertyName("msgId")]
    public string MessageId { get; init; } = "";

    /// <summary>The conversation (open conversation id of a group, or the one-to-one chat).</summary>
    [JsonPropertyName("conversationId")]
    public string ConversationId { get; init; } = "";

    /// <summary>"1" one-to-one, "2" group.</summary>
    [JsonPropertyName("conversationType")]
    public string ConversationType { get; init; } = "";

    /// <summary>The group's name, for group messages.</summary>
    [JsonPropertyName("conversationTitle")]
    public string? ConversationTitle { get; init; }

    /// <summary>The sender's encrypted DingTalk id.</summary>
    [JsonPropertyName("senderId")]
    public string? SenderId { get; init; }

    /// <summary>The sender's user id in the organisation (empty for people outside it).</summary>
    [JsonPropertyName("senderStaffId")]
    public string? SenderStaffId { get; init; }

    /// <summary>The sender's display name.</summary>
    [JsonPropertyName("senderNick")]
    public string? SenderNick { get; init; }

    /// <summary>The sender's organisation.</summary>
    [JsonPropertyName("senderCorpId")]
    public string? SenderCorpId { get; init; }

    /// <summary>The robot's code.</summary>
    [JsonPropertyName("robotCode")]
    public string? RobotCode { get; init; }

    /// <summary>The robot's user id in the conversation.</summary>
    [JsonPropertyName("chatbotUserId")]
    public string? ChatbotUserId { get; init; }

    /// <summary>True when the robot was mentioned.</summary>
    [JsonPropertyName("isInAtList")]
    public bool IsInAtList { get; init; }

    /// <summary>The message type: <c>text</c>, <c>picture</c>, <c>richText</c>…</summary>
    [JsonPropertyName("msgtype")]
    public string MessageType { get; init; } = "";

    /// <summary>A text message's content.</summary>
    [JsonPropertyName("text")]
    public DingTalkInboundText? Text { get; init; }

    /// <summary>When the message was sent (ms since the epoch).</summary>
    [JsonPropertyName("createAt")]
    public long CreateAt { get; init; }

    /// <summary>Where to reply without a token, until <see cref="SessionWebhookExpiredTime"/>.</summary>
    [JsonPropertyName("sessionWebhook")]
    public string? SessionWebhook { get; init; }

    /// <summary>When <see cref="SessionWebhook"/> stops working (ms since the epoch).</summary>
    [JsonPropertyName("sessionWebhookExpiredTime")]
    public long SessionWebhookExpiredTime { get; init; }

    /// <summary>True for a group conversation.</summary>
    [JsonIgnore]
    public bool IsGroup => ConversationType == "2";

    /// <summary>The text, trimmed (DingTalk puts a space where the robot's mention was).</summary>
    [JsonIgnore]
    public string PlainText => Text?.Content?.Trim() ?? "";

    /// <summary>Parses a robot message's JSON.</summary>
    /// <exception cref="JsonException">It is not a robot message.</exception>
    public static DingTalkRobotInboundMessage Parse(string json) =>
        JsonSerializer.Deserialize(json, StreamJson.Default.DingTalkRobotInboundMessage) ?? throw new JsonException("The robot message is null.");

    /// <summary>Parses a robot message's UTF-8 JSON (as stored or received, without decoding it to text first).</summary>
    /// <exception cref="JsonException">It is not a robot message.</exception>
    public static DingTalkRobotInboundMessage Parse(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize(utf8Json, StreamJson.Default.DingTalkRobotInboundMessage) ?? throw new JsonException("The robot message is null.");
}

/// <summary>A text message's body.</summary>
public sealed record DingTalkInboundText([property: JsonPropertyName("content")] string? Content);
