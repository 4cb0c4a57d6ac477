namespace Larkway.Feishu.Im;

/// <summary>A message as the platform returns it (create, reply, edit, get, list).</summary>
public record FeishuMessage
{
    /// <summary><c>message_id</c>, <c>om_…</c>.</summary>
    public required string MessageId { get; init; }

    /// <summary>Root of the reply tree, when this is a reply.</summary>
    public string? RootId { get; init; }

    /// <summary>The message this one replies to.</summary>
    public string? ParentId { get; init; }

    /// <summary>The topic thread (<c>omt_…</c>), for topic messages.</summary>
    public string? ThreadId { get; init; }

    /// <summary><c>msg_type</c>: text, post, image, file, audio, media, sticker, interactive, share_chat, share_user, system, merge_forward, …</summary>
    public required string MessageType { get; init; }

    /// <summary>When it was sent.</summary>
    public DateTimeOffset CreateTime { get; init; }

    /// <summary>When it was last changed, if reported.</summary>
    public DateTimeOffset? UpdateTime { get; init; }

    /// <summary>Recalled or deleted.</summary>
    public bool Deleted { get; init; }

    /// <summary>Edited or updated.</summary>
    public bool Updated { get; init; }

    /// <summary>The chat (<c>oc_…</c>).</summary>
    public string? ChatId { get; init; }

    /// <summary>Who sent it.</summary>
    public MessageSender? Sender { get; init; }

    /// <summary><c>body.content</c>: the read-side content JSON string (mentions as <c>@_user_N</c>).</summary>
    public string? Content { get; init; }

    /// <summary>Mentions, resolving the <c>@_user_N</c> keys of <see cref="Content"/>.</summary>
    public IReadOnlyList<MessageMention> Mentions { get; init; } = [];

    /// <summary>The merge-forward parent, for its children.</summary>
    public string? UpperMessageId { get; init; }
}

/// <summary>A message just sent or replied, with the idempotency key it was sent with.</summary>
public sealed record SentMessage : FeishuMessage
{
    /// <summary>Copies <paramref name="message"/> and adds <paramref name="uuid"/>.</summary>
    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    public SentMessage(FeishuMessage message, string uuid)
        : base(message)
    {
        Uuid = uuid;
    }

    /// <summary>The <c>uuid</c> sent (given or generated): sending again with it posts nothing new within an hour.</summary>
    public string Uuid { get; }
}

/// <summary>The sender of a message.</summary>
/// <param name="Id">open_id of a user, app_id of an app.</param>
/// <param name="IdType"><c>open_id</c> or <c>app_id</c>.</param>
/// <param name="SenderType"><c>user</c>, <c>app</c>, <c>anonymous</c> or <c>unknown</c>.</param>
/// <param name="TenantKey">The sender's tenant.</param>
public sealed record MessageSender(string? Id, string? IdType, string? SenderType, string? TenantKey);

/// <summary>One mention in a message.</summary>
/// <param name="Key">The placeholder in the content, e.g. <c>@_user_1</c>.</param>
/// <param name="Id">The mentioned user's id.</param>
/// <param name="IdType">The kind of <paramref name="Id"/> (open_id).</param>
/// <param name="Name">The display name.</param>
/// <param name="TenantKey">The user's tenant.</param>
public sealed record MessageMention(string Key, string? Id, string? IdType, string? Name, string? TenantKey);

/// <summary>Order of a chat's history.</summary>
public enum MessageSortOrder
{
    /// <summary>Oldest first (<c>ByCreateTimeAsc</c>, the default).</summary>
    Ascending,

    /// <summary>Newest first (<c>ByCreateTimeDesc</c>).</summary>
    Descending,
}

/// <summary>A user who read a message.</summary>
/// <param name="UserIdType">The kind of <paramref name="UserId"/>.</param>
/// <param name="UserId">The reader.</param>
/// <param name="ReadTime">When they read it.</param>
/// <param name="TenantKey">Their tenant.</param>
public sealed record MessageReadUser(string UserIdType, string UserId, DateTimeOffset? ReadTime, string? TenantKey);

/// <summary>The id kind of users in requests and responses (<c>user_id_type</c>).</summary>
public enum UserIdType
{
    /// <summary><c>open_id</c> (default).</summary>
    OpenId,

    /// <summary><c>union_id</c>.</summary>
    UnionId,

    /// <summary><c>user_id</c> (needs the employee-id scope).</summary>
    UserId,
}

/// <summary>The id kind of chat members (<c>member_id_type</c>).</summary>
public enum MemberIdType
{
    /// <summary><c>open_id</c> (default).</summary>
    OpenId,

    /// <summary><c>union_id</c>.</summary>
    UnionId,

    /// <summary><c>user_id</c>.</summary>
    UserId,

    /// <summary><c>app_id</c>: bots (add/remove only).</summary>
    AppId,
}

/// <summary>How adding members treats ids that cannot be added (<c>succeed_type</c>).</summary>
public enum AddMembersPolicy
{
    /// <summary>0: fail on unknown or invisible ids, skip resigned users (the platform default).</summary>
    Default = 0,

    /// <summary>1: add the valid ids, report the rest.</summary>
    AddValid = 1,

    /// <summary>2: fail if any id is invalid.</summary>
    AllOrNothing = 2,
}

/// <summary>What kind of resource of a message to download (<c>type</c>).</summary>
public enum MessageResourceType
{
    /// <summary>Images, including images in posts.</summary>
    Image,

    /// <summary>Files, audio and video.</summary>
    File,
}

/// <summary>What an image is uploaded for (<c>image_type</c>).</summary>
public enum ImageType
{
    /// <summary>To send in messages.</summary>
    Message,

    /// <summary>As an avatar.</summary>
    Avatar,
}

/// <summary>The kind of an uploaded file (<c>file_type</c>).</summary>
public enum FileType
{
    /// <summary>Voice (opus), sent as audio.</summary>
    Opus,

    /// <summary>Video (mp4), sent as media.</summary>
    Mp4,

    /// <summary>PDF.</summary>
    Pdf,

    /// <summary>Word document.</summary>
    Doc,

    /// <summary>Spreadsheet.</summary>
    Xls,

    /// <summary>Slides.</summary>
    Ppt,

    /// <summary>Anything else.</summary>
    Stream,
}

/// <summary>Order of the chats list (<c>sort_type</c>).</summary>
public enum ChatSortOrder
{
    /// <summary>By creation, oldest first (<c>ByCreateTimeAsc</c>, the default).</summary>
    CreateTimeAscending,

    /// <summary>Most recently active first (<c>ByActiveTimeDesc</c>).</summary>
    ActiveTimeDescending,
}

/// <summary>A chat in a list or search result.</summary>
public sealed record ChatSummary
{
    /// <summary><c>oc_…</c>.</summary>
    public required string ChatId { get; init; }

    /// <summary>Avatar URL.</summary>
    public string? Avatar { get; init; }

    /// <summary>Name.</summary>
    public string? Name { get; init; }

    /// <summary>Description.</summary>
    public string? Description { get; init; }

    /// <summary>Owner id.</summary>
    public string? OwnerId { get; init; }

    /// <summary>Kind of <see cref="OwnerId"/>.</summary>
    public string? OwnerIdType { get; init; }

    /// <summary>Whether it is an external chat.</summary>
    public bool External { get; init; }

    /// <summary>Tenant.</summary>
    public string? TenantKey { get; init; }

    /// <summary><c>normal</c>, <c>dissolved</c> or <c>dissolved_save</c>.</summary>
    public string? ChatStatus { get; init; }
}

/// <summary>A chat's details (get; create).</summary>
public sealed record FeishuChat
{
    /// <summary><c>oc_…</c>.</summary>
    public string ChatId { get; init; } = "";

    /// <summary>Avatar URL.</summary>
    public string? Avatar { get; init; }

    /// <summary>Name.</summary>
    public string? Name { get; init; }

    /// <summary>Description.</summary>
    public string? Description { get; init; }

    /// <summary>Owner id (absent when a bot owns it).</summary>
    public string? OwnerId { get; init; }

    /// <summary>Kind of <see cref="OwnerId"/>.</summary>
    public string? OwnerIdType { get; init; }

    /// <summary><c>group</c>, <c>topic</c> or <c>p2p</c>.</summary>
    public string? ChatMode { get; init; }

    /// <summary><c>private</c> or <c>public</c>.</summary>
    public string? ChatType { get; init; }

    /// <summary>inner, tenant, department, edu, meeting or customer_service.</summary>
    public string? ChatTag { get; init; }

    /// <summary><c>chat</c> or <c>thread</c>.</summary>
    public string? GroupMessageType { get; init; }

    /// <summary><c>only_owner</c> or <c>all_members</c>.</summary>
    public string? AddMemberPermission { get; init; }

    /// <summary><c>allowed</c> or <c>not_allowed</c>.</summary>
    public string? ShareCardPermission { get; init; }

    /// <summary><c>only_owner</c> or <c>all_members</c>.</summary>
    public string? AtAllPermission { get; init; }

    /// <summary><c>only_owner</c> or <c>all_members</c>.</summary>
    public string? EditPermission { get; init; }

    /// <summary>Whether it is an external chat.</summary>
    public bool External { get; init; }

    /// <summary>Tenant.</summary>
    public string? TenantKey { get; init; }

    /// <summary>Number of users.</summary>
    public int? UserCount { get; init; }

    /// <summary>Number of bots.</summary>
    public int? BotCount { get; init; }

    /// <summary><c>normal</c>, <c>dissolved</c> or <c>dissolved_save</c>.</summary>
    public string? ChatStatus { get; init; }
}

/// <summary>What to create a chat with (every field optional).</summary>
public sealed record CreateChatRequest
{
    /// <summary>Name (a public chat needs at least 2 characters).</summary>
    public string? Name { get; init; }

    /// <summary>Description.</summary>
    public string? Description { get; init; }

    /// <summary>Avatar image key (uploaded with <see cref="ImageType.Avatar"/>).</summary>
    public string? Avatar { get; init; }

    /// <summary>Owner (default: the creating bot), of <see cref="UserIdType"/>.</summary>
    public string? OwnerId { get; init; }

    /// <summary>Users to add (at most 50).</summary>
    public IReadOnlyList<string>? UserIdList { get; init; }

    /// <summary>Bots (app ids) to add (at most 5).</summary>
    public IReadOnlyList<string>? BotIdList { get; init; }

    /// <summary><c>group</c> (default) or <c>topic</c>.</summary>
    public string? ChatMode { get; init; }

    /// <summary><c>private</c> (default) or <c>public</c>.</summary>
    public string? ChatType { get; init; }

    /// <summary><c>chat</c> (default) or <c>thread</c>.</summary>
    public string? GroupMessageType { get; init; }

    /// <summary>Whether the chat may have external members.</summary>
    public bool? External { get; init; }
}

/// <summary>What to change on a chat (null fields are left as they are).</summary>
public sealed record UpdateChatRequest
{
    /// <summary>New name.</summary>
    public string? Name { get; init; }

    /// <summary>New description.</summary>
    public string? Description { get; init; }

    /// <summary>New avatar image key.</summary>
    public string? Avatar { get; init; }

    /// <summary>New owner (transfer).</summary>
    public string? OwnerId { get; init; }

    /// <summary><c>only_owner</c> or <c>all_members</c> (set together with <see cref="ShareCardPermission"/>).</summary>
    public string? AddMemberPermission { get; init; }

    /// <summary><c>allowed</c> or <c>not_allowed</c>.</summary>
    public string? ShareCardPermission { get; init; }

    /// <summary><c>only_owner</c> or <c>all_members</c>.</summary>
    public string? AtAllPermission { get; init; }

    /// <summary><c>only_owner</c> or <c>all_members</c>.</summary>
    public string? EditPermission { get; init; }

    /// <summary><c>private</c> or <c>public</c>.</summary>
    public string? ChatType { get; init; }
}

/// <summary>A member of a chat.</summary>
/// <param name="MemberIdType">The kind of <paramref name="MemberId"/>.</param>
/// <param name="MemberId">The member's id.</param>
/// <param name="Name">Display name.</param>
/// <param name="TenantKey">The member's tenant.</param>
public sealed record ChatMember(string? MemberIdType, string MemberId, string? Name, string? TenantKey);

/// <summary>The outcome of adding members.</summary>
/// <param name="InvalidIds">Ids that could not be added.</param>
/// <param name="NotExistedIds">Ids that do not exist.</param>
/// <param name="PendingApprovalIds">Ids waiting for the owner's approval.</param>
public sealed record AddChatMembersResult(IReadOnlyList<string> InvalidIds, IReadOnlyList<string> NotExistedIds, IReadOnlyList<string> PendingApprovalIds);
