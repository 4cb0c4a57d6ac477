using System.Globalization;
using System.Text;

namespace Larkway.WeCom.Callbacks;

/// <summary>
/// The plaintext of a passive (synchronous) reply to an app callback, to be encrypted with
/// <see cref="WeComCallbackCrypto.EncryptXmlReply"/>. <c>ToUserName</c> is the member, <c>FromUserName</c> the corp id.
/// </summary>
public static class WeComPassiveReply
{
    /// <summary>A text reply.</summary>
    public static string Text(string toUser, string corpId, DateTimeOffset createTime, string content) =>
        Envelope(toUser, corpId, createTime, "text", $"<Content>{CData(content)}</Content>");

    /// <summary>An image reply (the image uploaded as temporary media first).</summary>
    public static string Image(string toUser, string corpId, DateTimeOffset createTime, string mediaId) =>
        Envelope(toUser, corpId, createTime, "image", $"<Image><MediaId>{CData(mediaId)}</MediaId></Image>");

    /// <summary>A voice reply.</summary>
    public static string Voice(string toUser, string corpId, DateTimeOffset createTime, string mediaId) =>
        Envelope(toUser, corpId, createTime, "voice", $"<Voice><MediaId>{CData(mediaId)}</MediaId></Voice>");

    /// <summary>A video reply.</summary>
    public static string Video(string toUser, string corpId, DateTimeOffset createTime, string mediaId, string? title = null, string? description = null) =>
        Envelope(toUser, corpId, createTime, "video",
            $"<Video><MediaId>{CData(mediaId)}</MediaId><Title>{CData(title ?? "")}</Title><Description>{CData(description ?? "")}</Description></Video>");

    /// <summary>A news reply (1–8 articles).</summary>
    public static string News(string toUser, string corpId, DateTimeOffset createTime, IReadOnlyList<Messages.WeComArticle> articles)
    {
        ArgumentNullException.ThrowIfNull(articles);
        if (articles.Count is < 1 or > 8)
        {
            throw new WeComApiException(WeComErrorCodes.InvalidRequest, $"A news reply holds 1 to 8 articles, not {articles.Count}.");
        }

        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"<ArticleCount>{articles.Count}</ArticleCount><Articles>");
        foreach (var a in articles)
        {
            body.Append(CultureInfo.InvariantCulture, $"<item><Title>{CData(a.Title)}</Title><Description>{CData(a.Description ?? "")}</Description><PicUrl>{CData(a.PicUrl ?? "")}</PicUrl><Url>{CData(a.Url ?? "")}</Url></item>");
        }

        body.Append("</Articles>");
        return Envelope(toUser, corpId, createTime, "news", body.ToString());
    }

    private static string Envelope(string toUser, string corpId, DateTimeOffset createTime, string msgType, string body)
    {
        ArgumentException.ThrowIfNullOrEmpty(toUser);
        ArgumentException.ThrowIfNullOrEmpty(corpId);
        return $"<xml><ToUserName>{CData(toUser)}</ToUserName><FromUserName>{CData(corpId)}</FromUserName><CreateTime>{createTime.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}</CreateTime><MsgType>{CData(msgType)}</MsgType>{body}</xml>";
    }

    // A "]]>" inside the text would end the section: split it across two sections.
    private static string CData(string text) => "<![CDATA[" + text.Replace("]]>", "]]]]><![CDATA[>", StringComparison.Ordinal) + "]]>";
}
