using Larkway.Emulator.Hosting;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Api.Im;

/// <summary>The message rules of the send/reply/edit/update/recall pages (reference §4.2).</summary>
internal sealed class MessageService(EmulatorState state, MessageContent contentParser, RateLimiter rateLimiter, EmulatorOptions options, TimeProvider time, Larkway.Emulator.CardKit.CardKitStore cardKit)
{
    private static readonly TimeSpan CardUpdateWindow = TimeSpan.FromDays(14);
    private static readonly IReadOnlySet<string> ReceiveIdTypes = new HashSet<string>(StringComparer.Ordinal) { "open_id", "union_id", "user_id", "email", "chat_id" };
    private const int MaxEdits = 20;
    private const int MaxUuidLength = 50;

    public EmulatorMessage Send(EmulatorApp app, string? receiveIdType, string receiveId, string msgType, string content, string? uuid)
    {
        if (receiveIdType is null || !ReceiveIdTypes.Contains(receiveIdType))
        {
            throw Invalid("invalid receive_id_type: must be one of open_id, union_id, user_id, email, chat_id");
        }

        CheckSendFields(msgType, uuid);
        if (uuid is not null && FindDuplicate(app, uuid) is { } duplicate)
        {
            return duplicate;
        }

        EmulatorChat chat;
        string receiverKey;
        if (receiveIdType == "chat_id")
        {
            chat = state.FindChat(receiveId) ?? throw new ApiErrorException(400, ErrorCodes.ReceiveIdInvalid, $"receive_id invalid: chat '{receiveId}' does not exist");
            RequireSpeakable(chat, app);
            receiverKey = "chat|" + chat.ChatId;
        }
        else
        {
            var user = state.FindUser(app.AppId, receiveIdType, receiveId) ?? throw UnknownReceiver(app, receiveIdType, receiveId);
            if (user.IsResigned)
            {
                throw new ApiErrorException(400, ErrorCodes.BotUnavailableToUser, "Bot has NO availability to this user (resigned)");
            }

            chat = state.GetOrCreateP2pChat(app, user);
            receiverKey = "user|" + user.OpenId;
        }

        return WithCardEntity(app, msgType, content, card =>
        {
            var parsed = Parse(msgType, card, app);
            LimitReceiver(receiverKey);
            return Append(app, uuid, chat.ChatId, msgType, parsed, parent: null, threadId: null);
        });
    }

    public EmulatorMessage Reply(EmulatorApp app, string parentId, string msgType, string content, bool replyInThread, string? uuid)
    {
        CheckSendFields(msgType, uuid);
        if (uuid is not null && FindDuplicate(app, uuid) is { } duplicate)
        {
            return duplicate;
        }

        var parent = RequireMessage(parentId);
        if (parent.Deleted)
        {
            throw new ApiErrorException(400, ErrorCodes.MessageRecalled, "the message being replied to was recalled");
        }

        var chat = state.FindChat(parent.ChatId)!;
        RequireSpeakable(chat, app);
        return WithCardEntity(app, msgType, content, card =>
        {
            var parsed = Parse(msgType, card, app);
            LimitReceiver("chat|" + chat.ChatId);

            // A reply to a message already in a thread stays in that thread (reply_in_thread is forced).
            // The thread is opened inside the state lock so concurrent replies agree on one thread id.
            var threadId = replyInThread
                ? state.UpdateMessage(parent.MessageId, m => m.ThreadId is null ? m with { ThreadId = Ids.ThreadId() } : m).ThreadId
                : state.FindMessage(parent.MessageId)!.ThreadId;

            return Append(app, uuid, chat.ChatId, msgType, parsed, parent, threadId);
        });
    }

    /// <summary>
    /// An interactive message whose content is <c>{"type":"card","data":{"card_id":…}}</c> sends a card entity: the card is
    /// claimed (sent once, by the app that created it), the message carries its JSON, and the card is bound to the message
    /// so later CardKit updates change what it shows. Any other content goes through unchanged.
    /// </summary>
    private EmulatorMessage WithCardEntity(EmulatorApp app, string msgType, string content, Func<string, EmulatorMessage> send)
    {
        if (msgType != "interactive" || CardEntityId(content) is not { } cardId)
        {
            return send(content);
        }

        var cardJson = cardKit.ClaimForSend(app, cardId);
        EmulatorMessage message;
        try
        {
            message = send(cardJson);
        }
        catch
        {
            cardKit.Release(cardId);
            throw;
        }

        cardKit.Bind(cardId, message.MessageId);
        return message;
    }

    /// <summary>The card_id of <c>{"type":"card","data":{"card_id":…}}</c>, or null for other content.</summary>
    private static string? CardEntityId(string content)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(content);
            var root = document.RootElement;
            if (root.ValueKind != System.Text.Json.JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.ValueKind != System.Text.Json.JsonValueKind.String || type.GetString() != "card")
            {
                return null;
            }

            return root.TryGetProperty("data", out var data) && data.ValueKind == System.Text.Json.JsonValueKind.Object
                && data.TryGetProperty("card_id", out var id) && id.ValueKind == System.Text.Json.JsonValueKind.String && id.GetString() is { Length: > 0 } cardId
                ? cardId
                : throw Invalid("a card entity is sent as {\"type\":\"card\",\"data\":{\"card_id\":\"<id from POST /open-apis/cardkit/v1/cards>\"}}");
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    public EmulatorMessage Edit(EmulatorApp app, string messageId, string msgType, string content)
    {
        if (msgType is not ("text" or "post"))
        {
            throw Invalid("only text and post messages can be edited");
        }

        RequireMessage(messageId);
        var parsed = Parse(msgType, content, app);
        return state.UpdateMessage(messageId, message =>
        {
            if (message.Deleted)
            {
                throw new ApiErrorException(400, ErrorCodes.MessageRecalled, "the message has been recalled");
            }

            if (message.MsgType is not ("text" or "post"))
            {
                throw Invalid("only text and post messages can be edited");
            }

            if (message.Sender.Id != app.AppId)
            {
                throw new ApiErrorException(400, ErrorCodes.OperatorNotSender, "the operator is not the sender of the message");
            }

            if (message.EditCount >= MaxEdits)
            {
                throw new ApiErrorException(400, ErrorCodes.EditLimitReached, $"the message has reached the limit of {MaxEdits} edits");
            }

            return message with
            {
                MsgType = msgType,
                Content = parsed.ReadContent,
                SendContent = parsed.SendContent,
                Mentions = parsed.Mentions,
                ResourceKeys = parsed.ResourceKeys,
                Updated = true,
                EditCount = message.EditCount + 1,
                UpdateTimeMs = state.NowMs(),
            };
        });
    }

    public void UpdateCard(EmulatorApp app, string messageId, string content)
    {
        RequireMessage(messageId);
        var parsed = Parse("interactive", content, app);
        if (options.EnforceRateLimits && rateLimiter.TryAcquire("card|" + messageId, RateLimiter.PerReceiver) is not null)
        {
            throw new ApiErrorException(400, ErrorCodes.ImRateLimited, "This operation triggers the frequency limit (5 QPS per message)");
        }

        state.UpdateMessage(messageId, message =>
        {
            if (message.Deleted)
            {
                throw new ApiErrorException(400, ErrorCodes.MessageRecalled, "the message has been recalled");
            }

            if (message.MsgType != "interactive")
            {
                throw Invalid("only interactive (card) messages can be updated with PATCH");
            }

            if (message.Sender.Id != app.AppId)
            {
                throw new ApiErrorException(400, ErrorCodes.NoPermission, "only the sender can update the card");
            }

            if (time.GetUtcNow().ToUnixTimeMilliseconds() - message.CreateTimeMs > CardUpdateWindow.TotalMilliseconds)
            {
                throw new ApiErrorException(400, ErrorCodes.CardUpdateWindowExpired, "cards can only be updated within 14 days of sending");
            }

            if (!CardRules.IsShared(message.SendContent) || !CardRules.IsShared(content))
            {
                throw Invalid("the card must declare \"config\": {\"update_multi\": true} both before and after the update");
            }

            return message with
            {
                Content = parsed.ReadContent,
                SendContent = parsed.SendContent,
                Mentions = parsed.Mentions,
                ResourceKeys = parsed.ResourceKeys,
                Updated = true,
                UpdateTimeMs = state.NowMs(),
            };
        });
    }

    public void Recall(EmulatorApp app, string messageId)
    {
        RequireMessage(messageId);
        state.UpdateMessage(messageId, message =>
        {
            if (message.Deleted)
            {
                throw new ApiErrorException(400, ErrorCodes.MessageRecalled, "the message has already been recalled");
            }

            if (message.Sender.Id != app.AppId)
            {
                throw new ApiErrorException(400, ErrorCodes.NoRecallPermission, "no permission to recall this message: the bot can only recall its own messages");
            }

            if (time.GetUtcNow().ToUnixTimeMilliseconds() - message.CreateTimeMs > options.RecallWindow.TotalMilliseconds)
            {
                throw new ApiErrorException(400, ErrorCodes.RecallWindowExpired, "the message is older than the recall window set by the tenant admin");
            }

            return message with { Deleted = true, UpdateTimeMs = state.NowMs() };
        });
    }

    public EmulatorMessage RequireMessage(string messageId) =>
        state.FindMessage(messageId) ?? throw Invalid($"invalid message_id: message '{messageId}' does not exist");

    /// <summary>The caller's bot must be a member of the message's chat to read it.</summary>
    public EmulatorMessage RequireReadable(EmulatorApp app, string messageId)
    {
        var message = RequireMessage(messageId);
        return state.FindChat(message.ChatId) is { } chat && chat.HasBot(app.AppId)
            ? message
            : throw new ApiErrorException(400, ErrorCodes.BotNotInChat, "The bot can not be outside the group");
    }

    public static ApiErrorException Invalid(string message) => new(400, ErrorCodes.ImInvalidParameter, message);

    /// <summary>Another app's open_id is Feishu's "open_id cross app" (99992361); any other unknown id is an invalid receive_id.</summary>
    private ApiErrorException UnknownReceiver(EmulatorApp app, string idType, string id) =>
        idType == "open_id" && state.IsOtherAppsOpenId(app.AppId, id)
            ? new ApiErrorException(400, ErrorCodes.OpenIdCrossApp, $"open_id cross app: '{id}' is another app's open_id; use the open_id this app ({app.AppId}) received")
            : new ApiErrorException(400, ErrorCodes.ReceiveIdInvalid, $"receive_id invalid: no user with {idType} '{id}'");

    private static void CheckSendFields(string msgType, string? uuid)
    {
        if (!MessageContent.SendableTypes.Contains(msgType))
        {
            throw Invalid($"invalid msg_type '{msgType}'");
        }

        if (uuid is { Length: > MaxUuidLength })
        {
            throw Invalid($"invalid uuid: at most {MaxUuidLength} characters");
        }
    }

    private EmulatorMessage? FindDuplicate(EmulatorApp app, string uuid) => state.FindSentByUuid(app.AppId, uuid);

    private static void RequireSpeakable(EmulatorChat chat, EmulatorApp app)
    {
        if (chat.Dissolved)
        {
            throw new ApiErrorException(400, ErrorCodes.ChatDissolved, "the chat has been dissolved");
        }

        if (!chat.HasBot(app.AppId))
        {
            throw new ApiErrorException(400, ErrorCodes.BotNotInChat, "The bot can not be outside the group");
        }
    }

    private void LimitReceiver(string receiverKey)
    {
        // The send page lists 230020 (HTTP 400) for the per-user / per-group 5 QPS rule; the 429 +
        // 99991400 form is reserved for the API-level tier enforced by the gateway middleware.
        if (options.EnforceRateLimits && rateLimiter.TryAcquire(receiverKey, RateLimiter.PerReceiver) is not null)
        {
            throw new ApiErrorException(400, ErrorCodes.ImRateLimited, "This operation triggers the frequency limit (5 QPS per receiving user or chat)");
        }
    }

    private ParsedContent Parse(string msgType, string content, EmulatorApp app)
    {
        try
        {
            return contentParser.Parse(msgType, content, app.AppId, app.AppId);
        }
        catch (ContentException e)
        {
            var code = e.Fault switch
            {
                ContentFault.TooLong => ErrorCodes.MessageTooLong,
                ContentFault.TypeMismatch => ErrorCodes.ResourceTypeMismatch,
                ContentFault.CardInvalid => ErrorCodes.CardContentInvalid,
                ContentFault.NotResourceOwner => ErrorCodes.BotNotResourceOwner,
                ContentFault.BotNotInChat => ErrorCodes.BotNotInChat,
                ContentFault.P2pShare => ErrorCodes.P2pChatCannotBeShared,
                _ => ErrorCodes.ImInvalidParameter,
            };
            throw new ApiErrorException(400, code, e.Message);
        }
    }

    private EmulatorMessage Append(EmulatorApp app, string? uuid, string chatId, string msgType, ParsedContent parsed, EmulatorMessage? parent, string? threadId) =>
        state.AppendMessage(app.AppId, uuid, (nowMs, sequence) => new EmulatorMessage(
            Ids.MessageId(),
            chatId,
            msgType,
            parsed.ReadContent,
            parsed.SendContent,
            new MessageSender(app.AppId, "app_id", "app", app.BotName),
            parsed.Mentions,
            nowMs,
            sequence)
        {
            UpdateTimeMs = nowMs,
            RootId = parent is null ? null : parent.RootId ?? parent.MessageId,
            ParentId = parent?.MessageId,
            ThreadId = threadId,
            ResourceKeys = parsed.ResourceKeys,
        }).Message;
}
