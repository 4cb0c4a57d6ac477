using System.Text.Json.Serialization;
using Larkway.WeCom.Messages;

namespace Larkway.WeCom.Robots;

/// <summary><c>/cgi-bin/webhook/send</c>'s body: msgtype and one payload, named by it.</summary>
internal sealed record RobotSendRequest([property: JsonPropertyName("msgtype")] string MsgType)
{
    [JsonPropertyName("text")] public RobotText? Text { get; init; }

    [JsonPropertyName("markdown")] public RobotContent? Markdown { get; init; }

    [JsonPropertyName("markdown_v2")] public RobotContent? MarkdownV2 { get; init; }

    [JsonPropertyName("image")] public RobotImage? Image { get; init; }

    [JsonPropertyName("news")] public RobotNews? News { get; init; }

    [JsonPropertyName("file")] public RobotMedia? File { get; init; }

    [JsonPropertyName("voice")] public RobotMedia? Voice { get; init; }

    [JsonPropertyName("template_card")] public WeComTemplateCard? TemplateCard { get; init; }
}

internal sealed record RobotText(
    [property: JsonPropertyName("content")] string Content,
    [property: JsonPropertyName("mentioned_list")] IReadOnlyList<string>? MentionedList,
    [property: JsonPropertyName("mentioned_mobile_list")] IReadOnlyList<string>? MentionedMobileList);

internal sealed record RobotContent([property: JsonPropertyName("content")] string Content);

internal sealed record RobotImage([property: JsonPropertyName("base64")] string Base64, [property: JsonPropertyName("md5")] string Md5);

internal sealed record RobotNews([property: JsonPropertyName("articles")] IReadOnlyList<RobotArticle> Articles);

internal sealed record RobotArticle(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("picurl")] string? PicUrl);

internal sealed record RobotMedia([property: JsonPropertyName("media_id")] string MediaId);
