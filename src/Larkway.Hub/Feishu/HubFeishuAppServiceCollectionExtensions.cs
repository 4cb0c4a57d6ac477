using System.Buffers.Text;
using System.Security.Cryptography;
using Larkway.Feishu;
using Larkway.Feishu.AspNetCore;
using Larkway.Hub.Feishu;
using Larkway.Hub.Feishu.Inbound;
using Larkway.Hub.Platform.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the deployment's own Feishu app (<c>FEISHU_*</c>): its client, its bot's seat and its event receivers.</summary>
public static class HubFeishuAppServiceCollectionExtensions
{
    /// <summary>
    /// Adds the configured Feishu app as <paramref name="appName"/>: its client (<c>AddFeishu</c>), its bot seated at the bot
    /// door with its dispatcher and the inbox's ignore rule, the event receiver of <c>/feishu/events</c> and
    /// <c>/feishu/cards</c> handing what it verified to Feishu's inbox door, and in long-connection mode the long connection
    /// instead. Needs <see cref="HubFeishuServiceCollectionExtensions.AddHubFeishu"/> and the bots' options and stores.
    /// A Hub of stored apps only (<see cref="HubMode.AppsOnly"/>: no <c>FEISHU_APP_ID</c>) gets only the bots' seat, for its
    /// stored Feishu apps: no default app, no receivers of its own.
    /// </summary>
    public static IServiceCollection AddHubFeishuApp(this IServiceCollection services, HubSettings settings, string appName)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(appName);
        if (settings.AppId is null)
        {
            services.AddFeishuBots(appName);
            return services;
        }

        services.AddFeishu(o =>
        {
            o.AppId = settings.AppId!;
            o.AppSecret = settings.AppSecret!;
            if (settings.BaseUrl is not null)
            {
                o.BaseUrl = settings.BaseUrl;
            }
        });

        // The configured app's bot enters through the one door of every app's bot (AppBots).
        services.AddFeishuBots(appName);
        services.AddHubEventDispatcher(appName, (sp, dispatcher) => sp.GetRequiredService<FeishuAppBot>().RegisterOn(dispatcher));
        services.AddHubEventIgnoreRule(appName, sp => sp.GetRequiredService<FeishuAppBot>().LeavesAlone);

        services.AddFeishuEventReceiver(appName, o =>
        {
            o.EncryptKey = settings.EncryptKey;
            o.VerificationToken = settings.VerificationToken;
            o.AcceptLegacyCardCallbacks = settings.LegacyCardCallbacks;

            // Long-connection mode has no webhook secrets; the endpoints then only answer with 4xx.
            if (o.EncryptKey is null && o.VerificationToken is null)
            {
                o.VerificationToken = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));
            }
        }).UseSink(sp => sp.GetRequiredService<FeishuInboxSink>());

        if (settings.Mode == HubMode.LongConnection)
        {
            // Every replica runs it; only the holder of the lease long-connection/{app id} connects.
            services.AddHubFeishuLongConnection();
        }

        return services;
    }

    /// <summary>
    /// Maps the configured app's receivers, <c>POST /feishu/events</c> and <c>POST /feishu/cards</c>, ending the pipeline at
    /// the route: each request is authenticated by its signature, so the Hub's schemes and policies would only cost every
    /// event. Call it right after <c>UseRouting</c>. Maps nothing in a Hub without a configured app.
    /// </summary>
    public static IEndpointRouteBuilder MapHubFeishuApp(this IEndpointRouteBuilder endpoints, string appName)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetRequiredService<HubSettings>().AppId is null)
        {
            return endpoints;
        }

        endpoints.MapFeishuEvents("/feishu/events", appName).ShortCircuit();
        endpoints.MapFeishuCardActions("/feishu/cards", appName).ShortCircuit();
        return endpoints;
    }
}
