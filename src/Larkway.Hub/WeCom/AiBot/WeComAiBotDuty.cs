using System.Diagnostics.Metrics;
using Larkway.Hub.Apps;
using Larkway.Hub.Inbox;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Leases;
using Larkway.WeCom;
using Larkway.WeCom.AiBot;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.WeCom.AiBot;

/// <summary>
/// Holds one WeCom AI bot's long connection on exactly one replica: the lease <c>wecom-aibot/{BotId}</c>
/// (<see cref="SingletonDuty"/>), taken <em>before</em> connecting — WeCom keeps one connection per bot and a second
/// subscribe takes the bot from the first, so two replicas connecting would kick each other. Every message and event is
/// stored in the inbox (deduplicated by msgid) and answered here, over this connection, by its req_id
/// (<see cref="WeComAiBotIngest"/>). Started and stopped by <see cref="WeComAiBotSupervisor"/>.
/// </summary>
/// <remarks>
/// When WeCom says another connection took the bot (<c>disconnected_event</c>: someone outside this deployment subscribed
/// with the same bot id), the holder does not fight back: it keeps the lease (so no other replica subscribes either),
/// stays unconnected and says so (<see cref="WeComAiBotCondition.TakenOver"/>), until the app is saved again or this
/// replica stops. Otherwise, as DingTalk's Stream: a holder that cannot connect keeps the lease and retries with
/// back-off, says so after <see cref="DownAfter"/>, and hands the lease over after
/// <see cref="HubAppsOptions.StreamHandOverAfter"/>.
/// </remarks>
internal sealed partial class WeComAiBotDuty(
    StoredApp app,
    WeComAiBotIngest ingest,
    WeComAiBotConnections connections,
    LeaseStore leases,
    IOptions<LeaseOptions> leaseOptions,
    TimeProvider time,
    IMeterFactory? meterFactory,
    ILoggerFactory loggerFactory,
    WeComAiBotStatus? status = null,
    HubAppsOptions? apps = null)
    : SingletonDuty(LeaseNameOf(app.AiBotId ?? throw new ArgumentException("The app has no AI bot.", nameof(app))), leases, leaseOptions, time, loggerFactory.CreateLogger<WeComAiBotDuty>()), IStoredAppDuty
{
    /// <summary>How often the holder looks at its connection, and how long it may be without one before it says so.</summary>
    internal static readonly TimeSpan WatchInterval = TimeSpan.FromSeconds(5);

    /// <summary>A subscribe takes well under this; longer without a connection is "down".</summary>
    internal static readonly TimeSpan DownAfter = TimeSpan.FromSeconds(30);

    private readonly ILogger _logger = loggerFactory.CreateLogger<WeComAiBotDuty>();
    private readonly HubAppsOptions _appsOptions = apps ?? new HubAppsOptions();
    private volatile WeComAiBotClient? _client;
    private volatile System.Runtime.CompilerServices.StrongBox<DateTimeOffset>? _takenOverAt;

    /// <summary>The app as it was when the duty started (a changed app gets a new duty).</summary>
    public StoredApp App { get; } = app;

    /// <summary>The bot's id.</summary>
    public string BotId => App.AiBotId!;

    /// <summary>Whether this replica holds the bot's lease and its connection is open.</summary>
    public bool IsConnected => IsHolding && _client?.IsConnected == true;

    /// <summary>Whether another connection took the bot from this holder (it does not take it back).</summary>
    public bool IsTakenOver => IsHolding && _takenOverAt is not null;

    /// <summary>One long connection per AI bot among all replicas (and all apps naming the bot).</summary>
    public static string LeaseNameOf(string botId) => "wecom-aibot/" + botId;

    /// <summary>The client options of a stored app's AI bot.</summary>
    internal static WeComAiBotOptions OptionsOf(StoredApp app) => new()
    {
        BotId = app.AiBotId ?? "",
        Secret = app.AiBotSecret ?? "",
        WebSocketUrl = app.AiBotUrl is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : WeComBaseUrls.AiBotWebSocket,
    };

    protected override async Task RunDutyAsync(CancellationToken cancellationToken)
    {
        var options = OptionsOf(App);
        _takenOverAt = null;
        using var handOver = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var stopWatch = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watch = WatchAsync(handOver, stopWatch.Token);
        try
        {
            for (var failures = 0; ; failures++)
            {
                var ended = new TaskCompletionSource<WeComAiBotConnectionState>(TaskCreationOptions.RunContinuationsAsynchronously);
                var client = new WeComAiBotClient(options, (callback, ct) => ingest.ReceiveAsync(App, callback, ct), loggerFactory, Time, meterFactory);
                client.StateChanged += (_, change) =>
                {
                    if (change.Current is WeComAiBotConnectionState.TakenOver or WeComAiBotConnectionState.AuthenticationFailed or WeComAiBotConnectionState.Stopped)
                    {
                        ended.TrySetResult(change.Current);
                    }
                };
                var end = WeComAiBotConnectionState.Stopped;
                await using (client.ConfigureAwait(false))
                {
                    try
                    {
                        await client.StartAsync(handOver.Token).ConfigureAwait(false);
                        _client = client;
                        connections.Set(BotId, client);
                        failures = -1;

                        // Until WeCom takes the bot away or refuses it on a reconnect (the client reconnects by itself otherwise).
                        end = await ended.Task.WaitAsync(handOver.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (!handOver.IsCancellationRequested)
                    {
                        LogStartFailed(_logger, App.Name, BotId, (ex as WeComApiException)?.Code ?? ex.GetType().Name);
                    }
                    finally
                    {
                        connections.Remove(BotId, client);
                        _client = null;
                        await client.StopAsync(CancellationToken.None).ConfigureAwait(false);
                    }
                }

                if (end == WeComAiBotConnectionState.TakenOver)
                {
                    // Not fought over: taking the bot back would take it from the other connection, which would take it
                    // back… The lease stays here so no other replica subscribes either; saving the app starts a new duty.
                    _takenOverAt = new(Time.GetUtcNow());
                    LogTakenOver(_logger, App.Name, BotId);
                    await Task.Delay(Timeout.InfiniteTimeSpan, Time, handOver.Token).ConfigureAwait(false);
                }

                await Task.Delay(StartBackoff(Math.Max(failures, 0)), Time, handOver.Token).ConfigureAwait(false);
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
            LogHandingOver(_logger, App.Name, BotId, _appsOptions.StreamHandOverAfter);
            StandAside(_appsOptions.StreamStandAsidePause);
        }
    }

    /// <summary>5 s, doubling to a minute: a refused secret is not hammered, and a fixed one is picked up by the supervisor at once.</summary>
    private static TimeSpan StartBackoff(int failures) => TimeSpan.FromSeconds(Math.Min(60, 5 << Math.Min(failures, 4)));

    /// <summary>
    /// While holding, looks at the connection every <see cref="WatchInterval"/>: publishes (<see cref="WeComAiBotStatus"/>)
    /// once it has been down for <see cref="DownAfter"/> — or at once, with the reason, when the bot was taken over —
    /// and clears the mark once it is open. Down for <see cref="HubAppsOptions.StreamHandOverAfter"/> (not taken over)
    /// cancels <paramref name="handOver"/>, so a replica cut off from WeCom alone lets another try.
    /// </summary>
    private async Task WatchAsync(CancellationTokenSource handOver, CancellationToken cancellationToken)
    {
        DateTimeOffset? downSince = null;
        (bool Down, string? Reason)? published = null;
        using var timer = new PeriodicTimer(WatchInterval, Time);
        do
        {
            var now = Time.GetUtcNow();
            var takenOverAt = _takenOverAt?.Value;
            downSince = _client?.IsConnected == true ? null : takenOverAt ?? downSince ?? now;
            var downFor = downSince is { } since ? now - since : TimeSpan.Zero;
            if (takenOverAt is null && downFor >= _appsOptions.StreamHandOverAfter)
            {
                await handOver.CancelAsync().ConfigureAwait(false);
            }

            bool? down = downSince is null ? false : takenOverAt is not null || downFor >= DownAfter ? true : null;
            var reason = takenOverAt is null ? null : WeComAiBotStatus.TakenOver;
            if (status is not null && down is { } state && published != (state, reason))
            {
                try
                {
                    await status.SetAsync(BotId, state ? downSince : null, cancellationToken, reason).ConfigureAwait(false);
                    published = (state, reason);
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

    [LoggerMessage(EventId = LogEvents.WeComAiBotStartFailed, Level = LogLevel.Warning, Message = "WeCom app '{AppName}': the long connection of AI bot {BotId} could not be opened ({Code}); trying again. Check the bot id and secret.")]
    private static partial void LogStartFailed(ILogger logger, string appName, string botId, string code);

    [LoggerMessage(EventId = LogEvents.WeComAiBotTakenOver, Level = LogLevel.Error, Message = "WeCom app '{AppName}': another connection subscribed for AI bot {BotId} and WeCom closed this one. The Hub does not take it back (that would start a fight); stop the other connection, then save the app to reconnect.")]
    private static partial void LogTakenOver(ILogger logger, string appName, string botId);

    [LoggerMessage(EventId = LogEvents.WeComAiBotHandingOver, Level = LogLevel.Warning, Message = "WeCom app '{AppName}': no connection for AI bot {BotId} could be opened from this replica for {After}; its lease is released so that another replica can take it.")]
    private static partial void LogHandingOver(ILogger logger, string appName, string botId, TimeSpan after);

    [LoggerMessage(EventId = LogEvents.WeComAiBotStatusUnsaved, Level = LogLevel.Warning, Message = "WeCom app '{AppName}': whether its AI bot's connection is open could not be saved; tried again in a moment.")]
    private static partial void LogStatusUnsaved(ILogger logger, Exception exception, string appName);
}
