using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Larkway.Hub.Monitoring;

/// <summary>
/// One replica's measurements over one minute (<c>hub_metric_minutes</c>): the counters the dashboard and the alerts read,
/// summed across replicas when read; the queue backlog as the largest this replica saw in the minute (every replica reads
/// the same shared queues, so those are combined with the maximum). Written again while the minute runs, pruned after
/// <see cref="MonitoringOptions.Retention"/>.
/// </summary>
public sealed class MetricMinuteRow
{
    /// <summary>Longest replica name.</summary>
    public const int MaxReplicaLength = 100;

    /// <summary>The replica that measured (host, process and a per-start suffix).</summary>
    public string Replica { get; set; } = "";

    /// <summary>The minute's start (UTC, whole minute).</summary>
    public DateTimeOffset Minute { get; set; }

    /// <summary>Open Platform calls that ended with a Feishu code (<c>larkway.feishu.calls</c>).</summary>
    public long ApiCalls { get; set; }

    /// <summary>Of those, the ones whose code was not 0.</summary>
    public long ApiErrors { get; set; }

    /// <summary>Token cache look-ups (<c>larkway.feishu.token.cache.lookups</c>).</summary>
    public long TokenLookups { get; set; }

    /// <summary>Of those, hits.</summary>
    public long TokenHits { get; set; }

    /// <summary>Token fetches (<c>larkway.feishu.token.requests</c>).</summary>
    public long TokenFetches { get; set; }

    /// <summary>Token fetches that failed (<c>larkway.feishu.token.failures</c>).</summary>
    public long TokenFailures { get; set; }

    /// <summary>Events the inbox finished (<c>larkway.hub.inbox.handled</c>).</summary>
    public long EventsHandled { get; set; }

    /// <summary>
    /// <c>larkway.hub.event.latency</c> as counts per <see cref="LatencyBuckets"/> bucket, comma-separated
    /// (empty when no event finished in the minute).
    /// </summary>
    public string EventLatency { get; set; } = "";

    /// <summary>Cards rendered to a valid card (<c>larkway.hub.cards.rendered</c>, outcome rendered).</summary>
    public long CardsRendered { get; set; }

    /// <summary>Cards that did not render (outcome failed).</summary>
    public long CardsFailed { get; set; }

    /// <summary>Items dead-lettered by any queue (<c>larkway.queue.attempts</c>, outcome dead_letter).</summary>
    public long DeadLetters { get; set; }

    /// <summary>Items due and waiting over all queues (not those scheduled for later), the most seen in the minute.</summary>
    public long QueueWaiting { get; set; }

    /// <summary>The oldest due item's wait over all queues, the most seen in the minute, in seconds.</summary>
    public double QueueOldestSeconds { get; set; }
}

/// <summary>How <see cref="MetricMinuteRow"/> is stored.</summary>
internal sealed class MetricMinuteConfiguration : IEntityTypeConfiguration<MetricMinuteRow>
{
    public void Configure(EntityTypeBuilder<MetricMinuteRow> e)
    {
        e.ToTable("hub_metric_minutes");
        e.HasKey(x => new { x.Replica, x.Minute }).HasName("pk_hub_metric_minutes");
        e.Property(x => x.Replica).HasColumnName("replica").HasMaxLength(MetricMinuteRow.MaxReplicaLength);
        e.Property(x => x.Minute).HasColumnName("minute");
        e.Property(x => x.ApiCalls).HasColumnName("api_calls");
        e.Property(x => x.ApiErrors).HasColumnName("api_errors");
        e.Property(x => x.TokenLookups).HasColumnName("token_lookups");
        e.Property(x => x.TokenHits).HasColumnName("token_hits");
        e.Property(x => x.TokenFetches).HasColumnName("token_fetches");
        e.Property(x => x.TokenFailures).HasColumnName("token_failures");
        e.Property(x => x.EventsHandled).HasColumnName("events_handled");
        e.Property(x => x.EventLatency).HasColumnName("event_latency").HasMaxLength(400).IsRequired();
        e.Property(x => x.CardsRendered).HasColumnName("cards_rendered");
        e.Property(x => x.CardsFailed).HasColumnName("cards_failed");
        e.Property(x => x.DeadLetters).HasColumnName("dead_letters");
        e.Property(x => x.QueueWaiting).HasColumnName("queue_waiting");
        e.Property(x => x.QueueOldestSeconds).HasColumnName("queue_oldest_seconds");

        // Reads and pruning go by time, across replicas.
        e.HasIndex(x => x.Minute).HasDatabaseName("ix_hub_metric_minutes_minute");
    }
}
