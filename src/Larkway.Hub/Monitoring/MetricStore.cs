using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Monitoring;

/// <summary>Reads and writes <c>hub_metric_minutes</c>.</summary>
internal sealed class MetricStore(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer)
{
    /// <summary>Writes each row, replacing what its replica wrote for the same minute before (the values are the minute's totals so far).</summary>
    public async Task UpsertAsync(IReadOnlyList<MetricMinuteRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            foreach (var r in rows)
            {
                var minute = r.Minute.ToUnixTimeMilliseconds();
                await db.Database.ExecuteSqlInterpolatedAsync($"""
                    INSERT INTO hub_metric_minutes (replica, minute, api_calls, api_errors, token_lookups, token_hits, token_fetches, token_failures,
                        events_handled, event_latency, cards_rendered, cards_failed, dead_letters, queue_waiting, queue_oldest_seconds)
                    VALUES ({r.Replica}, {minute}, {r.ApiCalls}, {r.ApiErrors}, {r.TokenLookups}, {r.TokenHits}, {r.TokenFetches}, {r.TokenFailures},
                        {r.EventsHandled}, {r.EventLatency}, {r.CardsRendered}, {r.CardsFailed}, {r.DeadLetters}, {r.QueueWaiting}, {r.QueueOldestSeconds})
                    ON CONFLICT (replica, minute) DO UPDATE SET
                        api_calls = excluded.api_calls, api_errors = excluded.api_errors, token_lookups = excluded.token_lookups,
                        token_hits = excluded.token_hits, token_fetches = excluded.token_fetches, token_failures = excluded.token_failures,
                        events_handled = excluded.events_handled, event_latency = excluded.event_latency, cards_rendered = excluded.cards_rendered,
                        cards_failed = excluded.cards_failed, dead_letters = excluded.dead_letters, queue_waiting = excluded.queue_waiting,
                        queue_oldest_seconds = excluded.queue_oldest_seconds
                    """, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The <c>hub_settings</c> row holding the last failed Open Platform call any replica saw.</summary>
    public const string LastApiFailureSetting = "last_api_failure";

    /// <summary>Records <paramref name="failure"/> as the last failed call (a replica's later one replaces it).</summary>
    public async Task SaveLastApiFailureAsync(ApiFailure failure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var value = failure.Describe();
            var row = await db.Settings.FirstOrDefaultAsync(s => s.Name == LastApiFailureSetting, cancellationToken).ConfigureAwait(false);
            if (row is null)
            {
                db.Settings.Add(new HubSetting { Name = LastApiFailureSetting, Value = value, UpdatedAt = failure.At });
            }
            else if (row.UpdatedAt <= failure.At)
            {
                (row.Value, row.UpdatedAt) = (value, failure.At);
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateException)
            {
                // Another replica wrote its own failure at the same moment: either one says which call failed.
            }
        }
    }

    /// <summary>The last failed call's description and time, or null when none was recorded.</summary>
    public async Task<(string Text, DateTimeOffset At)?> ReadLastApiFailureAsync(CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var row = await db.Settings.AsNoTracking().FirstOrDefaultAsync(s => s.Name == LastApiFailureSetting, cancellationToken).ConfigureAwait(false);
            return row is null ? null : (row.Value, row.UpdatedAt);
        }
    }

    /// <summary>Every replica's minutes from <paramref name="from"/> on (inclusive), oldest first.</summary>
    public async Task<IReadOnlyList<MetricMinuteRow>> ReadAsync(DateTimeOffset from, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.MetricMinutes.AsNoTracking().Where(m => m.Minute >= from).OrderBy(m => m.Minute)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes minutes before <paramref name="before"/>; returns how many rows.</summary>
    public async Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.MetricMinutes.Where(m => m.Minute < before).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<HubDbContext> ContextAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
    }
}
