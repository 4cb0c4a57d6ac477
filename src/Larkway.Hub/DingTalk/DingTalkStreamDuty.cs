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
    DingTalkStreamStatus? status = null,
    HubAppsOptions? apps = null)
    : SingletonDuty(LeaseNameOf(app.AppId), leases, leaseOptions, time, loggerFactory.CreateLogger<DingTalkStreamDuty>()), IStoredAppDuty
{
    /// <summary>How often the holder looks at its connections, and how long it may be without one before it says so.</summary>
    internal static readonly TimeSpan WatchInterval = TimeSpan.FromSeconds(5);

    /// <summary>A connect (ticket, then WebSocket) takes well under this; longer without a connection is "down".</summary>
    internal static readonly TimeSpan DownAfter = TimeSpan.FromSeconds(30);

    private readonly ILogger _logger = loggerFactory.CreateLogger<DingTalkStreamDuty>();
    private readonly HubAppsOptions appsOptions = apps ?? new HubAppsOptions();
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
        // the lease and says so, rather than releasing and re-taking it every few seconds where nothing could see it —
        // until StreamHandOverAfter, when it hands the lease over (the watch cancels handOver) in case only it is cut off.
        using var handOver = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var stopWatch = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watch = WatchAsync(handOver, stopWatch.Token);
        try
        {
            for (var failures = 0; ; failures++)
            {
                var client = new DingTalkStreamClient(options, HandleAsync, loggerFactory, Time, meterFactory);
                await using (client.ConfigureAwait(false))
                {
                    try
                    {
                        await client.StartAsync(handOver.Token).ConfigureAwait(false);
                        _client = client;
                        await Task.Delay(Timeout.InfiniteTimeSpan, Time, handOver.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (!handOver.IsCancellationRequested)
                    {
                        LogStartFailed(_logger, App.Name, (ex as Larkway.DingTalk.DingTalkApiException)?.Code ?? ex.GetType().Name);
                    }
                    finally
                    {
                        _client = null;
                        await client.StopAsync(CancellationToken.None).ConfigureAwait(false);
                    }
                }

                await Task.Delay(StartBackoff(failures), Time, handOver.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (handOver.IsCancellationRequested)
        {
        }
        finally
        {
            await stopWatch.CancelAsync().ConfigureAwait(false);
            await watch.ConfigureAwait(false);
        }

        if (!cancellationToken.IsCancellationRequested)
        {
            LogHandingOver(_logger, App.Name, appsOptions.StreamHandOverAfter);
            StandAside(appsOptions.StreamStandAsidePause);
        }
    }

    /// <summary>5 s, doubling to a minute: a refused secret is not hammered, and a fixed one is picked up by the supervisor at once.</summary>
    private static TimeSpan StartBackoff(int failures) => TimeSpan.FromSeconds(Math.Min(60, 5 << Math.Min(failures, 4)));

    /// <summary>
    /// While holding, looks at the client every <see cref="WatchInterval"/>. It publishes (<see cref="DingTalkStreamStatus"/>)
    /// once the client has had no open connection for <see cref="DownAfter"/> — keeping an earlier holder's mark, so the
    /// outage is dated from its start across hand-overs — and clears the mark once a connection is open, so readiness and
    /// the alerts on every replica see a deployment that cannot connect. Without a connection for
    /// <see cref="HubAppsOptions.StreamHandOverAfter"/> it cancels <paramref name="handOver"/>. Writes only on a change;
    /// a failed write is tried again at the next look.
    /// </summary>
    private async Task WatchAsync(CancellationTokenSource handOver, CancellationToken cancellationToken)
    {
        DateTimeOffset? downSince = null;
        bool? published = null;
        using var timer = new PeriodicTimer(WatchInterval, Time);
        do
        {
            var now = Time.GetUtcNow();
            downSince = _client?.IsConnected == true ? null : downSince ?? now;
            var downFor = downSince is { } since ? now - since : TimeSpan.Zero;
            if (downFor >= appsOptions.StreamHandOverAfter)
            {
                await handOver.CancelAsync().ConfigureAwait(false);
            }

            // Nothing is said early in a streak: a new holder does not clear the mark of one before it until it connects.
            bool? down = downSince is null ? false : downFor >= DownAfter ? true : null;
            if (status is not null && down is { } state && published != state)
            {
                try
                {
                    await status.SetAsync(App.AppId, state ? downSince : null, cancellationToken).ConfigureAwait(false);
                    published = state;
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
                var (messageId, conversation) = RobotMessageIds(message);
                await ingest.RobotMessageAsync(App.Name, App.AppId, messageId, conversation, message.Data, InboxTransport.DingtalkStream, cancellationToken).ConfigureAwait(false);
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
    private static (string MessageId, string? ConversationId) RobotMessageIds(DingTalkStreamMessage message)
    {
        try
        {
            var robot = message.ReadRobotMessage();
            return (robot.MessageId is { Length: > 0 } id ? id : message.MessageId, robot.ConversationId);
        }
        catch (System.Text.Json.JsonException)
        {
            return (message.MessageId, null);
        }
    }

    [LoggerMessage(EventId = LogEvents.DingTalkStreamStartFailed, Level = LogLevel.Warning, Message = "DingTalk app '{AppName}': the Stream connection could not be opened ({Code}); trying again. Check the app with Test connection.")]
    private static partial void LogStartFailed(ILogger logger, string appName, string code);

    [LoggerMessage(EventId = LogEvents.DingTalkStreamHandingOver, Level = LogLevel.Warning, Message = "DingTalk app '{AppName}': no Stream connection could be opened from this replica for {After}; its lease is released so that another replica, which may reach DingTalk, can take it.")]
    private static partial void LogHandingOver(ILogger logger, string appName, TimeSpan after);

    [LoggerMessage(EventId = LogEvents.DingTalkStreamStatusUnsaved, Level = LogLevel.Warning, Message = "DingTalk app '{AppName}': whether its Stream connection is open could not be saved; tried again in a moment.")]
    private static partial void LogStatusUnsaved(ILogger logger, Exception exception, string appName);

    [LoggerMessage(EventId = LogEvents.DingTalkStreamStoreFailed, Level = LogLevel.Error, Message = "DingTalk app '{AppName}': a push on {Topic} could not be stored; answered 'later' so DingTalk re-sends it.")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, string appName, string topic);
}
