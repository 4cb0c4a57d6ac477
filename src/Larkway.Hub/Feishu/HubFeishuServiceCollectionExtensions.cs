using Larkway.Feishu;
using Larkway.Feishu.AspNetCore;
using Larkway.Feishu.Authen;
using Larkway.Feishu.Events.Dispatch;
using Larkway.Feishu.Events.Ingest;
using Larkway.Hub.Apps;
using Larkway.Hub.Apps.Connections;
using Larkway.Hub.Assistants.Attachments;
using Larkway.Hub.Assistants.Replies;
using Larkway.Hub.Directory.Links;
using Larkway.Hub.Feishu;
using Larkway.Hub.Feishu.Assistant;
using Larkway.Hub.Feishu.LongConnection;
using Larkway.Hub.Feishu.Notifications;
using Larkway.Hub.Feishu.Recipients;
using Larkway.Hub.Notifications;
using Larkway.Hub.Platform.Configuration;
using Larkway.Hub.Platform.Observability.Health;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Hub's Feishu room: what Feishu plugs into the Hub's platform seams.</summary>
public static class HubFeishuServiceCollectionExtensions
{
    /// <summary>
    /// Adds Feishu's notification channel (cards and templates sent by the app's bot, paced at each app's
    /// <c>Feishu:RateLimit</c>), the assistant's replies (CardKit cards) and attachment source, and Feishu's side of
    /// people's accounts and the apps' connection test, and its notification card clicks, the apps' clients
    /// (<see cref="AddHubFeishuClients"/>), users' stored tokens (<see cref="AddHubFeishuUserTokens"/>) and the directory's
    /// source and contact events (<c>AddHubFeishuDirectory</c>). Needs
    /// <c>AddHubNotifications</c> and <c>AddHubApps</c> (the stored apps); map the stored apps' callbacks with <see cref="MapHubFeishu"/>.
    /// </summary>
    public static IServiceCollection AddHubFeishu(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddHubFeishuClients();
        services.AddHubFeishuInbox();
        services.AddHubFeishuUserTokens();
        services.AddHubFeishuDirectory();

        // Read by the alert "a long connection is not held" (LongConnectionDown) on whichever replica evaluates it; the
        // rule exists in every mode, so its configuration key is valid in webhook mode too, where no app holds it.
        services.TryAddSingleton<FeishuLongConnectionStatus>();
        services.AddSingleton(sp =>
        {
            var settings = sp.GetService<HubSettings>() ?? new HubSettings();
            IReadOnlyList<StoredApp> deployment = settings.Mode == HubMode.LongConnection ? [FeishuLongConnectionDuty.DeploymentApp(settings)] : [];
            return new LongConnectionSource(FeishuLongConnectionDuty.Connection, sp.GetRequiredService<FeishuLongConnectionStatus>())
            {
                HoldersAmong = enabled => [.. deployment, .. enabled.Where(FeishuLongConnectionSupervisor.HoldsFor)],
            };
        });
        services.AddSingleton(FeishuLongConnectionAlert.Rule); // AlertRules keeps one rule per key, so adding the room twice is harmless

        // Pushes refused for failing verification, counted by the receivers, are tallied per app by the dashboard's recorder,
        // and the rule "Feishu callbacks refused" alerts on them (lists keyed by name: adding the room twice is harmless).
        services.AddSingleton(FeishuCallbacksAlert.Refusals);
        services.AddSingleton(FeishuCallbacksAlert.Rule);
        services.TryAddSingleton<LongConnectionStateReader>();
        services.TryAddSingleton(sp => new FeishuLongConnectionStates(
            sp.GetService<HubSettings>() ?? new HubSettings(), sp.GetRequiredService<LongConnectionStateReader>(), sp.GetRequiredService<FeishuLongConnectionStatus>(),
            sp.GetService<FeishuLongConnectionDuty>(), sp.GetService<FeishuLongConnectionSupervisor>()));

        // The apps added at run time that chose the long connection: every replica runs it; per app, only the holder of
        // the lease long-connection/{app id} connects.
        LongConnectionServices.AddTo(services);
        services.TryAddSingleton(sp => new FeishuLongConnectionSupervisor(
            sp.GetRequiredService<HubAppRegistry>(), sp.GetRequiredService<IFeishuEventSink>(), sp.GetRequiredService<LongConnectionServices>(), sp.GetRequiredService<FeishuLongConnectionStatus>()));
        services.AddHostedService(sp => sp.GetRequiredService<FeishuLongConnectionSupervisor>());

        // Recipients by email and department, through the contact API: one resolver (one cache of open_ids) for the
        // sender, the card clicks and the Feishu-only rooms that look people up (IEmailLookup).
        services.TryAddSingleton<ContactRecipientResolver>();
        services.TryAddSingleton<IRecipientResolver>(sp => sp.GetRequiredService<ContactRecipientResolver>());
        services.TryAddSingleton<IEmailLookup>(sp => sp.GetRequiredService<ContactRecipientResolver>());

        // Clicks on notification cards: checked and answered here, recorded through Notifications' one click entry.
        services.TryAddSingleton<FeishuNotificationClickers>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Larkway.Hub.Bots.IBotCardClaim, FeishuNotificationClicks>());

        // Feishu as one unit, as every platform: what the shared rooms ask of it, checked at start. (Its inbox handler
        // is supplied beside its door to the inbox, AddHubFeishuInbox; its directory source and contact events by
        // AddHubFeishuDirectory; its bot seat by AddFeishuBots.)
        services.AddHubPlatformUnit(new FeishuHubPlatform())
            .Supply<INotificationChannel, FeishuNotificationChannel>()
            .Supply<IRecipientExpander, RecipientExpander>()
            .Supply<IAssistantReplies, FeishuAssistantReplies>()
            .Supply<IAssistantAttachmentSource, FeishuAttachmentSource>()
            .Supply<IPlatformAccounts, FeishuPlatformAccounts>()
            .Supply<IPlatformConnectionTest, FeishuConnectionTest>()
            .Supply<ILongConnectionStates, FeishuLongConnectionStates>() // the console's Apps page
            .Supply<Larkway.Hub.Notifications.Routing.IPersonAddressing, FeishuPersonAddressing>()
            .Supply<Larkway.Hub.Sandbox.ISandboxPlatform, FeishuSandbox>()
            .Supply<Larkway.Hub.Approvals.IApprovalPlatform, Larkway.Hub.Feishu.Approvals.FeishuApprovalPlatform>();
        services.AddHubFeishuSignIn();
        services.AddHubFeishuDocs();
        return services;
    }

    /// <summary>
    /// Adds the Hub's <see cref="IFeishuClientFactory"/> — in place of the library's, whatever the order of
    /// <c>AddFeishu</c> — which serves configured and stored Feishu apps alike (<see cref="HubFeishuClients"/>), and the
    /// stored apps' event-endpoint secrets. Needs <c>AddHubApps</c>; <see cref="AddHubFeishu"/> calls it.
    /// </summary>
    public static IServiceCollection AddHubFeishuClients(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        // The library's factory stays registered as itself for the configured apps; the interface is the Hub's. AddFeishu
        // only TryAdds the interface, so calling it after this changes nothing.
        services.AddFeishuClientFactory();
        services.TryAddSingleton(sp => new HubFeishuClients(
            sp.GetRequiredService<HubAppRegistry>(), sp.GetRequiredService<FeishuClientFactory>(), sp.GetRequiredService<IOptions<HubAppsOptions>>(), sp.GetRequiredService<TimeProvider>()));
        services.Replace(ServiceDescriptor.Singleton<IFeishuClientFactory>(sp => sp.GetRequiredService<HubFeishuClients>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<FeishuEventEndpointOptions>, FeishuStoredAppEndpointOptions>());

        // The stored apps' receivers, with or without a configured app (a Hub of stored apps only has none).
        services.AddFeishuEventReceivers();
        return services;
    }

    /// <summary>
    /// Adds the Hub's <see cref="IFeishuUserTokenStore"/> — in place of the library's in-memory one, whatever the order of
    /// <c>AddFeishu</c> — which keeps users' Feishu tokens in the database, encrypted (<see cref="HubUserTokenStore"/>), so
    /// every replica serves them and a restart keeps them. Needs <c>AddHubApps</c> (the Hub's data protection);
    /// <see cref="AddHubFeishu"/> calls it.
    /// </summary>
    public static IServiceCollection AddHubFeishuUserTokens(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<HubUserTokenStore>();
        services.Replace(ServiceDescriptor.Singleton<IFeishuUserTokenStore>(sp => sp.GetRequiredService<HubUserTokenStore>()));
        return services;
    }

    /// <summary>
    /// Maps <c>POST /feishu/apps/{name}/events</c> and <c>POST /feishu/apps/{name}/cards</c>, the stored Feishu apps'
    /// callbacks (an app the Hub does not serve gets a 404 before any verification). Needs <see cref="AddHubFeishu"/>,
    /// <c>AddHubApps</c> and a Feishu event receiver (the default app's).
    /// </summary>
    public static IEndpointRouteBuilder MapHubFeishu(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        FeishuStoredAppEndpoints.Map(endpoints);
        endpoints.MapHubFeishuSignIn();
        Larkway.Hub.Feishu.Docs.FeishuDocsConnect.Map(endpoints);
        endpoints.MapHubKnowledgeSyncApi();
        return endpoints;
    }

    /// <summary>
    /// Holds Feishu's long connection for the deployment's app on one replica (the lease <c>long-connection/{app id}</c>),
    /// with its readiness check. Needs <see cref="AddHubFeishu"/>, <c>AddHubApps</c>, <c>AddHubLeases</c> and the event
    /// receiver's sink.
    /// </summary>
    public static IServiceCollection AddHubFeishuLongConnection(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        LongConnectionServices.AddTo(services);
        services.TryAddSingleton(sp => FeishuLongConnectionDuty.ForDeployment(
            sp.GetRequiredService<HubSettings>(), sp.GetRequiredService<IFeishuEventSink>(), sp.GetRequiredService<LongConnectionServices>(), sp.GetRequiredService<FeishuLongConnectionStatus>()));
        services.AddHostedService(sp => sp.GetRequiredService<FeishuLongConnectionDuty>());
        services.AddHealthChecks().AddCheck<FeishuLongConnectionHealthCheck>("long-connection", HealthStatus.Degraded, [HubHealthTags.Ready], HubHealthTags.CheckTimeout);
        return services;
    }

    /// <summary>
    /// Registers handlers on the event dispatcher of every Feishu app that has no <c>AddHubEventDispatcher</c> registration
    /// or keyed dispatcher of its own: the apps added at run time. The handler is told the app's name.
    /// </summary>
    public static IServiceCollection AddHubStoredAppDispatcher(this IServiceCollection services, Action<IServiceProvider, string, FeishuEventDispatcher> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddSingleton(new FeishuStoredAppDispatcherRegistration(configure));
        services.TryAddKeyedSingleton<FeishuEventDispatcher>(KeyedService.AnyKey, (sp, key) => FeishuStoredAppDispatch.Build(sp, (string)key!));
        return services;
    }
}
