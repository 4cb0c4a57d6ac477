using Larkway.Hub.Approvals;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Approvals.Cards;
using Larkway.Hub.Notifications.Actions;
using Larkway.Hub.Inbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the approval bridge: the store, the submit outbox, the event handler and reconciliation.</summary>
public static class HubApprovalsServiceCollectionExtensions
{
    /// <summary>
    /// Adds approvals (reads <c>Larkway:Approvals</c>). Needs <c>AddHubStorage</c>, <c>AddHubLeases</c>, <c>AddHubInbox</c>,
    /// <c>AddHubNotifications</c> (API keys, the contact resolver), <c>AddHubWebhooks</c> (callbacks) and <c>AddHubApps</c>;
    /// map the endpoints with <c>MapHubApprovalsApi</c>.
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
            .Validate(o => o.BatchSize >= 1, "Larkway:Approvals:BatchSize must be at least 1.")
            .Validate(o => o.Concurrency >= 1, "Larkway:Approvals:Concurrency must be at least 1.")
            .Validate(o => o.MaxAttempts >= 1, "Larkway:Approvals:MaxAttempts must be at least 1.")
            .Validate(o => o.LeaseDuration >= TimeSpan.FromSeconds(1), "Larkway:Approvals:LeaseDuration must be at least 1 s (longer than one create with its retries).")
            .Validate(o => o.PollInterval > TimeSpan.Zero, "Larkway:Approvals:PollInterval must be positive.")
            .Validate(o => o.RetryDelays is null || o.RetryDelays.All(d => d >= TimeSpan.Zero), "Larkway:Approvals:RetryDelays must not be negative.")
            .Validate(o => o.DefinitionCacheLifetime >= TimeSpan.Zero, "Larkway:Approvals:DefinitionCacheLifetime must not be negative.")
            .Validate(o => o.ReconcileInterval > TimeSpan.Zero, "Larkway:Approvals:ReconcileInterval must be positive.")
            .Validate(o => o.SyncAge > TimeSpan.Zero && o.MaxSyncAge >= o.SyncAge, "Larkway:Approvals:SyncAge must be positive and MaxSyncAge at least as long.")
            .Validate(o => o.ReconcileBatchSize >= 1, "Larkway:Approvals:ReconcileBatchSize must be at least 1.")
            .Validate(o => o.RevertWindow >= TimeSpan.Zero && o.RevertWindow <= TimeSpan.FromDays(366), "Larkway:Approvals:RevertWindow must be from 0 (no revert checks) to 366 days (Feishu's revert_interval; default 31 days).")
            .Validate(o => o.MaxRevertSyncAge >= o.SyncAge, "Larkway:Approvals:MaxRevertSyncAge must be at least SyncAge.")
            .Validate(o => o.RevertCheckBatchSize is >= 1 and <= 500, "Larkway:Approvals:RevertCheckBatchSize must be from 1 to 500 (ended approvals read per reconciliation run).")
            .Validate(o => o.ReminderAfter > TimeSpan.Zero, "Larkway:Approvals:ReminderAfter must be positive (how long a task waits before its first reminder).")
            .Validate(o => o.ReminderEvery > TimeSpan.Zero, "Larkway:Approvals:ReminderEvery must be positive (the least time between two reminders of a task).")
            .Validate(o => o.MaxReminders is >= 0 and <= 100, "Larkway:Approvals:MaxReminders must be from 0 to 100.")
            .Validate(o => o.ReminderCheckInterval > TimeSpan.Zero, "Larkway:Approvals:ReminderCheckInterval must be positive.")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<Larkway.Hub.Platform.Observability.CardTelemetry>();
        services.TryAddSingleton<ApprovalStore>();
        services.TryAddSingleton<ApprovalDefinitions>();
        services.TryAddSingleton<ApprovalBridge>();
        services.TryAddSingleton<ApprovalCards>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<INotificationCardHandler, ApprovalCardClicks>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<INotificationCardHandler, ApprovalRequestAction>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IInboxEventObserver, ApprovalEventObserver>());
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
