using System.Text.Json;
using System.Text.Json.Serialization;

namespace Larkway.WeCom.CustomerService;

/// <summary>Who a pulled message is from (<c>origin</c>).</summary>
public enum WeComKfOrigin
{
    /// <summary>Not given.</summary>
    None = 0,

    /// <summary>3: the customer.</summary>
    Customer = 3,

    /// <summary>4: WeCom (an event).</summary>
    System = 4,

    /// <summary>5: a receptionist, from the WeCom client.</summary>
    Receptionist = 5,
}

/// <summary>
/// One message or event of <c>kf/sync_msg</c>'s <c>msg_list</c>: the common fields and the object of its
/// <see cref="MsgType"/>. A type this library does not model is kept, never refused: its object is in
/// <see cref="Unmodelled"/>. Messages the app sent with <c>send_msg</c> never come back here.
/// </summary>
public sealed record WeComKfMessage
{
    /// <summary>The message's id, unique within the account: the key to store it once.</summary>
    [JsonPropertyName("msgid")] public string MsgId { get; init; } = "";

    /// <summary>The account (absent on events: read <see cref="Event"/>'s).</summary>
    [JsonPropertyName("open_kfid")] public string? OpenKfId { get; init; }

    /// <summary>The customer (absent on events: read <see cref="Event"/>'s).</summary>
    [JsonPropertyName("external_userid")] public string? ExternalUserId { get; init; }

    /// <summary>When it was sent, Unix seconds.</summary>
    [JsonPropertyName("send_time")] public long SendTime { get; init; }

    /// <summary>Who sent it: 3 the customer, 4 WeCom (events), 5 a receptionist.</summary>
    [JsonPropertyName("origin")] public int OriginCode { get; init; }

    /// <summary>The receptionist who sent it from the WeCom client (origin 5).</summary>
    [JsonPropertyName("servicer_userid")] public string? ServicerUserId { get; init; }

    /// <summary>The type: text, image, voice, video, file, location, link, business_card, miniprogram, msgmenu, event, …</summary>
    [JsonPropertyName("msgtype")] public string MsgType { get; init; } = "";

    /// <summary>A text; <c>menu_id</c> is set when it answers a menu's click item.</summary>
    [JsonPropertyName("text")] public WeComKfText? Text { get; init; }

    /// <summary>An image (<c>media_id</c>, download with the media client; at most 2 MB, else a text says so).</summary>
    [JsonPropertyName("image")] public WeComKfMedia? Image { get; init; }

    /// <summary>A voice (AMR, or Silk when pulled with <c>voice_format</c> 1).</summary>
    [JsonPropertyName("voice")] public WeComKfMedia? Voice { get; init; }

    /// <summary>A video.</summary>
    [JsonPropertyName("video")] public WeComKfMedia? Video { get; init; }

    /// <summary>A file.</summary>
    [JsonPropertyName("file")] public WeComKfMedia? File { get; init; }

    /// <summary>A location.</summary>
    [JsonPropertyName("location")] public WeComKfLocation? Location { get; init; }

    /// <summary>A link.</summary>
    [JsonPropertyName("link")] public WeComKfLink? Link { get; init; }

    /// <summary>A member's business card.</summary>
    [JsonPropertyName("business_card")] public WeComKfBusinessCard? BusinessCard { get; init; }

    /// <summary>A mini program.</summary>
    [JsonPropertyName("miniprogram")] public WeComKfMiniProgram? MiniProgram { get; init; }

    /// <summary>A menu (a receptionist's, from the WeCom client).</summary>
    [JsonPropertyName("msgmenu")] public WeComKfMenu? MsgMenu { get; init; }

    /// <summary>An event (origin 4).</summary>
    [JsonPropertyName("event")] public WeComKfEvent? Event { get; init; }

    /// <summary>
    /// The object of a type not modelled above (channels, channels_shop_product, channels_shop_order, merged_msg, meeting,
    /// calendar, note, or one WeCom adds later), by its name.
    /// </summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Unmodelled { get; set; }

    /// <summary>Who sent it, as <see cref="WeComKfOrigin"/>.</summary>
    [JsonIgnore] public WeComKfOrigin Origin => Enum.IsDefined((WeComKfOrigin)OriginCode) ? (WeComKfOrigin)OriginCode : WeComKfOrigin.None;

    /// <summary>When it was sent.</summary>
    [JsonIgnore] public DateTimeOffset SentAt => DateTimeOffset.FromUnixTimeSeconds(SendTime);

    /// <summary>The account, from the message or its event.</summary>
    [JsonIgnore] public string? AccountId => OpenKfId ?? Event?.OpenKfId;

    /// <summary>The customer, from the message or its event.</summary>
    [JsonIgnore] public string? CustomerId => ExternalUserId ?? Event?.ExternalUserId;
}

/// <summary>A pulled text.</summary>
/// <param name="Content">The text.</param>
/// <param name="MenuId">The id of the menu item it answers, if any.</param>
public sealed record WeComKfText(
    [property: JsonPropertyName("content")] string Content,
    [property: JsonPropertyName("menu_id")] string? MenuId = null);

/// <summary>Pulled media: its temporary media id.</summary>
/// <param name="MediaId">The media id.</param>
public sealed record WeComKfMedia([property: JsonPropertyName("media_id")] string MediaId);

/// <summary>A location.</summary>
/// <param name="Latitude">Latitude.</param>
/// <param name="Longitude">Longitude.</param>
/// <param name="Name">The place's name.</param>
/// <param name="Address">Its address.</param>
public sealed record WeComKfLocation(
    [property: JsonPropertyName("latitude")] double Latitude,
    [property: JsonPropertyName("longitude")] double Longitude,
    [property: JsonPropertyName("name")] string? Name = null,
    [property: JsonPropertyName("address")] string? Address = null);

/// <summary>A link.</summary>
/// <param name="Title">Title.</param>
/// <param name="Desc">Description.</param>
/// <param name="Url">Address.</param>
/// <param name="PicUrl">Picture.</param>
public sealed record WeComKfLink(
    [property: JsonPropertyName("title")] string? Title,
    [property: JsonPropertyName("desc")] string? Desc,
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("pic_url")] string? PicUrl);

/// <summary>A member's business card.</summary>
/// <param name="UserId">The member.</param>
public sealed record WeComKfBusinessCard([property: JsonPropertyName("userid")] string UserId);

/// <summary>A mini program.</summary>
/// <param name="Title">Title.</param>
/// <param name="AppId">The mini program's appid.</param>
/// <param name="PagePath">The page.</param>
/// <param name="ThumbMediaId">Its cover as temporary media.</param>
public sealed record WeComKfMiniProgram(
    [property: JsonPropertyName("title")] string? Title,
    [property: JsonPropertyName("appid")] string AppId,
    [property: JsonPropertyName("pagepath")] string PagePath,
    [property: JsonPropertyName("thumb_media_id")] string? ThumbMediaId);

/// <summary>
/// An event of <c>sync_msg</c> (<c>event.event_type</c>), with the fields each type carries (the others null):
/// <list type="bullet">
/// <item><c>enter_session</c>: the customer opened a contact link — <see cref="Scene"/>, <see cref="SceneParam"/>,
/// <see cref="WelcomeCode"/> (only when no welcome was sent and they did not write within 48 hours; use it within 20 s),
/// <see cref="WeChatChannels"/>.</item>
/// <item><c>msg_send_fail</c>: a sent message was not delivered — <see cref="FailMsgId"/>, <see cref="FailType"/>.</item>
/// <item><c>servicer_status_change</c>: a receptionist started or stopped receiving — <see cref="ServicerUserId"/>,
/// <see cref="Status"/> (1 receiving, 2 stopped), <see cref="StopType"/>.</item>
/// <item><c>session_status_change</c>: a receptionist moved the session in the WeCom client — <see cref="ChangeType"/>
/// (1 took it from the queue, 2 transferred it, 3 ended it, 4 rejoined it), the old and new receptionist,
/// <see cref="MsgCode"/> (types 1 and 3).</item>
/// <item><c>user_recall_msg</c> / <c>servicer_recall_msg</c>: a message was recalled — <see cref="RecallMsgId"/>.</item>
/// <item><c>reject_customer_msg_switch_change</c>: a receptionist refuses (1) or accepts again (0) the customer's
/// messages — <see cref="RejectSwitch"/>.</item>
/// </list>
/// </summary>
public sealed record WeComKfEvent
{
    /// <summary>The event's type.</summary>
    [JsonPropertyName("event_type")] public string EventType { get; init; } = "";

    /// <summary>The account.</summary>
    [JsonPropertyName("open_kfid")] public string? OpenKfId { get; init; }

    /// <summary>The customer.</summary>
    [JsonPropertyName("external_userid")] public string? ExternalUserId { get; init; }

    /// <summary>enter_session: the contact link's scene.</summary>
    [JsonPropertyName("scene")] public string? Scene { get; init; }

    /// <summary>enter_session: the <c>scene_param</c> the link carried.</summary>
    [JsonPropertyName("scene_param")] public string? SceneParam { get; init; }

    /// <summary>enter_session: the code for one welcome message (<c>send_msg_on_event</c>, within 20 seconds).</summary>
    [JsonPropertyName("welcome_code")] public string? WelcomeCode { get; init; }

    /// <summary>enter_session: the WeChat Channels place the customer came from.</summary>
    [JsonPropertyName("wechat_channels")] public WeComKfWeChatChannels? WeChatChannels { get; init; }

    /// <summary>msg_send_fail: the id of the message that failed.</summary>
    [JsonPropertyName("fail_msgid")] public string? FailMsgId { get; init; }

    /// <summary>msg_send_fail: why (see <see cref="WeComKfFailTypes"/>).</summary>
    [JsonPropertyName("fail_type")] public int? FailType { get; init; }

    /// <summary>The receptionist (servicer_status_change, servicer_recall_msg, reject_customer_msg_switch_change).</summary>
    [JsonPropertyName("servicer_userid")] public string? ServicerUserId { get; init; }

    /// <summary>servicer_status_change: 1 receiving, 2 stopped.</summary>
    [JsonPropertyName("status")] public int? Status { get; init; }

    /// <summary>servicer_status_change: when stopped, 0 stopped, 1 suspended for now.</summary>
    [JsonPropertyName("stop_type")] public int? StopType { get; init; }

    /// <summary>session_status_change: 1 taken from the queue, 2 transferred, 3 ended, 4 rejoined.</summary>
    [JsonPropertyName("change_type")] public int? ChangeType { get; init; }

    /// <summary>session_status_change: the receptionist before.</summary>
    [JsonPropertyName("old_servicer_userid")] public string? OldServicerUserId { get; init; }

    /// <summary>session_status_change: the receptionist after.</summary>
    [JsonPropertyName("new_servicer_userid")] public string? NewServicerUserId { get; init; }

    /// <summary>session_status_change: the code for one message (<c>send_msg_on_event</c>) on types 1 and 3.</summary>
    [JsonPropertyName("msg_code")] public string? MsgCode { get; init; }

    /// <summary>user_recall_msg / servicer_recall_msg: the recalled message.</summary>
    [JsonPropertyName("recall_msgid")] public string? RecallMsgId { get; init; }

    /// <summary>reject_customer_msg_switch_change: 1 refusing the customer's messages, 0 accepting them again.</summary>
    [JsonPropertyName("reject_switch")] public int? RejectSwitch { get; init; }

    /// <summary>Fields of an event type this library does not model.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Unmodelled { get; set; }
}

/// <summary>The event types of <see cref="WeComKfEvent.EventType"/>.</summary>
public static class WeComKfEventTypes
{
    /// <summary>The customer opened a contact link.</summary>
    public const string EnterSession = "enter_session";

    /// <summary>A sent message was not delivered.</summary>
    public const string MessageSendFailed = "msg_send_fail";

    /// <summary>A receptionist started or stopped receiving.</summary>
    public const string ServicerStatusChange = "servicer_status_change";

    /// <summary>A receptionist moved the session in the WeCom client.</summary>
    public const string SessionStatusChange = "session_status_change";

    /// <summary>The customer recalled a message.</summary>
    public const string UserRecall = "user_recall_msg";

    /// <summary>A receptionist recalled a message.</summary>
    public const string ServicerRecall = "servicer_recall_msg";

    /// <summary>A receptionist refuses, or accepts again, the customer's messages.</summary>
    public const string RejectSwitchChange = "reject_customer_msg_switch_change";
}

/// <summary>Why a message was not delivered (<c>msg_send_fail</c>'s <c>fail_type</c>).</summary>
public static class WeComKfFailTypes
{
    /// <summary>0: unknown.</summary>
    public const int Unknown = 0;

    /// <summary>1: the account was deleted.</summary>
    public const int AccountDeleted = 1;

    /// <summary>2: the app was closed.</summary>
    public const int AppClosed = 2;

    /// <summary>4: the session expired (more than 48 hours since the customer wrote).</summary>
    public const int SessionExpired = 4;

    /// <summary>5: the session was closed.</summary>
    public const int SessionClosed = 5;

    /// <summary>6: more than 5 messages since the customer last wrote.</summary>
    public const int OverMessageLimit = 6;

    /// <summary>8: the corp's entity is not verified.</summary>
    public const int NotVerified = 8;

    /// <summary>10: the customer refuses messages.</summary>
    public const int Rejected = 10;

    /// <summary>11: no member of the corp has logged in to the WeCom app.</summary>
    public const int NoMemberLoggedIn = 11;

    /// <summary>12: the message type is banned by the customer-service component.</summary>
    public const int TypeBanned = 12;

    /// <summary>13: a security restriction.</summary>
    public const int SecurityRestriction = 13;

    /// <summary>A sentence saying why, for logs and the console.</summary>
    public static string Describe(int? failType) => failType switch
    {
        AccountDeleted => "the customer-service account was deleted",
        AppClosed => "the app was closed",
        SessionExpired => "the session expired: more than 48 hours since the customer last wrote",
        SessionClosed => "the session was closed",
        OverMessageLimit => "more than 5 messages since the customer last wrote",
        NotVerified => "the corp is not verified",
        Rejected => "the customer refuses messages",
        NoMemberLoggedIn => "no member of the corp has logged in to the WeCom app",
        TypeBanned => "the message type is banned for this account",
        SecurityRestriction => "a WeCom security restriction",
        _ => $"WeCom gave no reason (fail_type {failType?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "absent"})",
    };
}

/// <summary>One <c>kf/sync_msg</c> page: the messages, the cursor to store, and whether to pull again at once.</summary>
/// <param name="Messages">The messages and events, oldest first (may be empty while <paramref name="HasMore"/> is true).</param>
/// <param name="NextCursor">The cursor to store durably and send next time.</param>
/// <param name="HasMore">True: pull again now, even when <paramref name="Messages"/> is empty.</param>
public sealed record WeComKfMessagePage(IReadOnlyList<WeComKfMessage> Messages, string? NextCursor, bool HasMore);

internal sealed record KfSyncRequest(
    [property: JsonPropertyName("cursor")] string? Cursor,
    [property: JsonPropertyName("token")] string? Token,
    [property: JsonPropertyName("limit")] int Limit,
    [property: JsonPropertyName("voice_format")] int? VoiceFormat,
    [property: JsonPropertyName("open_kfid")] string OpenKfId);

internal sealed record KfSyncAnswer(
    [property: JsonPropertyName("next_cursor")] string? NextCursor,
    [property: JsonPropertyName("has_more")] int HasMore,
    [property: JsonPropertyName("msg_list")] IReadOnlyList<WeComKfMessage>? MsgList);
