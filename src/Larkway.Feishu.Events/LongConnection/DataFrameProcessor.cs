using Larkway.Feishu.Events.Crypto;
using Larkway.Feishu.Events.Envelopes;
using Larkway.Feishu.Events.Ingest;
using Larkway.Feishu.Events.LongConnection.Wire;
using Larkway.Feishu.Events.Telemetry;
using Larkway.Shared.Clients;
using Microsoft.Extensions.Logging;

namespace Larkway.Feishu.Events.LongConnection;

/// <summary>
/// Turns a whole data message into a sink call and an ack. Parsing happens on the receive loop (cheap);
/// the sink runs in the background within a bounded lane, and card callbacks have a lane of their own so
/// that they never queue behind slow events (Feishu wants their answer within 3 s).
/// </summary>
internal sealed class DataFrameProcessor
{
    private const string UrlPreviewGetType = "url.preview.get";

    private readonly IFeishuEventSink _sink;
    private readonly string _appName;
    private readonly string? _verificationToken;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly FeishuEventsTelemetry _telemetry;
    private readonly HandlerLane _events;
    private readonly HandlerLane _callbacks;
    private readonly BackgroundWork _inFlight = new();
    private readonly Action<bool> _acked;

    /// <param name="acked">Told of every ack: sent, or lost with its connection (the connection telemetry's count).</param>
    public DataFrameProcessor(IFeishuEventSink sink, FeishuLongConnectionOptions options, FeishuEventsTelemetry telemetry, ILogger logger, Action<bool> acked)
    {
        _acked = acked;
        _sink = sink;
        _telemetry = telemetry;
        _appName = options.AppName;
        _verificationToken = string.IsNullOrEmpty(options.VerificationToken) ? null : options.VerificationToken;
        _time = options.TimeProvider;
        _logger = logger;
        _events = new HandlerLane(options.MaxConcurrentHandlers, options.HandlerBacklog);
        _callbacks = new HandlerLane(options.MaxConcurrentHandlers, options.HandlerBacklog);
    }

    /// <summary>Waits for every sink call and ack in progress.</summary>
    public Task WhenIdleAsync() => _inFlight.WhenIdleAsync();

    /// <param name="session">The connection the message arrived on; its ack goes back on it.</param>
    /// <param name="frame">The frame that completed the message (the one acknowledged).</param>
    /// <param name="frameType">The frame's <c>type</c> header: <c>event</c> or <c>card</c>.</param>
    /// <param name="payload">The whole UTF-8 JSON payload.</param>
    /// <param name="cancellationToken">Cancelled when the client stops.</param>
    public void Process(LongConnectionSession session, Frame frame, string frameType, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        FeishuEventEnvelope envelope;
        try
        {
            envelope = FeishuEventEnvelope.Parse(payload.Span);
        }
#pragma warning disable CA1031 // Whatever the parser throws, this payload will never parse: the receive loop must go on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // Decision: a payload that can never parse is acknowledged with 200 (and a warning), not 500:
            // a 500 would have the server redeliver it forever. The log names it without its contents.
            LongConnectionLog.MalformedPayload(
                _logger,
                session.ConnectionId,
                frame.GetHeader(Frames.HeaderMessageId) ?? "",
                frame.GetHeader(Frames.HeaderTraceId) ?? "",
                ex is FeishuEventException ? ex.Message : ex.GetType().Name);
            _telemetry.Rejected(_appName, FeishuEventTransport.LongConnection, "malformed");
            AckLater(session, frame, 200, started, cancellationToken);
            return;
        }

        if (envelope.IsUrlVerification)
        {
            LongConnectionLog.ChallengeIgnored(_logger, session.ConnectionId);
            AckLater(session, frame, 200, started, cancellationToken);
            return;
        }

        if (_verificationToken is not null
            && (envelope.Token is null || !FeishuEventSignature.FixedTimeEquals(_verificationToken, envelope.Token)))
        {
            // Refused with 500: a token mismatch is a configuration problem (a rotated token), and once it is
            // fixed the redelivered event gets through; nothing reaches the sink meanwhile.
            LongConnectionLog.WrongToken(_logger, session.ConnectionId, envelope.DedupKey, envelope.EventType);
            _telemetry.Rejected(_appName, FeishuEventTransport.LongConnection, "wrong_token");
            AckLater(session, frame, 500, started, cancellationToken);
            return;
        }

        var inbound = new FeishuInboundEvent(envelope, payload, FeishuEventTransport.LongConnection, _appName);

        // Decision: type=card frames are handled like events, as the newest Python SDK does. Older SDKs drop
        // them without an ack, which only makes the server redeliver; whatever arrives as a card is a callback.
        var isCallback = frameType == Frames.TypeCard || inbound.IsCardAction || envelope.EventType == UrlPreviewGetType;
        var lane = isCallback ? _callbacks : _events;
        if (!lane.TryReserve())
        {
            LongConnectionLog.Busy(_logger, session.ConnectionId, frame.GetHeader(Frames.HeaderMessageId) ?? "");
            _telemetry.Rejected(_appName, FeishuEventTransport.LongConnection, "overloaded");
            AckLater(session, frame, 500, started, cancellationToken);
            return;
        }

        _inFlight.Start(() => HandleAsync(session, frame, inbound, isCallback, lane, started, cancellationToken));
    }

    private async Task HandleAsync(
        LongConnectionSession session, Frame frame, FeishuInboundEvent inbound, bool isCallback, HandlerLane lane, long started, CancellationToken cancellationToken)
    {
        try
        {
            await lane.EnterAsync(cancellationToken).ConfigureAwait(false);
            var activity = FeishuEventsTelemetry.StartReceive(inbound.Envelope, _appName, FeishuEventTransport.LongConnection);
            var outcome = ReceiveOutcome.Cancelled;
            try
            {
                int code;
                byte[]? data = null;
                var hasResponse = false;
                try
                {
                    var result = await _sink.AcceptAsync(inbound, cancellationToken).ConfigureAwait(false);
                    code = 200;
                    outcome = result.Status == FeishuIngestStatus.Duplicate ? ReceiveOutcome.Duplicate : ReceiveOutcome.Accepted;
                    hasResponse = result.CardResponse is not null;
                    // A callback always answers a body; a null response answers {} (the card stays as it is).
                    data = result.CardResponse?.ToUtf8Json() ?? (isCallback ? "{}"u8.ToArray() : null);
                    LongConnectionLog.Handled(
                        _logger, session.ConnectionId, inbound.Envelope.DedupKey, inbound.Envelope.EventType, result.Status, (long)_time.GetElapsedTime(started).TotalMilliseconds);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return; // stopping: no ack, the server redelivers
                }
#pragma warning disable CA1031 // Any sink failure means "not accepted": ack 500 so that Feishu redelivers.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    LongConnectionLog.SinkFailed(_logger, ex, session.ConnectionId, inbound.Envelope.DedupKey, inbound.Envelope.EventType);
                    code = 500;
                    outcome = ReceiveOutcome.Failed;
                }

                await SendAckAsync(session, frame, code, started, data, cancellationToken).ConfigureAwait(false);
                if (inbound.IsCardAction)
                {
                    var answer = code != 200 ? CardAnswer.Failed : hasResponse ? CardAnswer.Response : CardAnswer.Empty;
                    _telemetry.CardActionAnswered(_appName, FeishuEventTransport.LongConnection, answer, _time.GetElapsedTime(started));
                }
            }
            finally
            {
                _telemetry.EventHandled(activity, inbound, outcome);
                lane.Exit();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopped while waiting for a slot
        }
        finally
        {
            lane.Unreserve();
        }
    }

    private void AckLater(LongConnectionSession session, Frame frame, int code, long started, CancellationToken cancellationToken) =>
        _inFlight.Start(() => SendAckAsync(session, frame, code, started, data: null, cancellationToken));

    private async Task SendAckAsync(LongConnectionSession session, Frame frame, int code, long started, byte[]? data, CancellationToken cancellationToken)
    {
        var elapsed = (long)_time.GetElapsedTime(started).TotalMilliseconds;
        var ack = Frames.Ack(frame, code, elapsed, data, hasData: data is not null);
        _acked(await session.SendAsync(ack, cancellationToken).ConfigureAwait(false));
    }
}
