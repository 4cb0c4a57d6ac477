using Larkway.Hub.Platform;
using Larkway.Hub.Apps;
using Larkway.Hub.Platform.Leases;
using Larkway.Shared.Clients;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Apps.Connections;

/// <summary>
/// Holds one stored app's long connection to its platform on exactly one replica, under the lease the room names
/// (<see cref="SingletonDuty"/>). The room opens its client and holds it (<see cref="HoldConnectionAsync"/>); this base
/// starts it again with back-off when it could not be opened or ended, watches it, says for every replica when it has
/// been down for <see cref="DownAfter"/> (<see cref="ConnectionDownMarks"/>, read by readiness and the alert), and hands
/// the lease over after <see cref="HubAppsOptions.StreamHandOverAfter"/> in case only this replica is cut off.
/// </summary>
/// <remarks>
/// A holder that cannot connect (credentials refused, the platform unreachable) keeps the lease and says so, rather than
/// releasing and re-taking it every few seconds where nothing could see it.
/// </remarks>
internal abstract partial class LongConnectionDuty : SingletonDuty, IStoredAppDuty
{
    /// <summary>How often the holder looks at its connection, and how long it may be without one before it says so.</summary>
    internal static readonly TimeSpan WatchInterval = TimeSpan.FromSeconds(5);

    /// <summary>A connect takes well under this; longer without a connection is "down".</summary>
    internal static readonly TimeSpan DownAfter = TimeSpan.FromSeconds(30);

    private readonly string _key;
    private readonly ConnectionDownMarks? _status;
    private readonly HubAppsOptions _appsOptions;
    private readonly ILogger _logger;

    /// <param name="app">The app as it is now (a changed app gets a new duty).</param>
    /// <param name="kind">Which long connection of the app this is.</param>
    /// <param name="services">What every long-connection duty stands on.</param>
    /// <param name="logger">The room's logger.</param>
    /// <param name="status">Where the holder says the connection is down; null where nobody reads it.</param>
    protected LongConnectionDuty(StoredApp app, LongConnectionKind kind, LongConnectionServices services, ILogger logger, ConnectionDownMarks? status)
        : base(kind.LeaseNameOf(kind.KeyOf(app) ?? throw new ArgumentException($"The app has no {kind.Noun}.", nameof(app))), services.Leases, services.LeaseOptions, services.Time, logger)
    {
        App = app;
        Kind = kind;
        Services = services;
        _key = kind.KeyOf(app)!;
        _status = status;
        _appsOptions = services.AppsOptions.Value;
        _logger = logger;
    }

    /// <inheritdoc />
    public StoredApp App { get; }

    /// <summary>Which long connection this is.</summary>
    public LongConnectionKind Kind { get; }

    /// <summary>What the duty stands on; the room's client takes its logger and meter factories from here.</summary>
    protected LongConnectionServices Services { get; }

    /// <summary>Whether this replica holds the lease and its connection is open.</summary>
    public bool IsConnected => IsHolding && IsOpen;

    /// <summary>Whether the room's client has an open connection now.</summary>
    protected abstract bool IsOpen { get; }

    /// <summary>
    /// The holder's own account of a connection it leaves down on purpose (another connection took it, say): since when
    /// and why. Published at once, and not handed over; null otherwise.
    /// </summary>
    protected virtual (DateTimeOffset Since, string Reason)? StandingDown => null;

    /// <summary>
    /// Opens the room's client and holds it until it ends by itself (true: it had connected, so the back-off starts
    /// afresh at 5 s) or <paramref name="cancellationToken"/> is cancelled. Throws when it could not be opened.
    /// </summary>
    protected abstract Task<bool> HoldConnectionAsync(CancellationToken cancellationToken);

    /// <summary>Runs when the client could not be opened (<paramref name="exception"/>), before the back-off: the room logs it in its own words.</summary>
    protected abstract void OnStartFailed(Exception exception);

    protected override async Task RunDutyAsync(CancellationToken cancellationToken)
    {
        // The watch runs beside the starts; without a connection for StreamHandOverAfter it cancels handOver.
        using var handOver = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var stopWatch = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watch = WatchAsync(handOver, stopWatch.Token);
        try
        {
            for (var failures = 0; ; failures++)
            {
                try
                {
                    if (await HoldConnectionAsync(handOver.Token).ConfigureAwait(false))
                    {
                        failures = -1;
                    }
                }
                catch (Exception ex) when (!handOver.IsCancellationRequested)
                {
                    OnStartFailed(ex);
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
            LogHandingOver(_logger, Kind.Platform, App.Name, Kind.Noun, _appsOptions.StreamHandOverAfter);
            StandAside(_appsOptions.StreamStandAsidePause);
        }
    }

    /// <summary>5 s, doubling to a minute: a refused secret is not hammered, and a fixed one is picked up by the supervisor at once.</summary>
    private static TimeSpan StartBackoff(int failures) => Backoff.Delay(failures, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(1), jitter: 0);

    /// <summary>
    /// While holding, looks at the connection every <see cref="WatchInterval"/>. Publishes once it has been down for
    /// <see cref="DownAfter"/> — or at once, with the reason, for a <see cref="StandingDown"/> — keeping an earlier
    /// holder's mark, so the outage is dated from its start across hand-overs; clears the mark once the connection is
    /// open. Down (not standing down) for <see cref="HubAppsOptions.StreamHandOverAfter"/> cancels <paramref name="handOver"/>.
    /// Writes only on a change; a failed write is tried again at the next look.
    /// </summary>
    private async Task WatchAsync(CancellationTokenSource handOver, CancellationToken cancellationToken)
    {
        DateTimeOffset? downSince = null;
        (bool Down, string? Reason)? published = null;
        using var timer = new PeriodicTimer(WatchInterval, Time);
        do
        {
            var now = Time.GetUtcNow();
            var standing = StandingDown;
            downSince = IsOpen ? null : standing?.Since ?? downSince ?? now;
            var downFor = downSince is { } since ? now - since : TimeSpan.Zero;
            if (standing is null && downFor >= _appsOptions.StreamHandOverAfter)
            {
                await handOver.CancelAsync().ConfigureAwait(false);
            }

            // Nothing is said early in a streak: a new holder does not clear the mark of one before it until it connects.
            bool? down = downSince is null ? false : standing is not null || downFor >= DownAfter ? true : null;
            var reason = standing?.Reason;
            if (_status is not null && down is { } state && published != (state, reason))
            {
                try
                {
                    await _status.SetAsync(_key, state ? downSince : null, cancellationToken, reason).ConfigureAwait(false);
                    published = (state, reason);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    LogStatusUnsaved(_logger, ex, Kind.Platform, App.Name, Kind.Noun);
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

    [LoggerMessage(EventId = LogEvents.LongConnectionDutyHandingOver, Level = LogLevel.Warning, Message = "{Platform} app '{AppName}': no {Connection} could be opened from this replica for {After}; its lease is released so that another replica, which may reach the platform, can take it.")]
    private static partial void LogHandingOver(ILogger logger, string platform, string appName, string connection, TimeSpan after);

    [LoggerMessage(EventId = LogEvents.LongConnectionDutyStatusUnsaved, Level = LogLevel.Warning, Message = "{Platform} app '{AppName}': whether its {Connection} is open could not be saved; tried again in a moment.")]
    private static partial void LogStatusUnsaved(ILogger logger, Exception exception, string platform, string appName, string connection);
}
