namespace Larkway.Feishu.Docs;

/// <summary>The kinds of drive file the permission and subscription calls name (<c>type</c> / <c>file_type</c>).</summary>
public enum DriveFileType
{
    /// <summary>A docx document.</summary>
    Docx,
    /// <summary>An old-style document (<c>doc</c>).</summary>
    Doc,
    /// <summary>A sheet.</summary>
    Sheet,
    /// <summary>A base (Bitable).</summary>
    Bitable,
    /// <summary>An uploaded file.</summary>
    File,
    /// <summary>A wiki node.</summary>
    Wiki,
    /// <summary>A folder.</summary>
    Folder,
    /// <summary>A mind note.</summary>
    Mindnote,
    /// <summary>Slides.</summary>
    Slides,
}

/// <summary>How a member is named (<c>member_type</c>).</summary>
public enum DriveMemberType
{
    /// <summary>A user's open_id.</summary>
    OpenId,
    /// <summary>A user's union_id.</summary>
    UnionId,
    /// <summary>A user's user_id.</summary>
    UserId,
    /// <summary>A user's email.</summary>
    Email,
    /// <summary>A group chat's chat_id (the app's bot must be in it).</summary>
    OpenChat,
    /// <summary>A department's open_department_id (not with the tenant token).</summary>
    OpenDepartmentId,
}

/// <summary>What a member may do (<c>perm</c>).</summary>
public enum DrivePermission
{
    /// <summary>Read.</summary>
    View,
    /// <summary>Read and edit.</summary>
    Edit,
    /// <summary>Read, edit and manage (share, settings).</summary>
    FullAccess,
}

/// <summary>What to ask whether the caller may do (<c>action</c> of the permission check).</summary>
public enum DriveAction
{
    /// <summary>Open and read.</summary>
    View,
    /// <summary>Edit.</summary>
    Edit,
    /// <summary>Share.</summary>
    Share,
    /// <summary>Comment.</summary>
    Comment,
    /// <summary>Export.</summary>
    Export,
    /// <summary>Copy.</summary>
    Copy,
    /// <summary>Print.</summary>
    Print,
    /// <summary>Change the public settings.</summary>
    ManagePublic,
}

/// <summary>One collaborator of a file.</summary>
public sealed record DriveMember(DriveMemberType MemberType, string MemberId, DrivePermission Permission)
{
    /// <summary>The wire <c>member_type</c> as Feishu gave it (kinds the client does not name read as <see cref="DriveMemberType.OpenId"/> otherwise).</summary>
    public string? WireMemberType { get; init; }

    /// <summary><c>user</c>, <c>chat</c>, <c>department</c>, … (Feishu's <c>type</c>).</summary>
    public string? Kind { get; init; }

    /// <summary>The member's name, when asked for.</summary>
    public string? Name { get; init; }
}

/// <summary>
/// A file's public settings (v2): who may open it by its link, who may share, comment, copy. Null members are not
/// changed by an update.
/// </summary>
public sealed record DrivePublicSettings
{
    /// <summary>
    /// Who may open the file by its link: <c>tenant_readable</c>, <c>tenant_editable</c>, <c>partner_tenant_readable</c>,
    /// <c>partner_tenant_editable</c>, <c>anyone_readable</c>, <c>anyone_editable</c> or <c>closed</c>.
    /// </summary>
    public string? LinkShareEntity { get; init; }

    /// <summary>Whether people outside the tenant may be given access: <c>open</c>, <c>closed</c>, <c>allow_share_partner_tenant</c>.</summary>
    public string? ExternalAccessEntity { get; init; }

    /// <summary>Who may copy, print and download: <c>anyone_can_view</c>, <c>anyone_can_edit</c>, <c>only_full_access</c>.</summary>
    public string? SecurityEntity { get; init; }

    /// <summary>Who may comment: <c>anyone_can_view</c>, <c>anyone_can_edit</c>.</summary>
    public string? CommentEntity { get; init; }

    /// <summary>Who may add collaborators: <c>anyone</c>, <c>same_tenant</c>.</summary>
    public string? ShareEntity { get; init; }

    /// <summary>Which collaborators may manage collaborators.</summary>
    public string? ManageCollaboratorEntity { get; init; }

    /// <summary>Who may copy the content.</summary>
    public string? CopyEntity { get; init; }

    /// <summary>Whether the settings are locked (read only).</summary>
    public bool? LockSwitch { get; init; }

    /// <summary>Whether everyone in the tenant may open the file by its link.</summary>
    public bool TenantCanRead => LinkShareEntity is "tenant_readable" or "tenant_editable" or "anyone_readable" or "anyone_editable";
}

/// <summary>A file in a folder.</summary>
public sealed record DriveFile(string Token, string Name, string Type)
{
    /// <summary>The folder it is in.</summary>
    public string? ParentToken { get; init; }

    /// <summary>Its link.</summary>
    public string? Url { get; init; }

    /// <summary>When it was last changed.</summary>
    public DateTimeOffset? ModifiedTime { get; init; }

    /// <summary>Its owner's id.</summary>
    public string? OwnerId { get; init; }
}

/// <summary>A file's metadata (<c>metas/batch_query</c>).</summary>
public sealed record DriveFileMeta(string DocToken, string DocType, string? Title)
{
    /// <summary>Its owner's id.</summary>
    public string? OwnerId { get; init; }

    /// <summary>When it was last changed.</summary>
    public DateTimeOffset? LatestModifyTime { get; init; }

    /// <summary>Who changed it last.</summary>
    public string? LatestModifyUser { get; init; }

    /// <summary>Its link, when asked for.</summary>
    public string? Url { get; init; }
}

/// <summary>Metadata asked for: those found, and those not with Feishu's reason (970002 unsupported type, 970003 no permission, 970005 not found or the wrong type).</summary>
public sealed record DriveMetas(IReadOnlyList<DriveFileMeta> Found, IReadOnlyList<(string Token, int Code)> Failed);

internal static class DriveWire
{
    public static string Of(DriveFileType type) => type switch
    {
        DriveFileType.Docx => "docx",
        DriveFileType.Doc => "doc",
        DriveFileType.Sheet => "sheet",
        DriveFileType.Bitable => "bitable",
        DriveFileType.File => "file",
        DriveFileType.Wiki => "wiki",
        DriveFileType.Folder => "folder",
        DriveFileType.Mindnote => "mindnote",
        DriveFileType.Slides => "slides",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown drive file type."),
    };

    public static string Of(DriveMemberType type) => type switch
    {
        DriveMemberType.OpenId => "openid",
        DriveMemberType.UnionId => "unionid",
        DriveMemberType.UserId => "userid",
        DriveMemberType.Email => "email",
        DriveMemberType.OpenChat => "openchat",
        DriveMemberType.OpenDepartmentId => "opendepartmentid",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown member type."),
    };

    public static DriveMemberType MemberType(string? wire) => wire switch
    {
        "unionid" => DriveMemberType.UnionId,
        "userid" => DriveMemberType.UserId,
        "email" => DriveMemberType.Email,
        "openchat" => DriveMemberType.OpenChat,
        "opendepartmentid" => DriveMemberType.OpenDepartmentId,
        _ => DriveMemberType.OpenId,
    };

    public static string Of(DrivePermission permission) => permission switch
    {
        DrivePermission.View => "view",
        DrivePermission.Edit => "edit",
        DrivePermission.FullAccess => "full_access",
        _ => throw new ArgumentOutOfRangeException(nameof(permission), permission, "Unknown permission."),
    };

    public static DrivePermission Permission(string? wire) => wire switch
    {
        "edit" => DrivePermission.Edit,
        "full_access" => DrivePermission.FullAccess,
        _ => DrivePermission.View,
    };

    public static string Of(DriveAction action) => action switch
    {
        DriveAction.View => "view",
        DriveAction.Edit => "edit",
        DriveAction.Share => "share",
        DriveAction.Comment => "comment",
        DriveAction.Export => "export",
        DriveAction.Copy => "copy",
        DriveAction.Print => "print",
        DriveAction.ManagePublic => "manage_public",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "Unknown action."),
    };

    /// <summary>The user types Feishu calls <c>type=user</c>; a chat is <c>chat</c>, a department <c>department</c>.</summary>
    public static string Kind(DriveMemberType type) => type switch
    {
        DriveMemberType.OpenChat => "chat",
        DriveMemberType.OpenDepartmentId => "department",
        _ => "user",
    };
}
