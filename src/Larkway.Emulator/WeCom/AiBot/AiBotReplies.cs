using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Larkway.Emulator.WeCom.AiBot;

/// <summary>What a pushed req_id admits as an answer.</summary>
public enum AiBotPendingKind
{
    /// <summary>A user's message: <c>aibot_respond_msg</c> within the reply window (6 min).</summary>
    Message,

    /// <summary><c>enter_chat</c>: one <c>aibot_respond_welcome_msg</c> within 5 s.</summary>
    EnterChat,

    /// <summary><c>template_card_event</c>: <c>aibot_respond_update_msg</c> within 5 s.</summary>
    CardEvent,
}

/// <summary>A req_id the server pushed, with what it came from: the conversation, the user, when, and (card events) the card's message.</summary>
public sealed record AiBotPending(AiBotPendingKind Kind, string BotId, string ConversationId, string UserId, DateTimeOffset At, string? SourceMessageId = null);

/// <summary>
/// The client's commands on a subscribed connection: replies under a pushed req_id (validated: unknown → 846605,
/// out of its window → 846608, bad bodies → 40058 with what to fix), proactive sends and media uploads. What is
/// accepted lands in the conversations as the user would see it — a stream grows in place, a card is updated in place.
/// </summary>
internal sealed partial class AiBotReplies(AiBotOptions options, TimeProvider time, AiBotConversations conversations, AiBotMedia media, AiBotDirectory directory)
{
    private const int PendingKept = 20_000;

    private static readonly string[] CardTypes = ["text_notice", "news_notice", "button_interaction", "vote_interaction", "multiple_interaction"];
    private static readonly string[] MediaTypes = ["image", "file", "voice", "video"];

    private readonly Lock _gate = new();
    private readonly Dictionary<string, AiBotPending> _pending = new(StringComparer.Ordinal);
    private readonly Queue<string> _pendingOrder = new();
    private readonly Dictionary<string, (string ReqId, string MessageId)> _streams = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _cardsByTask = new(StringComparer.Ordinal);

    public void Register(string reqId, AiBotPending pending)
    {
        lock (_gate)
        {
            _pending[reqId] = pending;
            _pendingOrder.Enqueue(reqId);
            while (_pendingOrder.Count > PendingKept)
            {
                _pending.Remove(_pendingOrder.Dequeue());
            }
        }
    }

    /// <summary>The card message a bot sent with this task_id, if any.</summary>
    public string? CardMessageOf(string botId, string taskId)
    {
        lock (_gate)
        {
            return _cardsByTask.GetValueOrDefault(botId + "/" + taskId);
        }
    }

    public (int Errcode, string Errmsg, JsonObject? Body) Handle(string botId, AiBotClientFrame frame) => frame.Cmd switch
    {
        AiBotCmd.RespondMsg => NoBody(RespondMessage(botId, frame.ReqId, frame.Body)),
        AiBotCmd.RespondWelcome => NoBody(RespondWelcome(botId, frame.ReqId, frame.Body)),
        AiBotCmd.RespondUpdate => NoBody(RespondUpdate(botId, frame.ReqId, frame.Body)),
        AiBotCmd.SendMsg => NoBody(Send(botId, frame.Body)),
        AiBotCmd.UploadInit => Swap(media.Init(botId, frame.Body)),
        AiBotCmd.UploadChunk => NoBody(media.Chunk(botId, frame.Body)),
        AiBotCmd.UploadFinish => Swap(media.Finish(botId, frame.Body)),
        _ => (AiBotErrors.InvalidParameter, $"unknown cmd '{frame.Cmd}'", null),
    };

    // ---- URL-callback mode ----------------------------------------------------------------------

    /// <summary>
    /// A passive reply in URL-callback mode — the answer to a message's POST or to a stream refresh — under the key the
    /// message was registered with: the rules of <c>aibot_respond_msg</c> (the 6-minute window, stream ids, sizes, cards).
    /// </summary>
    public (int Errcode, string Errmsg) RespondPassive(string botId, string key, JsonObject body) => RespondMessage(botId, key, body);

    /// <summary>A passive reply to an event: a welcome to <c>enter_chat</c>, a card update to <c>template_card_event</c>.</summary>
    public (int Errcode, string Errmsg) RespondPassiveEvent(string botId, string key, AiBotPendingKind kind, JsonObject body) => kind switch
    {
        AiBotPendingKind.EnterChat => RespondWelcome(botId, key, body),
        AiBotPendingKind.CardEvent => RespondUpdate(botId, key, body),
        _ => RespondMessage(botId, key, body),
    };

    /// <summary>True once the bot's stream with this id has had its finish frame.</summary>
    public bool StreamFinished(string botId, string streamId)
    {
        string? messageId;
        lock (_gate)
        {
            messageId = _streams.TryGetValue(botId + "/" + streamId, out var known) ? known.MessageId : null;
        }

        return messageId is not null && conversations.Message(messageId) is { Finished: true };
    }

    /// <summary>The one reply a response_url takes: markdown or a template card, added to the message's conversation.</summary>
    public (int Errcode, string Errmsg) ReplyThroughResponseUrl(string botId, string conversationId, JsonObject body)
    {
        var msgType = AiBotFrames.String(body, "msgtype");
        switch (msgType)
        {
            case "markdown":
                var content = AiBotFrames.String(body["markdown"] as JsonObject, "content");
                if (CheckContent(content, "markdown.content", required: true) is { } problem)
                {
                    return (AiBotErrors.InvalidParameter, problem);
                }

                AddBotMessage(conversationId, "markdown", null, m => m.Content = content);
                return Ok;
            case "template_card":
                return AddCard(botId, conversationId, null, body["template_card"] as JsonObject);
            default:
                return (AiBotErrors.InvalidParameter, $"msgtype must be markdown or template_card (got '{msgType}')");
        }
    }

    // ---- replies under a pushed req_id ----------------------------------------------------------

    private (int, string) RespondMessage(string botId, string reqId, JsonObject? body)
    {
        if (Admit(botId, reqId, AiBotPendingKind.Message, AiBotCmd.RespondMsg, options.ReplyWindow, out var pending) is { } refusal)
        {
            return refusal;
        }

        var msgType = AiBotFrames.String(body, "msgtype");
        switch (msgType)
        {
            case "stream":
                return Stream(pending!, reqId, body!["stream"] as JsonObject, card: null);
            case "stream_with_template_card":
                var card = body!["template_card"] as JsonObject;
                if (card is not null && CheckCard(botId, card, update: false) is { } cardProblem)
                {
                    return (AiBotErrors.InvalidParameter, "template_card: " + cardProblem);
                }

                return Stream(pending!, reqId, body["stream"] as JsonObject, card);
            case "markdown":
                var content = AiBotFrames.String(body!["markdown"] as JsonObject, "content");
                if (CheckContent(content, "markdown.content", required: true) is { } contentProblem)
                {
                    return (AiBotErrors.InvalidParameter, contentProblem);
                }

                AddBotMessage(pending!.ConversationId, "markdown", reqId, m => m.Content = content);
                return Ok;
            case "template_card":
                return AddCard(botId, pending!.ConversationId, reqId, body!["template_card"] as JsonObject);
            case { } t when MediaTypes.Contains(t):
                return AddMedia(botId, pending!.ConversationId, reqId, t, body!);
            default:
                return (AiBotErrors.InvalidParameter, $"msgtype must be one of stream, stream_with_template_card, markdown, template_card, image, file, voice, video (got '{msgType}')");
        }
    }

    private (int, string) RespondWelcome(string botId, string reqId, JsonObject? body)
    {
        if (Admit(botId, reqId, AiBotPendingKind.EnterChat, AiBotCmd.RespondWelcome, options.EventReplyWindow, out var pending) is { } refusal)
        {
            return refusal;
        }

        var msgType = AiBotFrames.String(body, "msgtype");
        (int, string) result;
        if (msgType == "text")
        {
            var content = AiBotFrames.String(body!["text"] as JsonObject, "content");
            if (CheckContent(content, "text.content", required: true) is { } problem)
            {
                return (AiBotErrors.InvalidParameter, problem);
            }

            AddBotMessage(pending!.ConversationId, "text", reqId, m => m.Content = content);
            result = Ok;
        }
        else if (msgType == "template_card")
        {
            result = AddCard(botId, pending!.ConversationId, reqId, body!["template_card"] as JsonObject);
        }
        else
        {
            return (AiBotErrors.InvalidParameter, $"a welcome's msgtype must be text or template_card (got '{msgType}')");
        }

        if (result.Item1 == AiBotErrors.Ok)
        {
            lock (_gate)
            {
                // One welcome per enter_chat.
                _pending.Remove(reqId);
            }
        }

        return result;
    }

    private (int, string) RespondUpdate(string botId, string reqId, JsonObject? body)
    {
        if (Admit(botId, reqId, AiBotPendingKind.CardEvent, AiBotCmd.RespondUpdate, options.EventReplyWindow, out var pending) is { } refusal)
        {
            return refusal;
        }

        if (AiBotFrames.String(body, "response_type") != "update_template_card")
        {
            return (AiBotErrors.InvalidParameter, "response_type must be update_template_card");
        }

        if (body!["template_card"] is not JsonObject card)
        {
            return (AiBotErrors.InvalidParameter, "template_card is required");
        }

        if (CheckCard(botId, card, update: true) is { } problem)
        {
            return (AiBotErrors.InvalidParameter, "template_card: " + problem);
        }

        var copy = (JsonObject)card.DeepClone();
        if (pending!.SourceMessageId is null || !conversations.Update(pending.SourceMessageId, m =>
            {
                m.Card = copy;
                m.UpdatedAtMs = Now();
            }))
        {
            return (AiBotErrors.InvalidParameter, "the card this event came from no longer exists");
        }

        if (AiBotFrames.String(card, "task_id") is { } taskId)
        {
            lock (_gate)
            {
                _cardsByTask[botId + "/" + taskId] = pending.SourceMessageId;
            }
        }

        return Ok;
    }

    /// <summary>
    /// Finds the req_id and checks it admits <paramref name="cmd"/> now. A req_id the server never pushed (or pushed
    /// for another bot, or for another kind of answer) is 846605; one past its window is 846608.
    /// </summary>
    private (int, string)? Admit(string botId, string reqId, AiBotPendingKind kind, string cmd, TimeSpan window, out AiBotPending? pending)
    {
        lock (_gate)
        {
            _pending.TryGetValue(reqId, out pending);
        }

        if (pending is null || pending.BotId != botId)
        {
            return (AiBotErrors.InvalidReqId, $"invalid req_id: {cmd} must carry the req_id of the callback it answers, and this one was not pushed to this bot (or was already answered)");
        }

        if (pending.Kind != kind)
        {
            var expected = pending.Kind switch
            {
                AiBotPendingKind.Message => AiBotCmd.RespondMsg,
                AiBotPendingKind.EnterChat => AiBotCmd.RespondWelcome,
                _ => AiBotCmd.RespondUpdate,
            };
            return (AiBotErrors.InvalidReqId, $"invalid req_id for {cmd}: this req_id came with a {pending.Kind switch { AiBotPendingKind.Message => "message", AiBotPendingKind.EnterChat => "enter_chat event", _ => "template_card_event" }}, which is answered with {expected}");
        }

        if (time.GetUtcNow() - pending.At > window)
        {
            return (AiBotErrors.Expired, $"req_id expired: {cmd} is accepted for {window.TotalSeconds:0} s after the callback");
        }

        return null;
    }

    // ---- streams --------------------------------------------------------------------------------

    private (int, string) Stream(AiBotPending pending, string reqId, JsonObject? stream, JsonObject? card)
    {
        if (stream is null)
        {
            return (AiBotErrors.InvalidParameter, "stream is required: {id, finish, content}");
        }

        var id = AiBotFrames.String(stream, "id");
        if (string.IsNullOrEmpty(id))
        {
            return (AiBotErrors.InvalidParameter, "stream.id is required (set it on the first frame and repeat it on every later one)");
        }

        var finish = AiBotFrames.Bool(stream, "finish") ?? false;
        var content = AiBotFrames.String(stream, "content");
        if (CheckContent(content, "stream.content", required: false) is { } contentProblem)
        {
            return (AiBotErrors.InvalidParameter, contentProblem);
        }

        if (stream["msg_item"] is JsonArray items && CheckItems(items, finish) is { } itemProblem)
        {
            return (AiBotErrors.InvalidParameter, itemProblem);
        }

        var feedbackId = AiBotFrames.String(stream["feedback"] as JsonObject, "id");
        if (feedbackId is not null && Encoding.UTF8.GetByteCount(feedbackId) > 256)
        {
            return (AiBotErrors.InvalidParameter, "stream.feedback.id must be at most 256 bytes");
        }

        var key = pending.BotId + "/" + id;
        string messageId;
        lock (_gate)
        {
            if (_streams.TryGetValue(key, out var known))
            {
                if (known.ReqId != reqId)
                {
                    return (AiBotErrors.InvalidParameter, $"stream.id '{id}' belongs to the reply to another message; use a new id per reply");
                }

                messageId = known.MessageId;
            }
            else
            {
                messageId = "bot-" + AiBotFrames.NewId();
                _streams[key] = (reqId, messageId);
                conversations.Add(new AiBotMessage
                {
                    Id = messageId, ConversationId = pending.ConversationId, From = "bot", MsgType = card is null ? "stream" : "stream_with_template_card",
                    StreamId = id, ReqId = reqId, CreatedAtMs = Now(), UpdatedAtMs = Now(),
                });
            }
        }

        var cardCopy = card?.DeepClone() as JsonObject;
        var finishedAlready = false;
        conversations.Update(messageId, m =>
        {
            if (m.Finished)
            {
                finishedAlready = true;
                return;
            }

            // Each frame carries the whole text so far: it replaces what was shown.
            if (content is not null)
            {
                m.Content = content;
            }

            m.Finished = finish;
            m.Frames++;
            m.FeedbackId ??= feedbackId;
            if (cardCopy is not null)
            {
                m.Card = cardCopy;
                m.MsgType = "stream_with_template_card";
            }

            m.UpdatedAtMs = Now();
        });

        if (finishedAlready)
        {
            return (AiBotErrors.Expired, $"stream '{id}' has finished: a finished stream takes no more frames");
        }

        if (cardCopy is not null && AiBotFrames.String(cardCopy, "task_id") is { } taskId)
        {
            lock (_gate)
            {
                _cardsByTask[pending.BotId + "/" + taskId] = messageId;
            }
        }

        return Ok;
    }

    private static string? CheckItems(JsonArray items, bool finish)
    {
        if (!finish)
        {
            return "stream.msg_item is only accepted on the frame with finish=true";
        }

        if (items.Count > 10)
        {
            return "stream.msg_item holds at most 10 items";
        }

        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i] as JsonObject;
            var image = item?["image"] as JsonObject;
            if (AiBotFrames.String(item, "msgtype") != "image" || AiBotFrames.String(image, "base64") is not { Length: > 0 } b64 || AiBotFrames.String(image, "md5") is not { Length: > 0 })
            {
                return $"stream.msg_item[{i}] must be {{msgtype:\"image\", image:{{base64, md5}}}}";
            }

            if (b64.Length / 4 * 3 > 10 * 1024 * 1024)
            {
                return $"stream.msg_item[{i}].image is over 10 MB";
            }
        }

        return null;
    }

    // ---- cards, media, proactive sends ----------------------------------------------------------

    private (int, string) AddCard(string botId, string conversationId, string? reqId, JsonObject? card)
    {
        if (card is null)
        {
            return (AiBotErrors.InvalidParameter, "template_card is required");
        }

        if (CheckCard(botId, card, update: false) is { } problem)
        {
            return (AiBotErrors.InvalidParameter, "template_card: " + problem);
        }

        var copy = (JsonObject)card.DeepClone();
        var id = AddBotMessage(conversationId, "template_card", reqId, m => m.Card = copy);
        if (AiBotFrames.String(card, "task_id") is { } taskId)
        {
            lock (_gate)
            {
                _cardsByTask[botId + "/" + taskId] = id;
            }
        }

        return Ok;
    }

    private (int, string) AddMedia(string botId, string conversationId, string? reqId, string type, JsonObject body)
    {
        var mediaId = AiBotFrames.String(body[type] as JsonObject, "media_id");
        if (media.Find(botId, mediaId) is not { } found)
        {
            return (AiBotErrors.InvalidMediaId, $"invalid media_id: {type}.media_id must be one this bot uploaded (aibot_upload_media_*) within 3 days");
        }

        if (found.Type != type)
        {
            return (AiBotErrors.InvalidMediaId, $"media_id is a {found.Type}, not a {type}");
        }

        AddBotMessage(conversationId, type, reqId, m =>
        {
            m.MediaId = mediaId;
            m.FileName = found.FileName;
        });
        return Ok;
    }

    /// <summary><c>aibot_send_msg</c>: <c>chatid</c> is a group's chatid or, for a single chat, the user's userid.</summary>
    private (int, string) Send(string botId, JsonObject? body)
    {
        var chatId = AiBotFrames.String(body, "chatid");
        if (string.IsNullOrEmpty(chatId))
        {
            return (AiBotErrors.InvalidParameter, "chatid is required: a group's chatid, or a userid for the single chat");
        }

        string conversationId;
        if (directory.Group(chatId) is { } group)
        {
            conversationId = conversations.Ensure(new AiBotConversation { Id = AiBotConversations.GroupId(botId, chatId), BotId = botId, ChatType = "group", ChatId = chatId, Title = group.Name }).Id;
        }
        else if (directory.UserName(chatId) is { } name)
        {
            conversationId = conversations.Ensure(new AiBotConversation { Id = AiBotConversations.SingleId(botId, chatId), BotId = botId, ChatType = "single", UserId = chatId, Title = name }).Id;
        }
        else
        {
            return (AiBotErrors.InvalidParameter, $"chatid '{chatId}' is neither a group the bot is in nor a user of the corp");
        }

        var msgType = AiBotFrames.String(body, "msgtype");
        switch (msgType)
        {
            case "markdown":
                var content = AiBotFrames.String(body!["markdown"] as JsonObject, "content");
                if (CheckContent(content, "markdown.content", required: true) is { } problem)
                {
                    return (AiBotErrors.InvalidParameter, problem);
                }

                AddBotMessage(conversationId, "markdown", null, m => m.Content = content);
                return Ok;
            case "template_card":
                return AddCard(botId, conversationId, null, body!["template_card"] as JsonObject);
            case { } t when MediaTypes.Contains(t):
                return AddMedia(botId, conversationId, null, t, body!);
            default:
                return (AiBotErrors.InvalidParameter, $"msgtype must be one of markdown, template_card, image, file, voice, video (got '{msgType}')");
        }
    }

    /// <summary>The template card rules WeCom states: its type, task_id for interactive cards (unique per bot), buttons and choices.</summary>
    private string? CheckCard(string botId, JsonObject card, bool update)
    {
        var type = AiBotFrames.String(card, "card_type");
        if (type is null || !CardTypes.Contains(type))
        {
            return $"card_type must be one of {string.Join(", ", CardTypes)}";
        }

        var taskId = AiBotFrames.String(card, "task_id");
        var interactive = type is "button_interaction" or "vote_interaction" or "multiple_interaction";
        if (interactive && string.IsNullOrEmpty(taskId))
        {
            return $"task_id is required for a {type} card";
        }

        if (taskId is not null)
        {
            if (Encoding.UTF8.GetByteCount(taskId) > 128 || !TaskIdPattern().IsMatch(taskId))
            {
                return "task_id must be 1..128 bytes of letters, digits and _-@";
            }

            if (!update && CardMessageOf(botId, taskId) is not null)
            {
                return $"task_id '{taskId}' was already used by this bot";
            }
        }

        switch (type)
        {
            case "text_notice" when AiBotFrames.String(card["main_title"] as JsonObject, "title") is null && AiBotFrames.String(card, "sub_title_text") is null:
                return "a text_notice needs main_title.title or sub_title_text";
            case "button_interaction":
                if (card["button_list"] is not JsonArray buttons || buttons.Count is < 1 or > 6)
                {
                    return "button_list must hold 1..6 buttons";
                }

                for (var i = 0; i < buttons.Count; i++)
                {
                    if (AiBotFrames.String(buttons[i] as JsonObject, "text") is not { Length: > 0 } || AiBotFrames.String(buttons[i] as JsonObject, "key") is not { Length: > 0 })
                    {
                        return $"button_list[{i}] needs text and key";
                    }
                }

                break;
            case "vote_interaction":
                if (card["checkbox"] is not JsonObject checkbox || checkbox["option_list"] is not JsonArray { Count: >= 1 and <= 20 } || AiBotFrames.String(checkbox, "question_key") is null)
                {
                    return "checkbox needs question_key and 1..20 options";
                }

                if (card["submit_button"] is not JsonObject)
                {
                    return "a vote_interaction needs submit_button";
                }

                break;
            case "multiple_interaction":
                if (card["select_list"] is not JsonArray { Count: >= 1 and <= 3 })
                {
                    return "select_list must hold 1..3 selectors";
                }

                if (card["submit_button"] is not JsonObject)
                {
                    return "a multiple_interaction needs submit_button";
                }

                break;
        }

        return null;
    }

    private string? CheckContent(string? content, string field, bool required)
    {
        if (required && string.IsNullOrEmpty(content))
        {
            return field + " is required";
        }

        var bytes = content is null ? 0 : Encoding.UTF8.GetByteCount(content);
        return bytes > options.MaxStreamContentBytes ? $"{field} is {bytes} bytes; at most {options.MaxStreamContentBytes} (UTF-8)" : null;
    }

    private string AddBotMessage(string conversationId, string msgType, string? reqId, Action<AiBotMessage> fill)
    {
        var message = new AiBotMessage { Id = "bot-" + AiBotFrames.NewId(), ConversationId = conversationId, From = "bot", MsgType = msgType, ReqId = reqId, Finished = true, CreatedAtMs = Now(), UpdatedAtMs = Now() };
        fill(message);
        conversations.Add(message);
        return message.Id;
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private static (int, string) Ok => (AiBotErrors.Ok, "ok");

    private static (int, string, JsonObject?) NoBody((int Errcode, string Errmsg) result) => (result.Errcode, result.Errmsg, null);

    private static (int, string, JsonObject?) Swap((JsonObject? Body, int Errcode, string Errmsg) result) => (result.Errcode, result.Errmsg, result.Body);

    [GeneratedRegex("^[A-Za-z0-9_\\-@]+$")]
    private static partial Regex TaskIdPattern();
}
