using Larkway.WeCom;
using Larkway.Shared.Clients;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers WeCom apps and their clients.</summary>
public static class WeComServiceCollectionExtensions
{
    /// <summary>
    /// Registers the default app — bound from the <c>WeCom</c> configuration section, then <paramref name="configure"/>
    /// — validated at start. Resolve <see cref="WeComClient"/> for it, or <see cref="IWeComClientFactory"/> for any
    /// app. Add more apps with <see cref="WeComBuilder.AddApp"/>. Calling it again adds nothing but <paramref name="configure"/>.
    /// </summary>
    public static WeComBuilder AddWeCom(this IServiceCollection services, Action<WeComAppOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddWeComClientFactory();
        services.TryAddSingleton(sp => sp.GetRequiredService<IWeComClientFactory>().GetClient(Options.Options.DefaultName));
        NamedApps.Add(services, WeComApps.Kind, Options.Options.DefaultName, configure);
        return new WeComBuilder(services);
    }

    /// <summary>
    /// Registers <see cref="IWeComClientFactory"/> (and <see cref="WeComClientFactory"/>) without any app: for a host
    /// whose apps all arrive at run time and are built with <see cref="WeComClientFactory.CreateClient"/>.
    /// <see cref="AddWeCom"/> calls it. Idempotent.
    /// </summary>
    public static IServiceCollection AddWeComClientFactory(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        NamedApps.AddClients(services, WeComApps.Kind,
            static (on, name, options, handler) => new WeComClient(name, options, on.LoggerFactory, on.TimeProvider, on.MeterFactory, handler));
        services.TryAddSingleton(sp => new WeComClientFactory(sp.GetRequiredService<NamedAppClients<WeComAppOptions, WeComClient>>()));
        services.TryAddSingleton<IWeComClientFactory>(sp => sp.GetRequiredService<WeComClientFactory>());
        return services;
    }
}
