using System.Collections.Concurrent;
using Larkway.Hub.Platform.Leases;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Apps;

/// <summary>A lease-held duty run for one stored app (its long connection), as the app was when the duty started.</summary>
internal interface IStoredAppDuty
{
    /// <summary>The app as it was when the duty started (a changed app gets a new duty).</summary>
    StoredApp App { get; }
}

/// <summary>
/// Keeps one duty per stored app that needs one, on every replica (each duty competes for its app's lease; one
/// connects): apps added, changed, disabled or deleted — here or on another replica — are noticed at the registry's
/// refresh, and their duty started, restarted with the new credentials, or stopped. Each platform says which apps want
/// a duty and how one is made (<see cref="Wants"/>, <see cref="Create"/>); the reconciling is the same for all.
/// </summary>
internal abstract class StoredAppDuties<TDuty>(HubAppRegistry apps, IOptions<HubAppsOptions> appsOptions, TimeProvider time) : BackgroundService
    where TDuty : SingletonDuty, IStoredAppDuty
{
    private readonly ConcurrentDictionary<string, TDuty> _duties = new(StringComparer.Ordinal);

    /// <summary>The clock the duties run on.</summary>
    protected TimeProvider Time { get; } = time;

    /// <summary>The apps' options as they are now (the refresh interval, for the duties too).</summary>
    protected HubAppsOptions AppsOptions => appsOptions.Value;

    /// <summary>The duties running on this replica, by app name.</summary>
    public IReadOnlyDictionary<string, TDuty> Duties => _duties;

    /// <summary>True for an enabled, usable app of this platform that needs a duty.</summary>
    protected abstract bool Wants(StoredApp app);

    /// <summary>A new, not yet started duty for <paramref name="app"/>.</summary>
    protected abstract TDuty Create(StoredApp app);

    /// <summary>Logs a reconciliation that failed; it is tried again at the next refresh.</summary>
    protected abstract void LogFailed(Exception exception);

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
                LogFailed(ex);
            }

            try
            {
                await Task.Delay(AppsOptions.RefreshInterval, Time, stoppingToken).ConfigureAwait(false);
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
            .Where(a => a is { Enabled: true, Error: null } && Wants(a))
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

            var duty = Create(app);
            _duties[app.Name] = duty;
            await duty.StartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task StopAsync(string name)
    {
        if (_duties.TryRemove(name, out var duty))
        {
            // Closes the connection, then releases the lease: whoever takes it next — another replica, or this one
            // with new credentials — connects after this one is gone, at once.
            await duty.StopAsync(CancellationToken.None).ConfigureAwait(false);
            duty.Dispose();
        }
    }
}
