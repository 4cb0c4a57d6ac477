using System.Text.Json.Nodes;
using Larkway.Emulator.Platform;
using Microsoft.Extensions.Logging;

namespace Larkway.Emulator.WeCom.AiBot;

/// <summary>
/// The AI bot's URL-callback mode (接收消息, document 100719): a user's message is posted encrypted to the bot's URL, with a
/// <c>response_url</c> for one later reply; the bot's server has 5 s to answer, and a connection that fails or times out is
/// tried three more times. A passive reply (a stream, a template card, or both) is shown in the conversation. While a
/// stream is not finished WeCom keeps asking for it — a stream-refresh callback <c>{msgtype:"stream", stream:{id}}</c>
/// every <see cref="AiBotOptions.CallbackPollInterval"/> — until the reply says finish or 6 minutes have passed since the
/// user's message (on the emulator's clock). Every exchange is logged for <c>GET …/callback/deliveries</c>; nothing secret or
/// decrypted goes to the application log.
/// </summary>
internal sealed partial class AiBotUrlCallbacks : IDisposable
{
    private static readonly string[] PassiveTypes = ["stream", "template_card", "stream_with_template_card"];

    private readonly AiBotOptions _options;
    private readonly AiBotUrlCallbackStore _store;
    private readonly AiBotReplies _replies;
    private readonly TimeProvider _time;
    private readonly ILogger<AiBotUrlCallbacks> _logger;
    private readonly HttpClient _http;
    private readonly AiBotUrlCallbackWire _wire;
    private readonly CancellationTokenSource _stopping = new();
    private int _polling;

    public AiBotUrlCallbacks(AiBotOptions options, AiBotUrlCallbackStore store, AiBotReplies replies, TimeProvider time, ILogger<AiBotUrlCallbacks> logger)
    {
        _options = options;
        _store = store;
        _replies = replies;
        _time = time;
        _logger = logger;
        _http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = options.CallbackTimeout, UseProxy = false, AllowAutoRedirect = false })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _wire = new AiBotUrlCallbackWire(_http, time);
    }

    /// <summary>Streams being polled now.</summary>
    public int Polling => Volatile.Read(ref _polling);

    public AiBotCallbackSettings? Settings(string botId) => _store.Settings(botId);

    /// <summary>
    /// Verifies the URL with the given Token and EncodingAESKey (as the console does on save) and, when it passes, puts
    /// the bot in URL-callback mode. Returns the settings, or what to fix.
    /// </summary>
    public async Task<(AiBotCallbackSettings? Settings, string? Problem)> ConfigureAsync(string botId, Uri url, string token, string encodingAesKey, string emulatorBase, CancellationToken cancellationToken)
    {
        var crypto = AiBotUrlCallbackWire.Crypto(token, encodingAesKey);
        var problem = await _wire.VerifyAsync(url, crypto, _options.CallbackVerifyTimeout, cancellationToken);
        _store.Record(botId, "verify", null, null, 1, null, problem is null ? "verified" : "refused", problem, null);
        if (problem is not null)
        {
            LogVerifyFailed(_logger, botId, problem);
            return (null, problem);
        }

        var settings = new AiBotCallbackSettings(botId, url, token, encodingAesKey, _time.GetUtcNow(), emulatorBase);
        _store.Set(settings);
        LogConfigured(_logger, botId);
        return (settings, null);
    }

    /// <summary>
    /// Posts a user's message (its body gains the response_url) with WeCom's retries, shows the passive reply, and starts
    /// polling when it is an unfinished stream. The push's delivery is <c>callback</c> when the server answered,
    /// <c>callback-failed</c> when it never did.
    /// </summary>
    public async Task<AiBotPush> DeliverMessageAsync(AiBotCallbackSettings settings, JsonObject body, AiBotPending pending, string baseUrl)
    {
        var msgId = pending.SourceMessageId!;
        var code = _store.IssueCode(settings.BotId, pending.ConversationId, msgId, _options.ResponseUrlLifetime);
        body["response_url"] = $"{baseUrl.TrimEnd('/')}{AiBotUrlCallbackEndpoints.ResponsePath}?response_code={code.Code}";
        _replies.Register(msgId, pending);

        var (answer, attempt) = await PostWithRetriesAsync(settings, "message", msgId, body.ToJsonString());
        if (answer is null)
        {
            return new AiBotPush(msgId, "callback-failed", null);
        }

        Apply(settings, pending, msgId, "message", null, attempt, answer);
        return new AiBotPush(msgId, answer.Status is not null ? "callback" : "callback-failed", null);
    }

    /// <summary>
    /// Posts an event (document 101027): <c>enter_chat</c> (a passive welcome: text or a template card),
    /// <c>template_card_event</c> (a passive <c>update_template_card</c>; the body gains a response_url, document 101138) or
    /// <c>feedback_event</c> (no reply). <paramref name="pending"/> is what the event admits as a reply (null: nothing).
    /// </summary>
    public async Task<AiBotPush> DeliverEventAsync(AiBotCallbackSettings settings, JsonObject body, AiBotPending? pending)
    {
        var msgId = AiBotFrames.String(body, "msgid")!;
        if (pending is { Kind: AiBotPendingKind.CardEvent } && settings.EmulatorBase is { } emulatorBase)
        {
            var code = _store.IssueCode(settings.BotId, pending.ConversationId, msgId, _options.ResponseUrlLifetime);
            body["response_url"] = $"{emulatorBase.TrimEnd('/')}{AiBotUrlCallbackEndpoints.ResponsePath}?response_code={code.Code}";
        }

        if (pending is not null)
        {
            _replies.Register(msgId, pending);
        }

        var (answer, attempt) = await PostWithRetriesAsync(settings, "event", msgId, body.ToJsonString());
        if (answer is null)
        {
            return new AiBotPush(msgId, "callback-failed", null);
        }

        var (outcome, error) = (answer.Outcome, answer.Error);
        if (answer.Reply is { } reply)
        {
            var (errcode, errmsg) = pending is null ? (AiBotErrors.InvalidParameter, "this event takes no reply") : _replies.RespondPassiveEvent(settings.BotId, msgId, pending.Kind, reply);
            if (errcode != AiBotErrors.Ok)
            {
                (outcome, error) = ("bad_reply", $"{errcode}: {errmsg}");
                LogFailed(_logger, settings.BotId, "event", attempt, error);
            }
        }

        _store.Record(settings.BotId, "event", msgId, null, attempt, answer.Status, outcome, error, answer.ReplyJson);
        return new AiBotPush(msgId, answer.Status is not null ? "callback" : "callback-failed", null);
    }

    /// <summary>One callback with WeCom's retries of failed connections and timeouts; null (and the attempts) when it never got an answer.</summary>
    private async Task<(AiBotCallbackAnswer? Answer, int Attempt)> PostWithRetriesAsync(AiBotCallbackSettings settings, string kind, string msgId, string plain)
    {
        var crypto = AiBotUrlCallbackWire.Crypto(settings);
        var delays = _options.CallbackRetryDelays;
        for (var attempt = 1; attempt <= delays.Count + 1; attempt++)
        {
            if (attempt > 1)
            {
                await Task.Delay(delays[attempt - 2], _stopping.Token);
            }

            var answer = await _wire.PostAsync(settings.Url, crypto, plain, _options.CallbackTimeout, _stopping.Token);
            if (!answer.Retryable)
            {
                return (answer, attempt);
            }

            _store.Record(settings.BotId, kind, msgId, null, attempt, null, answer.Outcome, answer.Error, null);
            LogFailed(_logger, settings.BotId, kind, attempt, answer.Error!);
        }

        _store.Record(settings.BotId, kind, msgId, null, delays.Count + 1, null, "failed", "gave up after WeCom's three retries", null);
        return (null, delays.Count + 1);
    }

    /// <summary>Shows a reply that passed its crypto (when it is one WeCom takes) and starts polling an unfinished stream.</summary>
    private void Apply(AiBotCallbackSettings settings, AiBotPending pending, string msgId, string kind, string? polledStream, int attempt, AiBotCallbackAnswer answer)
    {
        var (outcome, error) = (answer.Outcome, answer.Error);
        string? streamId = polledStream;
        var unfinished = false;
        if (answer.Reply is { } reply)
        {
            var msgType = AiBotFrames.String(reply, "msgtype");
            var stream = reply["stream"] as JsonObject;
            streamId = AiBotFrames.String(stream, "id") ?? polledStream;
            if (msgType is null || !PassiveTypes.Contains(msgType))
            {
                (outcome, error) = ("bad_reply", $"a passive reply to a message is stream, template_card or stream_with_template_card (got '{msgType}'); markdown goes through response_url");
            }
            else if (polledStream is not null && msgType != "stream" && msgType != "stream_with_template_card")
            {
                (outcome, error) = ("bad_reply", "a stream refresh is answered with the stream (msgtype stream)");
            }
            else if (polledStream is not null && streamId != polledStream)
            {
                (outcome, error) = ("bad_reply", $"a stream refresh for '{polledStream}' was answered with stream.id '{streamId}'");
            }
            else
            {
                var (errcode, errmsg) = _replies.RespondPassive(settings.BotId, msgId, reply);
                if (errcode != AiBotErrors.Ok)
                {
                    (outcome, error) = ("bad_reply", $"{errcode}: {errmsg}");
                }

                unfinished = stream is not null && !(AiBotFrames.Bool(stream, "finish") ?? false);
            }
        }

        _store.Record(settings.BotId, kind, msgId, streamId, attempt, answer.Status, outcome, error, answer.ReplyJson);
        if (error is not null)
        {
            LogFailed(_logger, settings.BotId, kind, attempt, error);
        }

        if (kind == "message" && unfinished && outcome == "answered" && streamId is not null)
        {
            _ = PollAsync(settings.BotId, pending, msgId, streamId);
        }
        else if (kind == "stream_refresh" && outcome == "answered" && !unfinished)
        {
            _store.Record(settings.BotId, "polling_ended", msgId, streamId, attempt, null, "finished", null, null);
        }
    }

    /// <summary>Asks for more of the stream until it finishes or the 6-minute window (emulator clock) has passed.</summary>
    private async Task PollAsync(string botId, AiBotPending pending, string msgId, string streamId)
    {
        Interlocked.Increment(ref _polling);
        try
        {
            for (var poll = 1; ; poll++)
            {
                await Task.Delay(_options.CallbackPollInterval, _stopping.Token);
                if (_time.GetUtcNow() - pending.At > _options.ReplyWindow)
                {
                    _store.Record(botId, "polling_ended", msgId, streamId, poll, null, "expired",
                        $"the stream did not finish within {_options.ReplyWindow.TotalMinutes:0.##} minutes of the user's message; WeCom stops asking", null);
                    return;
                }

                if (_store.Settings(botId) is not { } settings)
                {
                    _store.Record(botId, "polling_ended", msgId, streamId, poll, null, "expired", "the bot left URL-callback mode", null);
                    return;
                }

                var refresh = Refresh(pending, streamId);
                var answer = await _wire.PostAsync(settings.Url, AiBotUrlCallbackWire.Crypto(settings), refresh.ToJsonString(), _options.CallbackTimeout, _stopping.Token);
                Apply(settings, pending, msgId, "stream_refresh", streamId, poll, answer);
                if (_replies.StreamFinished(botId, streamId))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogPollCrashed(_logger, botId, e);
        }
        finally
        {
            Interlocked.Decrement(ref _polling);
        }
    }

    /// <summary>The stream-refresh callback: the conversation's fields, a new msgid, <c>msgtype</c> stream and the stream's id.</summary>
    private JsonObject Refresh(AiBotPending pending, string streamId)
    {
        var body = new JsonObject { ["msgid"] = AiBotFrames.NewId(), ["aibotid"] = pending.BotId };
        var group = pending.ConversationId.Split('/') is [_, "group", var chatId] ? chatId : null;
        if (group is not null)
        {
            body["chatid"] = group;
        }

        body["chattype"] = group is null ? "single" : "group";
        body["from"] = new JsonObject { ["userid"] = pending.UserId };
        body["create_time"] = _time.GetUtcNow().ToUnixTimeSeconds();
        body["msgtype"] = "stream";
        body["stream"] = new JsonObject { ["id"] = streamId };
        return body;
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _http.Dispose();
    }

    [LoggerMessage(EventId = LogEvents.WeComAiBotCallbackConfigured, Level = LogLevel.Information, Message = "WeCom AI bot {BotId} put in URL-callback mode (URL verified)")]
    private static partial void LogConfigured(ILogger logger, string botId);

    [LoggerMessage(EventId = LogEvents.WeComAiBotCallbackVerifyFailed, Level = LogLevel.Information, Message = "WeCom AI bot {BotId}: URL verification failed: {Problem}")]
    private static partial void LogVerifyFailed(ILogger logger, string botId, string problem);

    [LoggerMessage(EventId = LogEvents.WeComAiBotCallbackFailed, Level = LogLevel.Information, Message = "WeCom AI bot {BotId}: {Kind} callback attempt {Attempt}: {Error}")]
    private static partial void LogFailed(ILogger logger, string botId, string kind, int attempt, string error);

    [LoggerMessage(EventId = LogEvents.WeComAiBotCallbackPollCrashed, Level = LogLevel.Error, Message = "WeCom AI bot {BotId}: stream polling stopped on an unexpected error")]
    private static partial void LogPollCrashed(ILogger logger, string botId, Exception exception);
}
