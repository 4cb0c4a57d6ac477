using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Larkway.Hub.Apps;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Leases;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.DingTalk;

/// <summary>
/// Keeps one <see cref="DingTalkStreamDuty"/> per enabled DingTalk app on every replica (each competes for the app's
/// lease; one connects): apps added, changed, disabled or deleted — here or on another replica — are noticed at the
/// registry's refresh, and their duty started, restarted with the new credentials, or stopped.
/// </summary>
internal sealed partial class DingTalkStreamSupervisor(
    HubAppRegistry apps,
    DingTalkIngest ingest,
    LeaseStore leases,
    IOptions<LeaseOptions> leaseOptions,
    IOptions<HubAppsOptions> appsOptions,
    TimeProvider time,
    ILoggerFactory loggerFactory,
    IMeterFactory? meterFactory = null,
    DingTalkStreamStatus? status = null) : BackgroundService
{
    private readonly ConcurrentDictionary<string, DingTalkStreamDuty> _duties = new(StringComparer.Ordinal);
    private readonly ILogger _logger = loggerFactory.CreateLogger<DingTalkStreamSupervisor>();

    /// <summary>The duties running on this replica, by app name.</summary>
    public IReadOnlyDictionary<string, DingTalkStreamDuty> Duties => _duties;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ReconcileAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(_logger, ex);
            }

            try
            {
                await Task.Delay(appsOptions.Value.RefreshInterval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        foreach (var name in _duties.Keys)
        {
            await StopAsync(name).ConfigureAwait(false);
        }
    }

    /// <summary>Brings the running duties in line with the stored apps.</summary>
    internal async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        var wanted = (await apps.AllAsync(cancellationToken).ConfigureAwait(false))
            .Where(a => a is { IsDingTalk: true, Enabled: true, Error: null })
            .ToDictionary(a => a.Name, StringComparer.Ordinal);
        foreach (var (name, duty) in _duties)
        {
            if (!wanted.TryGetValue(name, out var app) || app.UpdatedAt != duty.App.UpdatedAt)
            {
                await StopAsync(name).ConfigureAwait(false);
            }
        }

        foreach (var app in wanted.Values)
        {
            if (_duties.ContainsKey(app.Name))
            {
                continue;
            }

            var duty = new DingTalkStreamDuty(app, ingest, leases, leaseOptions, time, meterFactory, loggerFactory, status, appsOptions.Value);
            _duties[app.Name] = duty;
            await duty.StartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task StopAsync(string name)
    {
        if (_duties.TryRemove(name, out var duty))
        {
            // Stops the connection and releases the lease, so another replica (or this one, with new credentials) takes it at once.
            await duty.StopAsync(CancellationToken.None).ConfigureAwait(false);
            duty.Dispose();
        }
    }

    [LoggerMessage(EventId = LogEvents.DingTalkStreamSupervisorFailed, Level = LogLevel.Error, Message = "Could not bring the DingTalk Stream connections in line with the stored apps; trying again at the next refresh.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
