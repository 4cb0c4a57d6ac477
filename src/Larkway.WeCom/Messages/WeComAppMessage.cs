using System.Text.Json.Serialization;

namespace Larkway.WeCom.Messages;

/// <summary>
/// An app message (<c>/cgi-bin/message/send</c>) of one of WeCom's types. The limits WeCom documents are checked before
/// sending, with an error naming the field and the limit.
/// </summary>
public abstract record WeComAppMessage
{
    private protected WeComAppMessage()
    {
    }

    /// <summary>The wire <c>msgtype</c>.</summary>
    public abstract string MsgType { get; }

    /// <summary>Checks the documented limits.</summary>
    internal abstract void Validate();

    /// <summary>Puts the payload in its field of the request.</summary>
    internal abstract void Fill(SendRequest request);

    /// <summary>A text message (at most 2048 bytes; <c>&lt;a href&gt;</c> links and line breaks allowed).</summary>
    public static WeComAppMessage Text(string content) => new WeComTextAppMessage(content);

    /// <summary>A markdown message (at most 2048 bytes; WeCom's markdown subset; shown in the WeCom app only).</summary>
    public static WeComAppMessage Markdown(string content) => new WeComMarkdownAppMessage(content);

    /// <summary>An image uploaded as temporary media.</summary>
    public static WeComAppMessage Image(string mediaId) => new WeComMediaAppMessage("image", mediaId);

    /// <summary>A voice (AMR) uploaded as temporary media.</summary>
    public static WeComAppMessage Voice(string mediaId) => new WeComMediaAppMessage("voice", mediaId);

    /// <summary>A file uploaded as temporary media.</summary>
    public static WeComAppMessage File(string mediaId) => new WeComMediaAppMessage("file", mediaId);

    /// <summary>A video (MP4) uploaded as temporary media.</summary>
    public static WeComAppMessage Video(string mediaId, string? title = null, string? description = null) => new WeComVideoAppMessage(mediaId, title, description);

    /// <summary>A text card: title, description (with WeCom's div classes), the link and its button text.</summary>
    public static WeComAppMessage TextCard(string title, string description, string url, string? buttonText = null) => new WeComTextCardAppMessage(title, description, url, buttonText);

    /// <summary>News: 1–8 linked articles.</summary>
    public static WeComAppMessage News(params IReadOnlyList<WeComArticle> articles) => new WeComNewsAppMessage(articles);

    /// <summary>News stored in WeCom (mpnews): 1–8 articles with their content.</summary>
    public static WeComAppMessage MpNews(params IReadOnlyList<WeComMpNewsArticle> articles) => new WeComMpNewsAppMessage(articles);

    /// <summary>A template card (see <see cref="WeComTemplateCard"/>'s factories).</summary>
    public static WeComAppMessage TemplateCard(WeComTemplateCard card) => new WeComTemplateCardAppMessage(card);
}

/// <summary>A text app message.</summary>
public sealed record WeComTextAppMessage(string Content) : WeComAppMessage
{
    /// <inheritdoc />
    public override string MsgType => "text";

    internal override void Validate()
    {
        Limits.Required(Content, "text.content");
        Limits.MaxBytes(Content, 2048, "text.content");
    }

    internal override void Fill(SendRequest request) => request.Text = new ContentPayload(Content);
}

/// <summary>A markdown app message.</summary>
public sealed record WeComMarkdownAppMessage(string Content) : WeComAppMessage
{
    /// <inheritdoc />
    public override string MsgType => "markdown";

    internal override void Validate()
    {
        Limits.Required(Content, "markdown.content");
        Limits.MaxBytes(Content, 2048, "markdown.content");
    }

    internal override void Fill(SendRequest request) => request.Markdown = new ContentPayload(Content);
}

/// <summary>An image, voice or file app message.</summary>
public sealed record WeComMediaAppMessage(string Kind, string MediaId) : WeComAppMessage
{
    /// <inheritdoc />
    public override string MsgType => Kind;

    internal override void Validate() => Limits.Required(MediaId, $"{Kind}.media_id");

    internal override void Fill(SendRequest request)
    {
        var payload = new MediaPayload(MediaId);
        switch (Kind)
        {
            case "image": request.Image = payload; break;
            case "voice": request.Voice = payload; break;
            default: request.File = payload; break;
        }
    }
}

/// <summary>A video app message.</summary>
public sealed record WeComVideoAppMessage(string MediaId, string? Title, string? Description) : WeComAppMessage
{
    /// <inheritdoc />
    public override string MsgType => "video";

    internal override void Validate()
    {
        Limits.Required(MediaId, "video.media_id");
        Limits.MaxBytes(Title, 128, "video.title");
        Limits.MaxBytes(Description, 512, "video.description");
    }

    internal override void Fill(SendRequest request) => request.Video = new VideoPayload(MediaId, Title, Description);
}

/// <summary>A text card app message.</summary>
public sealed record WeComTextCardAppMessage(string Title, string Description, string Url, string? ButtonText) : WeComAppMessage
{
    /// <inheritdoc />
    public override string MsgType => "textcard";

    internal override void Validate()
    {
        Limits.Required(Title, "textcard.title");
        Limits.Required(Description, "textcard.description");
        Limits.Required(Url, "textcard.url");
        Limits.MaxBytes(Title, 128, "textcard.title");
        Limits.MaxBytes(Description, 512, "textcard.description");
        Limits.MaxBytes(Url, 2048, "textcard.url");
        if (ButtonText is { Length: > 4 })
        {
            throw Limits.Invalid($"textcard.btntxt is at most 4 characters, not {ButtonText.Length} ('{ButtonText}').");
        }
    }

    internal override void Fill(SendRequest request) => request.TextCard = new TextCardPayload(Title, Description, Url, ButtonText);
}

/// <summary>A news app message.</summary>
public sealed record WeComNewsAppMessage(IReadOnlyList<WeComArticle> Articles) : WeComAppMessage
{
    /// <inheritdoc />
    public override string MsgType => "news";

    internal override void Validate()
    {
        Limits.Count(Articles, 1, 8, "news.articles");
        foreach (var article in Articles)
        {
            Limits.Required(article.Title, "news.articles[].title");
            Limits.MaxBytes(article.Title, 128, "news.articles[].title");
            Limits.MaxBytes(article.Description, 512, "news.articles[].description");
            Limits.MaxBytes(article.Url, 2048, "news.articles[].url");
            if (string.IsNullOrEmpty(article.Url) && string.IsNullOrEmpty(article.AppId))
            {
                throw Limits.Invalid("news.articles[] needs url (or appid and pagepath for a mini program).");
            }
        }
    }

    internal override void Fill(SendRequest request) => request.News = new ArticlesPayload<WeComArticle>(Articles);
}

/// <summary>An mpnews article: stored in WeCom, with its content.</summary>
/// <param name="Title">The title (at most 128 bytes).</param>
/// <param name="ThumbMediaId">The cover image, uploaded as media.</param>
/// <param name="Content">The HTML content (at most 666 K bytes).</param>
/// <param name="Author">The author (at most 64 bytes).</param>
/// <param name="ContentSourceUrl">"Read more" link.</param>
/// <param name="Digest">The summary (at most 512 bytes).</param>
public sealed record WeComMpNewsArticle(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("thumb_media_id")] string ThumbMediaId,
    [property: JsonPropertyName("content")] string Content,
    [property: JsonPropertyName("author")] string? Author = null,
    [property: JsonPropertyName("content_source_url")] string? ContentSourceUrl = null,
    [property: JsonPropertyName("digest")] string? Digest = null);

/// <summary>An mpnews app message.</summary>
public sealed record WeComMpNewsAppMessage(IReadOnlyList<WeComMpNewsArticle> Articles) : WeComAppMessage
{
    /// <inheritdoc />
    public override string MsgType => "mpnews";

    internal override void Validate()
    {
        Limits.Count(Articles, 1, 8, "mpnews.articles");
        foreach (var article in Articles)
        {
            Limits.Required(article.Title, "mpnews.articles[].title");
            Limits.Required(article.ThumbMediaId, "mpnews.articles[].thumb_media_id");
            Limits.Required(article.Content, "mpnews.articles[].content");
            Limits.MaxBytes(article.Title, 128, "mpnews.articles[].title");
            Limits.MaxBytes(article.Author, 64, "mpnews.articles[].author");
            Limits.MaxBytes(article.Content, 666 * 1024, "mpnews.articles[].content");
            Limits.MaxBytes(article.Digest, 512, "mpnews.articles[].digest");
        }
    }

    internal override void Fill(SendRequest request) => request.MpNews = new ArticlesPayload<WeComMpNewsArticle>(Articles);
}

/// <summary>A template card app message.</summary>
public sealed record WeComTemplateCardAppMessage(WeComTemplateCard Card) : WeComAppMessage
{
    /// <inheritdoc />
    public override string MsgType => "template_card";

    internal override void Validate()
    {
        ArgumentNullException.ThrowIfNull(Card);
        Card.Validate(forRobot: false);
    }

    internal override void Fill(SendRequest request) => request.TemplateCard = Card;
}
