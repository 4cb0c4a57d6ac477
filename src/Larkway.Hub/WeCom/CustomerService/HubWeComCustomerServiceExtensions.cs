using Larkway.Hub.Platform.Queue;
using Larkway.Hub.WeCom.CustomerService;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers WeCom customer service (微信客服) in the Hub: its accounts, their pulls, sessions and replies.</summary>
public static class HubWeComCustomerServiceExtensions
{
    /// <summary>
    /// Adds the customer-service room: the <c>wecom-kf-pulls</c> queue (one account's pull at a time), the sessions and
    /// sender the assistant's replies to customers use, and the accounts' settings. Part of <c>AddHubWeCom</c>.
    /// </summary>
    public static IServiceCollection AddHubWeComCustomerService(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<KfOptions>().BindConfiguration(KfOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<KfTelemetry>();
        services.TryAddSingleton<KfSessions>();
        services.TryAddSingleton<KfSender>();
        services.TryAddSingleton<KfConversations>();
        services.TryAddSingleton<KfPullRequests>();
        services.TryAddSingleton<KfAccountSettings>();
        services.TryAddSingleton<KfNicknames>();
        services.TryAddSingleton<KfConsoleQueries>();
        services.TryAddSingleton<Larkway.Hub.AdminConsole.ICustomerServiceConsole>(sp => sp.GetRequiredService<KfConsoleQueries>());
        services.TryAddSingleton<Larkway.Hub.AdminConsole.ICustomerServiceAccounts, KfConsoleAccounts>();
        services.AddHubQueue<KfAccountRow, KfPull>(KfPull.QueueName, sp => sp.GetRequiredService<IOptions<KfOptions>>().Value);
        services.AddHubJob<KfSweep>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Larkway.Hub.Alerts.IRoomAlert, KfSendFailuresAlert>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Larkway.Hub.Assistants.Routing.IAssistantAudiences, KfAudiences>());
        return services;
    }

    /// <summary>Maps the customer-service accounts API.</summary>
    public static IEndpointRouteBuilder MapHubWeComCustomerService(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        KfAccountsApi.Map(endpoints);
        return endpoints;
    }
}
