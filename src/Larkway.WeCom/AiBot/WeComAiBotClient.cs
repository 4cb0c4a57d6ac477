using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Shared.Clients;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Larkway.WeCom.AiBot;

/// <summary>
/// The AI bot's (智能机器人) long connection to WeCom: subscribes with the bot id and secret, pings every 30 s, hands each
/// message and event to the handler once (WeCom may deliver one again), and sends replies that reuse the inbound req_id,
/// one at a time per req_id.
/// <para>
/// Liveness: a connection whose pings go unanswered (<see cref="WeComAiBotOptions.MaxMissedPongs"/> in a row), on which
/// nothing arrives for <see cref="WeComAiBotOptions.SilenceTimeout"/>, or whose socket drops, is replaced, after a
/// back-off of 1 s doubling to 30 s with jitter. WeCom keeps one connection per bot — a new subscribe closes the old one
/// — so the replacement cannot be opened before the old one is closed (the new subscribe would itself cut the old one
/// off, and a half-dead old one might take the new one's place in WeCom's eyes): the client closes first, then
/// subscribes. When WeCom says another connection took over (<c>disconnected_event</c>), the client stops in
/// <see cref="WeComAiBotConnectionState.TakenOver"/> instead of reconnecting: two holders reconnecting would take the bot
/// from each other forever.
/// </para>
/// </summary>
/// <example>
/// <code>
/// await using var bot = new WeComAiBotClient(new WeComAiBotOptions { BotId = "…", Secret = "…" }, async (callback, ct) =>
/// {
///     if (callback.Message is { } message)
///     {
///         var stream = callback.BeginStream();
///         await stream.AppendAsync("You said: " + message.PlainText, ct);
///         await stream.FinishAsync(cancellationToken: ct);
///     }
/// });
/// await bot.StartAsync(stoppingToken);
/// </code>
/// </example>
public sealed partial class WeComAiBotClient : IAsyncDisposable
{
    private const int MaxChunkBytes = 512 * 1024;
    private const int MaxChunks = 100;

    // How long a server that still sends frames gets to answer a close before the connection is aborted.
    private static readonly TimeSpan PoliteCloseTimeout = TimeSpan.FromSeconds(5);

    private readonly WeComAiBotOptions _options;
    private readonly WeComAiBotHandler _handler;
    private readonly ILogger _logger;
    private readonly AiBotTelemetry _telemetry;
    private IDisposable? _tracking;
    private readonly DuplicateFilter<object> _duplicates;
    private readonly SemaphoreSlim _handlers;
    private readonly Func<Uri, CancellationToken, Task<WebSocket>> _connectSocket;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly BackgroundWork _work = new();
    private readonly Dictionary<string, Lane> _lanes = new(StringComparer.Ordinal);
    private TaskCompletionSource _activated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private AiBotConnection? _current;
    private ITimer? _watchdog;
    private WeComAiBotConnectionState _state = WeComAiBotConnectionState.NotStarted;
    private int _connectionsOpened;
    private string? _lastReconnectReason;

    /// <summary>An AI bot client; nothing connects until <see cref="StartAsync"/>.</summary>
    /// <exception cref="WeComApiException">BotId or Secret is missing.</exception>
    /// <exception cref="ArgumentException">Another option is invalid.</exception>
    public WeComAiBotClient(WeComAiBotOptions options, WeComAiBotHandler handler, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null,
        IMeterFactory? meterFactory = null)
        : this(options, handler, loggerFactory, timeProvider, meterFactory, connectSocket: null)
    {
    }

    internal WeComAiBotClient(WeComAiBotOptions options, WeComAiBotHandler handler, ILoggerFactory? loggerFactory, TimeProvider? timeProvider,
        IMeterFactory? meterFactory, Func<Uri, CancellationToken, Task<WebSocket>>? connectSocket)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        options.ThrowIfInvalid();
        _options = options;
        _handler = handler;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Larkway.WeCom.AiBot");
        TimeProvider = timeProvider ?? TimeProvider.System;
        _telemetry = new AiBotTelemetry(meterFactory, options.BotId);
        _duplicates = new DuplicateFilter<object>(options.DuplicateWindow, TimeProvider);
        _handlers = new SemaphoreSlim(options.MaxConcurrentHandlers, options.MaxConcurrentHandlers);
        _connectSocket = connectSocket ?? ConnectSocketAsync;
    }

    /// <summary>Where the connection stands now.</summary>
    public WeComAiBotConnectionState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>Raised on every change of <see cref="State"/> (on the thread that made it; do not block).</summary>
    public event EventHandler<WeComAiBotStateChange>? StateChanged;

    /// <summary>True while a subscribed connection is open.</summary>
    public bool IsConnected => Volatile.Read(ref _current) is { IsOpen: true };

    /// <summary>Connections subscribed since start (the first one included).</summary>
    public int ConnectionsOpened => Volatile.Read(ref _connectionsOpened);

    /// <summary>Why the last connection ended (and was replaced, or not), or null.</summary>
    public string? LastReconnectReason => Volatile.Read(ref _lastReconnectReason);

    internal TimeProvider TimeProvider { get; }

    internal WeComAiBotOptions Options => _options;

    /// <summary>
    /// Opens and subscribes the first connection — its failure is thrown (wrong credentials are not retried in silence) —
    /// then keeps one open in the background until <see cref="StopAsync"/>.
    /// </summary>
    /// <exception cref="WeComApiException">WeCom refused the subscribe (its errcode; check BotId and Secret), or could not be reached (<c>Larkway.NetworkError</c>, <c>Larkway.Timeout</c>).</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_state != WeComAiBotConnectionState.NotStarted)
            {
                throw new InvalidOperationException("The AI bot client was already started; make a new one to start again.");
            }
        }

        SetState(WeComAiBotConnectionState.Connecting, "start");
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        AiBotConnection first;
        try
        {
            first = await ConnectAsync(linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            SetState(WeComAiBotConnectionState.Stopped, "start failed: " + ex.Message);
            throw;
        }

        Activate(first, "start");
        _tracking = _telemetry.Track(() => State == WeComAiBotConnectionState.Connected);
        Track(Task.Run(() => SuperviseAsync(first), CancellationToken.None));
        var period = new[] { TimeSpan.FromSeconds(1), _options.PingInterval / 4, _options.SilenceTimeout / 4 }.Min();
        _watchdog = TimeProvider.CreateTimer(static state => ((WeComAiBotClient)state!).CheckLiveness(), this, period, period);
    }

    /// <summary>Closes the connection and waits (within <paramref name="cancellationToken"/>) for the callbacks being handled.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _tracking?.Dispose();
        if (_watchdog is not null)
        {
            await _watchdog.DisposeAsync().ConfigureAwait(false);
        }

        if (Interlocked.Exchange(ref _current, null) is { } connection)
        {
            await connection.CloseAsync("closed by the client", TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }

        // Within the caller's patience: what is left when it stops waiting ends with the connection.
        await _work.WhenIdleAsync(cancellationToken).ConfigureAwait(false);

        lock (_gate)
        {
            if (_state is WeComAiBotConnectionState.TakenOver or WeComAiBotConnectionState.AuthenticationFailed)
            {
                return;
            }
        }

        SetState(WeComAiBotConnectionState.Stopped, "stopped by the application");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _telemetry.Dispose();
    }

    /// <summary>
    /// Sends a reply (<c>aibot_respond_msg</c>) to the callback with <paramref name="reqId"/> and waits for its ack.
    /// Replies to one req_id go one at a time, each after the previous one's ack or its timeout.
    /// </summary>
    /// <exception cref="WeComApiException">WeCom refused it (its errcode, e.g. 846608 when a stream's 6 minutes are over), no ack came in time, or there is no connection.</exception>
    public Task<WeComAiBotAck> RespondAsync(string reqId, WeComAiBotReply reply, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(reqId);
        ArgumentNullException.ThrowIfNull(reply);
        return SendSerialisedAsync(WeComAiBotCommands.RespondMessage, reqId, reply.Body, cancellationToken);
    }

    /// <summary>
    /// Answers the <c>enter_chat</c> event with <paramref name="reqId"/> with a welcome (<c>aibot_respond_welcome_msg</c>):
    /// text or a template card, within 5 s of the event (WeCom drops it after). For a handler that keeps the req_id
    /// rather than the callback; with the callback at hand, <see cref="WeComAiBotCallback.ReplyWelcomeAsync"/> also
    /// checks the event type and the 5 s.
    /// </summary>
    /// <exception cref="WeComApiException">The welcome is neither text nor a template card, WeCom refused it, no ack came in time, or there is no connection.</exception>
    public Task<WeComAiBotAck> RespondWelcomeAsync(string reqId, WeComAiBotReply welcome, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(reqId);
        ArgumentNullException.ThrowIfNull(welcome);
        if (welcome.MsgType is not ("text" or "template_card"))
        {
            throw WeComAiBotReply.Invalid($"A welcome is text or a template card, not {welcome.MsgType}.");
        }

        return SendSerialisedAsync(WeComAiBotCommands.RespondWelcome, reqId, welcome.Body, cancellationToken);
    }

    /// <summary>
    /// Replaces the clicked template card (<c>aibot_respond_update_msg</c>) in answer to the <c>template_card_event</c> with
    /// <paramref name="reqId"/>, within 5 s of the event. For a handler that keeps the req_id rather than the callback; with
    /// the callback at hand, <see cref="WeComAiBotCallback.UpdateTemplateCardAsync"/> also checks the event type and the 5 s.
    /// </summary>
    /// <exception cref="WeComApiException">The reply is not a card update (<see cref="WeComAiBotReply.UpdateTemplateCard"/>), WeCom refused it, no ack came in time, or there is no connection.</exception>
    public Task<WeComAiBotAck> RespondUpdateAsync(string reqId, WeComAiBotReply update, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(reqId);
        ArgumentNullException.ThrowIfNull(update);
        if (update.MsgType != "update_template_card")
        {
            throw WeComAiBotReply.Invalid($"A template_card_event is answered with a card update, not {update.MsgType}.");
        }

        return SendSerialisedAsync(WeComAiBotCommands.RespondUpdate, reqId, update.Body, cancellationToken);
    }

    /// <summary>Starts a stream reply to the callback with <paramref name="reqId"/>.</summary>
    public WeComAiBotStream BeginStream(string reqId, string? feedbackId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(reqId);
        return new WeComAiBotStream(this, reqId, "stream_" + Guid.NewGuid().ToString("N"), feedbackId);
    }

    /// <summary>
    /// Sends a message to a chat without a callback to answer (<c>aibot_send_msg</c>): markdown, a template card or media.
    /// <paramref name="chatId"/> is a group's chat id, or a user's userid for the single chat.
    /// </summary>
    /// <exception cref="WeComApiException">The message type cannot be sent this way, WeCom refused it, no ack came in time, or there is no connection.</exception>
    public Task<WeComAiBotAck> SendMessageAsync(string chatId, WeComAiBotReply message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (string.IsNullOrWhiteSpace(chatId))
        {
            throw WeComAiBotReply.Invalid("A proactive message needs the chat id (a group's chatid, or the user's userid for the single chat).");
        }

        if (message.MsgType is not ("markdown" or "template_card" or WeComAiBotMediaTypes.File or WeComAiBotMediaTypes.Image or WeComAiBotMediaTypes.Voice or WeComAiBotMediaTypes.Video))
        {
            throw WeComAiBotReply.Invalid($"A proactive message is markdown, a template card or media, not {message.MsgType}.");
        }

        var reqId = AiBotFrame.NewReqId(WeComAiBotCommands.SendMessage, TimeProvider);
        return SendSerialisedAsync(WeComAiBotCommands.SendMessage, reqId, message.WithChatId(chatId), cancellationToken);
    }

    /// <summary>
    /// Uploads a temporary media file (valid 3 days) over the connection in chunks of 512 KB — at most 100 chunks, so at
    /// most 50 MB — and returns its media id, for <see cref="WeComAiBotReply.Media"/>.
    /// </summary>
    /// <exception cref="WeComApiException">The file is empty or over 50 MB, the type is unknown, or a step failed.</exception>
    public async Task<WeComAiBotMedia> UploadMediaAsync(ReadOnlyMemory<byte> content, string mediaType, string fileName, CancellationToken cancellationToken = default)
    {
        WeComAiBotMediaTypes.ThrowIfUnknown(mediaType);
        if (string.IsNullOrWhiteSpace(fileName))
        {
            throw WeComAiBotReply.Invalid("A media upload needs a file name (WeCom shows it for files).");
        }

        var chunks = (content.Length + MaxChunkBytes - 1) / MaxChunkBytes;
        if (chunks == 0 || chunks > MaxChunks)
        {
            throw WeComAiBotReply.Invalid($"A media upload is 1 byte to {MaxChunks} chunks of {MaxChunkBytes / 1024} KB ({MaxChunks * MaxChunkBytes / 1024 / 1024} MB); this one is {content.Length} bytes.");
        }

#pragma warning disable CA5351 // WeCom asks for the file's MD5 as a checksum, not for security.
        var md5 = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(content.Span));
#pragma warning restore CA5351
        var init = await SendOnceAsync(WeComAiBotCommands.UploadMediaInit, new JsonObject
        {
            ["type"] = mediaType, ["filename"] = fileName, ["total_size"] = content.Length, ["total_chunks"] = chunks, ["md5"] = md5,
        }, cancellationToken).ConfigureAwait(false);
        var uploadId = ReadString(init.Body, "upload_id") ?? throw new WeComApiException(WeComErrorCodes.MalformedResponse, "WeCom's answer to aibot_upload_media_init has no upload_id.");

        for (var index = 0; index < chunks; index++)
        {
            var slice = content.Slice(index * MaxChunkBytes, Math.Min(MaxChunkBytes, content.Length - (index * MaxChunkBytes)));
            var body = new JsonObject { ["upload_id"] = uploadId, ["chunk_index"] = index, ["base64_data"] = Convert.ToBase64String(slice.Span) };
            try
            {
                await SendOnceAsync(WeComAiBotCommands.UploadMediaChunk, body, cancellationToken).ConfigureAwait(false);
            }
            catch (WeComApiException ex) when (ex.IsTransient)
            {
                // A chunk is sent again under a new req_id once: a lost ack or a busy server should not fail a 50 MB upload.
                await SendOnceAsync(WeComAiBotCommands.UploadMediaChunk, body, cancellationToken).ConfigureAwait(false);
            }
        }

        var finish = await SendOnceAsync(WeComAiBotCommands.UploadMediaFinish, new JsonObject { ["upload_id"] = uploadId }, cancellationToken).ConfigureAwait(false);
        var mediaId = ReadString(finish.Body, "media_id") ?? throw new WeComApiException(WeComErrorCodes.MalformedResponse, "WeCom's answer to aibot_upload_media_finish has no media_id.");
        return new WeComAiBotMedia(ReadString(finish.Body, "type") ?? mediaType, mediaId, ReadString(finish.Body, "created_at"));
    }

    private Task<WeComAiBotAck> SendOnceAsync(string cmd, JsonObject body, CancellationToken cancellationToken) =>
        SendSerialisedAsync(cmd, AiBotFrame.NewReqId(cmd, TimeProvider), body, cancellationToken);

    private static string? ReadString(JsonElement? body, string name) =>
        body is { ValueKind: JsonValueKind.Object } b && b.TryGetProperty(name, out var value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.ValueKind == JsonValueKind.Number ? value.GetRawText() : null
            : null;

    /// <summary>Sends a frame after the earlier ones of the same req_id have their ack, and waits for its own.</summary>
    internal async Task<WeComAiBotAck> SendSerialisedAsync(string cmd, string reqId, JsonObject body, CancellationToken cancellationToken)
    {
        Lane lane;
        lock (_lanes)
        {
            if (!_lanes.TryGetValue(reqId, out lane!))
            {
                lane = new Lane();
                _lanes[reqId] = lane;
            }

            lane.Users++;
        }

        try
        {
            await lane.Turn.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await RequestAsync(cmd, reqId, body, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                lane.Turn.Release();
            }
        }
        finally
        {
            lock (_lanes)
            {
                if (--lane.Users == 0)
                {
                    _lanes.Remove(reqId);
                    lane.Turn.Dispose();
                }
            }
        }
    }

    private async Task<WeComAiBotAck> RequestAsync(string cmd, string reqId, JsonObject body, CancellationToken cancellationToken)
    {
        var connection = await WaitForConnectionAsync(cmd, cancellationToken).ConfigureAwait(false);
        using var activity = _telemetry.StartRequest(cmd, reqId);
        var started = TimeProvider.GetTimestamp();
        string outcome = "lost";
        try
        {
            var answer = await connection.RequestAsync(cmd, reqId, body, _options.ReplyAckTimeout, cancellationToken).ConfigureAwait(false);
            var code = answer.ErrCode ?? 0;
            outcome = code.ToString(CultureInfo.InvariantCulture);
            if (code != 0)
            {
                Log.RequestRefused(_logger, cmd, reqId, code, answer.ErrMsg ?? "");
                throw new WeComApiException(outcome, answer.ErrMsg ?? "", requestId: reqId) { Hint = AiBotErrorHints.For(code) };
            }

            return new WeComAiBotAck(reqId, answer.Body);
        }
        catch (WeComApiException ex) when (ex.Code == WeComErrorCodes.Timeout)
        {
            outcome = "timeout";
            Log.AckTimedOut(_logger, cmd, reqId);
            throw;
        }
        finally
        {
            activity?.SetTag("wecom.aibot.outcome", outcome);
            _telemetry.Request(cmd, outcome, TimeProvider.GetElapsedTime(started));
        }
    }

    // A reply made while the connection is being replaced waits for the new one, up to the ack timeout.
    private async Task<AiBotConnection> WaitForConnectionAsync(string cmd, CancellationToken cancellationToken)
    {
        var deadline = TimeProvider.GetTimestamp();
        while (true)
        {
            Task activated;
            lock (_gate)
            {
                if (_current is { IsOpen: true } open)
                {
                    return open;
                }

                if (_state is not (WeComAiBotConnectionState.Connecting or WeComAiBotConnectionState.Connected or WeComAiBotConnectionState.Reconnecting))
                {
                    throw new WeComApiException(WeComErrorCodes.NetworkError, $"The AI bot client is {_state}; {cmd} cannot be sent.");
                }

                activated = _activated.Task;
            }

            var left = _options.ReplyAckTimeout - TimeProvider.GetElapsedTime(deadline);
            if (left <= TimeSpan.Zero)
            {
                throw new WeComApiException(WeComErrorCodes.NetworkError, $"The AI bot has no open connection ({LastReconnectReason}); {cmd} was not sent.");
            }

            try
            {
                await activated.WaitAsync(left, TimeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Checked again at the top.
            }
        }
    }

    private async Task<AiBotConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.ConnectTimeout);
        WebSocket socket;
        var endpoint = $"{_options.WebSocketUrl.Scheme}://{_options.WebSocketUrl.Authority}{_options.WebSocketUrl.AbsolutePath}";
        try
        {
            socket = await _connectSocket(_options.WebSocketUrl, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or HttpRequestException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new WeComApiException(WeComErrorCodes.NetworkError, $"Could not open the AI bot WebSocket at {endpoint}: {ex.Message}", innerException: ex);
        }

        var id = "c" + Interlocked.Increment(ref _connectionsOpened).ToString(CultureInfo.InvariantCulture);
        var connection = new AiBotConnection(id, socket, TimeProvider);
        Track(connection.ReadAsync(OnPush));
        try
        {
            // The secret goes in this frame only; it is never logged.
            var reqId = AiBotFrame.NewReqId(WeComAiBotCommands.Subscribe, TimeProvider);
            var answer = await connection.RequestAsync(WeComAiBotCommands.Subscribe, reqId,
                new JsonObject { ["bot_id"] = _options.BotId, ["secret"] = _options.Secret }, _options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
            if (answer.ErrCode is { } code && code != 0)
            {
                var codeText = code.ToString(CultureInfo.InvariantCulture);
                throw new WeComApiException(codeText, answer.ErrMsg ?? "", requestId: reqId)
                {
                    Hint = WeComErrorCodes.IsTransient(codeText, null) ? null : $"WeCom refused the subscribe of AI bot {_options.BotId}: check BotId and Secret (the bot's page, API mode long connection).",
                };
            }
        }
        catch
        {
            await connection.CloseAsync("subscribe failed", TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        Log.Connected(_logger, _options.BotId, id, _options.WebSocketUrl.Authority);
        return connection;
    }

    private Task<WebSocket> ConnectSocketAsync(Uri url, CancellationToken cancellationToken) =>
        FrameSocket.ConnectAsync(url, _options.KeepAliveInterval, _options.KeepAliveTimeout, cancellationToken);

    private void Activate(AiBotConnection connection, string reason)
    {
        TaskCompletionSource activated;
        lock (_gate)
        {
            _current = connection;
            activated = _activated;
            _activated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        _telemetry.ConnectionOpened(reason);
        SetState(WeComAiBotConnectionState.Connected, reason);
        activated.TrySetResult();
    }

    private async Task SuperviseAsync(AiBotConnection connection)
    {
        while (true)
        {
            var ended = await connection.Ended.ConfigureAwait(false);
            lock (_gate)
            {
                if (ReferenceEquals(_current, connection))
                {
                    _current = null;
                }
            }

            await connection.DisposeAsync().ConfigureAwait(false);
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            Volatile.Write(ref _lastReconnectReason, ended);
            if (connection.TakenOver)
            {
                Log.TakenOver(_logger, _options.BotId, connection.Id);
                SetState(WeComAiBotConnectionState.TakenOver, "another connection subscribed for this bot (disconnected_event); not reconnecting");
                return;
            }

            Log.ConnectionEnded(_logger, _options.BotId, connection.Id, ended);
            SetState(WeComAiBotConnectionState.Reconnecting, ended);

            // The old connection is closed (it ended, or was aborted as dead) before a new one subscribes: WeCom keeps one
            // connection per bot, and a new subscribe beside a live old one would only cut the old one off.
            var next = await ReconnectAsync(ended).ConfigureAwait(false);
            if (next is null)
            {
                return;
            }

            connection = next;
        }
    }

    private async Task<AiBotConnection?> ReconnectAsync(string reason)
    {
        for (var attempt = 0; ; attempt++)
        {
            var delay = ReconnectDelay(attempt);
            try
            {
                await Task.Delay(delay, TimeProvider, _stopping.Token).ConfigureAwait(false);
                var connection = await ConnectAsync(_stopping.Token).ConfigureAwait(false);
                _telemetry.Reconnected(connected: true);
                Activate(connection, reason);
                return connection;
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return null;
            }
            catch (WeComApiException ex) when (ex.ErrCode is not null && !ex.IsTransient)
            {
                _telemetry.Reconnected(connected: false);
                // Credentials WeCom refused are not tried again and again: that is how an IP gets banned.
                Log.AuthenticationFailed(_logger, _options.BotId, ex.Code, ex.ErrorMessage);
                Volatile.Write(ref _lastReconnectReason, $"subscribe refused: {ex.Code} {ex.ErrorMessage}");
                SetState(WeComAiBotConnectionState.AuthenticationFailed, $"WeCom refused the subscribe ({ex.Code} {ex.ErrorMessage}); check BotId and Secret, then start a new client");
                return null;
            }
            catch (WeComApiException ex)
            {
                _telemetry.Reconnected(connected: false);
                Log.ConnectFailed(_logger, _options.BotId, attempt + 1, ReconnectDelay(attempt + 1).TotalMilliseconds, ex.Message);
            }
        }
    }

    private TimeSpan ReconnectDelay(int attempt) => Backoff.Delay(attempt, _options.ReconnectBaseDelay, _options.ReconnectMaxDelay);

    private void CheckLiveness()
    {
        var connection = Volatile.Read(ref _current);
        if (connection is null || !connection.IsOpen || _stopping.IsCancellationRequested)
        {
            return;
        }

        // The regular ping, and one as soon as the connection has been idle a while: its answer is the end-to-end proof.
        var verdict = connection.Liveness.Check(new LivenessRule(_options.SilenceTimeout, _options.PingInterval, _options.EffectivePongTimeout, _options.MaxMissedPongs)
        {
            IdleProbe = _options.ProbeWhenIdle,
        });
        if (verdict is { Failure: LivenessFailure.UnansweredProbes, Reason: { } unanswered } && connection.Liveness.Silence < _options.EffectivePongTimeout)
        {
            // Frames still come, so the server reads and writes: a polite close reads on until its close frame, and a
            // message it pushed before seeing ours is handled rather than cut off in the socket's buffer.
            Track(connection.CloseAsync(unanswered, PoliteCloseTimeout));
        }
        else if (verdict.Reason is { } dead)
        {
            connection.Abort(dead);
        }
        else if (verdict.ProbeDue)
        {
            Track(connection.PingAsync(AiBotFrame.NewReqId(WeComAiBotCommands.Ping, TimeProvider)));
        }
    }

    private void OnPush(AiBotConnection connection, AiBotFrame frame)
    {
        if (frame.Cmd is not (WeComAiBotCommands.MessageCallback or WeComAiBotCommands.EventCallback) || frame.Body is not { } body)
        {
            Log.UnknownFrame(_logger, frame.Cmd, frame.ReqId);
            return;
        }

        var received = TimeProvider.GetTimestamp();
        WeComAiBotMessage? message = null;
        WeComAiBotEvent? @event = null;
        try
        {
            if (frame.Cmd == WeComAiBotCommands.MessageCallback)
            {
                message = WeComAiBotMessage.Parse(body);
            }
            else
            {
                @event = WeComAiBotEvent.Parse(body);
            }
        }
        catch (Exception ex) when (ex is WeComApiException or JsonException or InvalidOperationException)
        {
            Log.MalformedCallback(_logger, frame.Cmd, frame.ReqId, ex.Message);
            return;
        }

        var type = message?.MsgType ?? @event!.EventType;
        var msgId = message?.MsgId ?? @event!.MsgId;
        if (@event?.EventType == WeComAiBotEventTypes.Disconnected)
        {
            // Another connection has this bot now. Nothing more arrives here, and reconnecting would take the bot back from it.
            connection.TakenOver = true;
            Log.DisconnectedEvent(_logger, _options.BotId, connection.Id);
            Track(HandleAsync(new WeComAiBotCallback(this, frame.Cmd, frame.ReqId, body, message, @event, received), type, msgId: ""));
            connection.Abort("another connection took over (disconnected_event)");
            return;
        }

        if (msgId.Length > 0 && !_duplicates.TryClaim(msgId, out _))
        {
            _telemetry.Callback(frame.Cmd, type, "duplicate");
            Log.Duplicate(_logger, frame.Cmd, msgId);
            return;
        }

        Track(HandleAsync(new WeComAiBotCallback(this, frame.Cmd, frame.ReqId, body, message, @event, received), type, msgId));
    }

    private async Task HandleAsync(WeComAiBotCallback callback, string type, string msgId)
    {
        try
        {
            await _handlers.WaitAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            if (msgId.Length > 0)
            {
                _duplicates.Release(msgId);
            }

            return;
        }

        try
        {
            using var activity = _telemetry.StartCallback(callback.Cmd, type, callback.ReqId);
            await _handler(callback, _stopping.Token).ConfigureAwait(false);
            _telemetry.Callback(callback.Cmd, type, "handled");
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            if (msgId.Length > 0)
            {
                _duplicates.Release(msgId);
            }
        }
        catch (Exception ex)
        {
            _telemetry.Callback(callback.Cmd, type, "failed");
            Log.HandlerFailed(_logger, ex, callback.Cmd, type, callback.ReqId);
        }
        finally
        {
            _handlers.Release();
        }
    }

    private void SetState(WeComAiBotConnectionState state, string reason)
    {
        WeComAiBotConnectionState previous;
        lock (_gate)
        {
            previous = _state;
            if (previous == state || previous is WeComAiBotConnectionState.Stopped)
            {
                return;
            }

            _state = state;
        }

        Log.StateChanged(_logger, _options.BotId, previous, state, reason);
        StateChanged?.Invoke(this, new WeComAiBotStateChange(previous, state, reason));
    }

    private void Track(Task task) => _work.Track(task);

    private sealed class Lane
    {
        public SemaphoreSlim Turn { get; } = new(1, 1);

        public int Users { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "WeCom AI bot {BotId}: connection {ConnectionId} subscribed at {Host}")]
        public static partial void Connected(ILogger logger, string botId, string connectionId, string host);

        [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "WeCom AI bot {BotId}: connection {ConnectionId} ended: {Reason}")]
        public static partial void ConnectionEnded(ILogger logger, string botId, string connectionId, string reason);

        [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "WeCom AI bot {BotId}: could not reconnect (attempt {Attempt}); trying again in about {DelayMs:0} ms: {Reason}")]
        public static partial void ConnectFailed(ILogger logger, string botId, int attempt, double delayMs, string reason);

        [LoggerMessage(EventId = 3104, Level = LogLevel.Error, Message = "WeCom AI bot {BotId}: WeCom refused the subscribe ({Code} {ErrMsg}); not reconnecting — check BotId and Secret")]
        public static partial void AuthenticationFailed(ILogger logger, string botId, string code, string errMsg);

        [LoggerMessage(EventId = 3105, Level = LogLevel.Warning, Message = "WeCom AI bot {BotId}: WeCom sent disconnected_event on connection {ConnectionId}: another connection subscribed for this bot")]
        public static partial void DisconnectedEvent(ILogger logger, string botId, string connectionId);

        [LoggerMessage(EventId = 3106, Level = LogLevel.Error, Message = "WeCom AI bot {BotId}: taken over by another connection (closed {ConnectionId}); not reconnecting, which would take the bot back and start a fight. Stop the other holder, then start a new client")]
        public static partial void TakenOver(ILogger logger, string botId, string connectionId);

        [LoggerMessage(EventId = 3107, Level = LogLevel.Information, Message = "WeCom AI bot {BotId}: {Previous} -> {Current} ({Reason})")]
        public static partial void StateChanged(ILogger logger, string botId, WeComAiBotConnectionState previous, WeComAiBotConnectionState current, string reason);

        [LoggerMessage(EventId = 3108, Level = LogLevel.Error, Message = "The handler of WeCom AI bot {Cmd} {Type} (req_id {ReqId}) failed")]
        public static partial void HandlerFailed(ILogger logger, Exception exception, string cmd, string type, string reqId);

        [LoggerMessage(EventId = 3109, Level = LogLevel.Debug, Message = "WeCom AI bot {Cmd} {MsgId} delivered again: dropped")]
        public static partial void Duplicate(ILogger logger, string cmd, string msgId);

        [LoggerMessage(EventId = 3110, Level = LogLevel.Warning, Message = "WeCom refused AI bot {Cmd} (req_id {ReqId}): {ErrCode} {ErrMsg}")]
        public static partial void RequestRefused(ILogger logger, string cmd, string reqId, int errCode, string errMsg);

        [LoggerMessage(EventId = 3111, Level = LogLevel.Warning, Message = "No ack for AI bot {Cmd} (req_id {ReqId}) in time; the next frame of that req_id goes now")]
        public static partial void AckTimedOut(ILogger logger, string cmd, string reqId);

        [LoggerMessage(EventId = 3112, Level = LogLevel.Warning, Message = "A WeCom AI bot {Cmd} (req_id {ReqId}) is not readable and was skipped: {Reason}")]
        public static partial void MalformedCallback(ILogger logger, string cmd, string reqId, string reason);

        [LoggerMessage(EventId = 3113, Level = LogLevel.Debug, Message = "A WeCom AI bot frame with cmd '{Cmd}' (req_id {ReqId}) is not one this client handles: skipped")]
        public static partial void UnknownFrame(ILogger logger, string cmd, string reqId);
    }
}

/// <summary>A media file uploaded for the AI bot: its media id is valid for 3 days.</summary>
public sealed record WeComAiBotMedia(string Type, string MediaId, string? CreatedAt);

/// <summary>What to do about the AI bot's errcodes that a team meets first.</summary>
internal static class AiBotErrorHints
{
    /// <summary>The req_id is not one WeCom knows (a reply must reuse the req_id of the callback it answers).</summary>
    public const int InvalidReqId = 846605;

    /// <summary>The stream can no longer be updated: 6 minutes have passed since the user's message.</summary>
    public const int StreamExpired = 846608;

    public static string? For(int code) => code switch
    {
        InvalidReqId => "A reply must reuse the req_id of the callback it answers (WeComAiBotCallback.ReplyAsync does).",
        StreamExpired => "A stream reply can be updated for 6 minutes after the user's message; finish streams sooner, or send the rest with SendMessageAsync.",
        _ => null,
    };
}
