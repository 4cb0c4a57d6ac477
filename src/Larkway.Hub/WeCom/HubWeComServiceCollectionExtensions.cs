using System.Diagnostics.Metrics;
using Larkway.Hub.Apps;
using Larkway.Hub.Assistants.Attachments;
using Larkway.Hub.Assistants.Replies;
using Larkway.Hub.Bots;
using Larkway.Hub.Directory.Links;
using Larkway.Hub.WeCom.AiBot;
using Larkway.Hub.WeCom.Assistant;
using Larkway.Hub.Inbox;
using Larkway.Hub.Monitoring;
using Larkway.Hub.Notifications;
using Larkway.Hub.WeCom.Notifications;
using Larkway.Hub.WeCom;
using Larkway.Hub.Platform.Observability.Health;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers WeCom in the Hub: stored WeCom apps' clients, their URL callbacks into the inbox, and the bot on WeCom.</summary>
public static class HubWeComServiceCollectionExtensions
{
    /// <summary>
    /// Adds the WeCom room. Needs <c>AddHubApps</c> and <c>AddHubInbox</c> (and the bot's commands); map the callback with
    /// <see cref="MapHubWeCom"/>. <paramref name="configuration"/> gives <c>Larkway:Outbound</c>, where AI bot files may be fetched from.
    /// </summary>
    public static IServiceCollection AddHubWeCom(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddWeComClientFactory();
        services.TryAddSingleton(sp => new HubWeComClients(sp.GetRequiredService<HubAppRegistry>(), sp.GetRequiredService<Larkway.WeCom.WeComClientFactory>()));
        services.TryAddSingleton<WeComCallbackTelemetry>();
        services.TryAddSingleton(TimeProvider.System);

        // Callbacks refused for failing verification are tallied per app by the dashboard's recorder, and its rule "WeCom callbacks
        // refused" alerts on them. Added, not tried: both are lists the recorder and AlertRules keep one of per key, so adding
        // the room twice is harmless.
        services.AddSingleton(WeComCallbackTelemetry.Refusals);
        services.AddSingleton(WeComCallbacksAlert.Rule);

        // The clients' calls and token fetches count on the dashboard with the other platforms' (the recorder keeps one per name).
        services.AddSingleton(WeComCallMetrics.Instruments);

        // Degraded (never Unhealthy): a WeCom app whose callbacks cannot be verified is the deployment's problem, not this replica's.
        services.AddHealthChecks().AddCheck<WeComCallbackHealthCheck>("wecom-callbacks", HealthStatus.Degraded, [HubHealthTags.Ready], HubHealthTags.CheckTimeout);
        services.TryAddSingleton(sp => new WeComIngest(sp.GetRequiredService<InboxStore>(), sp.GetService<InboxTelemetry>()));
        services.TryAddSingleton(sp => new WeComInboxHandler(
            sp.GetRequiredService<AppBots>(),
            sp.GetService<Larkway.Hub.Notifications.Actions.NotificationCardActions>() is { } actions
                ? new WeComCardClicks(
                    sp.GetRequiredService<Larkway.Hub.Notifications.NotificationStore>(),
                    actions,
                    sp.GetRequiredService<HubWeComClients>(),
                    sp.GetRequiredService<ILogger<WeComCardClicks>>())
                : null,
            sp.GetService<IBotAssistant>(),
            sp.GetService<BotCardActions>() is { } botActions
                ? new WeComBotCardClicks(sp.GetRequiredService<AppBots>(), botActions, sp.GetRequiredService<HubWeComClients>(), sp.GetRequiredService<ILogger<WeComBotCardClicks>>())
                : null,
            sp.GetService<Larkway.Hub.WeCom.CustomerService.KfPullRequests>(),
            sp.GetRequiredService<ILogger<WeComInboxHandler>>()));

        // Customer service (微信客服): accounts' callbacks ask for pulls; customers are answered by the app's assistant.
        services.AddHubWeComCustomerService();

        // Notifications whose app is a WeCom app go out through WeCom's channel.
        services.TryAddSingleton(sp => new WeComNotificationSender(sp.GetRequiredService<HubWeComClients>()));
        services.TryAddSingleton(sp => new WeComNotificationChannel(sp.GetRequiredService<WeComNotificationSender>()));

        // The assistant on WeCom: replies to AI bots over this replica's connections (AddHubWeComAiBot holds them) and to
        // apps through their clients; a question's files (apps' media_ids, AI bots' encrypted URLs); who an account is.
        services.TryAddSingleton<WeComAiBotConnections>();

        // WeCom as one unit (its AI bot adds its part: AddHubWeComAiBot): what the shared rooms ask of every platform, checked at start.
        services.AddHubPlatformUnit(new WeComHubPlatform())
            .Supply<IPlatformConnectionTest, WeComConnectionTest>()
            .Supply<Larkway.Hub.Identity.SignIn.ISignInLeg, Larkway.Hub.WeCom.SignIn.WeComSignInLeg>()
            .Supply<IInboxPlatformHandler, WeComInboxHandler>()
            .Supply<INotificationChannel, WeComNotificationChannel>()

            // A WeCom app's bot answers the member by app message (message/send).
            .SeatBot(WeComInboxHandler.BotPlatform, (sp, app) => new BotSeat(new WeComBotMessenger(sp.GetRequiredService<HubWeComClients>(), app)))
            .Supply<IAssistantReplies, WeComAssistantReplies>()
            .Supply<IAssistantAttachmentSource, WeComAttachmentSource>()
            .Supply<IPlatformAccounts, WeComPlatformAccounts>()

            // The directory reads a WeCom corp's departments and members when its app (Larkway:Directory:App) is a WeCom app, and its change_contact callbacks.
            .Supply<Larkway.Hub.Directory.IDirectorySource, Larkway.Hub.WeCom.Directory.WeComDirectorySource>()
            .Supply<Larkway.Hub.Directory.IDirectoryEvents, Larkway.Hub.WeCom.Directory.WeComDirectoryEvents>()

            // Notifications routed to a person reach them on WeCom by their linked account, email or mobile.
            .Supply<Larkway.Hub.Notifications.Routing.IPersonAddressing, WeComPersonAddressing>()
            .Supply<Larkway.Hub.Sandbox.ISandboxPlatform, WeComSandbox>()

            // Approvals on WeCom's approval app (审批): templates, applications and their sys_approval_change callbacks.
            .Supply<Larkway.Hub.Approvals.IApprovalPlatform, Larkway.Hub.WeCom.Approvals.WeComApprovalPlatform>();

        // An AI bot file's URL arrives in the message: fetched only where a URL from data may go (Larkway:Outbound).
        services.AddHubOutbound(configuration);
        services.AddHttpClient(WeComAttachmentSource.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(60)).AddOutboundGuard();
        return services;
    }

    /// <summary>Maps <c>GET/POST /wecom/apps/{name}/callback</c> (the URL check, and members' messages, events and card clicks).</summary>
    public static IEndpointRouteBuilder MapHubWeCom(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        WeComCallbackEndpoint.Map(endpoints);
        endpoints.MapHubWeComCustomerService();
        return endpoints;
    }
}
