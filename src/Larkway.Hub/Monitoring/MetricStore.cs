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

    /// <summary>
    /// The prefix of the <c>hub_settings</c> rows counting a platform's app's refused callbacks: <c>{platform}_callbacks_refused/{app}</c>
    /// (<c>wecom_callbacks_refused/{app}</c> for WeCom's).
    /// </summary>
    public static string RefusalsPrefixOf(string platform) => platform + "_callbacks_refused/";

    /// <summary>Refusals less than this apart are one burst; after a quiet spell as long, the count starts again.</summary>
    public static readonly TimeSpan RefusalBurstGap = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Adds <paramref name="tally"/> to the app's stored burst of refused callbacks (every replica adds its own), or starts a
    /// new burst when the stored one ended more than <see cref="RefusalBurstGap"/> before. The value is
    /// <c>{count}|{reason}|{first, Unix ms}</c>; the row's time is the last refusal.
    /// </summary>
    public async Task AddRefusalsAsync(string platform, string app, RefusalTally tally, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tally);
        var name = RefusalsPrefixOf(platform) + app;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
            await using (db.ConfigureAwait(false))
            {
                var row = await db.Settings.FirstOrDefaultAsync(s => s.Name == name, cancellationToken).ConfigureAwait(false);
                var stored = row is null ? null : ParseRefusals(app, row.Value, row.UpdatedAt);
                var burst = stored is not null && stored.Last >= tally.First - RefusalBurstGap
                    ? new CallbackRefusals(app, stored.Count + tally.Count, tally.Last >= stored.Last ? tally.Reason : stored.Reason,
                        stored.First < tally.First ? stored.First : tally.First, tally.Last > stored.Last ? tally.Last : stored.Last)
                    : new CallbackRefusals(app, tally.Count, tally.Reason, tally.First, tally.Last);
                var value = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{burst.Count}|{burst.Reason}|{burst.First.ToUnixTimeMilliseconds()}");
                if (row is null)
                {
                    db.Settings.Add(new HubSetting { Name = name, Value = value, UpdatedAt = burst.Last });
                }
                else
                {
                    (row.Value, row.UpdatedAt) = (value, burst.Last);
                }

                try
                {
                    await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (DbUpdateException)
                {
                    // Another replica added the row first: read it again and add to it.
                }
            }
        }
    }

    /// <summary>Every app's last burst of callbacks refused on <paramref name="platform"/> (any age; the readers judge it by its time).</summary>
    public async Task<IReadOnlyList<CallbackRefusals>> ReadRefusalsAsync(string platform, CancellationToken cancellationToken)
    {
        var prefix = RefusalsPrefixOf(platform);
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            // LIKE's '_' matches any character: the exact prefix is checked again below.
            var rows = await db.Settings.AsNoTracking().Where(s => EF.Functions.Like(s.Name, prefix + "%")).ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. rows.Where(r => r.Name.StartsWith(prefix, StringComparison.Ordinal)).Select(r => ParseRefusals(r.Name[prefix.Length..], r.Value, r.UpdatedAt)).OfType<CallbackRefusals>().OrderBy(r => r.App, StringComparer.Ordinal)];
        }
    }

    private static CallbackRefusals? ParseRefusals(string app, string value, DateTimeOffset last)
    {
        var parts = value.Split('|');
        return parts.Length == 3
            && long.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count)
            && long.TryParse(parts[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var first)
            ? new CallbackRefusals(app, count, parts[1], DateTimeOffset.FromUnixTimeMilliseconds(first), last)
            : null;
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

/// <summary>An app's last burst of callbacks refused for failing verification, summed over replicas.</summary>
/// <param name="App">The app's name in the Hub.</param>
/// <param name="Count">Refusals in the burst.</param>
/// <param name="Reason">The last one's reason, in the room's words (WeCom's: <c>bad_signature</c>, <c>bad_encryption</c>, <c>wrong_corp</c>).</param>
/// <param name="First">The burst's first refusal.</param>
/// <param name="Last">Its last.</param>
internal sealed record CallbackRefusals(string App, long Count, string Reason, DateTimeOffset First, DateTimeOffset Last);
