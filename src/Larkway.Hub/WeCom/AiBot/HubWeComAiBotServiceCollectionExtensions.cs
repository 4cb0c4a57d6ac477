using Larkway.Hub.Apps;
using Larkway.Hub.Bots;
using Larkway.Hub.Inbox;
using Larkway.Hub.Apps.Connections;
using Larkway.Hub.Platform.Observability.Health;
using Larkway.Hub.WeCom.AiBot;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the WeCom AI bots in the Hub: their long connections held by one replica each, their messages into the inbox, the bot answering on them.</summary>
public static class HubWeComAiBotServiceCollectionExtensions
{
    /// <summary>
    /// Adds the WeCom AI bot room. Needs <c>AddHubApps</c>, <c>AddHubInbox</c> and <c>AddHubLeases</c> (and the bot's
    /// commands). With <paramref name="connections"/> false, no AI bot connection is held on this process.
    /// </summary>
    public static IServiceCollection AddHubWeComAiBot(this IServiceCollection services, bool connections = true)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<WeComAiBotConnections>();
        services.TryAddSingleton<WeComAiBotStatus>();

        // Read by the alert "a long connection is not held" on whichever replica evaluates it, holder or not.
        services.AddSingleton(sp => new LongConnectionSource(WeComAiBotDuty.Connection, sp.GetRequiredService<WeComAiBotStatus>()));
        services.AddSingleton(WeComAiBotAlert.Rule); // AlertRules keeps one rule per key, so adding the room twice is harmless
        services.TryAddSingleton<LongConnectionStateReader>();
        services.TryAddSingleton(sp => new WeComAiBotStates(sp.GetRequiredService<LongConnectionStateReader>(), sp.GetRequiredService<WeComAiBotStatus>(), sp.GetService<WeComAiBotSupervisor>()));
        services.TryAddSingleton(sp => new WeComAiBotInboxHandler(
            sp.GetRequiredService<HubAppRegistry>(),
            sp.GetRequiredService<WeComAiBotConnections>(),
            sp.GetRequiredService<AppBots>(),
            sp.GetRequiredService<IOptions<BotOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetService<IBotAssistant>(),
            sp.GetService<BotCardActions>()));

        // WeCom's unit, its AI bot's part: a second bot seat, inbox handler and connection line.
        services.AddHubPlatformUnit(Larkway.Channels.Messages.ChannelPlatform.WeCom)

            // An AI bot answers over its long connection by the message's req_id (scoped by the handler while it handles one).
            .SeatBot(WeComAiBotInboxHandler.BotPlatform, (sp, _) => new BotSeat(new WeComAiBotMessenger(
                sp.GetRequiredService<WeComAiBotConnections>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger<WeComAiBotMessenger>())))
            .Supply<ILongConnectionStates, WeComAiBotStates>() // the console's Apps page
            .Supply<IInboxPlatformHandler, WeComAiBotInboxHandler>();
        services.TryAddSingleton(sp => new WeComAiBotIngest(
            sp.GetRequiredService<InboxStore>(),
            sp.GetRequiredService<InboxQueue>(),
            sp.GetRequiredService<InboxProcessor>(),
            sp.GetRequiredService<IOptions<InboxOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<WeComAiBotIngest>>(),
            sp.GetService<InboxTelemetry>()));
        if (connections)
        {
            // Every replica runs it; per bot, only the holder of the lease wecom-aibot/{BotId} connects.
            LongConnectionServices.AddTo(services);
            services.TryAddSingleton(sp => new WeComAiBotSupervisor(
                sp.GetRequiredService<HubAppRegistry>(),
                sp.GetRequiredService<WeComAiBotIngest>(),
                sp.GetRequiredService<WeComAiBotConnections>(),
                sp.GetRequiredService<LongConnectionServices>(),
                sp.GetRequiredService<WeComAiBotStatus>()));
            services.AddHostedService(sp => sp.GetRequiredService<WeComAiBotSupervisor>());
            services.AddHealthChecks().AddCheck<WeComAiBotHealthCheck>("wecom-aibot", HealthStatus.Degraded, [HubHealthTags.Ready], HubHealthTags.CheckTimeout);
        }

        return services;
    }
}
