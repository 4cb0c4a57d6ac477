using System.ComponentModel.DataAnnotations;
using Larkway.Hub.Platform.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Platform.Queue;

/// <summary>A registered queue, for the monitor: its name and how to read its backlog.</summary>
/// <param name="Name">The queue's name.</param>
/// <param name="Stats">Reads its backlog.</param>
public sealed record QueueDefinition(string Name, Func<IServiceProvider, CancellationToken, Task<QueueStats>> Stats);

/// <summary>Settings of the queues as a whole, bound from <c>Larkway:Queues</c>.</summary>
public sealed class QueuesOptions : IValidatableObject
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Larkway:Queues";

    /// <summary>How often each queue's backlog is read for the metrics and the readiness check (1 s – 1 h). Default 15 s.</summary>
    public TimeSpan StatsInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A queue whose oldest due item has waited longer than this is stuck, for the readiness check (≥ 1 s). Default 10 min.</summary>
    public TimeSpan StuckAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Each setting's accepted range, and the rules that relate settings.</summary>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (!(StatsInterval >= TimeSpan.FromSeconds(1) && StatsInterval <= TimeSpan.FromHours(1)))
        {
            yield return new("Larkway:Queues:StatsInterval must be from 00:00:01 to 01:00:00.", [nameof(StatsInterval)]);
        }

        if (StuckAfter < TimeSpan.FromSeconds(1))
        {
            yield return new("Larkway:Queues:StuckAfter must be at least 00:00:01.", [nameof(StuckAfter)]);
        }
    }
}

/// <summary>Checks <see cref="QueuesOptions"/> at start (source-generated; the rules are the options' own Validate).</summary>
[OptionsValidator]
internal sealed partial class QueuesOptionsValidator : IValidateOptions<QueuesOptions>;

/// <summary>Reads every queue's backlog now and then, for <see cref="QueueMetrics"/> and the readiness check.</summary>
internal sealed partial class QueueMonitor(
    IEnumerable<QueueDefinition> queues,
    IServiceProvider services,
    QueueMetrics metrics,
    HubDatabaseInitializer database,
    IOptions<QueuesOptions> options,
    TimeProvider time,
    ILogger<QueueMonitor> logger) : BackgroundService
{
    private readonly QueueDefinition[] _queues = [.. queues];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await database.EnsureInitializedAsync(stoppingToken).ConfigureAwait(false);
            while (!stoppingToken.IsCancellationRequested)
            {
                await SampleAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(options.Value.StatsInterval, time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Reads every queue once.</summary>
    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        foreach (var queue in _queues)
        {
            try
            {
                metrics.Sampled(queue.Name, await queue.Stats(services, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogStatsFailed(logger, queue.Name, ex.GetType().Name);
            }
        }
    }

    [LoggerMessage(EventId = LogEvents.QueueStatsFailed, Level = LogLevel.Warning, Message = "Queue {Queue}: reading its backlog failed ({ExceptionType}).")]
    private static partial void LogStatsFailed(ILogger logger, string queue, string exceptionType);
}

/// <summary>A queue's backlog as the readiness check reads it.</summary>
internal sealed class QueueProbe<TRow>(IWorkQueue<TRow> queue, TimeProvider time) : Observability.Health.IWorkQueueProbe
    where TRow : class, IWorkItem
{
    public string Name => queue.Name;

    public async Task<Observability.Health.WorkQueueBacklog> ReadBacklogAsync(CancellationToken cancellationToken)
    {
        var stats = await queue.StatsAsync(cancellationToken).ConfigureAwait(false);
        return new(stats.Waiting, stats.OldestDueAt is { } due ? time.GetUtcNow() - due : null);
    }
}
