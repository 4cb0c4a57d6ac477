using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.WeCom.Media;
using Larkway.Emulator.WeCom.Messages;
using Larkway.Emulator.WeCom.Platform;
using Larkway.Emulator.WeCom.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.WeCom.Robot;

/// <summary>
/// The group robot (消息推送, document 99110): <c>POST /cgi-bin/webhook/send?key=</c> and
/// <c>/cgi-bin/webhook/upload_media?key=&amp;type=file|voice</c>. No access token: the key is the credential (93000 when it
/// names no robot). 20 messages a minute per robot (45009 over it).
/// </summary>
internal static class GroupRobotEndpoints
{
    public const string SendPath = WeComApiExtensions.Prefix + "/cgi-bin/webhook/send";
    public const string UploadPath = WeComApiExtensions.Prefix + "/cgi-bin/webhook/upload_media";

    public const int TextMaxBytes = 2048;
    public const int MarkdownMaxBytes = 4096;
    public const int ImageMaxBytes = 2 * 1024 * 1024;

    private static readonly string[] MsgTypes = ["text", "markdown", "markdown_v2", "image", "news", "file", "voice", "template_card"];
    private static readonly string[] UploadTypes = ["file", "voice"];

    public static void MapGroupRobotEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(SendPath, SendAsync).AsWeCom(requiresToken: false, robot: true);
        routes.MapPost(UploadPath, UploadAsync).AsWeCom(requiresToken: false, robot: true);
    }

    private static async Task<IResult> SendAsync(HttpContext context, WeComOrg org, RobotStore store, MediaStore media, RobotThrottle throttle, TimeProvider time)
    {
        var group = Robot(context, org);
        var (body, _) = await WeComBody.ReadObjectAsync(context.Request);
        var msgType = body.Str("msgtype");
        if (msgType is null || !MsgTypes.Contains(msgType, StringComparer.Ordinal))
        {
            throw WeComException.Of(WeComCodes.InvalidMsgType, $"msgtype must be one of {string.Join(", ", MsgTypes)}");
        }

        var part = body.Obj(msgType) ?? throw WeComException.InvalidParameter($"the body needs a \"{msgType}\" object for msgtype {msgType}");
        var stored = Check(msgType, part, group, media);
        if (!throttle.TryTake(group.Key))
        {
            throw WeComException.Of(WeComCodes.FrequencyLimited, "a group robot sends at most 20 messages a minute");
        }

        store.Add(new WeComRobotMessage("rb" + WeComIds.Alphanumeric(20), group.Key, msgType, stored.ToJsonString(), time.GetUtcNow()));
        return WeComJson.Ok();
    }

    private static async Task<IResult> UploadAsync(HttpContext context, WeComOrg org, MediaStore store)
    {
        var group = Robot(context, org);
        var type = context.Request.Query["type"].FirstOrDefault();
        var (name, contentType, data) = await MediaRules.ReadAsync(context.Request, type, UploadTypes);
        var media = store.Add(type!, name, contentType, data, group.Key);
        return WeComJson.Ok(MediaEndpoints.Answer(media));
    }

    private static WeComRobotGroup Robot(HttpContext context, WeComOrg org)
    {
        var key = context.Request.Query["key"].FirstOrDefault();
        return (string.IsNullOrEmpty(key) ? null : org.FindRobotGroup(key))
            ?? throw WeComException.Of(WeComCodes.InvalidWebhook, "the key names no group robot (copy the webhook URL from the robot's settings)");
    }

    private static JsonObject Check(string msgType, JsonElement part, WeComRobotGroup group, MediaStore media)
    {
        var node = JsonNode.Parse(part.GetRawText())!.AsObject();
        switch (msgType)
        {
            case "text":
                var text = part.Str("content", "text.content");
                if (string.IsNullOrEmpty(text))
                {
                    throw WeComException.Of(WeComCodes.EmptyContent, "text.content must not be empty");
                }

                Limit(text, TextMaxBytes, "text.content");
                Strings(part, "mentioned_list", "text.mentioned_list");
                Strings(part, "mentioned_mobile_list", "text.mentioned_mobile_list");
                break;
            case "markdown" or "markdown_v2":
                var markdown = part.Str("content", msgType + ".content");
                if (string.IsNullOrEmpty(markdown))
                {
                    throw WeComException.Of(WeComCodes.EmptyContent, msgType + ".content must not be empty");
                }

                Limit(markdown, MarkdownMaxBytes, msgType + ".content");
                break;
            case "image":
                var base64 = part.RequiredStr("base64", "image.base64");
                var md5 = part.RequiredStr("md5", "image.md5");
                byte[] bytes;
                try
                {
                    bytes = Convert.FromBase64String(base64);
                }
                catch (FormatException)
                {
                    throw WeComException.InvalidParameter("image.base64 is not Base64");
                }

                if (bytes.Length > ImageMaxBytes)
                {
                    throw WeComException.Of(WeComCodes.InvalidImageSize, $"the image is {bytes.Length} bytes; at most 2 MB before Base64");
                }

                if (!(bytes.AsSpan().StartsWith((byte[])[0xFF, 0xD8, 0xFF]) || bytes.AsSpan().StartsWith((byte[])[0x89, 0x50, 0x4E, 0x47])))
                {
                    throw WeComException.Of(WeComCodes.InvalidMediaType, "the image must be JPG or PNG");
                }

                // CA5351: the robot's image message carries an MD5 of the bytes by protocol; it is checked, nothing more.
#pragma warning disable CA5351
                var actual = Convert.ToHexStringLower(MD5.HashData(bytes));
#pragma warning restore CA5351
                if (!string.Equals(actual, md5, StringComparison.OrdinalIgnoreCase))
                {
                    throw WeComException.InvalidParameter("image.md5 is not the MD5 of the image's bytes (before Base64)");
                }

                break;
            case "news":
                var articles = part.Arr("articles", "news.articles") ?? [];
                if (articles.Count == 0)
                {
                    throw WeComException.InvalidParameter("news.articles needs 1 to 8 articles");
                }

                if (articles.Count > 8)
                {
                    throw WeComException.Of(WeComCodes.TooManyArticles, $"news.articles has {articles.Count}; at most 8");
                }

                for (var i = 0; i < articles.Count; i++)
                {
                    var target = node["articles"]![i]!.AsObject();
                    target["title"] = AppMessageRules.CutBytes(articles[i].RequiredStr("title", $"news.articles[{i}].title"), 128);
                    articles[i].RequiredStr("url", $"news.articles[{i}].url");
                    if (articles[i].Str("description", $"news.articles[{i}].description") is { } description)
                    {
                        target["description"] = AppMessageRules.CutBytes(description, 512);
                    }
                }

                break;
            case "file" or "voice":
                var id = part.RequiredStr("media_id", msgType + ".media_id");
                if (media.Find(id, group.Key) is not { } found || found.Type != msgType)
                {
                    throw WeComException.Of(WeComCodes.InvalidMediaId, $"{msgType}.media_id is not {msgType} media this robot uploaded in the last 3 days (/cgi-bin/webhook/upload_media?key=…&type={msgType})");
                }

                break;
            case "template_card":
                var (cardType, _) = TemplateCardRules.Check(part);
                if (cardType is not (TemplateCardRules.TextNotice or TemplateCardRules.NewsNotice))
                {
                    throw WeComException.InvalidParameter("a group robot sends text_notice or news_notice cards only");
                }

                break;
        }

        return node;
    }

    private static void Limit(string text, int max, string path)
    {
        if (WeComBody.Bytes(text) > max)
        {
            throw WeComException.Of(WeComCodes.ContentTooLarge, $"{path} is {WeComBody.Bytes(text)} bytes; at most {max} (UTF-8)");
        }
    }

    private static void Strings(JsonElement part, string name, string path)
    {
        if ((part.Arr(name, path) ?? []).Any(item => item.ValueKind != JsonValueKind.String))
        {
            throw WeComException.InvalidParameter($"{path} must be an array of strings");
        }
    }
}
