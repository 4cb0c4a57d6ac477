using System.Text.Json;
using System.Text.Json.Nodes;

namespace Larkway.WeCom.AiBot;

/// <summary>Handles one message or event of the AI bot. Replies go through <paramref name="callback"/>, which knows its req_id.</summary>
public delegate ValueTask WeComAiBotHandler(WeComAiBotCallback callback, CancellationToken cancellationToken);

/// <summary>What WeCom answered to a frame the client sent: the req_id and the answer's body, when it had one.</summary>
public sealed record WeComAiBotAck(string ReqId, JsonElement? Body);

/// <summary>
/// One message (<c>aibot_msg_callback</c>) or event (<c>aibot_event_callback</c>) as the handler gets it, with the
/// replies bound to its req_id: WeCom matches a reply to what it answers by that id.
/// </summary>
public sealed class WeComAiBotCallback
{
    /// <summary>How long WeCom waits for a welcome after <c>enter_chat</c> or a card update after <c>template_card_event</c>.</summary>
    public static readonly TimeSpan EventReplyWindow = TimeSpan.FromSeconds(5);

    private readonly WeComAiBotClient _client;
    private readonly long _receivedTimestamp;

    internal WeComAiBotCallback(WeComAiBotClient client, string cmd, string reqId, JsonElement body, WeComAiBotMessage? message, WeComAiBotEvent? @event, long receivedTimestamp)
    {
        _client = client;
        Cmd = cmd;
        ReqId = reqId;
        Body = body;
        Message = message;
        Event = @event;
        _receivedTimestamp = receivedTimestamp;
    }

    /// <summary><see cref="WeComAiBotCommands.MessageCallback"/> or <see cref="WeComAiBotCommands.EventCallback"/>.</summary>
    public string Cmd { get; }

    /// <summary>The frame's req_id; every reply to it reuses it.</summary>
    public string ReqId { get; }

    /// <summary>The body as received (for fields this client does not model).</summary>
    public JsonElement Body { get; }

    /// <summary>The message, for <c>aibot_msg_callback</c>.</summary>
    public WeComAiBotMessage? Message { get; }

    /// <summary>The event, for <c>aibot_event_callback</c>.</summary>
    public WeComAiBotEvent? Event { get; }

    /// <summary>The callback's message id (the dedup key).</summary>
    public string MsgId => Message?.MsgId ?? Event?.MsgId ?? "";

    /// <summary>
    /// Sends a reply (<c>aibot_respond_msg</c>) and waits for WeCom's ack. Replies to one req_id go one at a time, each
    /// after the previous one's ack (or its timeout): WeCom needs a stream's frames in order.
    /// </summary>
    /// <exception cref="WeComApiException">WeCom refused it (its errcode), no ack came in time (<c>Larkway.Timeout</c>) or there is no connection (<c>Larkway.NetworkError</c>).</exception>
    public Task<WeComAiBotAck> ReplyAsync(WeComAiBotReply reply, CancellationToken cancellationToken = default) =>
        _client.RespondAsync(ReqId, reply, cancellationToken);

    /// <summary>Starts a stream reply (a new stream id); append text to it, then finish it.</summary>
    /// <param name="feedbackId">Set to receive <c>feedback_event</c>s about this reply (≤ 256 bytes).</param>
    public WeComAiBotStream BeginStream(string? feedbackId = null) => _client.BeginStream(ReqId, feedbackId);

    /// <summary>Answers <c>enter_chat</c> with a welcome (text or template card), within 5 s of the event.</summary>
    /// <exception cref="WeComApiException">This is not an enter_chat event, or its 5 s have passed (<c>Larkway.InvalidRequest</c>); or WeCom refused it.</exception>
    public Task<WeComAiBotAck> ReplyWelcomeAsync(WeComAiBotReply welcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(welcome);
        CheckEventReply(WeComAiBotEventTypes.EnterChat, "A welcome");
        if (welcome.MsgType is not ("text" or "template_card"))
        {
            throw WeComAiBotReply.Invalid($"A welcome is text or a template card, not {welcome.MsgType}.");
        }

        return _client.SendSerialisedAsync(WeComAiBotCommands.RespondWelcome, ReqId, welcome.Body, cancellationToken);
    }

    /// <summary>Replaces the clicked template card, within 5 s of <c>template_card_event</c>. The card's task_id must be the clicked card's.</summary>
    /// <exception cref="WeComApiException">This is not a template_card_event, or its 5 s have passed; or the card is invalid; or WeCom refused it.</exception>
    public Task<WeComAiBotAck> UpdateTemplateCardAsync(JsonObject card, IReadOnlyList<string>? userIds = null, CancellationToken cancellationToken = default)
    {
        CheckEventReply(WeComAiBotEventTypes.TemplateCardEvent, "A template card update");
        var update = WeComAiBotReply.UpdateTemplateCard(card, userIds);
        return _client.SendSerialisedAsync(WeComAiBotCommands.RespondUpdate, ReqId, update.Body, cancellationToken);
    }

    private void CheckEventReply(string eventType, string what)
    {
        if (Event?.EventType != eventType)
        {
            throw WeComAiBotReply.Invalid($"{what} answers a {eventType} event; this callback is {(Event is null ? "a message" : Event.EventType)}.");
        }

        var elapsed = _client.TimeProvider.GetElapsedTime(_receivedTimestamp);
        if (elapsed > EventReplyWindow)
        {
            throw WeComAiBotReply.Invalid($"{what} must go within {EventReplyWindow.TotalSeconds:0} s of the {eventType} event; {elapsed.TotalSeconds:0.0} s have passed and WeCom no longer takes it. Answer before slow work.");
        }
    }
}
