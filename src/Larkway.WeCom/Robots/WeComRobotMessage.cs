using System.Security.Cryptography;
using System.Text.Json;
using Larkway.WeCom.Json;
using Larkway.WeCom.Messages;

namespace Larkway.WeCom.Robots;

/// <summary>
/// A group robot message (<c>/cgi-bin/webhook/send</c>) of one of WeCom's types, checked against the documented limits
/// when it is made.
/// </summary>
public sealed class WeComRobotMessage
{
    /// <summary>The longest image, before Base64: 2 MB.</summary>
    public const int MaxImageBytes = 2 * 1024 * 1024;

    private readonly RobotSendRequest _wire;

    private WeComRobotMessage(RobotSendRequest wire) => _wire = wire;

    /// <summary>The wire <c>msgtype</c>.</summary>
    public string MsgType => _wire.MsgType;

    /// <summary>
    /// Text (at most 2048 bytes), mentioning members by userid and by mobile number; "@all" mentions everyone.
    /// </summary>
    /// <exception cref="WeComApiException">The content is empty or too long (<see cref="WeComErrorCodes.InvalidRequest"/>).</exception>
    public static WeComRobotMessage Text(string content, IReadOnlyList<string>? mentionedUserIds = null, IReadOnlyList<string>? mentionedMobiles = null)
    {
        Limits.Required(content, "text.content");
        Limits.MaxBytes(content, 2048, "text.content");
        return new(new RobotSendRequest("text")
        {
            Text = new RobotText(content, mentionedUserIds is { Count: > 0 } ? mentionedUserIds : null, mentionedMobiles is { Count: > 0 } ? mentionedMobiles : null),
        });
    }

    /// <summary>Markdown (at most 4096 bytes; WeCom's subset, colours with &lt;font color&gt;, mentions with &lt;@userid&gt;).</summary>
    public static WeComRobotMessage Markdown(string content)
    {
        Limits.Required(content, "markdown.content");
        Limits.MaxBytes(content, 4096, "markdown.content");
        return new(new RobotSendRequest("markdown") { Markdown = new RobotContent(content) });
    }

    /// <summary>Markdown v2 (at most 4096 bytes; headings, lists, tables, code; no font colours and no mentions).</summary>
    public static WeComRobotMessage MarkdownV2(string content)
    {
        Limits.Required(content, "markdown_v2.content");
        Limits.MaxBytes(content, 4096, "markdown_v2.content");
        return new(new RobotSendRequest("markdown_v2") { MarkdownV2 = new RobotContent(content) });
    }

    /// <summary>An image (JPG or PNG, at most 2 MB), sent as Base64 with the MD5 of its bytes.</summary>
    public static WeComRobotMessage Image(ReadOnlySpan<byte> image)
    {
        if (image.Length == 0)
        {
            throw Limits.Invalid("image is empty.");
        }

        if (image.Length > MaxImageBytes)
        {
            throw Limits.Invalid($"image is {image.Length / 1024.0 / 1024.0:0.##} MB; a robot's image may be at most 2 MB before Base64. Send it as a file instead.");
        }

        var isPng = image.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47]);
        var isJpg = image.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]);
        if (!isPng && !isJpg)
        {
            throw Limits.Invalid("image must be a JPG or PNG (its first bytes are neither).");
        }

        // CA5351: MD5 is what WeCom's protocol asks for, as a checksum, not for security.
#pragma warning disable CA5351
        var md5 = Convert.ToHexStringLower(MD5.HashData(image));
#pragma warning restore CA5351
        return new(new RobotSendRequest("image") { Image = new RobotImage(Convert.ToBase64String(image), md5) });
    }

    /// <summary>News: 1–8 articles, each with a title (at most 128 bytes) and a URL.</summary>
    public static WeComRobotMessage News(params IReadOnlyList<WeComArticle> articles)
    {
        Limits.Count(articles, 1, 8, "news.articles");
        foreach (var article in articles)
        {
            Limits.Required(article.Title, "news.articles[].title");
            Limits.Required(article.Url, "news.articles[].url");
            Limits.MaxBytes(article.Title, 128, "news.articles[].title");
            Limits.MaxBytes(article.Description, 512, "news.articles[].description");
        }

        return new(new RobotSendRequest("news") { News = new RobotNews(articles.Select(a => new RobotArticle(a.Title, a.Description, a.Url!, a.PicUrl)).ToArray()) });
    }

    /// <summary>A file uploaded to this robot (<see cref="WeComGroupRobot.UploadAsync"/>; a media_id works only with the robot that uploaded it).</summary>
    public static WeComRobotMessage File(string mediaId)
    {
        Limits.Required(mediaId, "file.media_id");
        return new(new RobotSendRequest("file") { File = new RobotMedia(mediaId) });
    }

    /// <summary>A voice (AMR) uploaded to this robot.</summary>
    public static WeComRobotMessage Voice(string mediaId)
    {
        Limits.Required(mediaId, "voice.media_id");
        return new(new RobotSendRequest("voice") { Voice = new RobotMedia(mediaId) });
    }

    /// <summary>A template card: text_notice or news_notice (the robot's cards do not call back).</summary>
    public static WeComRobotMessage TemplateCard(WeComTemplateCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        card.Validate(forRobot: true);
        return new(new RobotSendRequest("template_card") { TemplateCard = card });
    }

    /// <summary>The JSON body.</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(_wire, WeComJsonContext.Default.RobotSendRequest);
}
