using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Api.Im;

/// <summary>Why content was refused; each API family maps these to its own codes.</summary>
internal enum ContentFault
{
    Invalid,
    TooLong,
    TypeMismatch,
    CardInvalid,
    NotResourceOwner,
    BotNotInChat,
    P2pShare,
}

internal sealed class ContentException(ContentFault fault, string message) : Exception(message)
{
    public ContentFault Fault { get; } = fault;
}

/// <summary>Content as stored: the read-side JSON (§4.4), the sent JSON, mentions and referenced keys.</summary>
internal sealed record ParsedContent(string ReadContent, string SendContent, IReadOnlyList<MessageMention> Mentions, IReadOnlyList<string> ResourceKeys);

/// <summary>
/// Validates send-side message content per msg_type (reference §4.3) and derives the read-side
/// shape (§4.4): text <c>&lt;at&gt;</c> → <c>@_user_N</c> + mentions, post without its locale wrapper,
/// file/audio/media enriched with name and duration, cards simplified.
/// </summary>
internal sealed partial class MessageContent(EmulatorState state)
{
    public const int TextLimitBytes = 150 * 1024;
    public const int RichLimitBytes = 30 * 1024;

    public static readonly IReadOnlySet<string> SendableTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "text", "post", "image", "file", "audio", "media", "sticker", "interactive", "share_chat", "share_user",
    };

    private static readonly IReadOnlySet<string> PostTags = new HashSet<string>(StringComparer.Ordinal)
    {
        "text", "a", "at", "img", "media", "emotion", "hr", "code_block", "md",
    };

    private static readonly string[] PreferredLocales = ["zh_cn", "en_us", "ja_jp"];

    /// <param name="ownerAppId">The sending app; null skips the "own uploads only" rule (custom bots).</param>
    /// <param name="senderAppId">
    /// The app whose bot must be in a shared chat, and whose ids the content's user ids are (mentions, shared contacts);
    /// null skips the check and reads any app's open_id (custom bots, users acting through the control API).
    /// </param>
    public ParsedContent Parse(string msgType, string contentJson, string? ownerAppId, string? senderAppId)
    {
        CheckSize(msgType, contentJson);
        JsonElement content;
        try
        {
            using var document = JsonDocument.Parse(contentJson);
            content = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new ContentException(ContentFault.Invalid, "invalid content: content must be a JSON string of an object");
        }

        if (content.ValueKind != JsonValueKind.Object)
        {
            throw new ContentException(ContentFault.Invalid, "invalid content: content must be a JSON object");
        }

        var mentions = new MentionList(senderAppId);
        var keys = new List<string>();
        JsonNode read = msgType switch
        {
            "text" => new JsonObject { ["text"] = ConvertMentions(RequireString(content, "text"), mentions) },
            "post" => ParsePost(content, mentions, keys),
            "image" => ParseImage(content, ownerAppId, keys),
            "file" or "audio" or "media" => ParseFile(msgType, content, ownerAppId, keys),
            "sticker" => new JsonObject { ["file_key"] = RequireString(content, "file_key") },
            "interactive" => ParseCard(content, keys),
            "share_chat" => ParseShareChat(content, senderAppId),
            "share_user" => ParseShareUser(content, senderAppId),
            _ => throw new ContentException(ContentFault.Invalid, $"invalid msg_type '{msgType}'"),
        };

        return new ParsedContent(read.ToJsonString(EmulatorJson.Options), contentJson, mentions, keys);
    }

    public static void CheckSize(string msgType, string contentJson)
    {
        var limit = msgType is "post" or "interactive" ? RichLimitBytes : TextLimitBytes;
        if (System.Text.Encoding.UTF8.GetByteCount(contentJson) > limit)
        {
            throw new ContentException(ContentFault.TooLong, $"message is too long: {msgType} content must be at most {limit / 1024} KB");
        }
    }

    /// <summary>The text a person sees, used for webhook keyword checks and the web view.</summary>
    public static IEnumerable<string> VisibleTexts(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name is "href" or "url" or "img_key" or "image_key" or "file_key" or "tag" or "template" or "user_id")
                    {
                        continue;
                    }

                    foreach (var text in VisibleTexts(property.Value))
                    {
                        yield return text;
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var text in VisibleTexts(item))
                    {
                        yield return text;
                    }
                }

                break;
            case JsonValueKind.String:
                yield return element.GetString()!;
                break;
        }
    }

    private string ConvertMentions(string text, MentionList mentions)
    {
        var withoutStyles = StyleTag().Replace(text, string.Empty);
        return AtTag().Replace(withoutStyles, match => MentionKey(match.Groups["id"].Value, match.Groups["name"].Value, mentions));
    }

    private string MentionKey(string id, string fallbackName, MentionList mentions)
    {
        if (id == "all")
        {
            return "@_all";
        }

        var user = ResolveUser(mentions.AppId, id);
        var key = "@_user_" + (mentions.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (user is null && state.Apps.FirstOrDefault(a => a.BotOpenId == id || a.AppId == id) is { } bot)
        {
            // A bot mentioned by its open_id (or app_id): the event's mentions[] carry the bot's open_id.
            mentions.Add(new MessageMention(key, bot.BotOpenId, "open_id", bot.BotName));
            return key;
        }

        mentions.Add(new MessageMention(key, user?.OpenId ?? id, "open_id", user?.Name ?? fallbackName));
        return key;
    }

    private JsonObject ParsePost(JsonElement content, MentionList mentions, List<string> keys)
    {
        var locales = content.EnumerateObject()
            .Where(p => p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.Array && c.GetArrayLength() > 0)
            .ToList();
        if (locales.Count == 0)
        {
            throw new ContentException(ContentFault.Invalid, "invalid post content: at least one locale (e.g. zh_cn) with a non-empty 'content' array is required");
        }

        var chosen = PreferredLocales.Select(l => locales.FirstOrDefault(p => p.Name == l)).FirstOrDefault(p => p.Value.ValueKind == JsonValueKind.Object);
        var locale = chosen.Value.ValueKind == JsonValueKind.Object ? chosen.Value : locales[0].Value;
        foreach (var other in locales)
        {
            ValidateParagraphs(other.Value.GetProperty("content"), keys);
        }

        var paragraphs = new JsonArray();
        foreach (var paragraph in locale.GetProperty("content").EnumerateArray())
        {
            var nodes = new JsonArray();
            foreach (var node in paragraph.EnumerateArray())
            {
                nodes.Add(ReadSideNode(node, mentions));
            }

            paragraphs.Add(nodes);
        }

        var title = locale.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : string.Empty;
        return new JsonObject { ["title"] = title, ["content"] = paragraphs };
    }

    private void ValidateParagraphs(JsonElement paragraphs, List<string> keys)
    {
        foreach (var paragraph in paragraphs.EnumerateArray())
        {
            if (paragraph.ValueKind != JsonValueKind.Array)
            {
                throw new ContentException(ContentFault.Invalid, "invalid post content: 'content' must be an array of paragraphs (arrays of nodes)");
            }

            foreach (var node in paragraph.EnumerateArray())
            {
                var tag = node.ValueKind == JsonValueKind.Object && node.TryGetProperty("tag", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : null;
                if (tag is null || !PostTags.Contains(tag))
                {
                    throw new ContentException(ContentFault.Invalid, $"invalid post content: unknown or missing node tag '{tag}'");
                }

                if (tag == "img")
                {
                    keys.Add(RequireResource(RequireString(node, "image_key"), ResourceKind.Image, null).Key);
                }
                else if (tag == "media")
                {
                    keys.Add(RequireResource(RequireString(node, "file_key"), ResourceKind.File, null).Key);
                }
            }
        }
    }

    private JsonNode ReadSideNode(JsonElement node, MentionList mentions)
    {
        var tag = node.GetProperty("tag").GetString();
        switch (tag)
        {
            case "at":
                var id = RequireString(node, "user_id");
                var name = node.TryGetProperty("user_name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : id;
                var key = MentionKey(id, name, mentions);
                var mention = mentions.LastOrDefault(m => m.Key == key);
                return new JsonObject { ["tag"] = "at", ["user_id"] = key, ["user_name"] = mention?.Name ?? "所有人" };
            case "md":
                return new JsonObject { ["tag"] = "text", ["text"] = RequireString(node, "text") };
            default:
                var copy = JsonNode.Parse(node.GetRawText())!.AsObject();
                copy.Remove("un_escape");
                return copy;
        }
    }

    private JsonObject ParseImage(JsonElement content, string? ownerAppId, List<string> keys)
    {
        var image = RequireResource(RequireString(content, "image_key"), ResourceKind.Image, ownerAppId);
        if (image.Type != "message")
        {
            throw new ContentException(ContentFault.Invalid, "invalid image_key: only images uploaded with image_type=message can be sent");
        }

        keys.Add(image.Key);
        return new JsonObject { ["image_key"] = image.Key };
    }

    private JsonObject ParseFile(string msgType, JsonElement content, string? ownerAppId, List<string> keys)
    {
        var file = RequireResource(RequireString(content, "file_key"), ResourceKind.File, ownerAppId);
        var expected = msgType switch { "audio" => "opus", "media" => "mp4", _ => null };
        var matches = expected is null ? file.Type is not ("opus" or "mp4") : file.Type == expected;
        if (!matches)
        {
            throw new ContentException(ContentFault.TypeMismatch, $"The type of file upload ('{file.Type}') does not match the type of message being sent ('{msgType}')");
        }

        keys.Add(file.Key);
        var read = new JsonObject { ["file_key"] = file.Key };
        if (msgType == "media" && content.TryGetProperty("image_key", out var cover) && cover.ValueKind == JsonValueKind.String)
        {
            read["image_key"] = RequireResource(cover.GetString()!, ResourceKind.Image, ownerAppId).Key;
            keys.Add(cover.GetString()!);
        }

        if (msgType != "audio")
        {
            read["file_name"] = file.FileName;
        }

        if (msgType != "file")
        {
            read["duration"] = file.DurationMs ?? 0;
        }

        return read;
    }

    private JsonObject ParseShareChat(JsonElement content, string? senderAppId)
    {
        var chatId = RequireString(content, "chat_id");
        var chat = state.FindChat(chatId);
        if (chat is null || chat.Dissolved)
        {
            throw new ContentException(ContentFault.Invalid, $"invalid chat_id '{chatId}' in share_chat content");
        }

        if (chat.ChatMode == ChatModes.P2p)
        {
            throw new ContentException(ContentFault.P2pShare, "P2P chat can NOT be shared");
        }

        if (senderAppId is not null && !chat.HasBot(senderAppId))
        {
            throw new ContentException(ContentFault.BotNotInChat, "The bot can not be outside the group it shares");
        }

        return new JsonObject { ["chat_id"] = chatId };
    }

    /// <summary>Stored with the user's home open_id; replies and events show the reader's.</summary>
    private JsonObject ParseShareUser(JsonElement content, string? senderAppId)
    {
        var userId = RequireString(content, "user_id");
        var user = senderAppId is null ? state.FindUserByAnyOpenId(userId) : state.FindUser(senderAppId, "open_id", userId);
        return user is not null
            ? new JsonObject { ["user_id"] = user.OpenId }
            : throw new ContentException(ContentFault.Invalid, $"invalid user_id '{userId}' in share_user content (open_id of an existing user required)");
    }

    /// <summary>A user named in content by open_id, user_id or union_id as <paramref name="appId"/> writes them (null: any app's open_id).</summary>
    private EmulatorUser? ResolveUser(string? appId, string id) => appId is null
        ? state.FindUserByAnyOpenId(id) ?? state.FindUser("user_id", id) ?? state.FindUser("union_id", id)
        : state.FindUser(appId, "open_id", id) ?? state.FindUser(appId, "user_id", id) ?? state.FindUser(appId, "union_id", id);

    /// <summary>The mentions found so far, and whose ids the content is written in.</summary>
    private sealed class MentionList(string? appId) : List<MessageMention>
    {
        public string? AppId { get; } = appId;
    }

    private JsonObject ParseCard(JsonElement card, List<string> keys)
    {
        if (card.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String)
        {
            switch (type.GetString())
            {
                case "template":
                    var data = card.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
                    if (data.ValueKind != JsonValueKind.Object || !data.TryGetProperty("template_id", out var id) || id.ValueKind != JsonValueKind.String || id.GetString()!.Length == 0)
                    {
                        throw new ContentException(ContentFault.CardInvalid, "card content creation failed: template cards need data.template_id");
                    }

                    return new JsonObject { ["title"] = string.Empty, ["elements"] = new JsonArray(new JsonArray(new JsonObject { ["tag"] = "text", ["text"] = "[template card " + id.GetString() + "]" })) };
                case "card":
                    throw new ContentException(ContentFault.CardInvalid, "card content creation failed: a card entity (type card) is sent by an app through the send or reply API; it cannot be used here");
            }
        }

        var elements = CardElements(card);
        var hasHeader = card.TryGetProperty("header", out var header) && header.ValueKind == JsonValueKind.Object;
        if (elements is null && !hasHeader && !card.TryGetProperty("i18n_elements", out _))
        {
            throw new ContentException(ContentFault.CardInvalid, "card content creation failed: a card needs a header or elements");
        }

        CheckCardImages(card, keys);
        var paragraphs = new JsonArray();
        foreach (var element in elements ?? [])
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("tag", out var tag) || tag.ValueKind != JsonValueKind.String)
            {
                throw new ContentException(ContentFault.CardInvalid, "card content creation failed: every element needs a string 'tag'");
            }

            paragraphs.Add(SimplifiedElement(tag.GetString()!, element));
        }

        var title = hasHeader && header.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.Object && t.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String
            ? c.GetString()
            : string.Empty;
        return new JsonObject { ["title"] = title, ["elements"] = paragraphs };
    }

    /// <summary>v1: top-level <c>elements</c>; v2 (<c>schema: "2.0"</c>): <c>body.elements</c>.</summary>
    private static List<JsonElement>? CardElements(JsonElement card)
    {
        JsonElement elements;
        if (card.TryGetProperty("schema", out var schema))
        {
            if (schema.ValueKind != JsonValueKind.String || schema.GetString() != "2.0")
            {
                throw new ContentException(ContentFault.CardInvalid, "card content creation failed: schema must be \"2.0\"");
            }

            if (!card.TryGetProperty("body", out var body))
            {
                return null;
            }

            if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("elements", out elements))
            {
                throw new ContentException(ContentFault.CardInvalid, "card content creation failed: body must be an object with 'elements'");
            }
        }
        else if (!card.TryGetProperty("elements", out elements))
        {
            return null;
        }

        return elements.ValueKind == JsonValueKind.Array
            ? [.. elements.EnumerateArray()]
            : throw new ContentException(ContentFault.CardInvalid, "card content creation failed: 'elements' must be an array");
    }

    private void CheckCardImages(JsonElement element, List<string> keys)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            if (element.TryGetProperty("img_key", out var key) && key.ValueKind == JsonValueKind.String)
            {
                if (state.FindResource(key.GetString()!) is not { Kind: ResourceKind.Image })
                {
                    throw new ContentException(ContentFault.CardInvalid, $"card content creation failed: invalid image keys ({key.GetString()})");
                }

                keys.Add(key.GetString()!);
            }

            foreach (var property in element.EnumerateObject())
            {
                CheckCardImages(property.Value, keys);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                CheckCardImages(item, keys);
            }
        }
    }

    private static JsonArray SimplifiedElement(string tag, JsonElement element) => tag switch
    {
        "hr" => new JsonArray(new JsonObject { ["tag"] = "hr" }),
        "img" => new JsonArray(new JsonObject { ["tag"] = "img", ["image_key"] = element.TryGetProperty("img_key", out var k) ? k.GetString() : null }),
        _ => new JsonArray(new JsonObject { ["tag"] = "text", ["text"] = string.Join(" ", VisibleTexts(element)) }),
    };

    private EmulatorResource RequireResource(string key, ResourceKind kind, string? ownerAppId)
    {
        var resource = state.FindResource(key);
        if (resource is null || resource.Kind != kind)
        {
            var field = kind == ResourceKind.Image ? "image_key" : "file_key";
            throw new ContentException(ContentFault.Invalid, $"invalid {field} '{key}': no such uploaded {kind.ToString().ToLowerInvariant()}");
        }

        if (ownerAppId is not null && resource.OwnerAppId != ownerAppId)
        {
            throw new ContentException(ContentFault.NotResourceOwner, "Bot is NOT the owner of the resource");
        }

        return resource;
    }

    private static string RequireString(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0
            ? value.GetString()!
            : throw new ContentException(ContentFault.Invalid, $"invalid content: '{name}' is required and must be a non-empty string");

    [GeneratedRegex("""<at\s+(?:user_id|id|open_id)\s*=\s*["']?(?<id>[^"'\s>]*)["']?\s*>(?<name>.*?)</at>""", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex AtTag();

    [GeneratedRegex("</?(?:b|i|u|s)>", RegexOptions.IgnoreCase)]
    private static partial Regex StyleTag();
}
