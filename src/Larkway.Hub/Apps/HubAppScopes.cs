using Larkway.Hub.Platform.Http;

namespace Larkway.Hub.Apps;

/// <summary>What the Hub does with an app; each feature needs some Feishu scopes.</summary>
[Flags]
public enum HubAppFeatures
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>The Hub's bot answers messages (commands, conversations) and updates its cards. Default app only, today.</summary>
    Bot = 1,

    /// <summary>Notifications: the Hub sends cards and texts to users and chats as the bot.</summary>
    Notifications = 2,

    /// <summary>Notification recipients given by email are looked up (contact <c>batch_get_id</c>).</summary>
    EmailLookup = 4,

    /// <summary>Events and card actions are received and forwarded to webhook subscribers.</summary>
    Events = 8,
}

/// <summary>One scope to enable in the developer console (Permissions &amp; Scopes), and why.</summary>
/// <param name="Scope">The scope's identifier, e.g. <c>im:message:send_as_bot</c>.</param>
/// <param name="Title">Its name in the console (English).</param>
/// <param name="Reason">What in the Hub needs it.</param>
/// <param name="Features">The features (snake_case) that need it.</param>
/// <param name="Confirmed">True when the identifier was checked against Feishu's API reference; false means "verify in the console".</param>
public sealed record HubAppScope(string Scope, string Title, string Reason, IReadOnlyList<string> Features, bool Confirmed);

/// <summary>
/// The minimum scopes per feature. Each API lists several scopes of which any one suffices; the narrowest is listed.
/// The bot's own info (used by "test connection") needs no scope, only the bot capability; card callbacks need none.
/// </summary>
public static class HubAppScopes
{
    private static readonly (HubAppFeatures Feature, string Scope, string Title, string Reason, bool Confirmed)[] Table =
    [
        (HubAppFeatures.Bot, "im:message:send_as_bot", "Send messages as an app",
            "Replies to users and card updates (PATCH /im/v1/messages accepts it).", true),
        (HubAppFeatures.Bot, "im:message.p2p_msg:readonly", "Read direct messages sent to the bot",
            "Receive im.message.receive_v1 for one-to-one chats with the bot.", false),
        (HubAppFeatures.Bot, "im:message.group_at_msg:readonly", "Receive group messages that @mention the bot",
            "Receive im.message.receive_v1 when the bot is @-mentioned in a group.", false),
        (HubAppFeatures.Notifications, "im:message:send_as_bot", "Send messages as an app",
            "Notifications are sent as the bot (POST /im/v1/messages) and edited in place (PATCH).", true),
        (HubAppFeatures.EmailLookup, "contact:user.id:readonly", "Obtain user ID via email or mobile number",
            "Recipients given by email are resolved to open_ids (POST /contact/v3/users/batch_get_id); only users in the app's availability range are found.", true),
    ];

    /// <summary>
    /// DingTalk's permissions (the developer console's 权限管理 page, by code), per feature. Stream mode and the outgoing
    /// robot need no permission, only the robot capability with "Stream 模式" or an HTTP message URL.
    /// </summary>
    private static readonly (HubAppFeatures Feature, string Scope, string Title, string Reason, bool Confirmed)[] DingTalkTable =
    [
        (HubAppFeatures.Bot, "qyapi_robot_sendmsg", "企业内机器人发送消息权限 (robot sends messages)",
            "Replies the session webhook cannot carry (expired), and notifications sent by the app robot (oToMessages/batchSend, groupMessages/send).", true),
        (HubAppFeatures.Notifications, "qyapi_robot_sendmsg", "企业内机器人发送消息权限 (robot sends messages)",
            "Notifications are sent one-to-one by the app robot.", true),
        (HubAppFeatures.Notifications, "Card.Instance.Write", "互动卡片实例写权限 (interactive card instances)",
            "Cards created, delivered and updated in place.", false),
        (HubAppFeatures.Notifications, "Card.Streaming.Write", "AI 卡片流式更新权限 (AI card streaming)",
            "Streamed replies in AI cards.", false),
        (HubAppFeatures.EmailLookup, "qyapi_get_member_by_mobile", "根据手机号获取成员基本信息 (user id by mobile)",
            "Recipients given by mobile number are resolved to userids (topapi/v2/user/getbymobile).", false),
    ];

    /// <summary>
    /// WeCom's settings per feature. A self-built app has no scopes to tick: what it may do is set on its page in the admin
    /// console (应用管理 → the app) — its visible range (可见范围), its trusted IPs (企业可信IP, without which every call from
    /// a new server is refused with 60020), and its API receiving (接收消息 → 设置API接收: URL, Token, EncodingAESKey).
    /// </summary>
    private static readonly (HubAppFeatures Feature, string Scope, string Title, string Reason, bool Confirmed)[] WeComTable =
    [
        (HubAppFeatures.Bot, "接收消息/API接收", "API receiving: URL, Token and EncodingAESKey (接收消息 → 设置API接收)",
            "Members' messages and events reach the Hub at the app's callback URL; the Token and EncodingAESKey must equal the Hub's verification_token and encrypt_key.", true),
        (HubAppFeatures.Bot, "企业可信IP", "Trusted IPs (企业可信IP)",
            "Every API call from this Hub (replies, notifications, look-ups) must come from one of the app's trusted IPs; otherwise WeCom answers 60020.", true),
        (HubAppFeatures.Notifications, "企业可信IP", "Trusted IPs (企业可信IP)",
            "Notifications are sent with message/send from this Hub's address.", true),
        (HubAppFeatures.Notifications, "可见范围", "Visible range (可见范围)",
            "The app sends only to members inside its visible range; others are returned as invaliduser (81013 when none is reachable).", true),
        (HubAppFeatures.Events, "接收消息/API接收", "API receiving: URL, Token and EncodingAESKey (接收消息 → 设置API接收)",
            "Template card clicks (template_card_event) and other events are forwarded to business webhooks.", true),
        (HubAppFeatures.EmailLookup, "通讯录/可见范围", "Members readable through the app's visible range",
            "Recipients given by email or mobile are resolved to userids (user/get_userid_by_email, user/getuserid); only members in the visible range are found.", false),
    ];

    /// <summary>What the Hub does with an app today: the configured app runs the bot; every app sends notifications and forwards events; a DingTalk app's robot answers too.</summary>
    public static HubAppFeatures FeaturesOf(HubAppInfo app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var features = HubAppFeatures.Notifications | HubAppFeatures.EmailLookup | HubAppFeatures.Events;
        return app.ReadOnly || app.IsDingTalk || app.IsWeCom ? features | HubAppFeatures.Bot : features;
    }

    /// <summary>The permissions an app of <paramref name="platform"/> needs for <paramref name="features"/>.</summary>
    public static IReadOnlyList<HubAppScope> For(string platform, HubAppFeatures features) =>
        HubAppPlatform.IsDingTalk(platform) ? Merge(DingTalkTable, features)
        : HubAppPlatform.IsWeCom(platform) ? Merge(WeComTable, features)
        : For(features);

    /// <summary>The scopes <paramref name="features"/> need, each once, with every reason and feature that needs it.</summary>
    public static IReadOnlyList<HubAppScope> For(HubAppFeatures features) => Merge(Table, features);

    private static IReadOnlyList<HubAppScope> Merge((HubAppFeatures Feature, string Scope, string Title, string Reason, bool Confirmed)[] table, HubAppFeatures features) =>
    [
        .. table.Where(row => features.HasFlag(row.Feature))
            .GroupBy(row => row.Scope, StringComparer.Ordinal)
            .Select(group => new HubAppScope(
                group.Key,
                group.First().Title,
                string.Join(" ", group.Select(row => row.Reason).Distinct(StringComparer.Ordinal)),
                [.. group.Select(row => FeatureName(row.Feature)).Distinct(StringComparer.Ordinal)],
                group.All(row => row.Confirmed))),
    ];

    /// <summary>The wire name of a single feature.</summary>
    public static string FeatureName(HubAppFeatures feature) => WireName<HubAppFeatures>.Of(feature);

    /// <summary>The wire names of the features set in <paramref name="features"/>.</summary>
    public static IReadOnlyList<string> FeatureNames(HubAppFeatures features) =>
        [.. Enum.GetValues<HubAppFeatures>().Where(f => f != HubAppFeatures.None && features.HasFlag(f)).Select(FeatureName)];
}
