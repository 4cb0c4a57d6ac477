using System.Globalization;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Api.Im;

/// <summary>Chat fields as create/get return them (reference §4.6).</summary>
internal sealed record ChatView(
    string ChatId,
    string Avatar,
    string Name,
    string Description,
    string OwnerId,
    string? OwnerIdType,
    IReadOnlyList<string> UserManagerIdList,
    IReadOnlyList<string> BotManagerIdList,
    string AddMemberPermission,
    string ShareCardPermission,
    string AtAllPermission,
    string EditPermission,
    string GroupMessageType,
    string ChatMode,
    string ChatType,
    string ChatTag,
    string JoinMessageVisibility,
    string LeaveMessageVisibility,
    string MembershipApproval,
    string ModerationPermission,
    bool External,
    string TenantKey,
    string UserCount,
    string BotCount,
    string ChatStatus)
{
    public static ChatView From(EmulatorChat chat, AppUserIds ids, string userIdType)
    {
        var (ownerId, ownerIdType) = Owner(chat, ids, userIdType);
        return new ChatView(
            chat.ChatId,
            AvatarOf(chat),
            chat.Name,
            chat.Description,
            ownerId,
            ownerIdType,
            [],
            [],
            chat.AddMemberPermission,
            chat.ShareCardPermission,
            chat.AtAllPermission,
            chat.EditPermission,
            chat.GroupMessageType,
            chat.ChatMode,
            chat.ChatType,
            "inner",
            "all_members",
            "all_members",
            "no_approval_required",
            "all_members",
            false,
            ids.State.Tenant.TenantKey,
            chat.MemberOpenIds.Count.ToString(CultureInfo.InvariantCulture),
            chat.BotAppIds.Count.ToString(CultureInfo.InvariantCulture),
            StatusOf(chat));
    }

    /// <summary>The short form used by list and search.</summary>
    public static object ListItem(EmulatorChat chat, AppUserIds ids, string userIdType)
    {
        var (ownerId, ownerIdType) = Owner(chat, ids, userIdType);
        return new
        {
            chat_id = chat.ChatId,
            avatar = AvatarOf(chat),
            name = chat.Name,
            description = chat.Description,
            owner_id = ownerId,
            owner_id_type = ownerIdType,
            external = false,
            tenant_key = ids.State.Tenant.TenantKey,
            chat_status = StatusOf(chat),
        };
    }

    public static string StatusOf(EmulatorChat chat) => chat.Dissolved ? "dissolved" : "normal";

    private static string AvatarOf(EmulatorChat chat) => "https://s1-imfile.feishucdn.com/static-resource/v1/emulator-avatar-" + chat.ChatId;

    // owner_id_type is absent when a bot owns the chat; owner_id is then the bot's app_id.
    private static (string OwnerId, string? OwnerIdType) Owner(EmulatorChat chat, AppUserIds ids, string userIdType) =>
        chat.OwnerOpenId is { } owner
            ? (ids.Of(owner, userIdType), userIdType)
            : (chat.OwnerAppId ?? string.Empty, null);
}
