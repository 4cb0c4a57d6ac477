using Larkway.Feishu;
using Larkway.Feishu.Authen;
using Larkway.Feishu.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Feishu apps and their clients.</summary>
public static class FeishuServiceCollectionExtensions
{
    /// <summary>
    /// Registers the default app — bound from the <c>Feishu</c> configuration section, with
    /// <c>FEISHU_APP_ID</c>, <c>FEISHU_APP_SECRET</c> and <c>FEISHU_BASE_URL</c> filling what it leaves
    /// unset, then <paramref name="configure"/> — validated at start. Resolve <see cref="FeishuClient"/>
    /// for it, or <see cref="IFeishuClientFactory"/> for any app. Add more apps with <see cref="FeishuBuilder.AddApp"/>.
    /// <see cref="FeishuUserTokenProvider"/> serves the default app's users' tokens from <see cref="IFeishuUserTokenStore"/>
    /// (in memory unless the host registers its own store).
    /// Calling it again adds nothing but <paramref name="configure"/>.
    /// </summary>
    public static FeishuBuilder AddFeishu(this IServiceCollection services, Action<FeishuAppOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddFeishuClientFactory();
        services.TryAddSingleton(sp => sp.GetRequiredService<IFeishuClientFactory>().GetClient(Options.Options.DefaultName));

        // Users' tokens: in memory unless the host registers a durable store (before or after this call).
        services.TryAddSingleton<IFeishuUserTokenStore, InMemoryFeishuUserTokenStore>();
        services.TryAddSingleton(sp => new FeishuUserTokenProvider(sp.GetRequiredService<FeishuClient>(), sp.GetRequiredService<IFeishuUserTokenStore>()));

        var builder = new FeishuBuilder(services);
        builder.Register(Options.Options.DefaultName, FeishuAppOptions.SectionName, configure);
        return builder;
    }

    /// <summary>
    /// Registers <see cref="IFeishuClientFactory"/> (and <see cref="FeishuClientFactory"/>) without any app: for a host
    /// whose apps all arrive at run time and are built with <see cref="FeishuClientFactory.CreateClient"/>.
    /// <see cref="AddFeishu"/> calls it. Idempotent.
    /// </summary>
    public static IServiceCollection AddFeishuClientFactory(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddHttpClient();
        services.TryAddSingleton(FeishuEnvironment.Process);
        services.TryAddSingleton(sp => new FeishuAppRegistry(
            sp.GetRequiredService<IOptionsMonitor<FeishuAppOptions>>(),
            sp.GetServices<FeishuAppName>(),
            sp.GetService<Logging.ILoggerFactory>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton(sp => new FeishuClientFactory(sp.GetRequiredService<FeishuAppRegistry>(), sp.GetRequiredService<IHttpClientFactory>()));
        services.TryAddSingleton<IFeishuClientFactory>(sp => sp.GetRequiredService<FeishuClientFactory>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FeishuAppOptions>, FeishuAppOptionsValidator>());
        return services;
    }
}
