using System.Text.Json;
using System.Text.Json.Serialization;

namespace Larkway.Feishu.Im;

// Wire shapes of the IM endpoints (snake_case through FeishuJsonContext). Public models are
// mapped from these where the wire shape is awkward (nested body, ms strings, polymorphic ids).

internal sealed class MessageWire
{
    public string? MessageId { get; set; }

    public string? RootId { get; set; }

    public string? ParentId { get; set; }

    public string? ThreadId { get; set; }

    public string? MsgType { get; set; }

    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public long? CreateTime { get; set; }

    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public long? UpdateTime { get; set; }

    public bool Deleted { get; set; }

    public bool Updated { get; set; }

    public string? ChatId { get; set; }

    public SenderWire? Sender { get; set; }

    public MessageBodyWire? Body { get; set; }

    public List<MentionWire>? Mentions { get; set; }

    public string? UpperMessageId { get; set; }

    public FeishuMessage ToModel() => new()
    {
        MessageId = MessageId ?? "",
        RootId = NullIfEmpty(RootId),
        ParentId = NullIfEmpty(ParentId),
        ThreadId = NullIfEmpty(ThreadId),
        MessageType = MsgType ?? "",
        CreateTime = CreateTime is { } created ? DateTimeOffset.FromUnixTimeMilliseconds(created) : default,
        UpdateTime = UpdateTime is { } updated ? DateTimeOffset.FromUnixTimeMilliseconds(updated) : null,
        Deleted = Deleted,
        Updated = Updated,
        ChatId = NullIfEmpty(ChatId),
        Sender = Sender is { } s ? new MessageSender(s.Id, s.IdType, s.SenderType, s.TenantKey) : null,
        Content = Body?.Content,
        Mentions = Mentions?.Select(m => m.ToModel()).ToArray() ?? [],
        UpperMessageId = NullIfEmpty(UpperMessageId),
    };

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

internal sealed class SenderWire
{
    public string? Id { get; set; }

    public string? IdType { get; set; }

    public string? SenderType { get; set; }

    public string? TenantKey { get; set; }
}

internal sealed class MessageBodyWire
{
    public string? Content { get; set; }
}

internal sealed class MentionWire
{
    public string? Key { get; set; }

    // A string in API responses; an object {open_id, union_id, user_id} in events.
    public JsonElement Id { get; set; }

    public string? IdType { get; set; }

    public string? Name { get; set; }

    public string? TenantKey { get; set; }

    public MessageMention ToModel()
    {
        var id = Id.ValueKind switch
        {
            JsonValueKind.String => Id.GetString(),
            JsonValueKind.Object when Id.TryGetProperty("open_id", out var openId) => openId.GetString(),
            _ => null,
        };
        return new MessageMention(Key ?? "", id, IdType ?? (Id.ValueKind == JsonValueKind.Object ? "open_id" : null), Name, TenantKey);
    }
}

internal sealed class PageData<T>
{
    public List<T>? Items { get; set; }

    public bool HasMore { get; set; }

    public string? PageToken { get; set; }

    public int? Total { get; set; }

    public int? MemberTotal { get; set; }

    public FeishuPage<TModel> ToPage<TModel>(Func<T, TModel> map) =>
        new((Items ?? []).Select(map).ToArray(), HasMore ? PageToken : null, HasMore) { Total = Total ?? MemberTotal };
}

internal sealed class MessageItemsData
{
    public List<MessageWire>? Items { get; set; }
}

internal sealed class ReadUserWire
{
    public string? UserIdType { get; set; }

    public string? UserId { get; set; }

    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public long? Timestamp { get; set; }

    public string? TenantKey { get; set; }

    public MessageReadUser ToModel() => new(UserIdType ?? "", UserId ?? "", Timestamp is { } t ? DateTimeOffset.FromUnixTimeMilliseconds(t) : null, TenantKey);
}

internal sealed class ChatMemberWire
{
    public string? MemberIdType { get; set; }

    public string? MemberId { get; set; }

    public string? Name { get; set; }

    public string? TenantKey { get; set; }

    public ChatMember ToModel() => new(MemberIdType, MemberId ?? "", Name, TenantKey);
}

internal sealed class ChatWire
{
    public string? ChatId { get; set; }

    public string? Avatar { get; set; }

    public string? Name { get; set; }

    public string? Description { get; set; }

    public string? OwnerId { get; set; }

    public string? OwnerIdType { get; set; }

    public string? ChatMode { get; set; }

    public string? ChatType { get; set; }

    public string? ChatTag { get; set; }

    public string? GroupMessageType { get; set; }

    public string? AddMemberPermission { get; set; }

    public string? ShareCardPermission { get; set; }

    public string? AtAllPermission { get; set; }

    public string? EditPermission { get; set; }

    public bool External { get; set; }

    public string? TenantKey { get; set; }

    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public int? UserCount { get; set; }

    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public int? BotCount { get; set; }

    public string? ChatStatus { get; set; }

    public FeishuChat ToModel(string? chatId = null) => new()
    {
        ChatId = string.IsNullOrEmpty(ChatId) ? chatId ?? "" : ChatId,
        Avatar = Avatar,
        Name = Name,
        Description = Description,
        OwnerId = OwnerId,
        OwnerIdType = OwnerIdType,
        ChatMode = ChatMode,
        ChatType = ChatType,
        ChatTag = ChatTag,
        GroupMessageType = GroupMessageType,
        AddMemberPermission = AddMemberPermission,
        ShareCardPermission = ShareCardPermission,
        AtAllPermission = AtAllPermission,
        EditPermission = EditPermission,
        External = External,
        TenantKey = TenantKey,
        UserCount = UserCount,
        BotCount = BotCount,
        ChatStatus = ChatStatus,
    };

    public ChatSummary ToSummary() => new()
    {
        ChatId = ChatId ?? "",
        Avatar = Avatar,
        Name = Name,
        Description = Description,
        OwnerId = OwnerId,
        OwnerIdType = OwnerIdType,
        External = External,
        TenantKey = TenantKey,
        ChatStatus = ChatStatus,
    };
}

internal sealed class AddMembersData
{
    public List<string>? InvalidIdList { get; set; }

    public List<string>? NotExistedIdList { get; set; }

    public List<string>? PendingApprovalIdList { get; set; }
}

internal sealed class RemoveMembersData
{
    public List<string>? InvalidIdList { get; set; }
}

internal sealed class IsInChatData
{
    public bool IsInChat { get; set; }
}

internal sealed class ImageKeyData
{
    public string? ImageKey { get; set; }
}

internal sealed class FileKeyData
{
    public string? FileKey { get; set; }
}

internal sealed record SendMessageBody(string ReceiveId, string MsgType, string Content, string Uuid);

internal sealed record ReplyMessageBody(string MsgType, string Content, bool? ReplyInThread, string Uuid);

internal sealed record EditMessageBody(string MsgType, string Content);

internal sealed record UpdateCardBody(string Content);

internal sealed record MembersBody(IReadOnlyList<string> IdList);
