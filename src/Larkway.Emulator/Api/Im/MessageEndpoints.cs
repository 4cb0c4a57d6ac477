using System.Globalization;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Im;

/// <summary>IM v1 message routes (reference §4.2, §4.5 message resources).</summary>
internal static class MessageEndpoints
{
    private const int Invalid = ErrorCodes.ImInvalidParameter;

    public static void MapMessageEndpoints(this IEndpointRouteBuilder routes)
    {
        var messages = routes.MapGroup("/open-apis/im/v1/messages").AsOpenApi();
        messages.MapPost("", SendAsync);
        messages.MapGet("", History);
        messages.MapPost("{message_id}/reply", ReplyAsync);
        messages.MapPut("{message_id}", EditAsync);
        messages.MapPatch("{message_id}", UpdateCardAsync);
        messages.MapDelete("{message_id}", Recall);
        messages.MapGet("{message_id}", Get);
        messages.MapGet("{message_id}/read_users", ReadUsers);
        messages.MapGet("{message_id}/resources/{file_key}", Resource);
    }

    private static async Task<IResult> SendAsync(HttpContext context, MessageService service, EmulatorState state)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var message = service.Send(
            context.CallerApp(),
            context.Request.Query("receive_id_type"),
            body.RequiredString("receive_id", Invalid),
            body.RequiredString("msg_type", Invalid),
            body.RequiredString("content", Invalid),
            body.OptionalString("uuid", Invalid));
        return Envelope.Ok(MessageView.From(message, context.CallerIds(state)));
    }

    private static async Task<IResult> ReplyAsync(HttpContext context, [FromRoute(Name = "message_id")] string messageId, MessageService service, EmulatorState state)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var message = service.Reply(
            context.CallerApp(),
            messageId,
            body.RequiredString("msg_type", Invalid),
            body.RequiredString("content", Invalid),
            body.OptionalBool("reply_in_thread", Invalid) ?? false,
            body.OptionalString("uuid", Invalid));
        return Envelope.Ok(MessageView.From(message, context.CallerIds(state)));
    }

    private static async Task<IResult> EditAsync(HttpContext context, [FromRoute(Name = "message_id")] string messageId, MessageService service, EmulatorState state)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var message = service.Edit(context.CallerApp(), messageId, body.RequiredString("msg_type", Invalid), body.RequiredString("content", Invalid));
        return Envelope.Ok(MessageView.From(message, context.CallerIds(state)));
    }

    private static async Task<IResult> UpdateCardAsync(HttpContext context, [FromRoute(Name = "message_id")] string messageId, MessageService service)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        service.UpdateCard(context.CallerApp(), messageId, body.RequiredString("content", Invalid));
        return Envelope.Ok();
    }

    private static IResult Recall(HttpContext context, [FromRoute(Name = "message_id")] string messageId, MessageService service)
    {
        service.Recall(context.CallerApp(), messageId);
        return Envelope.Ok();
    }

    private static IResult Get(HttpContext context, [FromRoute(Name = "message_id")] string messageId, MessageService service, EmulatorState state)
    {
        var message = service.RequireReadable(context.CallerApp(), messageId);
        var original = context.Request.Query("card_msg_content_type") == "user_card_content";
        return Envelope.Ok(new { items = new[] { MessageView.From(message, context.CallerIds(state), original) } });
    }

    private static IResult History(HttpContext context, EmulatorState state)
    {
        var request = context.Request;
        var app = context.CallerApp();
        var containerType = request.Query("container_id_type");
        var containerId = request.Query("container_id") ?? throw MessageService.Invalid("invalid request: container_id is required");
        var pageSize = request.QueryInt("page_size", 20, 1, 50, Invalid);
        var sortType = request.Query("sort_type") ?? "ByCreateTimeAsc";
        if (sortType is not ("ByCreateTimeAsc" or "ByCreateTimeDesc"))
        {
            throw MessageService.Invalid("invalid sort_type: ByCreateTimeAsc or ByCreateTimeDesc");
        }

        IEnumerable<EmulatorMessage> items;
        switch (containerType)
        {
            case "chat":
                var chat = state.FindChat(containerId) ?? throw MessageService.Invalid($"invalid container_id: chat '{containerId}' does not exist");
                if (!chat.HasBot(app.AppId))
                {
                    throw new ApiErrorException(400, ErrorCodes.BotNotInChat, "The bot can not be outside the group");
                }

                // start_time/end_time are in SECONDS (inclusive); create_time is in milliseconds.
                var startMs = request.QueryLong("start_time", Invalid) * 1000;
                var endMs = request.QueryLong("end_time", Invalid) * 1000;
                items = state.MessagesIn(chat.ChatId).Where(m => (startMs is null || m.CreateTimeMs >= startMs) && (endMs is null || m.CreateTimeMs <= endMs + 999));
                break;
            case "thread":
                var thread = state.MessagesInThread(containerId);
                if (thread.Count == 0 || state.FindChat(thread[0].ChatId) is not { } threadChat || !threadChat.HasBot(app.AppId))
                {
                    throw MessageService.Invalid($"invalid container_id: thread '{containerId}' does not exist or is not visible to the bot");
                }

                items = thread;
                break;
            default:
                throw MessageService.Invalid("invalid container_id_type: chat or thread");
        }

        var descending = sortType == "ByCreateTimeDesc";
        var sorted = descending ? items.OrderByDescending(m => m.SortKey, StringComparer.Ordinal).ToList() : [.. items.OrderBy(m => m.SortKey, StringComparer.Ordinal)];
        var page = Paging.Slice(sorted, m => m.SortKey, descending, request.Query("page_token"), pageSize, $"{containerType}:{containerId}:{sortType}", Invalid);
        var original = request.Query("card_msg_content_type") == "user_card_content";
        return Envelope.Ok(new
        {
            has_more = page.HasMore,
            page_token = page.PageToken,
            items = page.Items.Select(m => MessageView.From(m, state.IdsFor(app.AppId), original)).ToList(),
        });
    }

    private static IResult ReadUsers(HttpContext context, [FromRoute(Name = "message_id")] string messageId, MessageService service, EmulatorState state)
    {
        var request = context.Request;
        var idType = request.Query("user_id_type");
        if (idType is not ("open_id" or "union_id" or "user_id"))
        {
            throw MessageService.Invalid("invalid request: user_id_type is required (open_id, union_id or user_id)");
        }

        var message = service.RequireMessage(messageId);
        if (message.Sender.Id != context.CallerApp().AppId)
        {
            throw new ApiErrorException(400, ErrorCodes.NoPermission, "read receipts are only available for the bot's own messages");
        }

        var ids = context.CallerIds(state);
        var pageSize = request.QueryInt("page_size", 20, 1, 100, Invalid);
        var reads = state.ReadsOf(messageId).OrderBy(r => r.OpenId, StringComparer.Ordinal).ToList();
        var page = Paging.Slice(reads, r => r.OpenId, false, request.Query("page_token"), pageSize, "reads:" + messageId, Invalid);
        return Envelope.Ok(new
        {
            items = page.Items.Select(r => new
            {
                user_id_type = idType,
                user_id = ids.Of(r.OpenId, idType),
                timestamp = r.TimestampMs.ToString(CultureInfo.InvariantCulture),
                tenant_key = state.Tenant.TenantKey,
            }).ToList(),
            has_more = page.HasMore,
            page_token = page.PageToken,
        });
    }

    private static IResult Resource(HttpContext context, [FromRoute(Name = "message_id")] string messageId, [FromRoute(Name = "file_key")] string fileKey, MessageService service, EmulatorState state)
    {
        var type = context.Request.Query("type");
        if (type is not ("image" or "file"))
        {
            throw MessageService.Invalid("invalid request: type must be image or file");
        }

        var message = service.RequireReadable(context.CallerApp(), messageId);
        var resource = message.ResourceKeys.Contains(fileKey, StringComparer.Ordinal) ? state.FindResource(fileKey) : null;
        if (resource is null)
        {
            throw MessageService.Invalid($"invalid file_key: '{fileKey}' does not belong to message '{messageId}'");
        }

        if ((resource.Kind == ResourceKind.Image) != (type == "image"))
        {
            throw MessageService.Invalid($"invalid type: '{fileKey}' is not of type {type}");
        }

        return FileDownload.Attachment(context, resource.Data.ToArray(), resource.ContentType, resource.FileName);
    }
}
