using System.Collections.Concurrent;
using System.Threading.Channels;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.LongConnection;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Larkway.Emulator.Events;

/// <summary>
/// Background sender: state changes become events (through <see cref="EventFactory"/>) and are queued
/// without blocking the API call that caused them; each delivery is attempted once and then retried on
/// <see cref="EmulatorOptions.EventRetryDelays"/> (documented: 15 s, 5 min, 1 h, 6 h) until an HTTP 200
/// arrives within the deadline. Delays run on the injected <see cref="TimeProvider"/>. Apps subscribed in
/// long-connection mode get their events through <see cref="LongConnectionHub"/> instead.
/// </summary>
internal sealed partial class EventDelivery : BackgroundService
{
    private readonly Channel<(OutgoingEvent Event, int Delivery)> _queue = Channel.CreateUnbounded<(OutgoingEvent, int)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<Task, bool> _inFlight = new();
    private readonly EmulatorState _state;
    private readonly EventFactory _factory;
    private readonly EventHttpSender _sender;
    private readonly LongConnectionHub _longConnections;
    private readonly DeliveryLog _log;
    private readonly EventDrops _drops;
    private readonly EmulatorOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<EventDelivery> _logger;

    public EventDelivery(EmulatorState state, EventFactory factory, EventHttpSender sender, LongConnectionHub longConnections, DeliveryLog log, EventDrops drops, EmulatorOptions options, TimeProvider time, ILogger<EventDelivery> logger)
    {
        _state = state;
        _factory = factory;
        _sender = sender;
        _longConnections = longConnections;
        _log = log;
        _drops = drops;
        _options = options;
        _time = time;
        _logger = logger;
        _state.Changed += OnChanged;
    }

    /// <summary>Queues a duplicate delivery of an event already raised (at-least-once); false when unknown.</summary>
    public bool Redeliver(string eventId)
    {
        if (_log.FindEvent(eventId) is not { } outgoing)
        {
            return false;
        }

        return _queue.Writer.TryWrite((outgoing, _log.NextDelivery(eventId)));
    }

    /// <summary>The attempt error of an event lost on purpose (<see cref="EventDrops"/>).</summary>
    public const string DroppedError = "dropped by the control API (POST /_emulator/events/drops)";

    public override void Dispose()
    {
        _state.Changed -= OnChanged;
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var job in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                var task = DeliverAsync(job.Event, job.Delivery, stoppingToken);
                _inFlight[task] = true;
                _ = task.ContinueWith(t => _inFlight.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }

        await Task.WhenAll(_inFlight.Keys);
    }

    private void OnChanged(StateChange change)
    {
        foreach (var outgoing in _factory.From(change))
        {
            _log.AddEvent(outgoing);
            var delivery = _log.NextDelivery(outgoing.EventId);
            if (_drops.TryConsume(outgoing.EventType))
            {
                Record(outgoing, delivery, 1, new SendResult(null, null, DroppedError), null);
                continue;
            }

            _queue.Writer.TryWrite((outgoing, delivery));
        }
    }

    private async Task DeliverAsync(OutgoingEvent outgoing, int delivery, CancellationToken ct)
    {
        await Task.Yield();
        var delays = _options.EventRetryDelays;
        try
        {
            for (var attempt = 1; attempt <= delays.Count + 1; attempt++)
            {
                if (_state.EventSubscriptionOf(outgoing.AppId) is not { } subscription)
                {
                    Record(outgoing, delivery, attempt, new SendResult(null, null, "the app has no event subscription any more"), null);
                    return;
                }

                if (subscription.Mode == EventDeliveryMode.LongConnection)
                {
                    // The hub tracks acks and redelivers on its own terms (ack timeout, dropped connections).
                    _longConnections.Enqueue(outgoing, delivery);
                    return;
                }

                var result = await _sender.SendAsync(subscription, outgoing.Body, ct);
                var nextDelay = attempt <= delays.Count ? delays[attempt - 1] : (TimeSpan?)null;
                var nextMs = result.Success || nextDelay is null ? (long?)null : (_time.GetUtcNow() + nextDelay.Value).ToUnixTimeMilliseconds();
                Record(outgoing, delivery, attempt, result, nextMs);
                if (result.Success)
                {
                    return;
                }

                if (nextDelay is null)
                {
                    LogGaveUp(_logger, outgoing.EventId, outgoing.EventType, attempt);
                    return;
                }

                await Task.Delay(nextDelay.Value, _time, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // shutting down: pending retries are dropped with the in-memory state
        }
    }

    private void Record(OutgoingEvent outgoing, int delivery, int attempt, SendResult result, long? nextRetryMs)
    {
        _log.Add(new DeliveryAttempt(outgoing.EventId, outgoing.EventType, outgoing.AppId, delivery, attempt, _time.GetUtcNow().ToUnixTimeMilliseconds(), result.StatusCode, result.Success, result.Error, nextRetryMs));
        if (!result.Success)
        {
            LogAttemptFailed(_logger, outgoing.EventId, outgoing.EventType, attempt, result.Error ?? string.Empty);
        }
    }

    [LoggerMessage(EventId = LogEvents.EventDeliveryAttemptFailed, Level = LogLevel.Information, Message = "Event {EventId} ({EventType}) attempt {Attempt} failed: {Error}")]
    private static partial void LogAttemptFailed(ILogger logger, string eventId, string eventType, int attempt, string error);

    [LoggerMessage(EventId = LogEvents.EventDeliveryGaveUp, Level = LogLevel.Warning, Message = "Event {EventId} ({EventType}) not delivered after {Attempts} attempts")]
    private static partial void LogGaveUp(ILogger logger, string eventId, string eventType, int attempts);
}
