using System.Text.Json.Serialization;

namespace Larkway.Feishu.Events.Models.Im;

/// <summary>Fields shared by reaction created/deleted.</summary>
public abstract record MessageReactionEvent : FeishuEvent
{
    public string MessageId { get; init; } = "";

    public ReactionType? ReactionType { get; init; }

    /// <summary><c>user</c> (then <see cref="UserId"/> is set) or <c>app</c> (then <see cref="AppId"/> is set).</summary>
    public string? OperatorType { get; init; }

    public UserIds? UserId { get; init; }

    public string? AppId { get; init; }

    /// <summary>Milliseconds since the epoch, as a string.</summary>
    [JsonConverter(typeof(Serialization.FlexibleStringConverter))]
    public string? ActionTime { get; init; }
}

/// <summary><c>im.message.reaction.created_v1</c>.</summary>
public sealed record MessageReactionCreatedEvent : MessageReactionEvent, IFeishuEventType
{
    public const string Type = "im.message.reaction.created_v1";

    public static string TypeName => Type;

    [JsonIgnore]
    public override string EventType => Type;
}

/// <summary><c>im.message.reaction.deleted_v1</c>.</summary>
public sealed record MessageReactionDeletedEvent : MessageReactionEvent, IFeishuEventType
{
    public const string Type = "im.message.reaction.deleted_v1";

    public static string TypeName => Type;

    [JsonIgnore]
    public override string EventType => Type;
}

/// <summary>The emoji of a reaction, e.g. <c>SMILE</c>.</summary>
public sealed record ReactionType
{
    public string EmojiType { get; init; } = "";
}
