using System.Text.Json;
using System.Text.Json.Serialization;
using Larkway.Feishu.Events.Serialization;

namespace Larkway.Feishu.Events.Models.Im;

/// <summary>The parsed <c>content</c> of a received message, one record per <c>message_type</c>.</summary>
public abstract record MessageContent
{
    /// <summary>Parses a JSON content string for a message type. Never throws: anything unknown or unparsable is <see cref="UnknownContent"/>.</summary>
    public static MessageContent Parse(string messageType, string content)
    {
        ArgumentNullException.ThrowIfNull(messageType);
        ArgumentNullException.ThrowIfNull(content);
        try
        {
            var ctx = FeishuEventsJsonContext.Default;
            MessageContent? parsed = messageType switch
            {
                "text" => JsonSerializer.Deserialize(content, ctx.TextContent),
                "post" => JsonSerializer.Deserialize(content, ctx.PostContent),
                "image" => JsonSerializer.Deserialize(content, ctx.ImageContent),
                "file" => JsonSerializer.Deserialize(content, ctx.FileContent),
                "audio" => JsonSerializer.Deserialize(content, ctx.AudioContent),
                "media" => JsonSerializer.Deserialize(content, ctx.MediaContent),
                "sticker" => JsonSerializer.Deserialize(content, ctx.StickerContent),
                "share_chat" => JsonSerializer.Deserialize(content, ctx.ShareChatContent),
                "share_user" => JsonSerializer.Deserialize(content, ctx.ShareUserContent),
                "merge_forward" => JsonSerializer.Deserialize(content, ctx.MergeForwardContent),
                "location" => JsonSerializer.Deserialize(content, ctx.LocationContent),
                "system" => JsonSerializer.Deserialize(content, ctx.SystemContent),
                "interactive" => new InteractiveContent(ParseElement(content)),
                _ => null,
            };
            return parsed ?? new UnknownContent(messageType, content);
        }
        catch (JsonException)
        {
            return new UnknownContent(messageType, content);
        }
    }

    private static JsonElement ParseElement(string content)
    {
        using var document = JsonDocument.Parse(content);
        return document.RootElement.Clone();
    }
}

/// <summary><c>text</c>: mentions appear as placeholders such as <c>@_user_1</c>.</summary>
public sealed record TextContent : MessageContent
{
    public string Text { get; init; } = "";
}

/// <summary><c>post</c> as received: a title and paragraphs of elements (no locale wrapper).</summary>
public sealed record PostContent : MessageContent
{
    public string? Title { get; init; }

    public IReadOnlyList<IReadOnlyList<PostElement>> Content { get; init; } = [];
}

/// <summary>One rich-text element; which fields are set depends on <see cref="Tag"/> (text, a, at, img, media, emotion, hr, code_block, …).</summary>
public sealed record PostElement
{
    public string Tag { get; init; } = "";

    public string? Text { get; init; }

    public string? Href { get; init; }

    public string? UserId { get; init; }

    public string? UserName { get; init; }

    public string? ImageKey { get; init; }

    public string? FileKey { get; init; }

    public string? EmojiType { get; init; }

    public string? Language { get; init; }

    public IReadOnlyList<string>? Style { get; init; }
}

/// <summary><c>image</c>.</summary>
public sealed record ImageContent : MessageContent
{
    public string ImageKey { get; init; } = "";
}

/// <summary><c>file</c>.</summary>
public sealed record FileContent : MessageContent
{
    public string FileKey { get; init; } = "";

    public string? FileName { get; init; }
}

/// <summary><c>audio</c>; duration in milliseconds.</summary>
public sealed record AudioContent : MessageContent
{
    public string FileKey { get; init; } = "";

    public long? Duration { get; init; }
}

/// <summary><c>media</c> (video); duration in milliseconds.</summary>
public sealed record MediaContent : MessageContent
{
    public string FileKey { get; init; } = "";

    public string? ImageKey { get; init; }

    public string? FileName { get; init; }

    public long? Duration { get; init; }
}

/// <summary><c>sticker</c>.</summary>
public sealed record StickerContent : MessageContent
{
    public string FileKey { get; init; } = "";
}

/// <summary><c>share_chat</c> (group card).</summary>
public sealed record ShareChatContent : MessageContent
{
    public string ChatId { get; init; } = "";
}

/// <summary><c>share_user</c> (user card).</summary>
public sealed record ShareUserContent : MessageContent
{
    public string UserId { get; init; } = "";
}

/// <summary><c>merge_forward</c>: the content is a fixed text; fetch the sub-messages through the message API.</summary>
public sealed record MergeForwardContent : MessageContent
{
    public string? Content { get; init; }
}

/// <summary><c>location</c>.</summary>
public sealed record LocationContent : MessageContent
{
    public string? Name { get; init; }

    [JsonConverter(typeof(FlexibleStringConverter))]
    public string? Longitude { get; init; }

    [JsonConverter(typeof(FlexibleStringConverter))]
    public string? Latitude { get; init; }
}

/// <summary><c>system</c>: a template with variables (e.g. <c>{from_user} invited {to_chatters} to this chat.</c>).</summary>
public sealed record SystemContent : MessageContent
{
    public string? Template { get; init; }

    public IReadOnlyList<string>? FromUser { get; init; }

    public IReadOnlyList<string>? ToChatters { get; init; }

    /// <summary>Template variables not modelled above.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary><c>interactive</c>: the card as received, kept raw.</summary>
public sealed record InteractiveContent(JsonElement Card) : MessageContent;

/// <summary>A message type this library does not model, or content that is not valid for its type: the raw content string.</summary>
public sealed record UnknownContent(string MessageType, string RawContent) : MessageContent;
