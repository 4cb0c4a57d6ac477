using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Larkway.Feishu.Im;

/// <summary>
/// What a message says: its <c>msg_type</c> and the <c>content</c> JSON string Feishu expects.
/// Create with the factories (<see cref="Text(string)"/>, <see cref="Post(JsonNode)"/>,
/// <see cref="Image"/>, <see cref="Card(JsonNode)"/>, <see cref="Template"/>, …) or the builders
/// (<see cref="TextContent.Builder"/>, <see cref="PostContent.Builder"/>).
/// </summary>
public abstract class MessageContent
{
    /// <summary>Most bytes of a text message's content (150 KB).</summary>
    public const int MaxTextBytes = 150 * 1024;

    /// <summary>Most bytes of a post or card message's content (30 KB).</summary>
    public const int MaxPostOrCardBytes = 30 * 1024;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private string? _json;

    private protected MessageContent()
    {
    }

    /// <summary>The <c>msg_type</c>: text, post, image, file, audio, media, sticker, interactive, share_chat or share_user.</summary>
    public abstract string MessageType { get; }

    /// <summary>The <c>content</c> string sent on the wire (JSON, not double-encoded yet).</summary>
    public string ContentJson => _json ??= Serialize(WriteContent);

    /// <summary>The size limit of this kind of content in UTF-8 bytes, when Feishu has one.</summary>
    public virtual int? MaxBytes => null;

    /// <summary>A text message.</summary>
    public static TextContent Text(string text) => new(text);

    /// <summary>A rich-text (post) message from its JSON: <c>{"zh_cn":{"title":…,"content":[[…]]}, …}</c>.</summary>
    public static PostContent Post(JsonNode post) => PostContent.FromJson(post);

    /// <summary>An image uploaded with <see cref="ImageType.Message"/>.</summary>
    public static ImageContent Image(string imageKey) => new(imageKey);

    /// <summary>A file uploaded with <see cref="FilesClient"/>.</summary>
    public static FileContent File(string fileKey) => new(fileKey);

    /// <summary>A voice message (an opus upload).</summary>
    public static AudioContent Audio(string fileKey) => new(fileKey);

    /// <summary>A video (an mp4 upload) with an optional cover image.</summary>
    public static MediaContent Media(string fileKey, string? imageKey = null) => new(fileKey, imageKey);

    /// <summary>A sticker (only keys received in events can be sent).</summary>
    public static StickerContent Sticker(string fileKey) => new(fileKey);

    /// <summary>A group card inviting to <paramref name="chatId"/>.</summary>
    public static ShareChatContent ShareChat(string chatId) => new(chatId);

    /// <summary>A user's contact card (open_id).</summary>
    public static ShareUserContent ShareUser(string userId) => new(userId);

    /// <summary>An interactive card from its JSON (card JSON 1.0 or 2.0, or a card builder's output).</summary>
    public static CardContent Card(JsonNode card) => CardContent.FromJson(card);

    /// <summary>An interactive card from its JSON text.</summary>
    /// <exception cref="ArgumentException">The text is not a JSON object.</exception>
    public static CardContent Card(string cardJson) => CardContent.FromJson(cardJson);

    /// <summary>A card made in the card builder: template id, optional version name and variables.</summary>
    public static TemplateCardContent Template(string templateId, string? versionName = null, JsonObject? variables = null) =>
        new(templateId, versionName, variables);

    /// <summary>A card entity created with CardKit (<c>{"type":"card","data":{"card_id":…}}</c>).</summary>
    public static CardEntityContent CardEntity(string cardId) => new(cardId);

    /// <summary>Writes the content object.</summary>
    private protected abstract void WriteContent(Utf8JsonWriter writer);

    /// <summary>Fails when the content is over its size limit, before anything is sent.</summary>
    internal void EnsureWithinLimit()
    {
        if (MaxBytes is not { } max)
        {
            return;
        }

        var size = Encoding.UTF8.GetByteCount(ContentJson);
        if (size > max)
        {
            throw new FeishuApiException(FeishuErrorCodes.InvalidRequest,
                $"The {MessageType} content is {size:N0} bytes; Feishu accepts at most {max / 1024} KB for {MessageType} messages. Shorten it or split it into several messages.");
        }
    }

    internal static string Serialize(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    internal static string Required(string? value, string what, string example)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"The {what} is empty; give one such as {example}.", what);
        }

        return value;
    }

    /// <summary>A JSON text of one object with string properties (the simple content kinds).</summary>
    private protected static void WriteObject(Utf8JsonWriter writer, params (string Name, string? Value)[] properties)
    {
        writer.WriteStartObject();
        foreach (var (name, value) in properties)
        {
            if (value is not null)
            {
                writer.WriteString(name, value);
            }
        }

        writer.WriteEndObject();
    }
}

/// <summary><c>{"text":"…"}</c>. Mentions: <c>&lt;at user_id="ou_x"&gt;Name&lt;/at&gt;</c>; see <see cref="Builder"/>.</summary>
public sealed class TextContent : MessageContent
{
    /// <summary>A text message; use <see cref="Builder"/> for mentions.</summary>
    public TextContent(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            throw new ArgumentException("The text is empty; Feishu does not send empty messages.", nameof(text));
        }

        Text = text;
    }

    /// <summary>The text, with any <c>&lt;at&gt;</c> tags and styles.</summary>
    public new string Text { get; }

    /// <inheritdoc/>
    public override string MessageType => "text";

    /// <inheritdoc/>
    public override int? MaxBytes => MaxTextBytes;

    /// <summary>Starts a text with mentions: <c>TextContent.Builder().Text("hi ").At("ou_x", "Bob").AtAll().Build()</c>.</summary>
    public static TextContentBuilder Builder() => new();

    private protected override void WriteContent(Utf8JsonWriter writer) => WriteObject(writer, ("text", Text));
}

/// <summary>Builds text with mentions; names are escaped so they cannot break the tags.</summary>
public sealed class TextContentBuilder
{
    private readonly StringBuilder _text = new();

    /// <summary>Appends text as is (Feishu's inline styles such as <c>&lt;b&gt;</c> pass through).</summary>
    public TextContentBuilder Text(string text)
    {
        _text.Append(text);
        return this;
    }

    /// <summary>Appends a line break.</summary>
    public TextContentBuilder Line()
    {
        _text.Append('\n');
        return this;
    }

    /// <summary>Mentions a user by open_id (or union_id / user_id): <c>&lt;at user_id="ou_x"&gt;name&lt;/at&gt;</c>.</summary>
    public TextContentBuilder At(string userId, string? name = null)
    {
        MessageContent.Required(userId, "userId", "ou_…");
        if (userId.IndexOfAny(['"', '<', '>', '&']) >= 0 || userId.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"'{userId}' is not a user id: ids have no quotes, angle brackets, ampersands or spaces.", nameof(userId));
        }

        if (userId == "all")
        {
            return AtAll();
        }

        _text.Append("<at user_id=\"").Append(userId).Append("\">").Append(Escape(name ?? "")).Append("</at>");
        return this;
    }

    /// <summary>Mentions everyone: <c>&lt;at user_id="all"&gt;&lt;/at&gt;</c>.</summary>
    public TextContentBuilder AtAll()
    {
        _text.Append("<at user_id=\"all\"></at>");
        return this;
    }

    /// <summary>The text content.</summary>
    public TextContent Build() => new(_text.ToString());

    private static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}

/// <summary><c>{"image_key":"img_…"}</c>.</summary>
public sealed class ImageContent(string imageKey) : MessageContent
{
    /// <summary>The uploaded image's key.</summary>
    public string ImageKey { get; } = Required(imageKey, nameof(imageKey), "img_v3_…");

    /// <inheritdoc/>
    public override string MessageType => "image";

    private protected override void WriteContent(Utf8JsonWriter writer) => WriteObject(writer, ("image_key", ImageKey));
}

/// <summary><c>{"file_key":"file_…"}</c>.</summary>
public sealed class FileContent(string fileKey) : MessageContent
{
    /// <summary>The uploaded file's key.</summary>
    public string FileKey { get; } = Required(fileKey, nameof(fileKey), "file_v2_…");

    /// <inheritdoc/>
    public override string MessageType => "file";

    private protected override void WriteContent(Utf8JsonWriter writer) => WriteObject(writer, ("file_key", FileKey));
}

/// <summary><c>{"file_key":"…"}</c> of an opus upload.</summary>
public sealed class AudioContent(string fileKey) : MessageContent
{
    /// <summary>The uploaded opus file's key.</summary>
    public string FileKey { get; } = Required(fileKey, nameof(fileKey), "file_v2_…");

    /// <inheritdoc/>
    public override string MessageType => "audio";

    private protected override void WriteContent(Utf8JsonWriter writer) => WriteObject(writer, ("file_key", FileKey));
}

/// <summary><c>{"file_key":"…","image_key":"…"}</c>: a video and its optional cover.</summary>
public sealed class MediaContent(string fileKey, string? imageKey = null) : MessageContent
{
    /// <summary>The uploaded mp4's key.</summary>
    public string FileKey { get; } = Required(fileKey, nameof(fileKey), "file_v2_…");

    /// <summary>The cover image's key, if any.</summary>
    public string? ImageKey { get; } = imageKey;

    /// <inheritdoc/>
    public override string MessageType => "media";

    private protected override void WriteContent(Utf8JsonWriter writer) => WriteObject(writer, ("file_key", FileKey), ("image_key", ImageKey));
}

/// <summary><c>{"file_key":"…"}</c> of a sticker.</summary>
public sealed class StickerContent(string fileKey) : MessageContent
{
    /// <summary>The sticker's key (from a received message).</summary>
    public string FileKey { get; } = Required(fileKey, nameof(fileKey), "file_v2_…");

    /// <inheritdoc/>
    public override string MessageType => "sticker";

    private protected override void WriteContent(Utf8JsonWriter writer) => WriteObject(writer, ("file_key", FileKey));
}

/// <summary><c>{"chat_id":"oc_…"}</c>: a group card.</summary>
public sealed class ShareChatContent(string chatId) : MessageContent
{
    /// <summary>The shared chat.</summary>
    public string ChatId { get; } = Required(chatId, nameof(chatId), "oc_…");

    /// <inheritdoc/>
    public override string MessageType => "share_chat";

    private protected override void WriteContent(Utf8JsonWriter writer) => WriteObject(writer, ("chat_id", ChatId));
}

/// <summary><c>{"user_id":"ou_…"}</c>: a contact card (open_id only).</summary>
public sealed class ShareUserContent(string userId) : MessageContent
{
    /// <summary>The shared user's open_id.</summary>
    public string UserId { get; } = Required(userId, nameof(userId), "ou_…");

    /// <inheritdoc/>
    public override string MessageType => "share_user";

    private protected override void WriteContent(Utf8JsonWriter writer) => WriteObject(writer, ("user_id", UserId));
}

/// <summary>An interactive card given as JSON (copied when created: later changes to the node are not sent).</summary>
public sealed class CardContent : MessageContent
{
    private readonly string _card;

    private CardContent(string card) => _card = card;

    /// <inheritdoc/>
    public override string MessageType => "interactive";

    /// <inheritdoc/>
    public override int? MaxBytes => MaxPostOrCardBytes;

    /// <summary>The card as a new JSON node.</summary>
    public JsonNode ToJsonNode() => JsonNode.Parse(_card)!;

    internal static CardContent FromJson(JsonNode card)
    {
        ArgumentNullException.ThrowIfNull(card);
        if (card is not JsonObject obj || obj.Count == 0)
        {
            throw new ArgumentException("A card must be a non-empty JSON object such as {\"elements\":[…]} or {\"schema\":\"2.0\",\"body\":{…}}.", nameof(card));
        }

        return new CardContent(Serialize(w => card.WriteTo(w)));
    }

    internal static CardContent FromJson(string cardJson)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cardJson);
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(cardJson);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"The card is not valid JSON: {ex.Message}", nameof(cardJson), ex);
        }

        return FromJson(node ?? throw new ArgumentException("The card is JSON null; give a card object.", nameof(cardJson)));
    }

    private protected override void WriteContent(Utf8JsonWriter writer) => writer.WriteRawValue(_card, skipInputValidation: true);
}

/// <summary><c>{"type":"template","data":{"template_id":…,"template_version_name":…,"template_variable":{…}}}</c>.</summary>
public sealed class TemplateCardContent : MessageContent
{
    private readonly string? _variables;

    /// <summary>A template card; the version defaults to the latest published one.</summary>
    public TemplateCardContent(string templateId, string? versionName = null, JsonObject? variables = null)
    {
        TemplateId = Required(templateId, nameof(templateId), "AAqk1234abcd");
        VersionName = string.IsNullOrWhiteSpace(versionName) ? null : versionName;
        _variables = variables is null ? null : Serialize(w => variables.WriteTo(w));
    }

    /// <summary>The card builder's template id.</summary>
    public string TemplateId { get; }

    /// <summary>The template version name, or null for the latest.</summary>
    public string? VersionName { get; }

    /// <inheritdoc/>
    public override string MessageType => "interactive";

    /// <inheritdoc/>
    public override int? MaxBytes => MaxPostOrCardBytes;

    private protected override void WriteContent(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "template");
        writer.WriteStartObject("data");
        writer.WriteString("template_id", TemplateId);
        if (VersionName is not null)
        {
            writer.WriteString("template_version_name", VersionName);
        }

        if (_variables is not null)
        {
            writer.WritePropertyName("template_variable");
            writer.WriteRawValue(_variables, skipInputValidation: true);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}

/// <summary><c>{"type":"card","data":{"card_id":…}}</c>: a CardKit card entity.</summary>
public sealed class CardEntityContent(string cardId) : MessageContent
{
    /// <summary>The card entity's id.</summary>
    public string CardId { get; } = Required(cardId, nameof(cardId), "7355372766134157313");

    /// <inheritdoc/>
    public override string MessageType => "interactive";

    private protected override void WriteContent(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "card");
        writer.WriteStartObject("data");
        writer.WriteString("card_id", CardId);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
