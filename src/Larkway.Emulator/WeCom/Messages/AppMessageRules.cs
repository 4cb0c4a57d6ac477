using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.WeCom.Media;
using Larkway.Emulator.WeCom.Platform;

namespace Larkway.Emulator.WeCom.Messages;

/// <summary>
/// The body rules of <c>message/send</c> per msgtype (document 90236). Where the documentation says a field "超过会自动截断"
/// (is cut when too long), the emulator cuts it as WeCom does; where it states a hard limit it refuses (45002, 45008);
/// a missing required field is 40058 (44004 for an empty text), a media_id that is unknown, expired or of the wrong type 40007.
/// </summary>
internal static class AppMessageRules
{
    public const int TextMaxBytes = 2048;
    public const int MarkdownMaxBytes = 2048;
    public const int MpnewsContentMaxBytes = 666 * 1024;
    public const int MaxArticles = 8;

    public static readonly string[] MsgTypes = ["text", "image", "voice", "video", "file", "textcard", "news", "mpnews", "markdown", "template_card"];

    /// <summary>Checks the msgtype's object and returns it as stored (with documented truncations applied).</summary>
    public static JsonObject Check(string msgType, JsonElement body, MediaStore media)
    {
        if (!MsgTypes.Contains(msgType, StringComparer.Ordinal))
        {
            throw WeComException.Of(WeComCodes.InvalidMsgType, $"msgtype '{msgType}' is not one the app can send ({string.Join(", ", MsgTypes)})");
        }

        var part = body.Obj(msgType) ?? throw WeComException.InvalidParameter($"the body needs a \"{msgType}\" object for msgtype {msgType}");
        var node = JsonNode.Parse(part.GetRawText())!.AsObject();
        switch (msgType)
        {
            case "text":
                var text = part.Str("content", "text.content");
                if (string.IsNullOrEmpty(text))
                {
                    throw WeComException.Of(WeComCodes.EmptyContent, "text.content must not be empty");
                }

                node["content"] = CutBytes(text, TextMaxBytes);
                break;
            case "markdown":
                var markdown = part.Str("content", "markdown.content");
                if (string.IsNullOrEmpty(markdown))
                {
                    throw WeComException.Of(WeComCodes.EmptyContent, "markdown.content must not be empty");
                }

                if (WeComBody.Bytes(markdown) > MarkdownMaxBytes)
                {
                    throw WeComException.Of(WeComCodes.ContentTooLarge, $"markdown.content is {WeComBody.Bytes(markdown)} bytes; at most {MarkdownMaxBytes} (UTF-8)");
                }

                break;
            case "image" or "voice" or "file":
                CheckMedia(part, msgType, media, msgType == "file" ? null : msgType);
                break;
            case "video":
                CheckMedia(part, msgType, media, "video");
                Cut(node, part, "title", 128, "video.title");
                Cut(node, part, "description", 512, "video.description");
                break;
            case "textcard":
                node["title"] = CutChars(part.RequiredStr("title", "textcard.title"), 128);
                node["description"] = CutChars(part.RequiredStr("description", "textcard.description"), 512);
                CheckUrl(part.RequiredStr("url", "textcard.url"), "textcard.url");
                if (part.Str("btntxt", "textcard.btntxt") is { } button)
                {
                    node["btntxt"] = CutChars(button, 4);
                }

                break;
            case "news":
                var articles = Articles(part, "news");
                for (var i = 0; i < articles.Count; i++)
                {
                    var article = articles[i];
                    var path = $"news.articles[{i}]";
                    var target = node["articles"]![i]!.AsObject();
                    target["title"] = CutBytes(article.RequiredStr("title", path + ".title"), 128);
                    Cut(target, article, "description", 512, path + ".description");
                    var url = article.Str("url", path + ".url");
                    if (string.IsNullOrEmpty(url) && (string.IsNullOrEmpty(article.Str("appid", path + ".appid")) || string.IsNullOrEmpty(article.Str("pagepath", path + ".pagepath"))))
                    {
                        throw WeComException.InvalidParameter($"{path} needs url, or appid with pagepath");
                    }

                    if (!string.IsNullOrEmpty(url))
                    {
                        CheckUrl(url, path + ".url");
                    }

                    if (article.Str("picurl", path + ".picurl") is { } picture && WeComBody.Bytes(picture) > 2048)
                    {
                        throw WeComException.InvalidParameter($"{path}.picurl is longer than 2048 bytes");
                    }
                }

                break;
            case "mpnews":
                var items = Articles(part, "mpnews");
                for (var i = 0; i < items.Count; i++)
                {
                    var article = items[i];
                    var path = $"mpnews.articles[{i}]";
                    var target = node["articles"]![i]!.AsObject();
                    target["title"] = CutBytes(article.RequiredStr("title", path + ".title"), 128);
                    var thumb = article.RequiredStr("thumb_media_id", path + ".thumb_media_id");
                    if (media.Find(thumb) is not { Type: "image" })
                    {
                        throw WeComException.Of(WeComCodes.InvalidMediaId, $"{path}.thumb_media_id is not a live image media_id of this app (upload one with /cgi-bin/media/upload?type=image; media live 3 days)");
                    }

                    var content = article.RequiredStr("content", path + ".content");
                    if (WeComBody.Bytes(content) > MpnewsContentMaxBytes)
                    {
                        throw WeComException.Of(WeComCodes.ContentTooLarge, $"{path}.content is over 666 KB");
                    }

                    if (article.Str("author", path + ".author") is { } author && WeComBody.Bytes(author) > 64)
                    {
                        throw WeComException.InvalidParameter($"{path}.author is longer than 64 bytes");
                    }

                    Cut(target, article, "digest", 512, path + ".digest");
                }

                break;
            case "template_card":
                TemplateCardRules.Check(part);
                break;
        }

        return node;
    }

    private static List<JsonElement> Articles(JsonElement part, string msgType)
    {
        var articles = part.Arr("articles", msgType + ".articles") ?? [];
        if (articles.Count == 0)
        {
            throw WeComException.InvalidParameter($"{msgType}.articles needs 1 to {MaxArticles} articles");
        }

        if (articles.Count > MaxArticles)
        {
            throw WeComException.Of(WeComCodes.TooManyArticles, $"{msgType}.articles has {articles.Count}; at most {MaxArticles}");
        }

        return [.. articles];
    }

    private static void CheckMedia(JsonElement part, string msgType, MediaStore media, string? type)
    {
        var id = part.RequiredStr("media_id", msgType + ".media_id");
        var found = media.Find(id);
        if (found is null || (type is not null && found.Type != type))
        {
            throw WeComException.Of(WeComCodes.InvalidMediaId, found is null
                ? $"{msgType}.media_id is unknown or expired (upload with /cgi-bin/media/upload; media live 3 days)"
                : $"{msgType}.media_id is {found.Type} media; a {msgType} message needs {type} media");
        }
    }

    private static void CheckUrl(string url, string path)
    {
        if (WeComBody.Bytes(url) > 2048)
        {
            throw WeComException.InvalidParameter($"{path} is longer than 2048 bytes");
        }

        if (!url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && !url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            throw WeComException.InvalidParameter($"{path} must start with http:// or https://");
        }
    }

    private static void Cut(JsonObject target, JsonElement source, string field, int maxBytes, string path)
    {
        if (source.Str(field, path) is { } value)
        {
            target[field] = CutBytes(value, maxBytes);
        }
    }

    /// <summary>The longest prefix of whole characters within <paramref name="maxBytes"/> UTF-8 bytes.</summary>
    public static string CutBytes(string text, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes)
        {
            return text;
        }

        var length = 0;
        var bytes = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > maxBytes)
            {
                break;
            }

            bytes += rune.Utf8SequenceLength;
            length += rune.Utf16SequenceLength;
        }

        return text[..length];
    }

    private static string CutChars(string text, int maxChars)
    {
        var runes = text.EnumerateRunes().ToList();
        return runes.Count <= maxChars ? text : string.Concat(runes.Take(maxChars).Select(r => r.ToString()));
    }
}
