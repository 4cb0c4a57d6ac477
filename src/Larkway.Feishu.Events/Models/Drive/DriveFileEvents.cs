using System.Text.Json.Serialization;

namespace Larkway.Feishu.Events.Models.Drive;

/// <summary>What every drive file event carries: the file and its kind, and the users subscribed to it.</summary>
public abstract record DriveFileEvent : FeishuEvent
{
    /// <summary>The file's kind: <c>docx</c>, <c>doc</c>, <c>sheet</c>, <c>bitable</c>, <c>slides</c>, <c>file</c>.</summary>
    public string? FileType { get; init; }

    /// <summary>The file's token (for a docx document, its document_id).</summary>
    public string FileToken { get; init; } = "";

    /// <summary>The users subscribed to the file.</summary>
    public IReadOnlyList<UserIds>? SubscriberIdList { get; init; }
}

/// <summary>
/// <c>drive.file.edit_v1</c>: a file was edited. Arrives only for files the app subscribed to
/// (<c>client.Docs.Files.SubscribeAsync</c>, per file). Carries who edited, not what changed: read the file again.
/// </summary>
public sealed record DriveFileEditedEvent : DriveFileEvent, IFeishuEventType
{
    public const string Type = "drive.file.edit_v1";

    public static string TypeName => Type;

    [JsonIgnore]
    public override string EventType => Type;

    /// <summary>Who edited it (several people may have).</summary>
    public IReadOnlyList<UserIds>? OperatorIdList { get; init; }

    /// <summary>The sheet edited, for a spreadsheet.</summary>
    public string? SheetId { get; init; }
}

/// <summary><c>drive.file.title_updated_v1</c>: a subscribed file was renamed.</summary>
public sealed record DriveFileTitleUpdatedEvent : DriveFileEvent, IFeishuEventType
{
    public const string Type = "drive.file.title_updated_v1";

    public static string TypeName => Type;

    [JsonIgnore]
    public override string EventType => Type;

    /// <summary>Who renamed it.</summary>
    public UserIds? OperatorId { get; init; }
}

/// <summary><c>drive.file.trashed_v1</c>: a subscribed file was moved to the trash (it can be restored).</summary>
public sealed record DriveFileTrashedEvent : DriveFileEvent, IFeishuEventType
{
    public const string Type = "drive.file.trashed_v1";

    public static string TypeName => Type;

    [JsonIgnore]
    public override string EventType => Type;

    /// <summary>Who trashed it.</summary>
    public UserIds? OperatorId { get; init; }
}

/// <summary><c>drive.file.deleted_v1</c>: a subscribed file was deleted for good.</summary>
public sealed record DriveFileDeletedEvent : DriveFileEvent, IFeishuEventType
{
    public const string Type = "drive.file.deleted_v1";

    public static string TypeName => Type;

    [JsonIgnore]
    public override string EventType => Type;

    /// <summary>Who deleted it.</summary>
    public UserIds? OperatorId { get; init; }
}

/// <summary>What the permission-member events carry: who changed the sharing, and the users, chats and departments concerned.</summary>
public abstract record DrivePermissionMemberEvent : DriveFileEvent
{
    /// <summary>Who changed the sharing.</summary>
    public UserIds? OperatorId { get; init; }

    /// <summary>The users added or removed.</summary>
    public IReadOnlyList<UserIds>? UserList { get; init; }

    /// <summary>The chats added or removed.</summary>
    public IReadOnlyList<string>? ChatList { get; init; }

    /// <summary>The departments added or removed.</summary>
    public IReadOnlyList<string>? OpenDepartmentIdList { get; init; }
}

/// <summary><c>drive.file.permission_member_added_v1</c>: collaborators were added to a subscribed file.</summary>
public sealed record DrivePermissionMemberAddedEvent : DrivePermissionMemberEvent, IFeishuEventType
{
    public const string Type = "drive.file.permission_member_added_v1";

    public static string TypeName => Type;

    [JsonIgnore]
    public override string EventType => Type;
}

/// <summary><c>drive.file.permission_member_removed_v1</c>: collaborators were removed from a subscribed file.</summary>
public sealed record DrivePermissionMemberRemovedEvent : DrivePermissionMemberEvent, IFeishuEventType
{
    public const string Type = "drive.file.permission_member_removed_v1";

    public static string TypeName => Type;

    [JsonIgnore]
    public override string EventType => Type;
}
