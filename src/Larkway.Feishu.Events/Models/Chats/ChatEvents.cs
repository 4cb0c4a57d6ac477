using System.Text.Json.Serialization;

namespace Larkway.Feishu.Events.Models.Chats;

/// <summary>Fields shared by chat membership and chat lifecycle events.</summary>
public abstract record ChatEvent : FeishuEvent
{
    public string ChatId { get; init; } = "";

    /// <summary>Who did it.</summary>
    public UserIds? OperatorId { get; init; }

    /// <summary>True for an external (cross-tenant) chat.</summary>
    public bool? External { get; init; }

    public string? OperatorTenantKey { get; init; }

    /// <summary>The chat name.</summary>
    public string? Name { get; init; }

    [JsonPropertyName("i18n_names")]
    public ChatI18nNames? I18nNames { get; init; }
}

/// <summary>Localized chat names.</summary>
public sealed record ChatI18nNames
{
    public string? ZhCn { get; init; }

    public string? EnUs { get; init; }

    public string? JaJp { get; init; }
}

/// <summary>A user who joined or left.</summary>
public sealed record ChatMemberUser
{
    public string? Name { get; init; }

    public string? TenantKey { get; init; }

    public UserIds? UserId { get; init; }
}

/// <summary><c>im.chat.member.bot.added_v1</c>: the bot was added to a chat.</summary>
public sealed record ChatBotAddedEvent : ChatEvent, IFeishuEventType
{
    public const string Type = "im.chat.member.bot.added_v1";

    public static string TypeName => Type;

    [JsonIgnore]
    public override string EventType => Type;
}

/// <summary><c>im.chat.member.bot.deleted_v1</c>: the bot was removed from a chat.</summary>
public sealed record ChatBotDeletedEvent : ChatEvent, IFeishuEventType
{
    public const string Type = "im.chat.member.bot.deleted_v1";

    public static string TypeName => Type;

    [JsonIgnore]
    public override string EventType => Type;
}

/// <summary><c>im.chat.member.user.added_v1</c>: users joined a chat.</summary>
public sealed record ChatUserAddedEvent : ChatEvent, IFeishuEventType
{
    public const string Type = "im.chat.member.user.added_v1";

    public static string TypeName => Type;

    [JsonIgnore]
    public override string EventType => Type;

    public IReadOnlyList<ChatMemberUser> Users { get; init; } = [];
}

/// <summary><c>im.chat.member.user.deleted_v1</c>: users left (or were removed from) a chat.</summary>
public sealed record ChatUserDeletedEvent : ChatEvent, IFeishuEventType
{
    public const string Type = "im.chat.member.user.deleted_v1";

    public static string TypeName => Type;

    [JsonIgnore]
    public override string EventType => Type;

    public IReadOnlyList<ChatMemberUser> Users { get; init; } = [];
}

/// <summary><c>im.chat.disbanded_v1</c>: a chat was disbanded.</summary>
public sealed record ChatDisbandedEvent : ChatEvent, IFeishuEventType
{
    public const string Type = "im.chat.disbanded_v1";

    public static string TypeName => Type;

    [JsonIgnore]
    public override string EventType => Type;
}
