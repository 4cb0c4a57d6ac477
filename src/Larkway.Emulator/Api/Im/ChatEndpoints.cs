using System.Text.Json;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Im;

/// <summary>Chat routes: create, get, update, disband, list mine, search (reference §4.6).</summary>
internal static class ChatEndpoints
{
    private const int Invalid = ErrorCodes.ChatInvalidParameter;
    private const int MaxUsersOnCreate = 50;
    private const int MaxBotsOnCreate = 5;
    private static readonly TimeSpan CreateUuidWindow = TimeSpan.FromHours(10);

    public static void MapChatEndpoints(this IEndpointRouteBuilder routes)
    {
        var chats = routes.MapGroup("/open-apis/im/v1/chats").AsOpenApi();
        chats.MapPost("", CreateAsync);
        chats.MapGet("", List);
        chats.MapGet("search", Search);
        chats.MapGet("{chat_id}", Get);
        chats.MapPut("{chat_id}", UpdateAsync);
        chats.MapDelete("{chat_id}", Disband);
    }

    internal static string UserIdType(HttpRequest request, bool allowApp = false)
    {
        var type = request.Query("user_id_type") ?? request.Query("member_id_type") ?? "open_id";
        return type is "open_id" or "union_id" or "user_id" || (allowApp && type == "app_id")
            ? type
            : throw new ApiErrorException(400, ErrorCodes.BadMemberIdType, $"invalid id type '{type}'");
    }

    internal static EmulatorChat RequireChat(EmulatorState state, string chatId) =>
        state.FindChat(chatId) ?? throw new ApiErrorException(400, ErrorCodes.ChatIdInvalid, $"invalid chat_id '{chatId}'");

    /// <summary>A chat the calling bot belongs to and that is not dissolved.</summary>
    internal static EmulatorChat RequireMemberChat(EmulatorState state, string chatId, EmulatorApp app)
    {
        var chat = RequireChat(state, chatId);
        if (chat.Dissolved)
        {
            throw new ApiErrorException(400, ErrorCodes.ChatDissolved, "the chat has been dissolved");
        }

        return chat.HasBot(app.AppId) ? chat : throw new ApiErrorException(400, ErrorCodes.OperatorNotInChat, "the operator (bot) is not in the chat");
    }

    private static async Task<IResult> CreateAsync(HttpContext context, EmulatorState state)
    {
        var app = context.CallerApp();
        var idType = UserIdType(context.Request);
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid, allowEmpty: true);
        var chatType = body.OptionalString("chat_type", Invalid) ?? "private";
        var chatMode = body.OptionalString("chat_mode", Invalid) ?? ChatModes.Group;
        if (chatType is not ("private" or "public") || chatMode is not (ChatModes.Group or ChatModes.Topic))
        {
            throw Fail("invalid chat_type (private|public) or chat_mode (group|topic)");
        }

        var name = body.OptionalString("name", Invalid);
        if (chatType == "public" && (name is null || name.Length < 2))
        {
            throw Fail("a public chat needs a name of at least 2 characters");
        }

        var userIds = body.OptionalStringArray("user_id_list", Invalid) ?? [];
        var botIds = body.OptionalStringArray("bot_id_list", Invalid) ?? [];
        if (userIds.Count > MaxUsersOnCreate || botIds.Count > MaxBotsOnCreate)
        {
            throw Fail($"at most {MaxUsersOnCreate} users and {MaxBotsOnCreate} bots per call");
        }

        var members = userIds.Select(id => state.FindUser(app.AppId, idType, id)?.OpenId ?? throw Fail($"invalid user_id_list: '{id}' is not a user ({idType})")).ToList();
        var bots = botIds.Select(id => state.FindApp(id)?.AppId ?? throw Fail($"invalid bot_id_list: '{id}' is not an app")).Prepend(app.AppId).Distinct().ToList();
        string? ownerOpenId = null;
        if (body.OptionalString("owner_id", Invalid) is { } ownerId)
        {
            ownerOpenId = state.FindUser(app.AppId, idType, ownerId)?.OpenId ?? throw Fail($"invalid owner_id '{ownerId}'");
            if (!members.Contains(ownerOpenId))
            {
                members.Add(ownerOpenId);
            }
        }

        var uuid = context.Request.Query("uuid");
        var chat = state.CreateChat(app.AppId, uuid, CreateUuidWindow, () => new EmulatorChat(
            Ids.ChatId(),
            name ?? "(无主题)",
            body.OptionalString("description", Invalid) ?? string.Empty,
            chatMode,
            chatType,
            [.. members.Distinct()],
            bots,
            state.NowMs())
        {
            OwnerOpenId = ownerOpenId,
            OwnerAppId = ownerOpenId is null ? app.AppId : null,
            GroupMessageType = body.OptionalString("group_message_type", Invalid) ?? "chat",
        });
        return Envelope.Ok(ChatView.From(chat, context.CallerIds(state), idType));
    }

    private static IResult Get(HttpContext context, [FromRoute(Name = "chat_id")] string chatId, EmulatorState state)
    {
        var chat = RequireChat(state, chatId);
        var idType = UserIdType(context.Request);
        if (!chat.HasBot(context.CallerApp().AppId))
        {
            // Non-members see only the public face of a chat.
            return Envelope.Ok(new { name = chat.Name, user_count = chat.MemberOpenIds.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), chat_status = ChatView.StatusOf(chat) });
        }

        return Envelope.Ok(ChatView.From(chat, context.CallerIds(state), idType));
    }

    private static async Task<IResult> UpdateAsync(HttpContext context, [FromRoute(Name = "chat_id")] string chatId, EmulatorState state)
    {
        var app = context.CallerApp();
        RequireMemberChat(state, chatId, app);
        var idType = UserIdType(context.Request);
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var addMember = body.OptionalString("add_member_permission", Invalid);
        var shareCard = body.OptionalString("share_card_permission", Invalid);
        if ((addMember is null) != (shareCard is null)
            || (addMember is not null && !((addMember == "only_owner" && shareCard == "not_allowed") || (addMember == "all_members" && shareCard == "allowed"))))
        {
            throw Fail("add_member_permission and share_card_permission must be set together: only_owner with not_allowed, all_members with allowed");
        }

        string? newOwner = null;
        if (body.OptionalString("owner_id", Invalid) is { } ownerId)
        {
            newOwner = state.FindUser(app.AppId, idType, ownerId)?.OpenId ?? throw Fail($"invalid owner_id '{ownerId}'");
        }

        var chatType = body.OptionalString("chat_type", Invalid);
        if (chatType is not (null or "private" or "public"))
        {
            throw Fail("invalid chat_type (private|public)");
        }

        state.UpdateChat(chatId, chat => chat with
        {
            Name = body.OptionalString("name", Invalid) ?? chat.Name,
            Description = body.OptionalString("description", Invalid) ?? chat.Description,
            ChatType = chatType ?? chat.ChatType,
            AddMemberPermission = addMember ?? chat.AddMemberPermission,
            ShareCardPermission = shareCard ?? chat.ShareCardPermission,
            EditPermission = body.OptionalString("edit_permission", Invalid) ?? chat.EditPermission,
            AtAllPermission = body.OptionalString("at_all_permission", Invalid) ?? chat.AtAllPermission,
            GroupMessageType = body.OptionalString("group_message_type", Invalid) ?? chat.GroupMessageType,
            OwnerOpenId = newOwner ?? chat.OwnerOpenId,
            OwnerAppId = newOwner is null ? chat.OwnerAppId : null,
            MemberOpenIds = newOwner is null || chat.HasMember(newOwner) ? chat.MemberOpenIds : [.. chat.MemberOpenIds, newOwner],
        });
        return Envelope.Ok();
    }

    private static IResult Disband(HttpContext context, [FromRoute(Name = "chat_id")] string chatId, EmulatorState state)
    {
        var app = context.CallerApp();
        RequireMemberChat(state, chatId, app);
        state.UpdateChat(chatId, chat => chat.OwnerAppId == app.AppId
            ? chat with { Dissolved = true }
            : throw new ApiErrorException(400, ErrorCodes.NotChatOwner, "only the chat owner can disband the chat; the bot is not the owner"), ChangeActor.App(app.AppId));
        return Envelope.Ok();
    }

    private static IResult List(HttpContext context, EmulatorState state)
    {
        var app = context.CallerApp();
        var sortType = context.Request.Query("sort_type") ?? "ByCreateTimeAsc";
        if (sortType is not ("ByCreateTimeAsc" or "ByActiveTimeDesc"))
        {
            throw Fail("invalid sort_type: ByCreateTimeAsc or ByActiveTimeDesc");
        }

        var mine = state.Chats.Where(c => c.HasBot(app.AppId) && !c.Dissolved && c.ChatMode != ChatModes.P2p);
        return sortType == "ByActiveTimeDesc"
            ? PageOf(context, state, [.. mine.OrderByDescending(c => Key(c.LastActiveMs, c.ChatId), StringComparer.Ordinal)], c => Key(c.LastActiveMs, c.ChatId), true, "list:" + sortType)
            : PageOf(context, state, [.. mine.OrderBy(c => Key(c.CreateTimeMs, c.ChatId), StringComparer.Ordinal)], c => Key(c.CreateTimeMs, c.ChatId), false, "list:" + sortType);
    }

    private static IResult Search(HttpContext context, EmulatorState state)
    {
        var app = context.CallerApp();
        var query = context.Request.Query("query") ?? string.Empty;

        // Empty or over-long queries match nothing (search page); matching is case-insensitive substring.
        var matches = query.Length is 0 or > 64
            ? []
            : state.Chats.Where(c => !c.Dissolved && c.ChatMode != ChatModes.P2p && (c.HasBot(app.AppId) || c.ChatType == "public")
                    && c.Name.Contains(query, StringComparison.OrdinalIgnoreCase))
                .OrderBy(c => Key(c.CreateTimeMs, c.ChatId), StringComparer.Ordinal)
                .ToList();
        return PageOf(context, state, matches, c => Key(c.CreateTimeMs, c.ChatId), false, "search:" + query);
    }

    private static IResult PageOf(HttpContext context, EmulatorState state, List<EmulatorChat> sorted, Func<EmulatorChat, string> key, bool descending, string scope)
    {
        var idType = UserIdType(context.Request);
        var pageSize = context.Request.QueryInt("page_size", 20, 1, 100, Invalid);
        var page = Paging.Slice(sorted, key, descending, context.Request.Query("page_token"), pageSize, scope, Invalid);
        return Envelope.Ok(new
        {
            items = page.Items.Select(c => ChatView.ListItem(c, context.CallerIds(state), idType)).ToList(),
            page_token = page.PageToken,
            has_more = page.HasMore,
        });
    }

    private static string Key(long ms, string chatId) => ms.ToString("D15", System.Globalization.CultureInfo.InvariantCulture) + ":" + chatId;

    private static ApiErrorException Fail(string message) => new(400, Invalid, message);
}
