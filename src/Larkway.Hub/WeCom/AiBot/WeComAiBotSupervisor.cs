using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Larkway.Hub.Apps;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Leases;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.WeCom.AiBot;

/// <summary>
/// Keeps one <see cref="WeComAiBotDuty"/> per enabled WeCom app with an AI bot on every replica (each competes for the
/// bot's lease; one connects): apps added, changed, disabled or deleted — here or on another replica — are noticed at
/// the registry's refresh, and their duty started, restarted with the new credentials, or stopped.
/// </summary>
internal sealed partial class WeComAiBotSupervisor(
    HubAppRegistry apps,
    WeComAiBotIngest ingest,
    WeComAiBotConnections connections,
    LeaseStore leases,
    IOptions<LeaseOptions> leaseOptions,
    IOptions<HubAppsOptions> appsOptions,
    TimeProvider time,
    ILoggerFactory loggerFactory,
    IMeterFactory? meterFactory = null,
    WeComAiBotStatus? status = null) : BackgroundService
{
    private readonly ConcurrentDictionary<string, WeComAiBotDuty> _duties = new(StringComparer.Ordinal);
    private readonly ILogger _logger = loggerFactory.CreateLogger<WeComAiBotSupervisor>();

    /// <summary>The duties running on this replica, by app name.</summary>
    public IReadOnlyDictionary<string, WeComAiBotDuty> Duties => _duties;

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
            .Where(a => a is { HasAiBot: true, Enabled: true, Error: null })
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

            var duty = new WeComAiBotDuty(app, ingest, connections, leases, leaseOptions, time, meterFactory, loggerFactory, status, appsOptions.Value);
            _duties[app.Name] = duty;
            await duty.StartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task StopAsync(string name)
    {
        if (_duties.TryRemove(name, out var duty))
        {
            // Closes the connection, then releases the lease: whoever takes it next subscribes after this one is gone.
            await duty.StopAsync(CancellationToken.None).ConfigureAwait(false);
            duty.Dispose();
        }
    }

    [LoggerMessage(EventId = LogEvents.WeComAiBotSupervisorFailed, Level = LogLevel.Error, Message = "Could not bring the WeCom AI bot connections in line with the stored apps; trying again at the next refresh.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
