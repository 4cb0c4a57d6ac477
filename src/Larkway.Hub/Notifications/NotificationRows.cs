using Larkway.Hub.Platform.Queue;

namespace Larkway.Hub.Notifications;

/// <summary>One accepted notification: what to send (the message content, rendered) and who asked for it.</summary>
public sealed class NotificationRow
{
    /// <summary>The public id (<c>ntf_…</c>).</summary>
    public string Id { get; set; } = "";

    /// <summary>The caller that created it: an API key id, or <c>admin</c>.</summary>
    public string Caller { get; set; } = "";

    /// <summary>The caller's idempotency key; unique per caller.</summary>
    public string IdempotencyKey { get; set; } = "";

    /// <summary>SHA-256 of the request as received (canonical JSON), to tell a retry from a different request under the same key.</summary>
    public string RequestHash { get; set; } = "";

    /// <summary>The notification type (e.g. <c>purchase_order.created</c>).</summary>
    public string Type { get; set; } = "";

    /// <summary>What <see cref="Content"/> holds: <c>card</c> (a card JSON) or <c>template</c> (a card-builder template id, version and variables).</summary>
    public string MessageType { get; set; } = "";

    /// <summary>The content, validated: the card JSON, or <c>{"template_id", "template_version_name", "template_variable"}</c>.</summary>
    public string Content { get; set; } = "";

    /// <summary>When accepted.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The content's version: 1 when created, one more for every update of the sent cards.</summary>
    public int Version { get; set; } = 1;

    /// <summary>The caller's data (a JSON object) the type's templates render; card actions' toasts and after-cards render it too.</summary>
    public string? Data { get; set; }

    /// <summary>The decision the last decisive card action recorded (a type action's <c>decision</c>, e.g. <c>approved</c>).</summary>
    public string? Decision { get; set; }

    /// <summary>The stored Feishu app that sends it (its bot, its open_ids); null for the configured default app.</summary>
    public string? App { get; set; }
}

/// <summary>One click (or form submit) on a notification's card, recorded once per callback.</summary>
public sealed class NotificationActionRow
{
    /// <summary>Longest action name and decision stored.</summary>
    public const int MaxNameLength = 64;

    /// <summary>Row id.</summary>
    public long Id { get; set; }

    /// <summary>The notification.</summary>
    public string NotificationId { get; set; } = "";

    /// <summary>What makes the callback unique (its event id, or the legacy callback's token): a redelivery records nothing new.</summary>
    public string EventKey { get; set; } = "";

    /// <summary>The button's action (the <c>action</c> field of its value).</summary>
    public string Action { get; set; } = "";

    /// <summary>Whether the type declares the action (an unknown one is recorded and forwarded, with a friendly toast).</summary>
    public bool Known { get; set; }

    /// <summary>Who clicked, when it was on Feishu: their open_id (the status API's <c>operator_open_id</c>); null on other platforms.</summary>
    public string? OperatorOpenId { get; set; }

    /// <summary>The platform the click came from: feishu, dingtalk or wecom.</summary>
    public string? OperatorPlatform { get; set; }

    /// <summary>Who clicked, by the platform's own id: an open_id on Feishu, a userid on DingTalk and WeCom.</summary>
    public string? OperatorUserId { get; set; }

    /// <summary>The directory person who clicked, when the Hub knows the account (however the recipient was addressed).</summary>
    public string? OperatorPersonId { get; set; }

    /// <summary>The message clicked.</summary>
    public string? MessageId { get; set; }

    /// <summary>The recipient (as the caller named it) whose message it was, when the message is one of the notification's.</summary>
    public string? Recipient { get; set; }

    /// <summary>The values sent with the click, a JSON object: form inputs by name, or <c>option</c> / <c>input</c> of a single component.</summary>
    public string FormValues { get; set; } = "{}";

    /// <summary>The decision the action recorded, if any.</summary>
    public string? Decision { get; set; }

    /// <summary>When the Hub received it.</summary>
    public DateTimeOffset At { get; set; }
}

/// <summary>One recipient of a notification: an outbox item with its own state, attempts and outcome.</summary>
public sealed class NotificationDeliveryRow : IWorkItem
{
    /// <summary>Maximum stored length of an error message.</summary>
    public const int MaxErrorLength = 1000;

    /// <summary>Row id.</summary>
    public long Id { get; set; }

    /// <summary>The notification.</summary>
    public string NotificationId { get; set; } = "";

    /// <summary>How the caller named the recipient: email, open_id, user_id, union_id or chat_id.</summary>
    public string RecipientType { get; set; } = "";

    /// <summary>The caller's value (an address, an id).</summary>
    public string Recipient { get; set; } = "";

    /// <summary>
    /// The person this delivery reaches when it was routed through the directory (a <c>person</c> recipient, or an email
    /// of a person who prefers another platform); null for a recipient sent as named.
    /// </summary>
    public string? PersonId { get; set; }

    /// <summary>The Hub app that sends this delivery when it is not the notification's own (a routed person on another platform).</summary>
    public string? App { get; set; }

    /// <summary>
    /// The platforms routing considered before the current one, in order, with how each ended (a JSON array of
    /// <see cref="Routing.RouteStep"/>: refused with the platform's code, skipped for no enabled app or no account); the
    /// fallback's memory and the status API's <c>platforms_tried</c>. Null for a recipient sent as named.
    /// </summary>
    public string? PlatformsTried { get; set; }

    /// <summary>Longest <see cref="PlatformsTried"/> stored.</summary>
    public const int MaxPlatformsTriedLength = 1000;

    /// <summary>Where it is in the outbox: Pending (queued), InProgress (sending), Done (sent), Retrying, DeadLetter (failed).</summary>
    public WorkState State { get; set; }

    /// <inheritdoc />
    public int Attempts { get; set; }

    /// <inheritdoc />
    public DateTimeOffset? NextAttemptAt { get; set; }

    /// <inheritdoc />
    public string? LeaseOwner { get; set; }

    /// <inheritdoc />
    public DateTimeOffset? LeaseUntil { get; set; }

    /// <summary>The message <c>uuid</c> sent with every attempt, so Feishu posts it once however often it is retried.</summary>
    public string Uuid { get; set; } = "";

    /// <summary>Feishu's <c>message_id</c> once sent.</summary>
    public string? MessageId { get; set; }

    /// <summary>
    /// A WeCom interactive card's <c>response_code</c> from its send, while unused: a changed notification updates that card
    /// in place with it (WeCom honours each code once, for 72 hours), instead of sending a new card.
    /// </summary>
    public string? ResponseCode { get; set; }

    /// <summary>When sent.</summary>
    public DateTimeOffset? SentAt { get; set; }

    /// <summary>The notification's <see cref="NotificationRow.Version"/> this recipient's message shows.</summary>
    public int? SentVersion { get; set; }

    /// <summary>
    /// The last failure's code when it is a number (a platform's, or one of the Hub's own below zero); null for a text code.
    /// A row stored before <see cref="PlatformCode"/> was kept has only this.
    /// </summary>
    public int? ErrorCode { get; set; }

    /// <summary>The last failure's code as the platform gave it, as a JSON token (<c>81013</c>, <c>"Forbidden.AccessDenied"</c>).</summary>
    public string? PlatformCode { get; set; }

    /// <summary>The platform whose failure it was (a routed delivery's may be the platform it left); null on older rows: the delivery's platform.</summary>
    public string? ErrorPlatform { get; set; }

    /// <summary>Longest <see cref="PlatformCode"/> stored.</summary>
    public const int MaxPlatformCodeLength = 200;

    /// <summary>The last failure's message.</summary>
    public string? LastError { get; set; }

    /// <summary>The last failure's request id (Feishu's log id), for the platform's support.</summary>
    public string? LogId { get; set; }
}
