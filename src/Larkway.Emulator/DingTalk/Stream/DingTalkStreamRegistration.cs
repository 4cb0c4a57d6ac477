using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Larkway.Emulator.DingTalk.Stream;

/// <summary>Wires Stream mode into the emulator: two calls from EmulatorServer, nothing else there.</summary>
internal static class DingTalkStreamRegistration
{
    /// <summary>
    /// Registers the Stream services. <see cref="IDingTalkStreamApps"/> is added only if absent, so the DingTalk org
    /// registered earlier supplies the apps instead of the one-app default.
    /// </summary>
    public static IServiceCollection AddDingTalkStream(this IServiceCollection services, DingTalkStreamOptions options)
    {
        services.AddSingleton(options);
        services.TryAddSingleton<IDingTalkStreamApps>(_ => new DefaultDingTalkStreamApps(options));
        services.AddSingleton(sp => new StreamTickets(options, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new StreamFaults(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(_ => new DingTalkStreamDeliveryLog(options));
        // The DingTalk org registers its own first (kept in the state file); this one serves Stream mode on its own.
        services.TryAddSingleton(sp => new RobotSessions(options, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<DingTalkStreamHub>();
        return services;
    }

    public static IEndpointRouteBuilder MapDingTalkStream(this IEndpointRouteBuilder routes)
    {
        routes.MapDingTalkStreamEndpoints();
        routes.MapDingTalkStreamControlEndpoints();
        return routes;
    }
}
