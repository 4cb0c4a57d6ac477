using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.BitableSync;

/// <summary>
/// The Hub's side of the syncs: their definitions and counters, the history of passes, held conflicts, dead letters and
/// the records events marked changed. (The rows' mapping and checkpoints live beside the rows, in <see cref="SyncDatabase"/>.)
/// </summary>
internal sealed class BitableSyncStore(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer, IHubStorageProvider provider, WorkSignals signals, TimeProvider time)
{
    public async Task<HubDbContext> OpenAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<BitableSyncRow?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.BitableSyncs.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Whether a pass of the sync runs right now (its queue item is held).</summary>
    public async Task<bool> IsRunningAsync(string id, CancellationToken cancellationToken)
    {
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var key = PassKey(id);
            var now = time.GetUtcNow();
            return await db.Set<WorkItemRow>().AnyAsync(w => w.Queue == BitableSyncRunner.QueueName && w.Key == key && w.State == WorkState.InProgress && w.LeaseUntil > now, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<BitableSyncRow>> ListAsync(CancellationToken cancellationToken)
    {
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.BitableSyncs.AsNoTracking().OrderBy(s => s.Name).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A page of the syncs in id order: those after <paramref name="after"/>, read as <paramref name="take"/> + 1.</summary>
    public async Task<IReadOnlyList<BitableSyncRow>> ListPageAsync(string? after, int take, CancellationToken cancellationToken)
    {
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var syncs = db.BitableSyncs.AsNoTracking();
            if (after is not null)
            {
                syncs = syncs.Where(s => string.Compare(s.Id, after) > 0);
            }

            return await syncs.OrderBy(s => s.Id).Take(take + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Adds a sync with its pass item (due now when active, parked when paused).</summary>
    public async Task AddAsync(BitableSyncRow sync, CancellationToken cancellationToken)
    {
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            db.BitableSyncs.Add(sync);
            db.Set<WorkItemRow>().Add(PassItem(sync.Id, sync.State == SyncState.Active ? time.GetUtcNow() : Parked));
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        signals.For(BitableSyncRunner.QueueName).Notify();
    }

    /// <summary>Applies <paramref name="change"/> to the sync; false when there is none.</summary>
    public async Task<BitableSyncRow?> UpdateAsync(string id, Action<BitableSyncRow> change, CancellationToken cancellationToken)
    {
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var sync = await db.BitableSyncs.SingleOrDefaultAsync(s => s.Id == id, cancellationToken).ConfigureAwait(false);
            if (sync is null)
            {
                return null;
            }

            change(sync);
            sync.UpdatedAt = time.GetUtcNow();
            return await db.SaveUnlessDeletedAsync(cancellationToken).ConfigureAwait(false) ? sync : null;
        }
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var key = PassKey(id);
            await db.Set<WorkItemRow>().Where(w => w.Queue == BitableSyncRunner.QueueName && w.Key == key).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            await db.BitableSyncConflicts.Where(c => c.SyncId == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            await db.BitableSyncDeadLetters.Where(c => c.SyncId == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            await db.BitableSyncDirtyRecords.Where(c => c.SyncId == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            await db.BitableSyncPasses.Where(c => c.SyncId == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            return await db.BitableSyncs.Where(s => s.Id == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    /// <summary>
    /// Makes the sync's pass item due now (a run now, a resume, an event), a full diff when <paramref name="full"/>. A pass in
    /// progress is not disturbed: it looks for events that came in meanwhile when it ends.
    /// </summary>
    public async Task WakeAsync(string id, bool full, CancellationToken cancellationToken)
    {
        await UntilNoConflictAsync(async db =>
        {
            var key = PassKey(id);
            var now = time.GetUtcNow();
            Task<int> WakeItemAsync() => db.Set<WorkItemRow>()
                .Where(w => w.Queue == BitableSyncRunner.QueueName && w.Key == key && w.State != WorkState.InProgress)
                .ExecuteUpdateAsync(
                    s =>
                    {
                        s.SetProperty(w => w.State, WorkState.Pending).SetProperty(w => w.NextAttemptAt, now).SetProperty(w => w.Attempts, 0).SetProperty(w => w.LastError, (string?)null);
                        if (full)
                        {
                            s.SetProperty(w => w.Payload, BitableSyncRunner.FullPayload);
                        }
                    },
                    cancellationToken);

            var woken = await WakeItemAsync().ConfigureAwait(false);
            if (woken == 0 && await db.Set<WorkItemRow>().AnyAsync(w => w.Queue == BitableSyncRunner.QueueName && w.Key == key, cancellationToken).ConfigureAwait(false))
            {
                // A pass is running: it may have read its changes already, so a mark asks for another pass as soon as it ends.
                var mark = await db.BitableSyncDirtyRecords.FindAsync([id, WakeMark], cancellationToken).ConfigureAwait(false);
                if (mark is null)
                {
                    db.BitableSyncDirtyRecords.Add(new BitableSyncDirtyRecordRow { SyncId = id, RecordId = WakeMark, Action = full ? WakeFull : Wake, ChangedAt = now });
                }
                else
                {
                    (mark.Action, mark.ChangedAt) = (full || mark.Action == WakeFull ? WakeFull : Wake, now);
                }

                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);

                // The pass may have ended between the first try and the mark, its runner looking for marks before this one
                // was there: try again. Either this wakes the item, or the item was still running when the mark was saved
                // and its runner finds the mark once the pass is recorded.
                await WakeItemAsync().ConfigureAwait(false);
            }
            else if (woken == 0)
            {
                var item = PassItem(id, now);
                item.Payload = full ? BitableSyncRunner.FullPayload : null;
                db.Set<WorkItemRow>().Add(item);
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);

        signals.For(BitableSyncRunner.QueueName).Notify();
    }

    /// <summary>Records Bitable's changed records for the syncs of that table, and wakes the active ones; returns how many syncs have the table.</summary>
    public async Task<int> MarkDirtyAsync(string appToken, string tableId, IReadOnlyList<(string RecordId, string Action)> records, DateTimeOffset at, CancellationToken cancellationToken)
    {
        List<string> woken = [];
        var matched = 0;
        await UntilNoConflictAsync(async db =>
        {
            var syncs = await db.BitableSyncs.AsNoTracking().Where(s => s.AppToken == appToken && s.TableId == tableId).Select(s => new { s.Id, s.State }).ToListAsync(cancellationToken).ConfigureAwait(false);
            foreach (var sync in syncs)
            {
                foreach (var (recordId, action) in records.DistinctBy(r => r.RecordId))
                {
                    var row = await db.BitableSyncDirtyRecords.FindAsync([sync.Id, recordId], cancellationToken).ConfigureAwait(false);
                    if (row is null)
                    {
                        db.BitableSyncDirtyRecords.Add(new BitableSyncDirtyRecordRow { SyncId = sync.Id, RecordId = recordId, Action = action, ChangedAt = at });
                    }
                    else
                    {
                        row.Action = action;
                        row.ChangedAt = at > row.ChangedAt ? at : row.ChangedAt;
                    }
                }
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            woken = [.. syncs.Where(s => s.State == SyncState.Active).Select(s => s.Id)];
            matched = syncs.Count;
        }, cancellationToken).ConfigureAwait(false);

        foreach (var id in woken)
        {
            await WakeAsync(id, full: false, cancellationToken).ConfigureAwait(false);
        }

        return matched;
    }

    /// <summary>Wakes a full diff of every active sync of the table (its fields changed); returns how many syncs have the table.</summary>
    public async Task<int> WakeFullAsync(string appToken, string tableId, CancellationToken cancellationToken)
    {
        List<(string Id, SyncState State)> syncs;
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            syncs = [.. (await db.BitableSyncs.AsNoTracking().Where(s => s.AppToken == appToken && s.TableId == tableId).Select(s => new { s.Id, s.State }).ToListAsync(cancellationToken).ConfigureAwait(false)).Select(s => (s.Id, s.State))];
        }

        foreach (var (id, _) in syncs.Where(s => s.State == SyncState.Active))
        {
            await WakeAsync(id, full: true, cancellationToken).ConfigureAwait(false);
        }

        return syncs.Count;
    }

    public async Task<IReadOnlyList<BitableSyncDirtyRecordRow>> DirtyAsync(string syncId, CancellationToken cancellationToken)
    {
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.BitableSyncDirtyRecords.AsNoTracking().Where(d => d.SyncId == syncId).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Clears the dirty marks a pass handled (a mark renewed since, by a later event, stays).</summary>
    public async Task ClearDirtyAsync(string syncId, IReadOnlyList<BitableSyncDirtyRecordRow> handled, CancellationToken cancellationToken)
    {
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            foreach (var chunk in handled.Chunk(200))
            {
                foreach (var mark in chunk)
                {
                    await db.BitableSyncDirtyRecords.Where(d => d.SyncId == syncId && d.RecordId == mark.RecordId && d.ChangedAt <= mark.ChangedAt)
                        .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Open conflicts, and those resolved but not yet applied.</summary>
    public async Task<IReadOnlyList<BitableSyncConflictRow>> ConflictsAsync(string syncId, CancellationToken cancellationToken)
    {
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.BitableSyncConflicts.AsNoTracking().Where(c => c.SyncId == syncId).OrderBy(c => c.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<BitableSyncDeadLetterRow>> DeadLettersAsync(string syncId, CancellationToken cancellationToken)
    {
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.BitableSyncDeadLetters.AsNoTracking().Where(c => c.SyncId == syncId).OrderBy(c => c.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One page of a sync's conflicts (open ones only when asked) after the id <paramref name="after"/>, with their total: only the page is read.</summary>
    public async Task<SyncPage<BitableSyncConflictRow>> ConflictsPageAsync(string syncId, bool openOnly, long? after, int take, CancellationToken cancellationToken)
    {
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var all = db.BitableSyncConflicts.AsNoTracking().Where(c => c.SyncId == syncId && (!openOnly || c.Resolution == null));
            var rows = await all.Where(c => after == null || c.Id > after).OrderBy(c => c.Id).Take(take + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
            return SyncPage<BitableSyncConflictRow>.Of(rows, take, await all.CountAsync(cancellationToken).ConfigureAwait(false), c => c.Id);
        }
    }

    /// <summary>One page of a sync's dead letters after the id <paramref name="after"/>, with their total: only the page is read.</summary>
    public async Task<SyncPage<BitableSyncDeadLetterRow>> DeadLettersPageAsync(string syncId, long? after, int take, CancellationToken cancellationToken)
    {
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var all = db.BitableSyncDeadLetters.AsNoTracking().Where(c => c.SyncId == syncId);
            var rows = await all.Where(c => after == null || c.Id > after).OrderBy(c => c.Id).Take(take + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
            return SyncPage<BitableSyncDeadLetterRow>.Of(rows, take, await all.CountAsync(cancellationToken).ConfigureAwait(false), c => c.Id);
        }
    }

    /// <summary>
    /// Runs a read-then-write again when a concurrent handler got there first: two events marking the same record (a unique
    /// key), or a pass taking a mark while it was being updated (a concurrency conflict). Only marks are written this way.
    /// </summary>
    private Task UntilNoConflictAsync(Func<HubDbContext, Task> apply, CancellationToken cancellationToken) =>
        ConflictRounds.RunAsync(OpenAsync, provider, apply, cancellationToken);

    /// <summary>Per sync, its unresolved conflicts and its dead letters, counted in two grouped queries (the console's list).</summary>
    public async Task<IReadOnlyDictionary<string, (int Conflicts, int DeadLetters)>> OpenCountsAsync(CancellationToken cancellationToken)
    {
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var conflicts = await db.BitableSyncConflicts.AsNoTracking().Where(c => c.Resolution == null).GroupBy(c => c.SyncId)
                .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, cancellationToken).ConfigureAwait(false);
            var letters = await db.BitableSyncDeadLetters.AsNoTracking().GroupBy(d => d.SyncId)
                .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, cancellationToken).ConfigureAwait(false);
            return conflicts.Keys.Union(letters.Keys).ToDictionary(id => id, id => (conflicts.GetValueOrDefault(id), letters.GetValueOrDefault(id)), StringComparer.Ordinal);
        }
    }

    /// <summary>A sync's passes, newest first, those older than the pass <paramref name="before"/> when given.</summary>
    public async Task<IReadOnlyList<BitableSyncPassRow>> PassesAsync(string syncId, long? before, int take, CancellationToken cancellationToken)
    {
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var passes = db.BitableSyncPasses.AsNoTracking().Where(c => c.SyncId == syncId);
            if (before is { } id)
            {
                passes = passes.Where(c => c.Id < id);
            }

            return await passes.OrderByDescending(c => c.Id).Take(take).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>What one pass found and did, written once it ended: the history, the counters, held conflicts, dead letters.</summary>
    public async Task RecordPassAsync(BitableSyncPassRow pass, IReadOnlyList<BitableSyncConflictRow> held, IReadOnlyList<string> settledConflicts, IReadOnlyList<BitableSyncDeadLetterRow> refused, IReadOnlyList<(string Key, string Direction)> delivered, long? lagMs, string? schemaProblems, CancellationToken cancellationToken)
    {
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            // One transaction: a reader of the status never sees the pass in the history without its totals.
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var _ = transaction.ConfigureAwait(false);
            db.BitableSyncPasses.Add(pass);
            foreach (var conflict in held)
            {
                var existing = await db.BitableSyncConflicts.SingleOrDefaultAsync(c => c.SyncId == conflict.SyncId && c.RowKey == conflict.RowKey, cancellationToken).ConfigureAwait(false);
                if (existing is null)
                {
                    db.BitableSyncConflicts.Add(conflict);
                }
                else if (existing.Resolution is null)
                {
                    (existing.DatabaseJson, existing.BitableJson, existing.RecordId, existing.FoundAt) = (conflict.DatabaseJson, conflict.BitableJson, conflict.RecordId, conflict.FoundAt);
                }
            }

            foreach (var key in settledConflicts)
            {
                await db.BitableSyncConflicts.Where(c => c.SyncId == pass.SyncId && c.RowKey == key).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            }

            foreach (var letter in refused)
            {
                var existing = await db.BitableSyncDeadLetters.SingleOrDefaultAsync(c => c.SyncId == letter.SyncId && c.RowKey == letter.RowKey && c.Direction == letter.Direction, cancellationToken).ConfigureAwait(false);
                if (existing is null)
                {
                    db.BitableSyncDeadLetters.Add(letter);
                }
                else
                {
                    (existing.Code, existing.Message, existing.FailedAt, existing.RecordId, existing.RetryRequestedAt) = (letter.Code, letter.Message, letter.FailedAt, letter.RecordId ?? existing.RecordId, null);
                    existing.Attempts++;
                }
            }

            foreach (var (key, direction) in delivered)
            {
                await db.BitableSyncDeadLetters.Where(c => c.SyncId == pass.SyncId && c.RowKey == key && c.Direction == direction).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await db.BitableSyncs.Where(s => s.Id == pass.SyncId).ExecuteUpdateAsync(
                s => s.SetProperty(x => x.LastPassAt, pass.EndedAt)
                    .SetProperty(x => x.LastPassOutcome, pass.Outcome)
                    .SetProperty(x => x.LagMilliseconds, lagMs)
                    .SetProperty(x => x.Passes, x => x.Passes + 1)
                    .SetProperty(x => x.SchemaProblemsJson, schemaProblems)
                    .SetProperty(x => x.RowsToBitable, x => x.RowsToBitable + pass.ToBitable)
                    .SetProperty(x => x.RowsToDatabase, x => x.RowsToDatabase + pass.ToDatabase),
                cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sets the side an operator picked; false when there is no open conflict for that row.</summary>
    public async Task<bool> ResolveConflictAsync(string syncId, long conflictId, string side, CancellationToken cancellationToken)
    {
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var now = time.GetUtcNow();
            return await db.BitableSyncConflicts.Where(c => c.SyncId == syncId && c.Id == conflictId && c.Resolution == null)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Resolution, side).SetProperty(c => c.ResolvedAt, now), cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    /// <summary>Asks the next pass to take the dead-lettered rows again (all of the sync's, or one); returns how many.</summary>
    public async Task<int> RetryDeadLettersAsync(string syncId, long? id, CancellationToken cancellationToken)
    {
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var now = time.GetUtcNow();
            return await db.BitableSyncDeadLetters.Where(c => c.SyncId == syncId && (id == null || c.Id == id))
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.RetryRequestedAt, now), cancellationToken).ConfigureAwait(false);
        }
    }

    public static string PassKey(string syncId) => syncId;

    /// <summary>The dirty mark (no record) that asks for another pass once the running one ends.</summary>
    public const string WakeMark = "";

    /// <summary>A wake mark's actions.</summary>
    public const string Wake = "wake";

    /// <summary>A wake mark asking for a full diff.</summary>
    public const string WakeFull = "wake_full";

    /// <summary>A paused sync's item waits here until woken.</summary>
    private static readonly DateTimeOffset Parked = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private WorkItemRow PassItem(string syncId, DateTimeOffset due)
    {
        var item = WorkItemRow.Create(BitableSyncRunner.QueueName, PassKey(syncId), due);
        item.CreatedAt = time.GetUtcNow();
        return item;
    }
}
