using System.Text.Json.Serialization;

namespace Larkway.Feishu.Events.Models.Im;

/// <summary><c>im.message.receive_v1</c>: a user or bot sent a message the app can see.</summary>
public sealed record MessageReceivedEvent : FeishuEvent, IFeishuEventType
{
    public const string Type = "im.message.receive_v1";

    public static string TypeName => Type;

    [JsonIgnore]
    public override string EventType => Type;

    public MessageSender Sender { get; init; } = new();

    public ReceivedMessage Message { get; init; } = new();
}

/// <summary>Who sent the message.</summary>
public sealed record MessageSender
{
    public UserIds? SenderId { get; init; }

    /// <summary>Currently <c>user</c> (also <c>app</c>, <c>anonymous</c>, <c>unknown</c> are documented).</summary>
    public string? SenderType { get; init; }

    public string? TenantKey { get; init; }
}

/// <summary>The received message. <see cref="Content"/> is a JSON string whose shape depends on <see cref="MessageType"/>; see <see cref="ParseContent"/>.</summary>
public sealed record ReceivedMessage
{
    public string MessageId { get; init; } = "";

    public string? RootId { get; init; }

    public string? ParentId { get; init; }

    /// <summary>Milliseconds since the epoch, as a string.</summary>
    [JsonConverter(typeof(Serialization.FlexibleStringConverter))]
    public string? CreateTime { get; init; }

    /// <summary>Milliseconds since the epoch, as a string.</summary>
    [JsonConverter(typeof(Serialization.FlexibleStringConverter))]
    public string? UpdateTime { get; init; }

    public string ChatId { get; init; } = "";

    public string? ThreadId { get; init; }

    /// <summary><c>p2p</c> or <c>group</c>.</summary>
    public string? ChatType { get; init; }

    /// <summary><c>text</c>, <c>post</c>, <c>image</c>, <c>file</c>, <c>audio</c>, <c>media</c>, <c>sticker</c>, <c>interactive</c>, <c>share_chat</c>, <c>share_user</c>, <c>merge_forward</c>, <c>system</c>, …</summary>
    public string MessageType { get; init; } = "";

    /// <summary>The JSON-encoded content.</summary>
    public string Content { get; init; } = "";

    public IReadOnlyList<MessageMention>? Mentions { get; init; }

    public string? UserAgent { get; init; }

    /// <summary>Parses <see cref="Content"/> according to <see cref="MessageType"/>; unknown types and unparsable content give <see cref="UnknownContent"/>.</summary>
    public MessageContent ParseContent() => MessageContent.Parse(MessageType, Content);
}

/// <summary>An @mention; <see cref="Key"/> (e.g. <c>@_user_1</c>) is the placeholder in the content.</summary>
public sealed record MessageMention
{
    public string Key { get; init; } = "";

    public UserIds? Id { get; init; }

    public string? Name { get; init; }

    public string? TenantKey { get; init; }
}
