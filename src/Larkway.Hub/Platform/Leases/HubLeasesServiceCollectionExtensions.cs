using Larkway.Hub.Platform.Leases;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers leases on singleton duties and scheduled jobs.</summary>
public static class HubLeasesServiceCollectionExtensions
{
    /// <summary>Adds <see cref="LeaseStore"/> and binds <see cref="LeaseOptions"/> (<c>Larkway:Leases</c>). Needs <c>AddHubStorage</c>.</summary>
    public static IServiceCollection AddHubLeases(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<LeaseOptions>()
            .Bind(configuration.GetSection(LeaseOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LeaseOptions>, LeaseOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new LeaseStore(
            sp.GetRequiredService<IDbContextFactory<HubDbContext>>(),
            sp.GetRequiredService<HubDatabaseInitializer>(),
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>Adds a scheduled job that runs on one replica at a time (lease <c>job/{Name}</c>). Needs <see cref="AddHubLeases"/>.</summary>
    public static IServiceCollection AddHubJob<TJob>(this IServiceCollection services)
        where TJob : class, IHubJob
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<TJob>();
        services.AddSingleton<IHostedService>(sp => new HubJobRunner(
            sp.GetRequiredService<TJob>(),
            sp.GetRequiredService<LeaseStore>(),
            sp.GetRequiredService<IOptions<LeaseOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<HubJobRunner>>()));
        return services;
    }
}
