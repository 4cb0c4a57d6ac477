using Larkway.Emulator.State;
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
        // The conversations are kept in the state file (with WeCom's snapshot); a change advances the state revision.
        services.AddSingleton(sp =>
        {
            var conversations = new AiBotConversations();
            var weCom = sp.GetRequiredService<StateLoad>().Snapshot?.WeCom;
            conversations.Restore(weCom?.AiBotConversations ?? [], weCom?.AiBotMessages ?? []);
            var revision = sp.GetRequiredService<StateRevision>();
            conversations.Changed += revision.Advance;
            return conversations;
        });
        services.AddSingleton(sp => new AiBotMedia(options, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<AiBotReplies>();
        // URL-callback mode: its settings and response_url codes are in the state file too.
        services.AddSingleton(sp =>
        {
            var store = new AiBotUrlCallbackStore(sp.GetRequiredService<TimeProvider>());
            var weCom = sp.GetRequiredService<StateLoad>().Snapshot?.WeCom;
            store.Restore(weCom?.AiBotCallbacks ?? [], weCom?.AiBotResponseCodes ?? []);
            store.Changed += sp.GetRequiredService<StateRevision>().Advance;
            return store;
        });
        services.AddSingleton<AiBotUrlCallbacks>();
        services.AddSingleton<AiBotHub>();
        services.AddSingleton<AiBotInbound>();
        services.AddSingleton<Web.IWeComPageSection, AiBotPageSection>();
        return services;
    }

    public static IEndpointRouteBuilder MapWeComAiBot(this IEndpointRouteBuilder routes, AiBotOptions options)
    {
        routes.MapAiBotEndpoints(options);
        routes.MapAiBotPages();
        routes.MapAiBotUrlCallbackEndpoints();
        return routes;
    }
}
