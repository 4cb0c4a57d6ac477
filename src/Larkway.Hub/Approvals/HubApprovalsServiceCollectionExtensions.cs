using Larkway.Hub.Approvals;
using Larkway.Hub.Approvals.Cards;
using Larkway.Hub.Inbox;
using Larkway.Hub.Notifications.Actions;
using Larkway.Hub.Platform.Queue;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the approvals: the store, the submit outbox, the event handler and reconciliation, over each platform's piece.</summary>
public static class HubApprovalsServiceCollectionExtensions
{
    /// <summary>
    /// Adds approvals (reads <c>Larkway:Approvals</c>). Needs <c>AddHubStorage</c>, <c>AddHubLeases</c>, <c>AddHubInbox</c>,
    /// <c>AddHubNotifications</c> (API keys, approvers' cards), <c>AddHubWebhooks</c> (callbacks) and <c>AddHubApps</c>, and
    /// a platform whose unit supplies <see cref="IApprovalPlatform"/>; the directory, when added, resolves people by
    /// <c>person_id</c> and names the approvers' persons. Map the endpoints with <c>MapHubApprovalsApi</c>.
    /// </summary>
    public static IServiceCollection AddHubApprovals(this IServiceCollection services, IConfiguration configuration, Action<ApprovalOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(ApprovalOptions.SectionName);
        var options = services.AddOptions<ApprovalOptions>().Bind(section);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options
            .ValidateOnStart();

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApprovalOptions>, ApprovalOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<Larkway.Hub.Platform.Observability.CardTelemetry>();
        services.AddPlatformSeam<IApprovalPlatform>();
        services.TryAddSingleton<ApprovalTelemetry>();
        services.TryAddSingleton<ApprovalPlatforms>();
        services.TryAddSingleton<ApprovalPeople>();
        services.TryAddSingleton<ApprovalStore>();
        services.TryAddSingleton<ApprovalDefinitions>();
        services.TryAddSingleton<ApprovalBridge>();
        services.TryAddSingleton<ApprovalCards>();
        services.TryAddSingleton<ApprovalService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<INotificationCardHandler, ApprovalCardClicks>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<INotificationCardHandler, ApprovalRequestAction>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IInboxEventObserver, ApprovalEventObserver>());

        // Their alert rules, run by the alerts when those are added (per platform: failed creates, creates stuck submitting).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Larkway.Hub.Alerts.IRoomAlert, ApprovalsFailedAlert>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Larkway.Hub.Alerts.IRoomAlert, ApprovalsStuckAlert>());
        services.AddHubQueue<WorkItemRow, ApprovalSubmissions>(ApprovalSubmissions.QueueName, sp => sp.GetRequiredService<IOptions<ApprovalOptions>>().Value);

        // Every replica may compete for them; one with ReconcileEnabled / RemindersEnabled false never does. Decided here
        // from configuration and the configure callback alike (both are known at registration).
        var registered = Registered(section, configure);
        if (registered.ReconcileEnabled)
        {
            services.AddHubJob<ApprovalReconciler>();
        }

        if (registered.RemindersEnabled)
        {
            services.AddHubJob<ApprovalReminders>();
        }

        return services;
    }

    /// <summary>The options as configuration and the callback set them, read at registration (which jobs to add).</summary>
    private static ApprovalOptions Registered(IConfigurationSection section, Action<ApprovalOptions>? configure)
    {
        var registered = new ApprovalOptions
        {
            ReconcileEnabled = section.GetValue<bool?>(nameof(ApprovalOptions.ReconcileEnabled)) ?? true,
            RemindersEnabled = section.GetValue<bool?>(nameof(ApprovalOptions.RemindersEnabled)) ?? true,
        };
        configure?.Invoke(registered);
        return registered;
    }
}
