using System.Text.Json.Serialization;

namespace Larkway.Feishu.Events.Models.Contact;

/// <summary><c>contact.user.created_v3</c>.</summary>
public sealed record ContactUserCreatedEvent : FeishuEvent, IFeishuEventType
{
    public const string Type = "contact.user.created_v3";

    public static string TypeName => Type;

    [JsonIgnore]
    public override string EventType => Type;

    public ContactUser Object { get; init; } = new();
}

/// <summary><c>contact.user.updated_v3</c>: <see cref="OldObject"/> holds the previous values of the changed fields.</summary>
public sealed record ContactUserUpdatedEvent : FeishuEvent, IFeishuEventType
{
    public const string Type = "contact.user.updated_v3";

    public static string TypeName => Type;

    [JsonIgnore]
    public override string EventType => Type;

    public ContactUser Object { get; init; } = new();

    public ContactUser? OldObject { get; init; }
}

/// <summary><c>contact.user.deleted_v3</c>.</summary>
public sealed record ContactUserDeletedEvent : FeishuEvent, IFeishuEventType
{
    public const string Type = "contact.user.deleted_v3";

    public static string TypeName => Type;

    [JsonIgnore]
    public override string EventType => Type;

    public ContactUser Object { get; init; } = new();

    public ContactUser? OldObject { get; init; }
}

/// <summary><c>contact.department.created_v3</c>.</summary>
public sealed record ContactDepartmentCreatedEvent : FeishuEvent, IFeishuEventType
{
    public const string Type = "contact.department.created_v3";

    public static string TypeName => Type;

    [JsonIgnore]
    public override string EventType => Type;

    public ContactDepartment Object { get; init; } = new();
}

/// <summary><c>contact.department.updated_v3</c>: <see cref="OldObject"/> holds the previous values of the changed fields.</summary>
public sealed record ContactDepartmentUpdatedEvent : FeishuEvent, IFeishuEventType
{
    public const string Type = "contact.department.updated_v3";

    public static string TypeName => Type;

    [JsonIgnore]
    public override string EventType => Type;

    public ContactDepartment Object { get; init; } = new();

    public ContactDepartment? OldObject { get; init; }
}

/// <summary><c>contact.department.deleted_v3</c>.</summary>
public sealed record ContactDepartmentDeletedEvent : FeishuEvent, IFeishuEventType
{
    public const string Type = "contact.department.deleted_v3";

    public static string TypeName => Type;

    [JsonIgnore]
    public override string EventType => Type;

    public ContactDepartment Object { get; init; } = new();

    public ContactDepartment? OldObject { get; init; }
}
