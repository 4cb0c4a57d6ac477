using System.Text.Json;
using Larkway.Emulator.Api.Im;
using Larkway.Emulator.Events;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Control;

/// <summary>
/// Test control for event push: subscriptions, the delivery log, redelivery, and users acting in chats
/// (posting messages, adding or removing members) so that events have a cause. Not part of Feishu.
/// </summary>
internal static class EventControlEndpoints
{
    private const int Invalid = ErrorCodes.BadRequest;

    public static void MapEventControlEndpoints(this IEndpointRouteBuilder routes)
    {
        var control = routes.MapGroup("/_emulator");
        control.MapPut("apps/{app_id}/event-subscription", PutSubscriptionAsync);
        control.MapGet("apps/{app_id}/event-subscription", GetSubscription);
        control.MapDelete("apps/{app_id}/event-subscription", DeleteSubscription);
        control.MapGet("events", (DeliveryLog log) => Envelope.Ok(new
        {
            items = log.Attempts.Select(View),
            events = log.Events.Select(e => new { event_id = e.EventId, event_type = e.EventType, app_id = e.AppId, create_time = e.CreateTimeMs }),
        }));
        control.MapPost("events/{event_id}/redeliver", ([FromRoute(Name = "event_id")] string eventId, EventDelivery delivery) =>
            delivery.Redeliver(eventId) ? Envelope.Ok(new { event_id = eventId }) : throw ApiErrorException.BadRequest(Invalid, $"unknown event_id '{eventId}'"));
        control.MapPost("chats/{chat_id}/messages", PostUserMessageAsync);
        control.MapPost("apps/{app_id}/p2p-messages", PostP2pMessageAsync);
        control.MapPost("chats/{chat_id}/members", (HttpContext context, [FromRoute(Name = "chat_id")] string chatId, EmulatorState state) => ChangeMembersAsync(context, chatId, state, add: true));
        control.MapDelete("chats/{chat_id}/members", (HttpContext context, [FromRoute(Name = "chat_id")] string chatId, EmulatorState state) => ChangeMembersAsync(context, chatId, state, add: false));
    }

    private static async Task<IResult> PutSubscriptionAsync(HttpContext context, [FromRoute(Name = "app_id")] string appId, EmulatorState state, EventSubscriptions subscriptions)
    {
        RequireApp(state, appId);
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var encryptKey = body.OptionalString("encrypt_key", Invalid) is { Length: > 0 } key ? key : null;
        switch (body.OptionalString("mode", Invalid) ?? "http")
        {
            case "http":
                break;
            case "long-connection":
                // As in the console: no request URL and no url_verification; events go over /ws/v2.
                var stored = state.SetEventSubscription(EventSubscription.LongConnection(appId, encryptKey, body.OptionalString("verification_token", Invalid)) with
                {
                    ReceiveAllGroupMessages = body.OptionalBool("receive_all_group_messages", Invalid) ?? false,
                });
                return Envelope.Ok(new { subscription = View(stored) });
            default:
                throw ApiErrorException.BadRequest(Invalid, "mode must be http or long-connection");
        }

        var url = body.RequiredString("url", Invalid);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
        {
            throw ApiErrorException.BadRequest(Invalid, "url must be an absolute http(s) URL");
        }

        var subscription = new EventSubscription(appId, url, encryptKey, body.OptionalString("verification_token", Invalid))
        {
            ReceiveAllGroupMessages = body.OptionalBool("receive_all_group_messages", Invalid) ?? false,
        };
        var (saved, verification) = await subscriptions.SetAsync(subscription, body.OptionalBool("verify", Invalid) ?? true, context.RequestAborted);
        if (saved is null)
        {
            var status = verification.StatusCode is { } code ? $" (HTTP {code})" : string.Empty;
            throw ApiErrorException.BadRequest(Invalid, $"url_verification failed for {url}{status}: {verification.Error}; the subscription was not saved");
        }

        return Envelope.Ok(new { subscription = View(saved), url_verification = new { ok = true, status_code = verification.StatusCode, skipped = verification.Error == "skipped" } });
    }

    private static IResult GetSubscription([FromRoute(Name = "app_id")] string appId, EmulatorState state)
    {
        RequireApp(state, appId);
        return state.EventSubscriptionOf(appId) is { } subscription
            ? Envelope.Ok(new { subscription = View(subscription) })
            : throw new ApiErrorException(404, Invalid, $"app '{appId}' has no event subscription");
    }

    private static IResult DeleteSubscription([FromRoute(Name = "app_id")] string appId, EmulatorState state)
    {
        RequireApp(state, appId);
        return Envelope.Ok(new { removed = state.RemoveEventSubscription(appId) });
    }

    /// <summary>A user writes to an app's bot directly; the p2p chat is created on first use.</summary>
    private static async Task<IResult> PostP2pMessageAsync(HttpContext context, [FromRoute(Name = "app_id")] string appId, EmulatorState state, MessageContent contentParser)
    {
        var app = RequireApp(state, appId);
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var sender = RequireUser(state, body.RequiredString("sender", Invalid));
        if (sender.IsResigned)
        {
            throw ApiErrorException.BadRequest(Invalid, $"'{sender.Name}' has resigned");
        }

        return PostAs(state, contentParser, body, sender, state.GetOrCreateP2pChat(app, sender));
    }

    /// <summary>A user posts a message: <c>{"sender":"alice@example.com","msg_type":"text","content":{"text":"hi &lt;at user_id=\"ou_bot\"&gt;&lt;/at&gt;"}}</c>.</summary>
    private static async Task<IResult> PostUserMessageAsync(HttpContext context, [FromRoute(Name = "chat_id")] string chatId, EmulatorState state, MessageContent contentParser)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var sender = RequireUser(state, body.RequiredString("sender", Invalid));
        var chat = state.FindChat(chatId) ?? throw ApiErrorException.BadRequest(Invalid, $"unknown chat_id '{chatId}'");
        return PostAs(state, contentParser, body, sender, chat);
    }

    private static IResult PostAs(EmulatorState state, MessageContent contentParser, JsonElement body, EmulatorUser sender, EmulatorChat chat)
    {
        var content = body.TryGetProperty("content", out var raw) ? raw.ValueKind switch
        {
            JsonValueKind.String => raw.GetString()!,
            JsonValueKind.Object => raw.GetRawText(),
            _ => throw ApiErrorException.BadRequest(Invalid, "content must be an object or a JSON string"),
        } : throw ApiErrorException.BadRequest(Invalid, "content is required");
        var message = PostUserMessage(state, contentParser, sender, chat, body.OptionalString("msg_type", Invalid) ?? "text", content, body.OptionalString("parent_id", Invalid));
        return Envelope.Ok(new { message_id = message.MessageId, chat_id = message.ChatId, create_time = message.CreateTimeMs });
    }

    /// <summary>Stores a message a user sent (the state raises the receive events); used by the web view too.</summary>
    internal static EmulatorMessage PostUserMessage(EmulatorState state, MessageContent contentParser, EmulatorUser sender, EmulatorChat chat, string msgType, string content, string? parentId)
    {
        if (chat.Dissolved)
        {
            throw ApiErrorException.BadRequest(Invalid, "the chat has been dissolved");
        }

        if (!chat.HasMember(sender.OpenId))
        {
            throw ApiErrorException.BadRequest(Invalid, $"'{sender.Name}' is not a member of the chat");
        }

        EmulatorMessage? parent = null;
        if (parentId is not null)
        {
            parent = state.FindMessage(parentId) is { } found && found.ChatId == chat.ChatId ? found : throw ApiErrorException.BadRequest(Invalid, $"unknown parent_id '{parentId}' in this chat");
        }

        ParsedContent parsed;
        try
        {
            parsed = contentParser.Parse(msgType, content, ownerAppId: null, senderAppId: null);
        }
        catch (ContentException e)
        {
            throw ApiErrorException.BadRequest(Invalid, e.Message);
        }

        return state.AppendMessage("user:" + sender.OpenId, uuid: null, (nowMs, sequence) => new EmulatorMessage(
            Ids.MessageId(),
            chat.ChatId,
            msgType,
            parsed.ReadContent,
            parsed.SendContent,
            new MessageSender(sender.OpenId, "open_id", "user", sender.Name),
            parsed.Mentions,
            nowMs,
            sequence)
        {
            UpdateTimeMs = nowMs,
            RootId = parent is null ? null : parent.RootId ?? parent.MessageId,
            ParentId = parent?.MessageId,
            ThreadId = parent?.ThreadId,
            ResourceKeys = parsed.ResourceKeys,
        }).Message;
    }

    /// <summary>A user (<c>operator</c>) adds or removes <c>users</c> (open_id, user_id or email) and <c>bots</c> (app_id).</summary>
    private static async Task<IResult> ChangeMembersAsync(HttpContext context, string chatId, EmulatorState state, bool add)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var chat = state.FindChat(chatId) ?? throw ApiErrorException.BadRequest(Invalid, $"unknown chat_id '{chatId}'");
        if (chat.Dissolved || chat.ChatMode == ChatModes.P2p)
        {
            throw ApiErrorException.BadRequest(Invalid, "members can only change in an active group chat");
        }

        var operatorRef = body.OptionalString("operator", Invalid);
        var actor = operatorRef is null ? null : ChangeActor.User(RequireUser(state, operatorRef).OpenId);
        var users = (body.OptionalStringArray("users", Invalid) ?? []).Select(u => RequireUser(state, u).OpenId).ToHashSet(StringComparer.Ordinal);
        var bots = (body.OptionalStringArray("bots", Invalid) ?? []).Select(b => RequireApp(state, b).AppId).ToHashSet(StringComparer.Ordinal);
        var updated = state.UpdateChat(chatId, c => add
            ? c with { MemberOpenIds = [.. c.MemberOpenIds.Concat(users).Distinct()], BotAppIds = [.. c.BotAppIds.Concat(bots).Distinct()] }
            : c with { MemberOpenIds = [.. c.MemberOpenIds.Where(id => !users.Contains(id))], BotAppIds = [.. c.BotAppIds.Where(id => !bots.Contains(id))] }, actor);
        return Envelope.Ok(new { members = updated.MemberOpenIds, bots = updated.BotAppIds });
    }

    private static EmulatorUser RequireUser(EmulatorState state, string reference) => ControlLookups.RequireUser(state, reference, Invalid);

    private static EmulatorApp RequireApp(EmulatorState state, string appId) => ControlLookups.RequireApp(state, appId, Invalid);

    private static object View(EventSubscription subscription) => new
    {
        app_id = subscription.AppId,
        mode = ModeName(subscription.Mode),
        url = subscription.Mode == EventDeliveryMode.Http ? subscription.Url : null,
        has_encrypt_key = subscription.EncryptKey is not null,
        has_verification_token = subscription.VerificationToken is not null,
        receive_all_group_messages = subscription.ReceiveAllGroupMessages,
    };

    private static object View(DeliveryAttempt attempt) => new
    {
        event_id = attempt.EventId,
        event_type = attempt.EventType,
        app_id = attempt.AppId,
        delivery = attempt.Delivery,
        attempt = attempt.Attempt,
        time = attempt.TimeMs,
        status_code = attempt.StatusCode,
        success = attempt.Success,
        error = attempt.Error,
        next_retry_time = attempt.NextRetryMs,
        connection = attempt.Connection,
    };

    internal static string ModeName(EventDeliveryMode mode) => mode == EventDeliveryMode.LongConnection ? "long-connection" : "http";
}
