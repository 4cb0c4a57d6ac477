using Larkway.Hub.Platform.Observability.Health;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers queues: a feature's handler plus one call.</summary>
public static class HubQueueServiceCollectionExtensions
{
    /// <summary>
    /// Registers queue <paramref name="name"/>: its store (<paramref name="store"/>, else the EF Core queue over
    /// <typeparamref name="TRow"/>'s table — scoped to the queue for <see cref="WorkItemRow"/>s), its handler, a worker
    /// host (run when <see cref="IQueueOptions.WorkerEnabled"/>), and its backlog in the metrics and readiness check.
    /// The store is a keyed service under <paramref name="name"/> (and unkeyed, for a row type with one queue); its
    /// signal is <c>WorkSignals.For(name)</c>.
    /// </summary>
    public static IServiceCollection AddHubQueue<TRow, THandler>(
        this IServiceCollection services,
        string name,
        Func<IServiceProvider, IQueueOptions> options,
        Func<IServiceProvider, IWorkQueue<TRow>>? store = null)
        where TRow : class, IWorkItem
        where THandler : class, IWorkHandler<TRow>
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        services.AddHubQueues();
        services.TryAddSingleton<THandler>();
        store ??= sp => new EfWorkQueue<TRow>(
            name,
            sp.GetRequiredService<IDbContextFactory<HubDbContext>>(),
            sp.GetRequiredService<IHubStorageProvider>(),
            sp.GetRequiredService<TimeProvider>(),
            typeof(TRow) == typeof(WorkItemRow) ? new QueueScope(nameof(WorkItemRow.Queue), name) : null,
            sp.GetRequiredService<WorkSignals>().For(name));
        services.AddKeyedSingleton<IWorkQueue<TRow>>(name, (sp, _) => store(sp));
        services.TryAddSingleton<IWorkQueue<TRow>>(sp => sp.GetRequiredKeyedService<IWorkQueue<TRow>>(name));
        services.AddSingleton(new QueueDefinition(name, (sp, ct) => sp.GetRequiredKeyedService<IWorkQueue<TRow>>(name).StatsAsync(ct)));
        services.AddWorkQueueHealth(
            name,
            sp => new QueueProbe<TRow>(sp.GetRequiredKeyedService<IWorkQueue<TRow>>(name), sp.GetRequiredService<TimeProvider>()),
            sp => sp.GetRequiredService<IOptions<QueuesOptions>>().Value.StuckAfter);
        services.AddSingleton<IHostedService>(sp => new QueueWorker<TRow>(
            sp.GetRequiredKeyedService<IWorkQueue<TRow>>(name),
            sp.GetRequiredService<THandler>(),
            options(sp),
            sp.GetRequiredService<WorkSignals>().For(name),
            sp.GetRequiredService<HubDatabaseInitializer>(),
            sp.GetRequiredService<QueueMetrics>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger($"Larkway.Hub.Queue.{name}")));
        return services;
    }

    /// <summary>What every queue shares: signals, metrics, the backlog monitor and its settings.</summary>
    public static IServiceCollection AddHubQueues(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WorkSignals>();
        services.TryAddSingleton<QueueMetrics>();
        services.AddOptions<QueuesOptions>()
            .BindConfiguration(QueuesOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<QueuesOptions>, QueuesOptionsValidator>());
        services.TryAddSingleton<QueueMonitor>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, QueueMonitor>(sp => sp.GetRequiredService<QueueMonitor>()));
        return services;
    }
}
