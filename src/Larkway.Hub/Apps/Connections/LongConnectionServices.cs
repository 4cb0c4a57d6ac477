using Larkway.Hub.Platform;
using System.Diagnostics.Metrics;
using Larkway.Hub.Apps;
using Larkway.Hub.Platform.Leases;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Apps.Connections;

/// <summary>What every room's long-connection duties and their supervisor stand on, resolved once for all rooms.</summary>
/// <param name="Leases">The lease store.</param>
/// <param name="LeaseOptions">The lease timings.</param>
/// <param name="AppsOptions">The stored apps' refresh and the hand-over timings.</param>
/// <param name="Time">The clock.</param>
/// <param name="LoggerFactory">Loggers for the duties and their clients.</param>
/// <param name="MeterFactory">The clients' meters, when metrics are on.</param>
internal sealed record LongConnectionServices(
    LeaseStore Leases,
    IOptions<LeaseOptions> LeaseOptions,
    IOptions<HubAppsOptions> AppsOptions,
    TimeProvider Time,
    ILoggerFactory LoggerFactory,
    IMeterFactory? MeterFactory)
{
    /// <summary>Registers them once, whichever room asks first. Needs <c>AddHubApps</c> and <c>AddHubLeases</c>.</summary>
    public static void AddTo(IServiceCollection services) =>
        services.TryAddSingleton(sp => new LongConnectionServices(
            sp.GetRequiredService<LeaseStore>(),
            sp.GetRequiredService<IOptions<LeaseOptions>>(),
            sp.GetRequiredService<IOptions<HubAppsOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetService<IMeterFactory>()));
}
