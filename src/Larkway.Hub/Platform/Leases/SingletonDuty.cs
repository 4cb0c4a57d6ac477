using Larkway.Hub.Inbox;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Platform.Leases;

/// <summary>
/// A duty exactly one replica performs at a time — holding the long connection, running a scheduled job. Every
/// replica runs this service; each keeps trying to take the lease <see cref="LeaseName"/>, and the one that holds it
/// runs <see cref="RunDutyAsync"/> until the lease is lost or the host stops.
/// </summary>
/// <remarks>
/// <para>While holding, the lease is renewed every third of <see cref="LeaseOptions.Duration"/>. The duty's token is
/// cancelled the moment a renewal fails (the lease is gone, or the database did not answer), and in any case once two
/// thirds of the duration have passed since the last confirmed acquire or renewal — so the duty has stopped before the
/// lease can expire and another replica take it. Duties must honour their token promptly.</para>
/// <para>On graceful shutdown the duty is stopped first, then the lease released, so another replica takes over at
/// its next try (<see cref="LeaseOptions.RetryInterval"/>). A replica that dies holds the lease until it expires.</para>
/// <para>A duty that returns by itself is finished on this replica: the lease is released and this service stops —
/// unless it called <see cref="StandAside"/> first: then the lease is released and this service competes again after
/// the pause. A duty that throws is logged, the lease released, and the service competes for it again.</para>
/// </remarks>
public abstract partial class SingletonDuty : BackgroundService
{
    private readonly LeaseStore _leases;
    private readonly LeaseOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private volatile bool _holding;
    private TimeSpan? _standAside;

    /// <summary>Creates the runner for the lease <paramref name="leaseName"/>.</summary>
    protected SingletonDuty(string leaseName, LeaseStore leases, IOptions<LeaseOptions> options, TimeProvider time, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(leaseName);
        ArgumentNullException.ThrowIfNull(leases);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        LeaseName = leaseName;
        _leases = leases;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>The lease that guards the duty.</summary>
    public string LeaseName { get; }

    /// <summary>This runner's owner name in <c>hub_leases</c>, unique to the process and instance.</summary>
    public string Owner { get; } = Platform.Queue.QueueOwner.Create("lease");

    /// <summary>The clock the runner (and its duty) goes by.</summary>
    protected TimeProvider Time => _time;

    /// <summary>True while this runner holds the lease and its duty runs.</summary>
    public bool IsHolding => _holding;

    /// <summary>The duty; runs only while the lease is held, and must stop promptly when <paramref name="cancellationToken"/> is cancelled.</summary>
    protected abstract Task RunDutyAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Called by a duty that cannot do its work from this replica (its platform unreachable from here alone) just before
    /// it returns: the lease is released and this runner waits <paramref name="pause"/> before competing again, so that a
    /// replica that can reach the platform takes the duty over rather than wait behind a holder that never will.
    /// </summary>
    protected void StandAside(TimeSpan pause) => _standAside = pause > TimeSpan.Zero ? pause : throw new ArgumentOutOfRangeException(nameof(pause), "The pause must be positive.");

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            // Measured before the statement: the lease cannot expire in the database earlier than this + Duration.
            var attemptedAt = _time.GetUtcNow();
            bool acquired;
            try
            {
                acquired = await _leases.TryAcquireAsync(LeaseName, Owner, _options.Duration, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogAcquireFailed(_logger, ex, LeaseName);
                acquired = false;
            }

            if (acquired)
            {
                LogAcquired(_logger, LeaseName, Owner);
                if (await HoldAsync(attemptedAt, stoppingToken).ConfigureAwait(false))
                {
                    return;
                }

                continue;
            }

            try
            {
                await Task.Delay(_options.RetryInterval, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Runs the duty under the lease. True when this runner is done (host stopping, or the duty finished).</summary>
    private async Task<bool> HoldAsync(DateTimeOffset confirmedAt, CancellationToken stoppingToken)
    {
        using var dutyCts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        _holding = true;
        var duty = Task.Run(() => RunDutyAsync(dutyCts.Token), CancellationToken.None);
        var lost = false;
        var dutyEnded = false;
        try
        {
            while (true)
            {
                var now = _time.GetUtcNow();
                var deadline = confirmedAt + _options.SafeHold;
                var nextRenewal = confirmedAt + _options.RenewInterval;
                var wait = Max(TimeSpan.Zero, (nextRenewal < deadline ? nextRenewal : deadline) - now);
                var delay = Task.Delay(wait, _time, stoppingToken);
                if (await Task.WhenAny(duty, delay).ConfigureAwait(false) == duty)
                {
                    dutyEnded = true;
                    break;
                }

                if (stoppingToken.IsCancellationRequested)
                {
                    break;
                }

                var attemptedAt = _time.GetUtcNow();
                bool renewed;
                if (attemptedAt >= deadline)
                {
                    // Stalled past the point where the duty had to stop (a paused process, a slow host).
                    renewed = false;
                }
                else
                {
                    // A renewal that has not answered by the deadline counts as failed: the duty must stop in time.
                    using var deadlineCts = new CancellationTokenSource(deadline - attemptedAt, _time);
                    using var renewCts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, deadlineCts.Token);
                    try
                    {
                        renewed = await _leases.RenewAsync(LeaseName, Owner, _options.Duration, renewCts.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                    {
                        break;
                    }
                    catch (Exception ex)
                    {
                        LogRenewFailed(_logger, ex, LeaseName);
                        renewed = false;
                    }
                }

                if (!renewed)
                {
                    lost = true;
                    LogLost(_logger, LeaseName, Owner);
                    break;
                }

                confirmedAt = attemptedAt;
            }
        }
        finally
        {
            await dutyCts.CancelAsync().ConfigureAwait(false);
        }

        var dutyFailed = false;
        try
        {
            await duty.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (dutyCts.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            dutyFailed = true;
            LogDutyFailed(_logger, ex, LeaseName);
        }
        finally
        {
            _holding = false;
        }

        if (!lost)
        {
            await ReleaseAsync().ConfigureAwait(false);
        }

        if (stoppingToken.IsCancellationRequested)
        {
            return true;
        }

        if (dutyFailed)
        {
            try
            {
                await Task.Delay(_options.RetryInterval, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return true;
            }

            return false;
        }

        if (dutyEnded && _standAside is { } pause)
        {
            // Set by the duty before it returned; read after awaiting it, so no race.
            _standAside = null;
            LogStoodAside(_logger, LeaseName, Owner, pause);
            try
            {
                await Task.Delay(pause, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return true;
            }

            return false;
        }

        if (dutyEnded)
        {
            LogDutyFinished(_logger, LeaseName);
            return true;
        }

        // Lost: compete again at once (after a database hiccup the lease may still be ours).
        return false;
    }

    private async Task ReleaseAsync()
    {
        try
        {
            if (await _leases.ReleaseAsync(LeaseName, Owner, CancellationToken.None).ConfigureAwait(false))
            {
                LogReleased(_logger, LeaseName, Owner);
            }
        }
        catch (Exception ex)
        {
            // It expires on its own.
            LogReleaseFailed(_logger, ex, LeaseName);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    [LoggerMessage(EventId = LogEvents.SingletonDutyAcquired, Level = LogLevel.Information, Message = "Lease {Lease} acquired by {Owner}; this replica now runs the duty.")]
    private static partial void LogAcquired(ILogger logger, string lease, string owner);

    [LoggerMessage(EventId = LogEvents.SingletonDutyLost, Level = LogLevel.Warning, Message = "Lease {Lease} lost by {Owner} (taken over, expired or not renewable); its duty was told to stop.")]
    private static partial void LogLost(ILogger logger, string lease, string owner);

    [LoggerMessage(EventId = LogEvents.SingletonDutyReleased, Level = LogLevel.Information, Message = "Lease {Lease} released by {Owner}.")]
    private static partial void LogReleased(ILogger logger, string lease, string owner);

    [LoggerMessage(EventId = LogEvents.SingletonDutyAcquireFailed, Level = LogLevel.Warning, Message = "Could not try to acquire lease {Lease}; trying again later.")]
    private static partial void LogAcquireFailed(ILogger logger, Exception exception, string lease);

    [LoggerMessage(EventId = LogEvents.SingletonDutyRenewFailed, Level = LogLevel.Warning, Message = "Could not renew lease {Lease}; stopping its duty.")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception, string lease);

    [LoggerMessage(EventId = LogEvents.SingletonDutyReleaseFailed, Level = LogLevel.Warning, Message = "Could not release lease {Lease}; it expires on its own.")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, string lease);

    [LoggerMessage(EventId = LogEvents.SingletonDutyDutyFailed, Level = LogLevel.Error, Message = "The duty under lease {Lease} failed; the lease was released and will be competed for again.")]
    private static partial void LogDutyFailed(ILogger logger, Exception exception, string lease);

    [LoggerMessage(EventId = LogEvents.SingletonDutyStoodAside, Level = LogLevel.Warning, Message = "The duty under lease {Lease} could not do its work on {Owner}; the lease was released for another replica, and this one competes again in {Pause}.")]
    private static partial void LogStoodAside(ILogger logger, string lease, string owner, TimeSpan pause);

    [LoggerMessage(EventId = LogEvents.SingletonDutyDutyFinished, Level = LogLevel.Information, Message = "The duty under lease {Lease} finished; this replica no longer competes for it.")]
    private static partial void LogDutyFinished(ILogger logger, string lease);
}
