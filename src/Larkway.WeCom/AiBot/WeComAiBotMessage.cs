using System.Text.Json;
using System.Text.Json.Serialization;

namespace Larkway.WeCom.AiBot;

/// <summary>
/// A message to the AI bot, as the long connection pushes it (<c>aibot_msg_callback</c>'s body) and as the URL-callback
/// mode delivers it (the decrypted JSON): the fields are the same. Group messages reach the bot only when it is
/// @-mentioned; image, voice and file messages come from single chats only.
/// </summary>
public sealed record WeComAiBotMessage
{
    /// <summary>The message's id: WeCom may deliver a message again, and this is what tells a repeat.</summary>
    [JsonPropertyName("msgid")]
    public string MsgId { get; init; } = "";

    /// <summary>The bot's id.</summary>
    [JsonPropertyName("aibotid")]
    public string AiBotId { get; init; } = "";

    /// <summary>The group chat's id; null in a single chat.</summary>
    [JsonPropertyName("chatid")]
    public string? ChatId { get; init; }

    /// <summary><c>single</c> or <c>group</c>.</summary>
    [JsonPropertyName("chattype")]
    public string ChatType { get; init; } = "";

    /// <summary>Who sent it.</summary>
    public WeComAiBotSender? From { get; init; }

    /// <summary>When it was sent (Unix seconds), when given.</summary>
    public long? CreateTime { get; init; }

    /// <summary>A URL for one later reply (valid 1 hour): see <see cref="WeComAiBotResponseUrlClient"/>.</summary>
    public string? ResponseUrl { get; init; }

    /// <summary><c>text</c>, <c>image</c>, <c>mixed</c>, <c>voice</c>, <c>file</c> (or a type this client does not know yet).</summary>
    [JsonPropertyName("msgtype")]
    public string MsgType { get; init; } = "";

    /// <summary>The text of a <c>text</c> message (mentions included as typed).</summary>
    public WeComAiBotText? Text { get; init; }

    /// <summary>An <c>image</c> message: an encrypted download URL (5 minutes) and, on the long connection, its key.</summary>
    public WeComAiBotFileRef? Image { get; init; }

    /// <summary>A <c>mixed</c> message: text and images in order.</summary>
    public WeComAiBotMixed? Mixed { get; init; }

    /// <summary>A <c>voice</c> message, as WeCom transcribed it.</summary>
    public WeComAiBotText? Voice { get; init; }

    /// <summary>A <c>file</c> message: an encrypted download URL (5 minutes) and, on the long connection, its key.</summary>
    public WeComAiBotFileRef? File { get; init; }

    /// <summary>A <c>video</c> message, where WeCom sends them.</summary>
    public WeComAiBotFileRef? Video { get; init; }

    /// <summary>The message the user quoted, when they quoted one.</summary>
    public WeComAiBotQuote? Quote { get; init; }

    /// <summary>True in a group chat.</summary>
    [JsonIgnore]
    public bool IsGroup => ChatType == "group";

    /// <summary>Where a proactive message to this conversation goes: the group's chat id, or the sender's userid in a single chat.</summary>
    [JsonIgnore]
    public string ConversationId => IsGroup && ChatId is { Length: > 0 } chat ? chat : From?.UserId ?? "";

    /// <summary>The message's text: a text message's, a voice message's transcription, or a mixed message's text parts joined by new lines.</summary>
    [JsonIgnore]
    public string PlainText => MsgType switch
    {
        "text" => Text?.Content ?? "",
        "voice" => Voice?.Content ?? "",
        "mixed" => string.Join('\n', (Mixed?.MsgItem ?? []).Where(i => i.MsgType == "text" && i.Text is not null).Select(i => i.Text!.Content)),
        _ => "",
    };

    /// <summary>Reads a message body; a clear error when it is not one.</summary>
    /// <exception cref="WeComApiException">The JSON is not an AI bot message (code <c>Larkway.MalformedResponse</c>).</exception>
    public static WeComAiBotMessage Parse(JsonElement body) => AiBotJson.Read(body, AiBotJson.Default.WeComAiBotMessage, "an AI bot message");

    /// <summary>Reads a message body from its JSON text.</summary>
    /// <exception cref="WeComApiException">The JSON is not an AI bot message.</exception>
    public static WeComAiBotMessage Parse(string json) => AiBotJson.Read(json, AiBotJson.Default.WeComAiBotMessage, "an AI bot message");
}

/// <summary>Who sent a message or caused an event.</summary>
public sealed record WeComAiBotSender
{
    /// <summary>The member's userid.</summary>
    [JsonPropertyName("userid")]
    public string UserId { get; init; } = "";

    /// <summary>The member's corp id (events of bots outside the corp only).</summary>
    [JsonPropertyName("corpid")]
    public string? CorpId { get; init; }
}

/// <summary>Text content.</summary>
public sealed record WeComAiBotText
{
    /// <summary>The text.</summary>
    public string Content { get; init; } = "";
}

/// <summary>A file, image or video to download: WeCom encrypts it; the long connection gives each URL its own key.</summary>
public sealed record WeComAiBotFileRef
{
    /// <summary>The download URL, valid 5 minutes.</summary>
    public string Url { get; init; } = "";

    /// <summary>The AES key of this download (long connection only).</summary>
    [JsonPropertyName("aeskey")]
    public string? AesKey { get; init; }
}

/// <summary>A mixed message's parts.</summary>
public sealed record WeComAiBotMixed
{
    /// <summary>The parts, in order.</summary>
    public IReadOnlyList<WeComAiBotMixedItem> MsgItem { get; init; } = [];
}

/// <summary>One part of a mixed message: text or image.</summary>
public sealed record WeComAiBotMixedItem
{
    /// <summary><c>text</c> or <c>image</c>.</summary>
    [JsonPropertyName("msgtype")]
    public string MsgType { get; init; } = "";

    /// <summary>The text part.</summary>
    public WeComAiBotText? Text { get; init; }

    /// <summary>The image part.</summary>
    public WeComAiBotFileRef? Image { get; init; }
}

/// <summary>The message a user quoted.</summary>
public sealed record WeComAiBotQuote
{
    /// <summary><c>text</c>, <c>image</c>, <c>mixed</c>, <c>voice</c> or <c>file</c>.</summary>
    [JsonPropertyName("msgtype")]
    public string MsgType { get; init; } = "";

    /// <summary>A quoted text.</summary>
    public WeComAiBotText? Text { get; init; }

    /// <summary>A quoted image.</summary>
    public WeComAiBotFileRef? Image { get; init; }

    /// <summary>A quoted mixed message.</summary>
    public WeComAiBotMixed? Mixed { get; init; }

    /// <summary>A quoted voice message.</summary>
    public WeComAiBotText? Voice { get; init; }

    /// <summary>A quoted file.</summary>
    public WeComAiBotFileRef? File { get; init; }
}
