namespace Larkway.Emulator.State;

// Entities are immutable records: the state replaces a record under its lock, so a reader always
// sees a consistent snapshot without holding the lock.

public sealed record EmulatorTenant(string TenantKey, string Name);

/// <summary>
/// A department. <see cref="ParentDepartmentId"/> is the parent's open_department_id, or "0" for a first-level department
/// (a seed may name the parent by department_id; the state stores the open id).
/// </summary>
public sealed record EmulatorDepartment(string OpenDepartmentId, string DepartmentId, string Name, string ParentDepartmentId)
{
    /// <summary>English name (i18n_name.en_us); the name when null.</summary>
    public string? EnName { get; init; }

    /// <summary>The leader's open_id (home app), or null.</summary>
    public string? LeaderOpenId { get; init; }

    /// <summary>Sort order among its siblings (the contact API returns it as a string).</summary>
    public int Order { get; init; }
}

public sealed record EmulatorUser(
    string OpenId,
    string UnionId,
    string UserId,
    string Name,
    string? Email,
    IReadOnlyList<string> DepartmentIds,
    bool IsResigned = false)
{
    /// <summary>The mobile number in the form <see cref="MobileNumbers.Normalize"/> gives (<c>+8613800000001</c>), or null.</summary>
    public string? Mobile { get; init; }

    /// <summary>Suspended by an administrator (contact status <c>is_frozen</c>).</summary>
    public bool IsFrozen { get; init; }

    /// <summary>Has joined the tenant (contact status <c>is_activated</c>); false is an invited user who has not (<c>is_unjoin</c>).</summary>
    public bool IsActivated { get; init; } = true;

    public string? EnName { get; init; }

    /// <summary>The corporate mailbox (<c>enterprise_email</c>); batch_get_id does not match it.</summary>
    public string? EnterpriseEmail { get; init; }

    public string? JobTitle { get; init; }

    /// <summary>The employee number (<c>employee_no</c>).</summary>
    public string? EmployeeNo { get; init; }

    /// <summary>1 regular, 2 intern, 3 outsourced, 4 labour, 5 consultant (the contact enum); null reads as 1.</summary>
    public int? EmployeeType { get; init; }

    /// <summary>Joining date in Unix seconds, 0 when unknown.</summary>
    public long JoinTime { get; init; }

    /// <summary>The direct leader's open_id (home app), or null.</summary>
    public string? LeaderOpenId { get; init; }

    public string? City { get; init; }

    public string? Country { get; init; }

    /// <summary>0 unknown, 1 male, 2 female, 3 other.</summary>
    public int Gender { get; init; }
}

/// <summary>
/// One spelling of a mobile number for matching: separators dropped, <c>00</c> read as <c>+</c>, and a
/// number without a country code taken as mainland China (+86), as the contact API reads it.
/// </summary>
public static class MobileNumbers
{
    /// <summary><c>+</c> and 5 to 15 digits, or null when <paramref name="value"/> is not a phone number.</summary>
    public static string? Normalize(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value.Trim();
        var international = text.StartsWith('+');
        var digits = new System.Text.StringBuilder();
        foreach (var c in international ? text[1..] : text)
        {
            if (char.IsAsciiDigit(c))
            {
                digits.Append(c);
            }
            else if (c is not (' ' or '-' or '(' or ')'))
            {
                return null;
            }
        }

        var number = digits.ToString();
        if (!international && number.StartsWith("00", StringComparison.Ordinal))
        {
            (international, number) = (true, number[2..]);
        }

        var full = international ? number : "86" + number;
        return full.Length is >= 5 and <= 15 ? "+" + full : null;
    }
}

/// <summary>
/// A self-built app and its bot. <see cref="BotOpenId"/> is the bot's open_id in chats. A user's open_id differs per app
/// and union_id per <see cref="Developer"/> (docs/emulator.md, "Ids").
/// </summary>
public sealed record EmulatorApp(string AppId, string AppSecret, string BotName, string BotOpenId, bool Disabled = false)
{
    /// <summary>The developer (company) that owns the app; apps of one developer see the same union_ids. Null: the tenant's default developer.</summary>
    public string? Developer { get; init; }

    /// <summary>Which departments and users a tenant token of this app may read (contact scope). Null: all members.</summary>
    public ContactScope? ContactScope { get; init; }

    /// <summary>The contact field scopes granted (<c>contact:user.email:readonly</c>, …); null: every one of them.</summary>
    public IReadOnlyList<string>? ContactFieldScopes { get; init; }
}

/// <summary>
/// An app's contact scope (developer console → data permissions): everyone, or the listed departments (with everything below
/// them) and users. Ids are open_department_ids and home-app open_ids.
/// </summary>
public sealed record ContactScope(bool AllMembers, IReadOnlyList<string> DepartmentIds, IReadOnlyList<string> UserIds)
{
    public static ContactScope Everyone { get; } = new(true, [], []);
}

public static class ChatModes
{
    public const string Group = "group";
    public const string Topic = "topic";
    public const string P2p = "p2p";
}

public sealed record EmulatorChat(
    string ChatId,
    string Name,
    string Description,
    string ChatMode,
    string ChatType,
    IReadOnlyList<string> MemberOpenIds,
    IReadOnlyList<string> BotAppIds,
    long CreateTimeMs)
{
    /// <summary>The owning user, or null when a bot owns the chat (then <see cref="OwnerAppId"/>).</summary>
    public string? OwnerOpenId { get; init; }

    public string? OwnerAppId { get; init; }

    public bool Dissolved { get; init; }

    public string AddMemberPermission { get; init; } = "all_members";

    public string ShareCardPermission { get; init; } = "allowed";

    public string EditPermission { get; init; } = "all_members";

    public string AtAllPermission { get; init; } = "all_members";

    public string GroupMessageType { get; init; } = "chat";

    public long LastActiveMs { get; init; }

    public bool HasBot(string appId) => BotAppIds.Contains(appId, StringComparer.Ordinal);

    public bool HasMember(string openId) => MemberOpenIds.Contains(openId, StringComparer.Ordinal);
}

public sealed record MessageSender(string Id, string IdType, string SenderType, string? Name);

public sealed record MessageMention(string Key, string Id, string IdType, string Name);

/// <summary>
/// A message as stored: <see cref="Content"/> is the read-side JSON returned by get/history,
/// <see cref="SendContent"/> the JSON the sender posted (cards are rendered from it).
/// </summary>
public sealed record EmulatorMessage(
    string MessageId,
    string ChatId,
    string MsgType,
    string Content,
    string SendContent,
    MessageSender Sender,
    IReadOnlyList<MessageMention> Mentions,
    long CreateTimeMs,
    long Sequence)
{
    public long UpdateTimeMs { get; init; }

    public string? RootId { get; init; }

    public string? ParentId { get; init; }

    public string? ThreadId { get; init; }

    public bool Deleted { get; init; }

    public bool Updated { get; init; }

    public int EditCount { get; init; }

    /// <summary>image_key/file_key values the message refers to (resource download checks these).</summary>
    public IReadOnlyList<string> ResourceKeys { get; init; } = [];

    /// <summary>Sort key for history: create time, then arrival order within the same millisecond.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string SortKey { get; } = CreateTimeMs.ToString("D15", System.Globalization.CultureInfo.InvariantCulture) + ":" + Sequence.ToString("D12", System.Globalization.CultureInfo.InvariantCulture);
}

public enum ResourceKind
{
    Image,
    File,
}

/// <summary>An uploaded image (Type = image_type) or file (Type = file_type).</summary>
public sealed record EmulatorResource(
    string Key,
    ResourceKind Kind,
    string Type,
    string FileName,
    string ContentType,
    ReadOnlyMemory<byte> Data,
    string OwnerAppId,
    long CreateTimeMs)
{
    public int? DurationMs { get; init; }
}

/// <summary>A custom (webhook) bot bound to one chat.</summary>
public sealed record CustomBotWebhook(
    string Token,
    string ChatId,
    string Name,
    string? Secret,
    IReadOnlyList<string> Keywords,
    IReadOnlyList<string> IpAllowlist)
{
    /// <summary>Sender id of the bot's messages; derived from the token so it is stable across runs.</summary>
    public string BotId => Platform.Ids.Stable("cb_", Token, 16);
}

public sealed record ReadReceipt(string MessageId, string OpenId, long TimestampMs);

/// <summary>
/// An app's event subscription (developer console → Events and callbacks). <see cref="ReceiveAllGroupMessages"/>
/// models the <c>im:message.group_msg</c> scope: without it, group messages reach the app only when they @-mention its bot.
/// In <see cref="EventDeliveryMode.LongConnection"/> mode <see cref="Url"/> is empty and events go over the WebSocket endpoint.
/// </summary>
public sealed record EventSubscription(string AppId, string Url, string? EncryptKey, string? VerificationToken)
{
    public bool ReceiveAllGroupMessages { get; init; }

    public EventDeliveryMode Mode { get; init; } = EventDeliveryMode.Http;

    /// <summary>A long-connection subscription: no request URL, no url_verification.</summary>
    public static EventSubscription LongConnection(string appId, string? encryptKey, string? verificationToken) =>
        new(appId, string.Empty, encryptKey, verificationToken) { Mode = EventDeliveryMode.LongConnection };
}

/// <summary>How an app receives events: pushed to its request URL, or over its long connections.</summary>
public enum EventDeliveryMode
{
    Http,
    LongConnection,
}

/// <summary>
/// An app's callback configuration (developer console → Events and callbacks → Callback configuration),
/// separate from its events. <see cref="Url"/> receives new-style callbacks (<c>card.action.trigger</c>);
/// <see cref="CardRequestUrl"/> is the old message-card "request URL" (<c>card.action.trigger_v1</c>
/// semantics) and wins when set. Keys left null fall back to the event subscription's: Feishu has one
/// Encrypt Key and one Verification Token per app.
/// </summary>
public sealed record CardCallbackSettings(string AppId, string? Url, string? CardRequestUrl)
{
    public string? EncryptKey { get; init; }

    public string? VerificationToken { get; init; }
}

/// <summary>Who made a change: a user (open_id) or an app's bot (app_id); both null = unknown.</summary>
public sealed record ChangeActor(string? OpenId, string? AppId)
{
    public static ChangeActor User(string openId) => new(openId, null);

    public static ChangeActor App(string appId) => new(null, appId);
}

/// <summary>A change of the tenant the event machinery may turn into events.</summary>
public abstract record StateChange;

public sealed record MessageAddedChange(EmulatorMessage Message) : StateChange;

public sealed record ChatChangedChange(EmulatorChat Before, EmulatorChat After, ChangeActor? Actor) : StateChange;

public sealed record MessageReadChange(ReadReceipt Receipt) : StateChange;

/// <summary>A user added (<paramref name="Before"/> null), changed, resigned or rehired (see <see cref="IsResignation"/>).</summary>
public sealed record ContactUserChange(EmulatorUser? Before, EmulatorUser After) : StateChange
{
    public bool IsResignation => Before is { IsResigned: false } && After.IsResigned;

    /// <summary>A new hire or a rehire: Feishu announces both as created_v3.</summary>
    public bool IsHire => Before is null or { IsResigned: true } && !After.IsResigned;
}

/// <summary>A department added (<paramref name="Before"/> null), changed, or deleted (<paramref name="After"/> null).</summary>
public sealed record ContactDepartmentChange(EmulatorDepartment? Before, EmulatorDepartment? After) : StateChange;

/// <summary>An app's contact scope changed (null: all members).</summary>
public sealed record ContactScopeChange(string AppId, ContactScope? Before, ContactScope? After) : StateChange;

/// <summary>
/// A v1 (<c>event_callback</c>) event for the apps in <paramref name="AppIds"/>: <paramref name="PayloadFor"/> writes
/// the <c>event</c> object in one app's user ids, without <c>app_id</c>/<c>tenant_key</c>, which the factory adds per
/// app. Approvals raise these: their events exist only in the v1 shape.
/// </summary>
public sealed record V1EventChange(IReadOnlyList<string> AppIds, string EventType, Func<AppUserIds, System.Text.Json.Nodes.JsonObject> PayloadFor) : StateChange;

/// <summary>
/// A v2 (<c>schema 2.0</c>) event for the apps in <paramref name="AppIds"/>: <paramref name="PayloadFor"/> writes the
/// <c>event</c> object in one app's user ids; the factory wraps it in the envelope of each app that has an event
/// subscription. Bitable's record and field changes raise these.
/// </summary>
public sealed record V2EventChange(IReadOnlyList<string> AppIds, string EventType, Func<AppUserIds, System.Text.Json.Nodes.JsonObject> PayloadFor) : StateChange;
