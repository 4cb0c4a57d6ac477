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

/// <summary>
/// <c>contact.user.updated_v3</c>: <see cref="Object"/> is the user after the change, <see cref="OldObject"/> holds the
/// previous values of the changed fields. A mobile or email change arrives as an event of its own.
/// </summary>
public sealed record ContactUserUpdatedEvent : FeishuEvent, IFeishuEventType
{
    public const string Type = "contact.user.updated_v3";

    public static string TypeName => Type;

    [JsonIgnore]
    public override string EventType => Type;

    public ContactUser Object { get; init; } = new();

    public ContactUser? OldObject { get; init; }
}

/// <summary>
/// <c>contact.user.deleted_v3</c>: the user resigned or was deleted. <see cref="Object"/> no longer lists departments;
/// <see cref="OldObject"/> carries the open_id and the departments the user was in.
/// </summary>
public sealed record ContactUserDeletedEvent : FeishuEvent, IFeishuEventType
{
    public const string Type = "contact.user.deleted_v3";

    public static string TypeName => Type;

    [JsonIgnore]
    public override string EventType => Type;

    public ContactUser Object { get; init; } = new();

    /// <summary>Before the deletion: <c>department_ids</c> (open_department_ids) and <c>open_id</c>.</summary>
    public ContactUser? OldObject { get; init; }

    /// <summary>The departments the user was in before the deletion (from <see cref="OldObject"/>; empty when not given).</summary>
    [JsonIgnore]
    public IReadOnlyList<string> FormerDepartmentIds => OldObject?.DepartmentIds ?? [];
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

/// <summary>
/// <c>contact.scope.updated_v3</c>: the app's contact scope changed. <see cref="Added"/> and <see cref="Removed"/> hold the
/// departments, users and user groups that came into or went out of it (whole objects; departments are not expanded).
/// </summary>
public sealed record ContactScopeUpdatedEvent : FeishuEvent, IFeishuEventType
{
    public const string Type = "contact.scope.updated_v3";

    public static string TypeName => Type;

    [JsonIgnore]
    public override string EventType => Type;

    public ContactScopeChange? Added { get; init; }

    public ContactScopeChange? Removed { get; init; }
}

/// <summary>One side of a contact scope change.</summary>
public sealed record ContactScopeChange
{
    public IReadOnlyList<ContactDepartment>? Departments { get; init; }

    public IReadOnlyList<ContactUser>? Users { get; init; }

    public IReadOnlyList<ContactUserGroup>? UserGroups { get; init; }
}
