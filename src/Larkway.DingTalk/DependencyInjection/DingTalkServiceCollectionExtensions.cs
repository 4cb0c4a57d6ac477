using Larkway.DingTalk;
using Larkway.Shared.Clients;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers DingTalk apps and their clients.</summary>
public static class DingTalkServiceCollectionExtensions
{
    /// <summary>
    /// Registers the default app — bound from the <c>DingTalk</c> configuration section, then <paramref name="configure"/>
    /// — validated at start. Resolve <see cref="DingTalkClient"/> for it, or <see cref="IDingTalkClientFactory"/> for any
    /// app. Add more apps with <see cref="DingTalkBuilder.AddApp"/>. Calling it again adds nothing but <paramref name="configure"/>.
    /// </summary>
    public static DingTalkBuilder AddDingTalk(this IServiceCollection services, Action<DingTalkAppOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddDingTalkClientFactory();
        services.TryAddSingleton(sp => sp.GetRequiredService<IDingTalkClientFactory>().GetClient(Options.Options.DefaultName));
        NamedApps.Add(services, DingTalkApps.Kind, Options.Options.DefaultName, configure);
        return new DingTalkBuilder(services);
    }

    /// <summary>
    /// Registers <see cref="IDingTalkClientFactory"/> (and <see cref="DingTalkClientFactory"/>) without any app: for a host
    /// whose apps all arrive at run time and are built with <see cref="DingTalkClientFactory.CreateClient"/>.
    /// <see cref="AddDingTalk"/> calls it. Idempotent.
    /// </summary>
    public static IServiceCollection AddDingTalkClientFactory(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        NamedApps.AddClients(services, DingTalkApps.Kind,
            static (on, name, options, handler) => new DingTalkClient(name, options, on.LoggerFactory, on.TimeProvider, on.MeterFactory, handler));
        services.TryAddSingleton(sp => new DingTalkClientFactory(sp.GetRequiredService<NamedAppClients<DingTalkAppOptions, DingTalkClient>>()));
        services.TryAddSingleton<IDingTalkClientFactory>(sp => sp.GetRequiredService<DingTalkClientFactory>());
        return services;
    }
}
