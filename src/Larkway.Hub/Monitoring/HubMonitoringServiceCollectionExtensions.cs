using Larkway.Hub.Monitoring;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the recorder behind the console's dashboard and the alerts.</summary>
public static class HubMonitoringServiceCollectionExtensions
{
    /// <summary>
    /// Adds the metric recorder (a listener on this Hub's <c>Larkway</c> meter), its flusher on every replica and the
    /// hourly pruning on one (reads <c>Larkway:Monitoring</c>). Needs <c>AddHubStorage</c> and <c>AddHubLeases</c>.
    /// </summary>
    public static IServiceCollection AddHubMonitoring(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<MonitoringOptions>()
            .Bind(configuration.GetSection(MonitoringOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MonitoringOptions>, MonitoringOptionsValidator>());
        services.AddHubQueues();
        services.TryAddSingleton<MetricStore>();
        services.TryAddSingleton<MetricRecorder>();
        services.TryAddSingleton<MonitoringDashboard>();
        services.AddSingleton<IHostedService, MetricFlusher>();
        services.AddHubJob<MetricPruning>();
        return services;
    }
}
