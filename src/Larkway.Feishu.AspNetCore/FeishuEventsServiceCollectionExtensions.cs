using System.Diagnostics.Metrics;
using Larkway.Feishu.Events.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Larkway.Feishu.AspNetCore;

/// <summary>Registers Feishu event receivers.</summary>
public static class FeishuEventsServiceCollectionExtensions
{
    /// <summary>Registers the receiver of the default app (the empty name).</summary>
    public static FeishuEventReceiverBuilder AddFeishuEventReceiver(this IServiceCollection services, Action<FeishuEventEndpointOptions> configure) =>
        services.AddFeishuEventReceiver(Options.DefaultName, configure);

    /// <summary>Registers the receiver of a named app; map its endpoints with the same name.</summary>
    public static FeishuEventReceiverBuilder AddFeishuEventReceiver(this IServiceCollection services, string appName, Action<FeishuEventEndpointOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(appName);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<FeishuEventEndpointOptions>(appName)
            .Configure(configure)
            .Validate(o => !string.IsNullOrEmpty(o.EncryptKey) || !string.IsNullOrEmpty(o.VerificationToken),
                $"Feishu event receiver '{appName}': set EncryptKey, VerificationToken or both (developer console → Events and callbacks → Encryption strategy).")
            .Validate(o => o.MaxRequestBodySize > 0, $"Feishu event receiver '{appName}': MaxRequestBodySize must be positive.")
            .Validate(o => o.CardActionDeadline > TimeSpan.Zero && o.CardActionDeadline < TimeSpan.FromSeconds(3),
                $"Feishu event receiver '{appName}': CardActionDeadline must be between 0 and 3 s (Feishu's deadline).")
            .ValidateOnStart();
        AddCore(services);
        return new FeishuEventReceiverBuilder(services, appName);
    }

    /// <summary>
    /// Registers what receiving needs and no app: for apps known only at run time, whose endpoint options are configured
    /// by name elsewhere (an <see cref="IConfigureOptions{TOptions}"/> of <see cref="FeishuEventEndpointOptions"/>) and
    /// whose endpoints are mapped with an app name read from the request.
    /// </summary>
    public static IServiceCollection AddFeishuEventReceivers(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        AddCore(services);
        return services;
    }

    private static void AddCore(IServiceCollection services)
    {
        // The Larkway meter comes from the container's IMeterFactory: instruments scoped to this host, shared with
        // the long-connection clients that are given the same factory.
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => FeishuEventsTelemetry.For(sp.GetRequiredService<IMeterFactory>()));
        services.TryAddSingleton(sp => new FeishuVerifierCache(
            sp.GetRequiredService<IOptionsMonitor<FeishuEventEndpointOptions>>(),
            sp.GetService<TimeProvider>()));
        services.TryAddSingleton<FeishuEventRequestHandler>();
    }
}
