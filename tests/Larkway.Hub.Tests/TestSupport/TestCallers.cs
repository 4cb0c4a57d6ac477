using Larkway.Hub.Platform.Auth;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Tests.TestSupport;

/// <summary>Callers as the bearer scheme would name them, for the application services' tests (no HTTP).</summary>
public static class TestCallers
{
    /// <summary>An API key of one business system, allowed every type.</summary>
    public static readonly HubCaller Erp = new("key_erp", IsAdmin: false, "*");

    /// <summary>An API key of another business system.</summary>
    public static readonly HubCaller Crm = new("key_crm", IsAdmin: false, "*");

    /// <summary>The admin key.</summary>
    public static readonly HubCaller AdminKey = new(HubAuth.AdminCallerId, IsAdmin: true, null);

    /// <summary>The default app (no Feishu is called), stored apps, Feishu's notification channel and notifications with their sender off.</summary>
    public static IServiceCollection AddNotificationsWithoutSending(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddFeishu(o =>
        {
            o.AppId = "cli_test";
            o.AppSecret = "secret";
        });
        services.AddHubApps(configuration);
        services.AddHubFeishu();
        return services.AddHubNotifications(configuration, o => o.SenderEnabled = false);
    }
}
