using System.Text.Json.Serialization;

namespace Larkway.WeCom.CustomerService;

/// <summary>
/// What an app sends a customer (<c>kf/send_msg</c>) or answers an event with (<c>kf/send_msg_on_event</c>, text and menu
/// only): one of the documented types, made by the factory methods. The limits (text 2,048 bytes, a menu's 50 items of
/// which 10 are clickable, …) are checked before anything is sent.
/// </summary>
public sealed record WeComKfContent
{
    private WeComKfContent(string msgType) => MsgType = msgType;

    /// <summary>The type: text, image, voice, video, file, link, miniprogram, msgmenu, location or ca_link.</summary>
    [JsonPropertyName("msgtype")] public string MsgType { get; }

    /// <summary>The text.</summary>
    [JsonPropertyName("text")] public KfContentText? Text { get; private init; }

    /// <summary>An image.</summary>
    [JsonPropertyName("image")] public WeComKfMedia? Image { get; private init; }

    /// <summary>A voice.</summary>
    [JsonPropertyName("voice")] public WeComKfMedia? Voice { get; private init; }

    /// <summary>A video.</summary>
    [JsonPropertyName("video")] public WeComKfMedia? Video { get; private init; }

    /// <summary>A file.</summary>
    [JsonPropertyName("file")] public WeComKfMedia? File { get; private init; }

    /// <summary>A link.</summary>
    [JsonPropertyName("link")] public KfContentLink? Link { get; private init; }

    /// <summary>A mini program.</summary>
    [JsonPropertyName("miniprogram")] public WeComKfMiniProgram? MiniProgram { get; private init; }

    /// <summary>A menu.</summary>
    [JsonPropertyName("msgmenu")] public WeComKfMenu? MsgMenu { get; private init; }

    /// <summary>A location.</summary>
    [JsonPropertyName("location")] public WeComKfLocation? Location { get; private init; }

    /// <summary>A 获客助手 link, shown as a card.</summary>
    [JsonPropertyName("ca_link")] public KfContentCaLink? CaLink { get; private init; }

    /// <summary>A text (at most 2,048 bytes).</summary>
    public static WeComKfContent FromText(string content) => new("text") { Text = new(content) };

    /// <summary>An image, uploaded as temporary media.</summary>
    public static WeComKfContent FromImage(string mediaId) => new("image") { Image = new(mediaId) };

    /// <summary>A voice (AMR), uploaded as temporary media.</summary>
    public static WeComKfContent FromVoice(string mediaId) => new("voice") { Voice = new(mediaId) };

    /// <summary>A video, uploaded as temporary media.</summary>
    public static WeComKfContent FromVideo(string mediaId) => new("video") { Video = new(mediaId) };

    /// <summary>A file, uploaded as temporary media.</summary>
    public static WeComKfContent FromFile(string mediaId) => new("file") { File = new(mediaId) };

    /// <summary>A link card; WeCom cuts a title over 128 bytes and a description over 512.</summary>
    public static WeComKfContent FromLink(string title, Uri url, string thumbMediaId, string? desc = null) =>
        new("link") { Link = new(title, desc, url?.AbsoluteUri ?? "", thumbMediaId) };

    /// <summary>A mini program card.</summary>
    public static WeComKfContent FromMiniProgram(string appId, string pagePath, string thumbMediaId, string? title = null) =>
        new("miniprogram") { MiniProgram = new(title, appId, pagePath, thumbMediaId) };

    /// <summary>A menu: text before and after, and its items.</summary>
    public static WeComKfContent FromMenu(WeComKfMenu menu) => new("msgmenu") { MsgMenu = menu };

    /// <summary>A location.</summary>
    public static WeComKfContent FromLocation(double latitude, double longitude, string? name = null, string? address = null) =>
        new("location") { Location = new(latitude, longitude, name, address) };

    /// <summary>A 获客助手 link (<c>ca_link.link_url</c>).</summary>
    public static WeComKfContent FromCaLink(Uri linkUrl) => new("ca_link") { CaLink = new(linkUrl?.AbsoluteUri ?? "") };
}

/// <summary>A text to send.</summary>
/// <param name="Content">The text.</param>
public sealed record KfContentText([property: JsonPropertyName("content")] string Content);

/// <summary>A link to send.</summary>
/// <param name="Title">Title.</param>
/// <param name="Desc">Description.</param>
/// <param name="Url">Address (http or https).</param>
/// <param name="ThumbMediaId">Its picture as temporary media.</param>
public sealed record KfContentLink(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("desc")] string? Desc,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("thumb_media_id")] string ThumbMediaId);

/// <summary>A 获客助手 link to send.</summary>
/// <param name="LinkUrl">The link.</param>
public sealed record KfContentCaLink([property: JsonPropertyName("link_url")] string LinkUrl);

/// <summary>A menu message: text before and after its items (each at most 1,024 bytes).</summary>
/// <param name="HeadContent">Text before the items.</param>
/// <param name="List">The items.</param>
/// <param name="TailContent">Text after the items.</param>
public sealed record WeComKfMenu(
    [property: JsonPropertyName("head_content")] string? HeadContent,
    [property: JsonPropertyName("list")] IReadOnlyList<WeComKfMenuItem> List,
    [property: JsonPropertyName("tail_content")] string? TailContent = null);

/// <summary>
/// A menu item: a <c>click</c> the customer presses (they send back a text with its id as <c>menu_id</c>), a <c>view</c>
/// link, a <c>miniprogram</c>, or a line of <c>text</c>. Made by the factory methods.
/// </summary>
public sealed record WeComKfMenuItem
{
    /// <summary>click, view, miniprogram or text.</summary>
    [JsonPropertyName("type")] public string Type { get; init; } = "";

    /// <summary>A click item.</summary>
    [JsonPropertyName("click")] public KfMenuClick? Click { get; init; }

    /// <summary>A link item.</summary>
    [JsonPropertyName("view")] public KfMenuView? View { get; init; }

    /// <summary>A mini program item.</summary>
    [JsonPropertyName("miniprogram")] public KfMenuMiniProgram? MiniProgram { get; init; }

    /// <summary>A text line.</summary>
    [JsonPropertyName("text")] public KfMenuText? Text { get; init; }

    /// <summary>True for the items a customer can press (click, view, miniprogram): at most 10 in one menu.</summary>
    [JsonIgnore] public bool Interactive => Type != "text";

    /// <summary>An item the customer presses to answer <paramref name="content"/> with <paramref name="id"/> as its menu_id.</summary>
    public static WeComKfMenuItem ClickItem(string id, string content) => new() { Type = "click", Click = new(id, content) };

    /// <summary>A link.</summary>
    public static WeComKfMenuItem ViewItem(Uri url, string content) => new() { Type = "view", View = new(url?.AbsoluteUri ?? "", content) };

    /// <summary>A mini program page.</summary>
    public static WeComKfMenuItem MiniProgramItem(string appId, string pagePath, string content) => new() { Type = "miniprogram", MiniProgram = new(appId, pagePath, content) };

    /// <summary>A line of text (at most 256 bytes).</summary>
    public static WeComKfMenuItem TextItem(string content, bool noNewline = false) => new() { Type = "text", Text = new(content, noNewline ? 1 : 0) };
}

/// <summary>A click item.</summary>
/// <param name="Id">What the customer's answer carries as menu_id (1–128 bytes).</param>
/// <param name="Content">What it says (1–128 bytes).</param>
public sealed record KfMenuClick([property: JsonPropertyName("id")] string Id, [property: JsonPropertyName("content")] string Content);

/// <summary>A link item.</summary>
/// <param name="Url">The address (1–2,048 bytes).</param>
/// <param name="Content">What it says (1–1,024 bytes).</param>
public sealed record KfMenuView([property: JsonPropertyName("url")] string Url, [property: JsonPropertyName("content")] string Content);

/// <summary>A mini program item.</summary>
/// <param name="AppId">The mini program (1–32 bytes).</param>
/// <param name="PagePath">Its page (1–1,024 bytes).</param>
/// <param name="Content">What it says (at most 1,024 bytes).</param>
public sealed record KfMenuMiniProgram(
    [property: JsonPropertyName("appid")] string AppId,
    [property: JsonPropertyName("pagepath")] string PagePath,
    [property: JsonPropertyName("content")] string Content);

/// <summary>A text line.</summary>
/// <param name="Content">The text (1–256 bytes).</param>
/// <param name="NoNewline">1: no line break after it.</param>
public sealed record KfMenuText([property: JsonPropertyName("content")] string Content, [property: JsonPropertyName("no_newline")] int NoNewline = 0);

/// <summary>The <c>send_msg</c> body: the recipient, the account, an optional msgid, and the content's fields.</summary>
internal sealed record KfSendRequest
{
    [JsonPropertyName("touser")] public string? ToUser { get; init; }

    [JsonPropertyName("open_kfid")] public string? OpenKfId { get; init; }

    [JsonPropertyName("code")] public string? Code { get; init; }

    [JsonPropertyName("msgid")] public string? MsgId { get; init; }

    [JsonPropertyName("msgtype")] public required string MsgType { get; init; }

    [JsonPropertyName("text")] public KfContentText? Text { get; init; }

    [JsonPropertyName("image")] public WeComKfMedia? Image { get; init; }

    [JsonPropertyName("voice")] public WeComKfMedia? Voice { get; init; }

    [JsonPropertyName("video")] public WeComKfMedia? Video { get; init; }

    [JsonPropertyName("file")] public WeComKfMedia? File { get; init; }

    [JsonPropertyName("link")] public KfContentLink? Link { get; init; }

    [JsonPropertyName("miniprogram")] public WeComKfMiniProgram? MiniProgram { get; init; }

    [JsonPropertyName("msgmenu")] public WeComKfMenu? MsgMenu { get; init; }

    [JsonPropertyName("location")] public WeComKfLocation? Location { get; init; }

    [JsonPropertyName("ca_link")] public KfContentCaLink? CaLink { get; init; }

    public static KfSendRequest Of(WeComKfContent content) => new()
    {
        MsgType = content.MsgType,
        Text = content.Text,
        Image = content.Image,
        Voice = content.Voice,
        Video = content.Video,
        File = content.File,
        Link = content.Link,
        MiniProgram = content.MiniProgram,
        MsgMenu = content.MsgMenu,
        Location = content.Location,
        CaLink = content.CaLink,
    };
}

internal sealed record KfSendAnswer([property: JsonPropertyName("msgid")] string? MsgId);
