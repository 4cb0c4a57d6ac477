using System.Diagnostics.Metrics;
using Larkway.DingTalk.Stream;
using Larkway.Hub.Apps;
using Larkway.Hub.Inbox;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Leases;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.DingTalk;

/// <summary>
/// Holds one DingTalk app's Stream connections on exactly one replica: the lease <c>dingtalk-stream/{AppKey}</c>
/// (<see cref="SingletonDuty"/>). Every push is stored in the inbox before it is acked; a push the inbox could not
/// store is answered "later", so DingTalk sends it again. Started and stopped by <see cref="DingTalkStreamSupervisor"/>.
/// </summary>
internal sealed partial class DingTalkStreamDuty(
    StoredApp app,
    DingTalkIngest ingest,
    LeaseStore leases,
    IOptions<LeaseOptions> leaseOptions,
    TimeProvider time,
    IMeterFactory? meterFactory,
    ILoggerFactory loggerFactory,
    DingTalkStreamStatus? status = null)
    : SingletonDuty(LeaseNameOf(app.AppId), leases, leaseOptions, time, loggerFactory.CreateLogger<DingTalkStreamDuty>())
{
    /// <summary>How often the holder looks at its connections, and how long it may be without one before it says so.</summary>
    internal static readonly TimeSpan WatchInterval = TimeSpan.FromSeconds(5);

    /// <summary>A connect (ticket, then WebSocket) takes well under this; longer without a connection is "down".</summary>
    internal static readonly TimeSpan DownAfter = TimeSpan.FromSeconds(30);

    private readonly ILogger _logger = loggerFactory.CreateLogger<DingTalkStreamDuty>();
    private volatile DingTalkStreamClient? _client;

    /// <summary>The app as it was when the duty started (a changed app gets a new duty).</summary>
    public StoredApp App { get; } = app;

    /// <summary>Whether this replica holds the app's Stream connection and at least one connection is open.</summary>
    public bool IsConnected => IsHolding && _client?.IsConnected == true;

    /// <summary>One Stream connection set per DingTalk app among all replicas.</summary>
    public static string LeaseNameOf(string appKey) => "dingtalk-stream/" + appKey;

    /// <summary>
    /// The Stream connection of a stored app: robot messages, card callbacks and every event; as many pushes handled at
    /// once as one inbox group commit takes. The handler only stores the push, so they all wait on the same flush; with
    /// the client's default (16) every commit held at most 16 pushes and the rest queued behind it, which capped a
    /// 2-core Hub near 2,500 robot messages/s with seconds of ack latency (docs/benchmarks.md, issue 29).
    /// </summary>
    internal static DingTalkStreamOptions StreamOptionsOf(StoredApp app)
    {
        var clientOptions = HubDingTalkClients.OptionsOf(app);
        var options = new DingTalkStreamOptions
        {
            AppKey = clientOptions.AppKey,
            AppSecret = clientOptions.AppSecret,
            ApiBaseUrl = clientOptions.ApiBaseUrl,
            MaxConcurrentHandlers = GroupCommitQueue<PendingAppend>.MaxBatch,
        };
        options.Subscriptions.Add(DingTalkStreamSubscription.RobotMessages);
        options.Subscriptions.Add(DingTalkStreamSubscription.CardCallbacks);
        options.Subscriptions.Add(DingTalkStreamSubscription.AllEvents);
        return options;
    }

    protected override async Task RunDutyAsync(CancellationToken cancellationToken)
    {
        var options = StreamOptionsOf(App);

        // The watch runs beside the starts: a holder that cannot connect (credentials refused, DingTalk unreachable) keeps
        // the lease and says so, rather than releasing and re-taking it every few seconds where nothing could see it.
        using var stopWatch = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watch = WatchAsync(stopWatch.Token);
        try
        {
            for (var failures = 0; ; failures++)
            {
                var client = new DingTalkStreamClient(options, HandleAsync, loggerFactory, Time, meterFactory);
                await using (client.ConfigureAwait(false))
                {
                    try
                    {
                        await client.StartAsync(cancellationToken).ConfigureAwait(false);
                        _client = client;
                        await Task.Delay(Timeout.InfiniteTimeSpan, Time, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                    {
                        LogStartFailed(_logger, App.Name, (ex as Larkway.DingTalk.DingTalkApiException)?.Code ?? ex.GetType().Name);
                    }
                    finally
                    {
                        _client = null;
                        await client.StopAsync(CancellationToken.None).ConfigureAwait(false);
                    }
                }

                await Task.Delay(StartBackoff(failures), Time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await stopWatch.CancelAsync().ConfigureAwait(false);
            await watch.ConfigureAwait(false);
        }
    }

    /// <summary>5 s, doubling to a minute: a refused secret is not hammered, and a fixed one is picked up by the supervisor at once.</summary>
    private static TimeSpan StartBackoff(int failures) => TimeSpan.FromSeconds(Math.Min(60, 5 << Math.Min(failures, 4)));

    /// <summary>
    /// While holding: publishes (<see cref="DingTalkStreamStatus"/>) when the client has had no open connection for
    /// <see cref="DownAfter"/>, and clears it once one is open, so readiness and the alerts on every replica see a holder
    /// that cannot connect. Writes only on a change; a failed write is tried again at the next look.
    /// </summary>
    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        if (status is null)
        {
            return;
        }

        DateTimeOffset? downSince = null;
        bool? published = null;
        using var timer = new PeriodicTimer(WatchInterval, Time);
        do
        {
            var now = Time.GetUtcNow();
            downSince = _client?.IsConnected == true ? null : downSince ?? now;
            var down = downSince is { } since && now - since >= DownAfter;
            if (published != down)
            {
                try
                {
                    await status.SetAsync(App.AppId, down ? downSince : null, cancellationToken).ConfigureAwait(false);
                    published = down;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    LogStatusUnsaved(_logger, ex, App.Name);
                }
            }
        }
        while (await Tick(timer, cancellationToken).ConfigureAwait(false));
    }

    private static async ValueTask<bool> Tick(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async ValueTask<DingTalkStreamAck> HandleAsync(DingTalkStreamMessage message, CancellationToken cancellationToken)
    {
        try
        {
            if (message.IsRobotMessage)
            {
                // Keyed on the robot message's own msgId, not the frame's id: the same message may also come by HTTP.
                await ingest.RobotMessageAsync(App.Name, App.AppId, RobotMessageId(message), message.Data, InboxTransport.DingtalkStream, cancellationToken).ConfigureAwait(false);
                return DingTalkStreamAck.Handled;
            }

            if (message.Type == "CALLBACK" && message.Topic == DingTalkStreamTopics.CardCallbacks)
            {
                // Stored for the record and the business webhooks; the card is left as it is (no inline update yet).
                await ingest.CardCallbackAsync(App.Name, App.AppId, message.MessageId, message.Data, cancellationToken).ConfigureAwait(false);
                return DingTalkStreamAck.Handled;
            }

            if (message.Type == "EVENT")
            {
                await ingest.EventAsync(App.Name, App.AppId, message.EventType ?? "unknown", message.EventId, message.Data, InboxTransport.DingtalkStream, cancellationToken).ConfigureAwait(false);
                return DingTalkStreamAck.Success;
            }

            return DingTalkStreamAck.Handled;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Nothing stored, so nothing acked: DingTalk re-sends an event answered "later".
            LogStoreFailed(_logger, ex, App.Name, message.Topic);
            return DingTalkStreamAck.Later("the Hub could not store it");
        }
    }

    /// <summary>The robot message's msgId; for data that does not parse, the frame's id (stored, then dead-lettered by the handler: re-sending would not mend it).</summary>
    private static string RobotMessageId(DingTalkStreamMessage message)
    {
        try
        {
            return message.ReadRobotMessage().MessageId is { Length: > 0 } id ? id : message.MessageId;
        }
        catch (System.Text.Json.JsonException)
        {
            return message.MessageId;
        }
    }

    [LoggerMessage(EventId = LogEvents.DingTalkStreamStartFailed, Level = LogLevel.Warning, Message = "DingTalk app '{AppName}': the Stream connection could not be opened ({Code}); trying again. Check the app with Test connection.")]
    private static partial void LogStartFailed(ILogger logger, string appName, string code);

    [LoggerMessage(EventId = LogEvents.DingTalkStreamStatusUnsaved, Level = LogLevel.Warning, Message = "DingTalk app '{AppName}': whether its Stream connection is open could not be saved; tried again in a moment.")]
    private static partial void LogStatusUnsaved(ILogger logger, Exception exception, string appName);

    [LoggerMessage(EventId = LogEvents.DingTalkStreamStoreFailed, Level = LogLevel.Error, Message = "DingTalk app '{AppName}': a push on {Topic} could not be stored; answered 'later' so DingTalk re-sends it.")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, string appName, string topic);
}
