using System.Text.Json.Nodes;

namespace Larkway.Emulator.WeCom.AiBot;

/// <summary>What a user does, as the page and the control API describe it.</summary>
/// <param name="MsgType">text, image, mixed, voice or file.</param>
/// <param name="Mentioned">In a group: whether the user @-mentioned the bot (WeCom only delivers group messages that do).</param>
/// <param name="Data">The image or file a user sends (image, mixed, file), served encrypted to the bot.</param>
public sealed record AiBotUserMessage(
    string BotId,
    string UserId,
    string ChatType,
    string? ChatId,
    string MsgType,
    string? Text,
    bool Mentioned = true,
    byte[]? Data = null,
    string? FileName = null,
    string? QuoteMessageId = null);

/// <summary>
/// The user's side: a message to the bot (recorded in the conversation, then pushed as <c>aibot_msg_callback</c>), the
/// first entry into a single chat (<c>enter_chat</c>), a click on a template card's button (<c>template_card_event</c>)
/// and a feedback answer (<c>feedback_event</c>). Each checks what WeCom allows first and says what to fix.
/// </summary>
internal sealed class AiBotInbound(AiBotHub hub, AiBotConversations conversations, AiBotMedia media, AiBotDirectory directory, AiBotUrlCallbacks callbacks, TimeProvider time)
{
    private static readonly string[] UserMsgTypes = ["text", "image", "mixed", "voice", "file"];

    private const int RedeliverableKept = 1_000;

    private readonly HashSet<string> _entered = [];
    private readonly Dictionary<string, (JsonObject Body, AiBotPending Pending)> _pushed = new(StringComparer.Ordinal);
    private readonly Queue<string> _pushedOrder = new();
    private readonly Lock _enteredGate = new();
    private readonly Lock _pushedGate = new();

    /// <summary>Sends a user's message; returns the recorded message and the push, or the problem.</summary>
    public async Task<(AiBotMessage? Message, AiBotPush? Push, string? Problem)> SendAsync(AiBotUserMessage input, string baseUrl)
    {
        if (hub.Bot(input.BotId) is not { } bot)
        {
            return (null, null, $"no bot '{input.BotId}'");
        }

        if (directory.UserName(input.UserId) is not { } userName)
        {
            return (null, null, $"no user '{input.UserId}' in the corp ({string.Join(", ", directory.Users.Keys)})");
        }

        if (!UserMsgTypes.Contains(input.MsgType))
        {
            return (null, null, "msgtype must be one of text, image, mixed, voice, file");
        }

        if (input.MsgType is "text" or "voice" && string.IsNullOrWhiteSpace(input.Text))
        {
            return (null, null, $"a {input.MsgType} message needs text");
        }

        if (input.MsgType is "image" or "file" && input.Data is not { Length: > 0 })
        {
            return (null, null, $"a {input.MsgType} message needs its content");
        }

        AiBotConversation conversation;
        if (input.ChatType == "single")
        {
            conversation = conversations.Ensure(new AiBotConversation { Id = AiBotConversations.SingleId(bot.BotId, input.UserId), BotId = bot.BotId, ChatType = "single", UserId = input.UserId, Title = userName });
        }
        else if (input.ChatType == "group")
        {
            if (directory.Group(input.ChatId) is not { } group)
            {
                return (null, null, $"no group '{input.ChatId}' with the bot in it");
            }

            if (!group.Members.Contains(input.UserId))
            {
                return (null, null, $"{input.UserId} is not a member of {group.Name}");
            }

            if (input.MsgType is "image" or "voice" or "file")
            {
                return (null, null, "image, voice and file messages reach the bot in single chats only");
            }

            conversation = conversations.Ensure(new AiBotConversation { Id = AiBotConversations.GroupId(bot.BotId, group.ChatId), BotId = bot.BotId, ChatType = "group", ChatId = group.ChatId, Title = group.Name });
        }
        else
        {
            return (null, null, "chattype must be single or group");
        }

        var now = time.GetUtcNow();
        var msgId = AiBotFrames.NewId();
        var message = new AiBotMessage
        {
            Id = msgId, ConversationId = conversation.Id, From = input.UserId, MsgType = input.MsgType, Content = input.Text, FileName = input.FileName,
            CreatedAtMs = now.ToUnixTimeMilliseconds(), UpdatedAtMs = now.ToUnixTimeMilliseconds(),
        };

        var body = new JsonObject { ["msgid"] = msgId, ["aibotid"] = bot.BotId };
        if (conversation.ChatType == "group")
        {
            body["chatid"] = conversation.ChatId;
        }

        body["chattype"] = conversation.ChatType;
        body["from"] = new JsonObject { ["userid"] = input.UserId };
        body["create_time"] = now.ToUnixTimeSeconds();
        body["msgtype"] = input.MsgType;
        switch (input.MsgType)
        {
            case "text":
                body["text"] = new JsonObject { ["content"] = input.Text };
                break;
            case "voice":
                // WeCom delivers a voice message as its transcript.
                body["voice"] = new JsonObject { ["content"] = input.Text };
                break;
            case "image":
            case "file":
                body[input.MsgType] = Served(bot.BotId, input.Data!, input.FileName ?? input.MsgType, baseUrl);
                break;
            case "mixed":
                var items = new JsonArray();
                if (!string.IsNullOrEmpty(input.Text))
                {
                    items.Add(new JsonObject { ["msgtype"] = "text", ["text"] = new JsonObject { ["content"] = input.Text } });
                }

                if (input.Data is { Length: > 0 })
                {
                    items.Add(new JsonObject { ["msgtype"] = "image", ["image"] = Served(bot.BotId, input.Data, input.FileName ?? "image", baseUrl) });
                }

                if (items.Count == 0)
                {
                    return (null, null, "a mixed message needs text and/or an image");
                }

                body["mixed"] = new JsonObject { ["msg_item"] = items };
                break;
        }

        if (input.QuoteMessageId is not null && conversations.Message(input.QuoteMessageId) is { } quoted)
        {
            body["quote"] = Quote(quoted);
            message.QuoteText = quoted.Content;
        }

        if (conversation.ChatType == "group" && !input.Mentioned)
        {
            // Shown in the group, never sent to the bot.
            message.Delivery = "not-mentioned";
            conversations.Add(message);
            return (message, null, null);
        }

        conversations.Add(message);
        var pending = new AiBotPending(AiBotPendingKind.Message, bot.BotId, conversation.Id, input.UserId, now, msgId);
        Remember(msgId, body, pending);
        // A bot in URL-callback mode gets the message posted to its URL (with a response_url); otherwise on its connection.
        var push = callbacks.Settings(bot.BotId) is { } callback
            ? await callbacks.DeliverMessageAsync(callback, body, pending, baseUrl)
            : await hub.PushMessageAsync(bot.BotId, body, pending);
        conversations.Update(msgId, m =>
        {
            m.Delivery = push.Delivery;
            m.ReqId = push.ReqId;
        });
        return (conversations.Message(msgId), push, null);
    }

    /// <summary>
    /// WeCom delivers a message again (as it may, e.g. when it saw no reply): the same body — the same msgid — under a new
    /// req_id, to whichever connection holds the bot now. Returns the push, or the problem.
    /// </summary>
    public async Task<(AiBotPush? Push, string? Problem)> RedeliverAsync(string msgId)
    {
        (JsonObject Body, AiBotPending Pending) pushed;
        lock (_pushedGate)
        {
            if (!_pushed.TryGetValue(msgId, out pushed))
            {
                return (null, $"no message '{msgId}' was pushed to a bot (the last {RedeliverableKept} can be delivered again)");
            }
        }

        var push = await hub.PushMessageAsync(pushed.Pending.BotId, (JsonObject)pushed.Body.DeepClone(), pushed.Pending with { At = time.GetUtcNow() });
        return (push, null);
    }

    private void Remember(string msgId, JsonObject body, AiBotPending pending)
    {
        lock (_pushedGate)
        {
            _pushed[msgId] = ((JsonObject)body.DeepClone(), pending);
            _pushedOrder.Enqueue(msgId);
            while (_pushedOrder.Count > RedeliverableKept)
            {
                _pushed.Remove(_pushedOrder.Dequeue());
            }
        }
    }

    /// <summary>The user opens the single chat (first time that day): <c>enter_chat</c>, which admits one welcome within 5 s.</summary>
    public async Task<(AiBotPush? Push, string? Problem)> EnterChatAsync(string botId, string userId)
    {
        if (hub.Bot(botId) is null || directory.UserName(userId) is not { } name)
        {
            return (null, $"no bot '{botId}' or no user '{userId}'");
        }

        var conversation = conversations.Ensure(new AiBotConversation { Id = AiBotConversations.SingleId(botId, userId), BotId = botId, ChatType = "single", UserId = userId, Title = name });
        var body = hub.EventBody(botId, "enter_chat", "single", null, userId, new JsonObject());
        return (await PushEventAsync(botId, body, new AiBotPending(AiBotPendingKind.EnterChat, botId, conversation.Id, userId, time.GetUtcNow())), null);
    }

    /// <summary>The page opening a single chat: <c>enter_chat</c> the first time each day (WeCom pushes it once a day per user).</summary>
    public async Task EnterChatOncePerDayAsync(string botId, string userId)
    {
        var key = $"{botId}/{userId}/{time.GetUtcNow():yyyy-MM-dd}";
        lock (_enteredGate)
        {
            if (!_entered.Add(key))
            {
                return;
            }
        }

        await EnterChatAsync(botId, userId);
    }

    /// <summary>A click on a card's button (or its submit): <c>template_card_event</c> with the card's task_id and the key.</summary>
    public async Task<(AiBotPush? Push, string? Problem)> ClickAsync(string messageId, string userId, string eventKey)
    {
        if (conversations.Message(messageId) is not { Card: { } card } message || conversations.Find(message.ConversationId) is not { } conversation)
        {
            return (null, $"no card message '{messageId}'");
        }

        if (directory.UserName(userId) is null)
        {
            return (null, $"no user '{userId}'");
        }

        var detail = new JsonObject
        {
            ["card_type"] = AiBotFrames.String(card, "card_type"),
            ["event_key"] = eventKey,
            ["task_id"] = AiBotFrames.String(card, "task_id"),
        };
        var body = hub.EventBody(conversation.BotId, "template_card_event", conversation.ChatType, conversation.ChatId, userId, detail);
        return (await PushEventAsync(conversation.BotId, body, new AiBotPending(AiBotPendingKind.CardEvent, conversation.BotId, conversation.Id, userId, time.GetUtcNow(), messageId)), null);
    }

    /// <summary>The user's feedback on a reply that carried a feedback id: 1 accurate, 2 inaccurate, 3 cancelling the earlier one.</summary>
    public async Task<(AiBotPush? Push, string? Problem)> FeedbackAsync(string messageId, string userId, int type)
    {
        if (conversations.Message(messageId) is not { } message || conversations.Find(message.ConversationId) is not { } conversation)
        {
            return (null, $"no message '{messageId}'");
        }

        var feedbackId = message.FeedbackId ?? AiBotFrames.String(message.Card?["feedback"] as JsonObject, "id");
        if (feedbackId is null)
        {
            return (null, "this reply carried no feedback id, so it shows no feedback buttons");
        }

        if (type is not (1 or 2 or 3))
        {
            return (null, "type must be 1 (accurate), 2 (inaccurate) or 3 (cancel the earlier one)");
        }

        conversations.Update(messageId, m => m.FeedbackGiven = type == 3 ? null : type);
        var body = hub.EventBody(conversation.BotId, "feedback_event", conversation.ChatType, conversation.ChatId, userId, new JsonObject { ["id"] = feedbackId, ["type"] = type });
        return (await PushEventAsync(conversation.BotId, body, null), null);
    }

    /// <summary>An event goes to the bot's callback URL in URL-callback mode, else on its connection.</summary>
    private async Task<AiBotPush> PushEventAsync(string botId, JsonObject body, AiBotPending? pending) =>
        callbacks.Settings(botId) is { } callback
            ? await callbacks.DeliverEventAsync(callback, body, pending)
            : await hub.PushEventAsync(botId, body, pending);

    /// <summary>
    /// A file's reference as the bot receives it: on the long connection its URL and own aeskey; in URL-callback mode its
    /// URL only, the file encrypted with the bot's EncodingAESKey (WeCom's SDK types: "aeskey … 长连接模式下返回"; its
    /// callback demo decrypts pictures with the callback's key).
    /// </summary>
    private JsonObject Served(string botId, byte[] data, string fileName, string baseUrl)
    {
        var callback = callbacks.Settings(botId);
        var (id, aesKey) = media.Serve(data, "application/octet-stream", fileName, callback?.EncodingAesKey);
        var reference = new JsonObject { ["url"] = $"{baseUrl.TrimEnd('/')}{AiBotEndpoints.MediaPath}/{id}" };
        if (callback is null)
        {
            reference["aeskey"] = aesKey;
        }

        return reference;
    }

    private static JsonObject Quote(AiBotMessage quoted) => quoted.MsgType switch
    {
        "voice" => new JsonObject { ["msgtype"] = "voice", ["voice"] = new JsonObject { ["content"] = quoted.Content } },
        _ => new JsonObject { ["msgtype"] = "text", ["text"] = new JsonObject { ["content"] = quoted.Content ?? string.Empty } },
    };
}
