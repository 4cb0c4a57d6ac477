using System.Diagnostics.Metrics;
using Larkway.Hub.Apps;
using Larkway.Hub.Assistants.Attachments;
using Larkway.Hub.Assistants.Configuration;
using Larkway.Hub.Assistants.Replies;
using Larkway.Hub.Bots;
using Larkway.Hub.Directory.Links;
using Larkway.Hub.DingTalk.Assistant;
using Larkway.Hub.DingTalk;
using Larkway.Hub.Inbox;
using Larkway.Hub.Notifications;
using Larkway.Hub.DingTalk.Notifications;
using Larkway.Hub.Platform.Configuration;
using Larkway.Hub.Apps.Connections;
using Microsoft.AspNetCore.DataProtection;
using Larkway.Hub.Platform.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Larkway.Hub.Platform.Observability.Health;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers DingTalk in the Hub: stored DingTalk apps' clients, their Stream connections and HTTP callbacks into the inbox, and the bot on DingTalk.</summary>
public static class HubDingTalkServiceCollectionExtensions
{
    /// <summary>
    /// Adds the DingTalk room. Needs <c>AddHubApps</c>, <c>AddHubInbox</c> and <c>AddHubLeases</c> (and the bot's
    /// commands); map the callback with <see cref="MapHubDingTalk"/>. With <paramref name="streams"/> false, no Stream
    /// connection is held on this process (tests that drive the inbox alone).
    /// </summary>
    public static IServiceCollection AddHubDingTalk(this IServiceCollection services, bool streams = true)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddDingTalkClientFactory();
        services.TryAddSingleton(sp => new HubDingTalkClients(sp.GetRequiredService<HubAppRegistry>(), sp.GetRequiredService<Larkway.DingTalk.DingTalkClientFactory>()));
        services.TryAddSingleton<DingTalkStreamStatus>();

        // The clients' calls and token fetches count on the dashboard with the other platforms' (the recorder keeps one per name).
        services.AddSingleton(DingTalkCallMetrics.Instruments);

        // Read by the alert "a long connection is not held" on whichever replica evaluates it, holder or not.
        services.AddSingleton(sp => new LongConnectionSource(DingTalkStreamDuty.Connection, sp.GetRequiredService<DingTalkStreamStatus>()));
        services.AddSingleton(DingTalkStreamAlert.Rule); // AlertRules keeps one rule per key, so adding the room twice is harmless

        // HTTP callbacks refused for failing verification are tallied per app by the dashboard's recorder, and its rule
        // "DingTalk callbacks refused" alerts on them (lists keyed by name: adding the room twice is harmless).
        services.TryAddSingleton<DingTalkCallbackTelemetry>();
        services.AddSingleton(DingTalkCallbackTelemetry.Refusals);
        services.AddSingleton(DingTalkCallbacksAlert.Rule);
        services.TryAddSingleton<LongConnectionStateReader>();
        services.TryAddSingleton(sp => new DingTalkStreamStates(sp.GetRequiredService<LongConnectionStateReader>(), sp.GetRequiredService<DingTalkStreamStatus>(), sp.GetService<DingTalkStreamSupervisor>()));
        services.TryAddSingleton(sp => new DingTalkIngest(sp.GetRequiredService<InboxStore>(), sp.GetService<InboxTelemetry>()));

        // Each outgoing-robot signature is accepted once, across replicas; spent ones are deleted hourly on one replica.
        services.TryAddSingleton<RobotSignatureLedger>();
        services.AddHubJob<RobotSignatureRetention>();

        // Notifications of DingTalk apps: rendered for DingTalk, their buttons links back to the Hub made per recipient, which
        // act only for a DingTalk sign-in of that recipient (a cookie scheme of the links' own).
        services.AddOptions<DingTalkActionLinkOptions>().BindConfiguration(DingTalkActionLinkOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DingTalkActionLinkOptions>, DingTalkActionLinkOptionsValidator>());
        services.TryAddSingleton(sp => new DingTalkActionLinks(
            sp.GetRequiredService<IDataProtectionProvider>(), sp.GetRequiredService<HubAddress>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<DingTalkActionLinkOptions>>().Value));
        services.TryAddSingleton(sp => new DingTalkActionSignIn(
            sp.GetRequiredService<IDataProtectionProvider>(), sp.GetRequiredService<DingTalkActionLinks>(), sp.GetRequiredService<HubDingTalkClients>(), sp.GetRequiredService<TimeProvider>()));
        services.AddAuthentication().AddCookie(DingTalkActionSignIn.Scheme, o =>
        {
            o.Cookie.Name = DingTalkActionSignIn.CookieName;
            o.Cookie.Path = DingTalkActionSignIn.CookiePath;
            o.Cookie.HttpOnly = true;
            // Lax: the link is opened from DingTalk (a top-level navigation from another site) and must carry it; a
            // cross-site POST never does.
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.SlidingExpiration = false;
        });
        services.AddOptions<CookieAuthenticationOptions>(DingTalkActionSignIn.Scheme)
            .Configure<IOptions<DingTalkActionLinkOptions>, TimeProvider>((o, links, time) =>
            {
                o.ExpireTimeSpan = links.Value.SignInLifetime;
                o.TimeProvider = time;
            });

        // Apps with a card template send interactive cards whose buttons call back over Stream; the sandbox's app has one.
        services.AddOptions<DingTalkNotificationCardOptions>().BindConfiguration(DingTalkNotificationCardOptions.SectionName)
            .Configure<HubSettings>((o, settings) =>
            {
                if (settings.Mode == HubMode.Sandbox)
                {
                    o.Templates.TryAdd(DingTalkSandbox.Name, DingTalkNotificationCardOptions.SandboxTemplateId);
                }
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DingTalkNotificationCardOptions>, DingTalkNotificationCardOptionsValidator>());
        services.TryAddSingleton(sp => new DingTalkInteractiveCards(sp.GetRequiredService<NotificationStore>(), sp.GetRequiredService<IOptions<DingTalkNotificationCardOptions>>().Value));
        services.TryAddSingleton(sp => new DingTalkNotificationSender(sp.GetRequiredService<HubDingTalkClients>(), sp.GetRequiredService<DingTalkActionLinks>(), sp.GetService<DingTalkInteractiveCards>()));
        services.TryAddSingleton(sp => new DingTalkNotificationChannel(sp.GetRequiredService<DingTalkNotificationSender>()));
        services.TryAddSingleton(sp => sp.GetService<Larkway.Hub.Notifications.Actions.NotificationCardActions>() is { } actions
            ? new DingTalkCardClicks(sp.GetRequiredService<NotificationStore>(), actions, sp.GetRequiredService<HubDingTalkClients>(),
                sp.GetRequiredService<DingTalkInteractiveCards>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger<DingTalkCardClicks>())
            : null!);
        services.TryAddSingleton(sp => sp.GetService<BotCardActions>() is { } botActions
            ? new DingTalkBotCards(sp.GetRequiredService<AppBots>(), botActions, sp.GetRequiredService<HubDingTalkClients>(), sp.GetRequiredService<ILogger<DingTalkBotCards>>())
            : null!);
        services.TryAddSingleton(sp => new DingTalkInboxHandler(sp.GetRequiredService<AppBots>(), sp.GetRequiredService<HubAppRegistry>(), sp.GetService<DingTalkCardClicks>(), sp.GetService<DingTalkBotCards>()));

        // DingTalk as one unit: what the shared rooms ask of every platform, checked at start.
        services.AddHubPlatformUnit(new DingTalkHubPlatform())
            .Supply<IPlatformConnectionTest, DingTalkConnectionTest>()
            .Supply<Larkway.Hub.Identity.SignIn.ISignInLeg, Larkway.Hub.DingTalk.SignIn.DingTalkSignInLeg>()
            .Supply<ILongConnectionStates, DingTalkStreamStates>() // the console's Apps page
            .Supply<IInboxPlatformHandler, DingTalkInboxHandler>()
            .Supply<INotificationChannel, DingTalkNotificationChannel>()

            // A DingTalk app's bot answers through its session webhook or the app robot.
            // A card with callback buttons goes as an interactive card of the app's card template (the notification cards' one);
            // without one, as an action card whose buttons are links made for the person answered.
            .SeatBot(DingTalkInboxHandler.BotPlatform, (sp, app) => new BotSeat(new DingTalkBotMessenger(
                sp.GetRequiredService<HubDingTalkClients>(), app, sp.GetRequiredService<IOptions<DingTalkNotificationCardOptions>>().Value.TemplateOf(app),
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger<DingTalkBotMessenger>(), sp.GetRequiredService<DingTalkActionLinks>())))

            // The assistant on DingTalk: its replies (AI cards or markdown) and its AI card setting's check, a question's pictures and files, who an account is.
            .Supply<IAssistantReplies, DingTalkAssistantReplies>()
            .Supply<IAssistantSettingsCheck, DingTalkAssistantSettingsCheck>()
            .Supply<IAssistantAttachmentSource, DingTalkAttachmentSource>()
            .Supply<IPlatformAccounts, DingTalkPlatformAccounts>()

            // Notifications routed to a person reach them on DingTalk by their linked account or mobile.
            .Supply<Larkway.Hub.Notifications.Routing.IPersonAddressing, DingTalkPersonAddressing>()
            .Supply<Larkway.Hub.Sandbox.ISandboxPlatform, DingTalkSandbox>()

            // The directory reads a DingTalk directory app's contacts: departments walked level by level, members by cursor.
            .Supply<Larkway.Hub.Directory.IDirectorySource, Larkway.Hub.DingTalk.Directory.DingTalkDirectorySource>()
            .Supply<Larkway.Hub.Directory.IDirectoryEvents, Larkway.Hub.DingTalk.Directory.DingTalkDirectoryEvents>()

            // Approvals on DingTalk: OA approvals of a template, decided from the Hub's cards (execute).
            .Supply<Larkway.Hub.Approvals.IApprovalPlatform, Larkway.Hub.DingTalk.Approvals.DingTalkApprovalPlatform>();
        if (streams)
        {
            // Every replica runs it; per app, only the holder of the lease dingtalk-stream/{AppKey} connects.
            LongConnectionServices.AddTo(services);
            services.TryAddSingleton(sp => new DingTalkStreamSupervisor(
                sp.GetRequiredService<HubAppRegistry>(), sp.GetRequiredService<DingTalkIngest>(), sp.GetRequiredService<LongConnectionServices>(), sp.GetRequiredService<DingTalkStreamStatus>()));
            services.AddHostedService(sp => sp.GetRequiredService<DingTalkStreamSupervisor>());
            services.AddHealthChecks().AddCheck<DingTalkStreamHealthCheck>("dingtalk-stream", HealthStatus.Degraded, [HubHealthTags.Ready], HubHealthTags.CheckTimeout);
        }

        return services;
    }

    /// <summary>
    /// Maps <c>POST /dingtalk/apps/{name}/callback</c> (the outgoing robot and the encrypted event subscription) and
    /// <c>/dingtalk/actions/{token}</c> (where notification buttons on DingTalk lead).
    /// </summary>
    public static IEndpointRouteBuilder MapHubDingTalk(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        DingTalkCallbackEndpoint.Map(endpoints);
        DingTalkActionEndpoint.Map(endpoints);
        return endpoints;
    }
}
