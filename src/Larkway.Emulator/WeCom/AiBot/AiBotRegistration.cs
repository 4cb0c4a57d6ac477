using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Emulator.WeCom.AiBot;

/// <summary>Wires the WeCom AI bot into the emulator: one call for services, one for routes.</summary>
internal static class AiBotRegistration
{
    public static IServiceCollection AddWeComAiBot(this IServiceCollection services, AiBotOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<AiBotDirectory>();
        services.AddSingleton<AiBotConversations>();
        services.AddSingleton(sp => new AiBotMedia(options, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<AiBotReplies>();
        services.AddSingleton<AiBotHub>();
        services.AddSingleton<AiBotInbound>();
        services.AddSingleton<Web.IWeComPageSection, AiBotPageSection>();
        return services;
    }

    public static IEndpointRouteBuilder MapWeComAiBot(this IEndpointRouteBuilder routes, AiBotOptions options)
    {
        routes.MapAiBotEndpoints(options);
        routes.MapAiBotPages();
        return routes;
    }
}
