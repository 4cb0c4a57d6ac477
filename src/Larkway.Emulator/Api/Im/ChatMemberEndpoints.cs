using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Im;

/// <summary>Chat member routes (reference §4.7). Bots are members but never listed.</summary>
internal static class ChatMemberEndpoints
{
    private const int Invalid = ErrorCodes.ChatInvalidParameter;
    private const int MaxUsersPerCall = 50;
    private const int MaxBotsPerCall = 5;

    public static void MapChatMemberEndpoints(this IEndpointRouteBuilder routes)
    {
        var members = routes.MapGroup("/open-apis/im/v1/chats/{chat_id}/members").AsOpenApi();
        members.MapPost("", AddAsync);
        members.MapDelete("", RemoveAsync);
        members.MapGet("", List);
        members.MapGet("is_in_chat", IsInChat);
        members.MapPatch("me_join", MeJoin);
    }

    private static async Task<IResult> AddAsync(HttpContext context, [FromRoute(Name = "chat_id")] string chatId, EmulatorState state)
    {
        var app = context.CallerApp();
        ChatEndpoints.RequireMemberChat(state, chatId, app);
        var idType = ChatEndpoints.UserIdType(context.Request, allowApp: true);
        var succeedType = context.Request.QueryInt("succeed_type", 0, 0, 2, Invalid);
        var ids = await ReadIdListAsync(context, idType);

        var users = new List<string>();
        var bots = new List<string>();
        var invalid = new List<string>();
        var notExisted = new List<string>();
        foreach (var id in ids)
        {
            switch (Resolve(state, app.AppId, idType, id))
            {
                case (MemberStatus.Bot, var appId):
                    bots.Add(appId);
                    break;
                case (MemberStatus.User, var openId):
                    users.Add(openId);
                    break;
                case (MemberStatus.Resigned, _):
                    invalid.Add(id);
                    break;
                case (MemberStatus.Malformed, _):
                    invalid.Add(id);
                    break;
                default:
                    notExisted.Add(id);
                    break;
            }
        }

        // succeed_type: 0 = fail on unknown ids, skip resigned ones; 1 = add what is valid and
        // report the rest; 2 = fail if anything is not addable.
        var refuse = succeedType switch
        {
            0 => notExisted.Count > 0 || invalid.Exists(id => Resolve(state, app.AppId, idType, id).Status == MemberStatus.Malformed),
            2 => notExisted.Count > 0 || invalid.Count > 0,
            _ => false,
        };
        if (refuse)
        {
            throw new ApiErrorException(400, Invalid, $"invalid id_list: not existed [{string.Join(", ", notExisted)}], invalid [{string.Join(", ", invalid)}]");
        }

        if (users.Count + bots.Count == 0 && succeedType != 1)
        {
            throw new ApiErrorException(400, ErrorCodes.NoValidMembers, "no valid members to add");
        }

        state.UpdateChat(chatId, chat => chat with
        {
            MemberOpenIds = [.. chat.MemberOpenIds.Concat(users).Distinct()],
            BotAppIds = [.. chat.BotAppIds.Concat(bots).Distinct()],
        }, ChangeActor.App(app.AppId));
        return Envelope.Ok(new { invalid_id_list = invalid, not_existed_id_list = notExisted, pending_approval_id_list = Array.Empty<string>() });
    }

    private static async Task<IResult> RemoveAsync(HttpContext context, [FromRoute(Name = "chat_id")] string chatId, EmulatorState state)
    {
        var app = context.CallerApp();
        var current = ChatEndpoints.RequireMemberChat(state, chatId, app);
        var idType = ChatEndpoints.UserIdType(context.Request, allowApp: true);
        var ids = await ReadIdListAsync(context, idType);
        var invalid = new List<string>();
        var removeUsers = new HashSet<string>(StringComparer.Ordinal);
        var removeBots = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            var (status, resolved) = Resolve(state, app.AppId, idType, id);
            if (status == MemberStatus.Bot && current.HasBot(resolved))
            {
                removeBots.Add(resolved);
            }
            else if (status is MemberStatus.User or MemberStatus.Resigned && current.HasMember(resolved))
            {
                removeUsers.Add(resolved);
            }
            else
            {
                invalid.Add(id);
            }
        }

        state.UpdateChat(chatId, chat => chat with
        {
            MemberOpenIds = [.. chat.MemberOpenIds.Where(id => !removeUsers.Contains(id))],
            BotAppIds = [.. chat.BotAppIds.Where(id => !removeBots.Contains(id))],
        }, ChangeActor.App(app.AppId));
        return Envelope.Ok(new { invalid_id_list = invalid });
    }

    private static IResult List(HttpContext context, [FromRoute(Name = "chat_id")] string chatId, EmulatorState state)
    {
        var chat = ChatEndpoints.RequireMemberChat(state, chatId, context.CallerApp());
        var ids = context.CallerIds(state);
        var idType = ChatEndpoints.UserIdType(context.Request);
        var pageSize = context.Request.QueryInt("page_size", 20, 1, 100, Invalid);
        var sorted = chat.MemberOpenIds.Order(StringComparer.Ordinal).ToList();
        var page = Paging.Slice(sorted, id => id, false, context.Request.Query("page_token"), pageSize, "members:" + chatId, Invalid);
        return Envelope.Ok(new
        {
            items = page.Items.Select(openId => new
            {
                member_id_type = idType,
                member_id = ids.Of(openId, idType),
                name = state.FindUser("open_id", openId)?.Name ?? string.Empty,
                tenant_key = state.Tenant.TenantKey,
            }).ToList(),
            page_token = page.PageToken,
            has_more = page.HasMore,
            member_total = chat.MemberOpenIds.Count,
        });
    }

    private static IResult IsInChat(HttpContext context, [FromRoute(Name = "chat_id")] string chatId, EmulatorState state)
    {
        var chat = ChatEndpoints.RequireChat(state, chatId);
        return Envelope.Ok(new { is_in_chat = !chat.Dissolved && chat.HasBot(context.CallerApp().AppId) });
    }

    /// <summary>The calling bot joins a public chat; private chats need an invitation.</summary>
    private static IResult MeJoin(HttpContext context, [FromRoute(Name = "chat_id")] string chatId, EmulatorState state)
    {
        var app = context.CallerApp();
        var chat = ChatEndpoints.RequireChat(state, chatId);
        if (chat.Dissolved)
        {
            throw new ApiErrorException(400, ErrorCodes.ChatDissolved, "the chat has been dissolved");
        }

        if (chat.ChatType != "public")
        {
            throw new ApiErrorException(400, ErrorCodes.ChatNoPermission, "only public chats can be joined with me_join");
        }

        state.UpdateChat(chatId, c => c.HasBot(app.AppId) ? c : c with { BotAppIds = [.. c.BotAppIds, app.AppId] }, ChangeActor.App(app.AppId));
        return Envelope.Ok();
    }

    private static async Task<IReadOnlyList<string>> ReadIdListAsync(HttpContext context, string idType)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var ids = body.OptionalStringArray("id_list", Invalid) ?? [];
        var max = idType == "app_id" ? MaxBotsPerCall : MaxUsersPerCall;
        return ids.Count is > 0 && ids.Count <= max
            ? ids
            : throw new ApiErrorException(400, Invalid, $"id_list must hold 1 to {max} ids");
    }

    private enum MemberStatus
    {
        User,
        Bot,
        Resigned,
        Malformed,
        NotExisted,
    }

    /// <summary>Malformed ids (wrong prefix) are "invalid"; well-formed unknown ids are "not existed".</summary>
    private static (MemberStatus Status, string Id) Resolve(EmulatorState state, string appId, string idType, string id)
    {
        var wellFormed = idType switch
        {
            "open_id" => id.StartsWith("ou_", StringComparison.Ordinal),
            "union_id" => id.StartsWith("on_", StringComparison.Ordinal),
            "app_id" => id.StartsWith("cli_", StringComparison.Ordinal),
            _ => id.Length > 0,
        };
        if (!wellFormed)
        {
            return (MemberStatus.Malformed, id);
        }

        if (idType == "app_id")
        {
            return state.FindApp(id) is { } app ? (MemberStatus.Bot, app.AppId) : (MemberStatus.NotExisted, id);
        }

        return state.FindUser(appId, idType, id) switch
        {
            null => (MemberStatus.NotExisted, id),
            { IsResigned: true } user => (MemberStatus.Resigned, user.OpenId),
            var user => (MemberStatus.User, user.OpenId),
        };
    }
}
