using System.Text.Json;
using System.Text.Json.Nodes;

namespace Larkway.Feishu.Im;

/// <summary>
/// Rich text (<c>msg_type</c> post) in one or more locales:
/// <c>{"zh_cn":{"title":"…","content":[[node,…],…]},"en_us":{…}}</c>.
/// Build with <see cref="Builder"/> or give the JSON to <see cref="MessageContent.Post(JsonNode)"/>.
/// </summary>
public sealed class PostContent : MessageContent
{
    /// <summary>Simplified Chinese.</summary>
    public const string ZhCn = "zh_cn";

    /// <summary>English.</summary>
    public const string EnUs = "en_us";

    /// <summary>Japanese.</summary>
    public const string JaJp = "ja_jp";

    private readonly string _json;

    private PostContent(string json) => _json = json;

    /// <inheritdoc/>
    public override string MessageType => "post";

    /// <inheritdoc/>
    public override int? MaxBytes => MaxPostOrCardBytes;

    /// <summary>Starts a post: <c>PostContent.Builder().Locale(PostContent.ZhCn, "Title", p => p.Paragraph(PostNode.Text("hi"))).Build()</c>.</summary>
    public static PostContentBuilder Builder() => new();

    internal static PostContent FromJson(JsonNode post)
    {
        ArgumentNullException.ThrowIfNull(post);
        if (post is not JsonObject locales || locales.Count == 0)
        {
            throw new ArgumentException("A post must be a JSON object with at least one locale: {\"zh_cn\":{\"title\":…,\"content\":[[…]]}}.", nameof(post));
        }

        foreach (var (locale, body) in locales)
        {
            if (body is not JsonObject localeBody || localeBody["content"] is not JsonArray)
            {
                throw new ArgumentException($"Post locale '{locale}' must be an object with a \"content\" array of paragraphs.", nameof(post));
            }
        }

        return new PostContent(Serialize(w => post.WriteTo(w)));
    }

    internal static PostContent FromLocales(IReadOnlyList<(string Locale, string? Title, IReadOnlyList<IReadOnlyList<PostNode>> Paragraphs)> locales) =>
        new(Serialize(writer =>
        {
            writer.WriteStartObject();
            foreach (var (locale, title, paragraphs) in locales)
            {
                writer.WriteStartObject(locale);
                if (title is not null)
                {
                    writer.WriteString("title", title);
                }

                writer.WriteStartArray("content");
                foreach (var paragraph in paragraphs)
                {
                    writer.WriteStartArray();
                    foreach (var node in paragraph)
                    {
                        node.Write(writer);
                    }

                    writer.WriteEndArray();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }));

    private protected override void WriteContent(Utf8JsonWriter writer) => writer.WriteRawValue(_json, skipInputValidation: true);
}

/// <summary>Builds a <see cref="PostContent"/> locale by locale.</summary>
public sealed class PostContentBuilder
{
    private readonly List<(string, string?, IReadOnlyList<IReadOnlyList<PostNode>>)> _locales = [];

    /// <summary>Adds a locale (<see cref="PostContent.ZhCn"/>, <see cref="PostContent.EnUs"/>, <see cref="PostContent.JaJp"/>) with a title and paragraphs.</summary>
    public PostContentBuilder Locale(string locale, string? title, Action<PostParagraphsBuilder> paragraphs)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(locale);
        ArgumentNullException.ThrowIfNull(paragraphs);
        if (_locales.Exists(l => l.Item1 == locale))
        {
            throw new ArgumentException($"Post locale '{locale}' was already added.", nameof(locale));
        }

        var builder = new PostParagraphsBuilder();
        paragraphs(builder);
        _locales.Add((locale, title, builder.Paragraphs));
        return this;
    }

    /// <summary>The post.</summary>
    /// <exception cref="InvalidOperationException">No locale was added.</exception>
    public PostContent Build() => _locales.Count == 0
        ? throw new InvalidOperationException("A post needs at least one locale: call Locale(PostContent.ZhCn, title, p => p.Paragraph(…)).")
        : PostContent.FromLocales(_locales);
}

/// <summary>The paragraphs of one post locale.</summary>
public sealed class PostParagraphsBuilder
{
    internal List<IReadOnlyList<PostNode>> Paragraphs { get; } = [];

    /// <summary>Adds a paragraph. Images, media and markdown must each be alone in theirs.</summary>
    public PostParagraphsBuilder Paragraph(params PostNode[] nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        if (nodes.Length == 0)
        {
            throw new ArgumentException("A paragraph needs at least one node.", nameof(nodes));
        }

        if (nodes.Length > 1 && Array.Find(nodes, n => n is PostImage or PostMedia or PostMarkdown) is { } alone)
        {
            throw new ArgumentException($"A post '{alone.Tag}' node must be alone in its paragraph; put it in a Paragraph of its own.", nameof(nodes));
        }

        Paragraphs.Add(nodes);
        return this;
    }
}

/// <summary>Inline text styles of post nodes.</summary>
[Flags]
public enum PostTextStyle
{
    /// <summary>Plain.</summary>
    None = 0,

    /// <summary><c>bold</c>.</summary>
    Bold = 1,

    /// <summary><c>underline</c>.</summary>
    Underline = 2,

    /// <summary><c>lineThrough</c>.</summary>
    LineThrough = 4,

    /// <summary><c>italic</c>.</summary>
    Italic = 8,
}

/// <summary>One node of a post paragraph. Create with the factories: <see cref="Text"/>, <see cref="Link"/>, <see cref="At"/>, …</summary>
public abstract record PostNode
{
    private protected PostNode()
    {
    }

    /// <summary>The node's <c>tag</c>.</summary>
    public abstract string Tag { get; }

    /// <summary><c>{"tag":"text","text":…}</c>.</summary>
    public static PostText Text(string text, PostTextStyle style = PostTextStyle.None) => new(text, style);

    /// <summary><c>{"tag":"a","text":…,"href":…}</c>.</summary>
    public static PostLink Link(string text, string href, PostTextStyle style = PostTextStyle.None) => new(text, href, style);

    /// <summary><c>{"tag":"at","user_id":…}</c> (open_id, union_id or user_id).</summary>
    public static PostAt At(string userId, string? userName = null) => new(userId, userName);

    /// <summary><c>{"tag":"at","user_id":"all"}</c>: everyone.</summary>
    public static PostAt AtAll() => new("all", null);

    /// <summary><c>{"tag":"img","image_key":…}</c> (alone in its paragraph).</summary>
    public static PostImage Image(string imageKey) => new(imageKey);

    /// <summary><c>{"tag":"media","file_key":…,"image_key":…}</c> (alone in its paragraph).</summary>
    public static PostMedia Media(string fileKey, string? imageKey = null) => new(fileKey, imageKey);

    /// <summary><c>{"tag":"emotion","emoji_type":…}</c>, e.g. SMILE.</summary>
    public static PostEmotion Emotion(string emojiType) => new(emojiType);

    /// <summary><c>{"tag":"hr"}</c>.</summary>
    public static PostDivider Divider() => new();

    /// <summary><c>{"tag":"code_block","language":…,"text":…}</c>.</summary>
    public static PostCodeBlock CodeBlock(string text, string? language = null) => new(text, language);

    /// <summary><c>{"tag":"md","text":…}</c> (alone in its paragraph; send-only).</summary>
    public static PostMarkdown Markdown(string text) => new(text);

    internal void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("tag", Tag);
        WriteFields(writer);
        writer.WriteEndObject();
    }

    private protected abstract void WriteFields(Utf8JsonWriter writer);

    private protected static void WriteStyle(Utf8JsonWriter writer, PostTextStyle style)
    {
        if (style == PostTextStyle.None)
        {
            return;
        }

        writer.WriteStartArray("style");
        if (style.HasFlag(PostTextStyle.Bold))
        {
            writer.WriteStringValue("bold");
        }

        if (style.HasFlag(PostTextStyle.Underline))
        {
            writer.WriteStringValue("underline");
        }

        if (style.HasFlag(PostTextStyle.LineThrough))
        {
            writer.WriteStringValue("lineThrough");
        }

        if (style.HasFlag(PostTextStyle.Italic))
        {
            writer.WriteStringValue("italic");
        }

        writer.WriteEndArray();
    }
}

/// <summary>Plain or styled text.</summary>
public sealed record PostText(string Text, PostTextStyle Style = PostTextStyle.None) : PostNode
{
    /// <summary>The text.</summary>
    public new string Text { get; init; } = Text;

    /// <inheritdoc/>
    public override string Tag => "text";

    private protected override void WriteFields(Utf8JsonWriter writer)
    {
        writer.WriteString("text", Text);
        WriteStyle(writer, Style);
    }
}

/// <summary>A hyperlink.</summary>
public sealed record PostLink(string Text, string Href, PostTextStyle Style = PostTextStyle.None) : PostNode
{
    /// <summary>The text.</summary>
    public new string Text { get; init; } = Text;

    /// <inheritdoc/>
    public override string Tag => "a";

    private protected override void WriteFields(Utf8JsonWriter writer)
    {
        writer.WriteString("text", Text);
        writer.WriteString("href", Href);
        WriteStyle(writer, Style);
    }
}

/// <summary>A mention; <c>user_id</c> "all" mentions everyone.</summary>
public sealed record PostAt(string UserId, string? UserName = null) : PostNode
{
    /// <inheritdoc/>
    public override string Tag => "at";

    private protected override void WriteFields(Utf8JsonWriter writer)
    {
        writer.WriteString("user_id", MessageContent.Required(UserId, "userId", "ou_…"));
        if (UserName is not null)
        {
            writer.WriteString("user_name", UserName);
        }
    }
}

/// <summary>An image.</summary>
public sealed record PostImage(string ImageKey) : PostNode
{
    /// <inheritdoc/>
    public override string Tag => "img";

    private protected override void WriteFields(Utf8JsonWriter writer) => writer.WriteString("image_key", MessageContent.Required(ImageKey, "imageKey", "img_v3_…"));
}

/// <summary>A video with an optional cover.</summary>
public sealed record PostMedia(string FileKey, string? ImageKey = null) : PostNode
{
    /// <inheritdoc/>
    public override string Tag => "media";

    private protected override void WriteFields(Utf8JsonWriter writer)
    {
        writer.WriteString("file_key", MessageContent.Required(FileKey, "fileKey", "file_v2_…"));
        if (ImageKey is not null)
        {
            writer.WriteString("image_key", ImageKey);
        }
    }
}

/// <summary>An emoji.</summary>
public sealed record PostEmotion(string EmojiType) : PostNode
{
    /// <inheritdoc/>
    public override string Tag => "emotion";

    private protected override void WriteFields(Utf8JsonWriter writer) => writer.WriteString("emoji_type", MessageContent.Required(EmojiType, "emojiType", "SMILE"));
}

/// <summary>A horizontal rule.</summary>
public sealed record PostDivider : PostNode
{
    /// <inheritdoc/>
    public override string Tag => "hr";

    private protected override void WriteFields(Utf8JsonWriter writer)
    {
    }
}

/// <summary>A code block.</summary>
public sealed record PostCodeBlock(string Text, string? Language = null) : PostNode
{
    /// <summary>The text.</summary>
    public new string Text { get; init; } = Text;

    /// <inheritdoc/>
    public override string Tag => "code_block";

    private protected override void WriteFields(Utf8JsonWriter writer)
    {
        if (Language is not null)
        {
            writer.WriteString("language", Language);
        }

        writer.WriteString("text", Text);
    }
}

/// <summary>Markdown (send-only).</summary>
public sealed record PostMarkdown(string Text) : PostNode
{
    /// <summary>The text.</summary>
    public new string Text { get; init; } = Text;

    /// <inheritdoc/>
    public override string Tag => "md";

    private protected override void WriteFields(Utf8JsonWriter writer) => writer.WriteString("text", Text);
}
