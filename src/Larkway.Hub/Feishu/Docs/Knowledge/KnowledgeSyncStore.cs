using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Feishu.Docs.Knowledge;

/// <summary>
/// The connected spaces: their definitions, each document's copy in the knowledge base, the marks Feishu's events leave,
/// and each sync's pass item on the <c>feishu.knowledge</c> queue (one per sync, so one pass runs at a time on one replica).
/// </summary>
internal sealed class KnowledgeSyncStore(
    IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer, IHubStorageProvider provider, WorkSignals signals, TimeProvider time, Webhooks.WebhookStore? webhooks = null)
{
    /// <summary>The mark (no document) that asks for a full pass.</summary>
    public const string FullMark = "";

    /// <summary>A paused sync's item waits here until woken.</summary>
    private static readonly DateTimeOffset Parked = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public async Task<HubDbContext> OpenAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<KnowledgeSyncRow?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.KnowledgeSyncs.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<KnowledgeSyncRow>> ListAsync(CancellationToken cancellationToken)
    {
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.KnowledgeSyncs.AsNoTracking().OrderBy(s => s.Name).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Whether a sync other than <paramref name="exceptId"/> is named <paramref name="name"/> (the unique index's rule, said before it refuses).</summary>
    public async Task<bool> NameTakenAsync(string name, string? exceptId, CancellationToken cancellationToken)
    {
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.KnowledgeSyncs.AsNoTracking().AnyAsync(s => s.Name == name && s.Id != exceptId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Per sync and document state, how many documents (the list's counts, one grouped query); one sync's alone when <paramref name="syncId"/> is given.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<KnowledgeDocumentState, int>>> CountsAsync(string? syncId, CancellationToken cancellationToken)
    {
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var documents = syncId is null ? db.KnowledgeDocuments.AsNoTracking() : db.KnowledgeDocuments.AsNoTracking().Where(d => d.SyncId == syncId);
            var counts = await documents.GroupBy(d => new { d.SyncId, d.State })
                .Select(g => new { g.Key.SyncId, g.Key.State, Count = g.Count() }).ToListAsync(cancellationToken).ConfigureAwait(false);
            return counts.GroupBy(c => c.SyncId).ToDictionary(
                g => g.Key, IReadOnlyDictionary<KnowledgeDocumentState, int> (g) => g.ToDictionary(c => c.State, c => c.Count));
        }
    }

    /// <summary>A page of the syncs in id order: those after <paramref name="after"/>, read as <paramref name="take"/> + 1.</summary>
    public async Task<IReadOnlyList<KnowledgeSyncRow>> ListPageAsync(string? after, int take, CancellationToken cancellationToken)
    {
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var syncs = db.KnowledgeSyncs.AsNoTracking();
            if (after is not null)
            {
                syncs = syncs.Where(s => string.Compare(s.Id, after) > 0);
            }

            return await syncs.OrderBy(s => s.Id).Take(take + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A page of a sync's documents in token order, optionally of one state, read as <paramref name="take"/> + 1.</summary>
    public async Task<IReadOnlyList<KnowledgeDocumentRow>> DocumentsPageAsync(string syncId, KnowledgeDocumentState? state, string? after, int take, CancellationToken cancellationToken)
    {
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var documents = db.KnowledgeDocuments.AsNoTracking().Where(d => d.SyncId == syncId);
            if (state is { } only)
            {
                documents = documents.Where(d => d.State == only);
            }

            if (after is not null)
            {
                documents = documents.Where(d => string.Compare(d.ObjToken, after) > 0);
            }

            return await documents.OrderBy(d => d.ObjToken).Take(take + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Whether a pass of the sync runs right now (its queue item is held).</summary>
    public async Task<bool> IsRunningAsync(string id, CancellationToken cancellationToken)
    {
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var now = time.GetUtcNow();
            return await db.Set<WorkItemRow>().AnyAsync(w => w.Queue == KnowledgeSyncRunner.QueueName && w.Key == id && w.State == WorkState.InProgress && w.LeaseUntil > now, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The syncs whose pass runs right now, in one query (the console's list).</summary>
    public async Task<IReadOnlySet<string>> RunningAsync(CancellationToken cancellationToken)
    {
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var now = time.GetUtcNow();
            return (await db.Set<WorkItemRow>().Where(w => w.Queue == KnowledgeSyncRunner.QueueName && w.State == WorkState.InProgress && w.LeaseUntil > now)
                .Select(w => w.Key).ToListAsync(cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        }
    }

    public async Task<IReadOnlyList<KnowledgeDocumentRow>> DocumentsAsync(string syncId, CancellationToken cancellationToken)
    {
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.KnowledgeDocuments.AsNoTracking().Where(d => d.SyncId == syncId).OrderBy(d => d.Title).ThenBy(d => d.ObjToken).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Adds a sync with its pass item (due now when active, parked when paused).</summary>
    public async Task AddAsync(KnowledgeSyncRow sync, CancellationToken cancellationToken)
    {
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            db.KnowledgeSyncs.Add(sync);
            var item = WorkItemRow.Create(KnowledgeSyncRunner.QueueName, sync.Id, sync.State == KnowledgeSyncState.Active ? time.GetUtcNow() : Parked);
            item.CreatedAt = time.GetUtcNow();
            item.Payload = KnowledgeSyncRunner.FullPayload;
            db.Set<WorkItemRow>().Add(item);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        signals.For(KnowledgeSyncRunner.QueueName).Notify();
    }

    /// <summary>Applies <paramref name="change"/> to the sync; null when there is none.</summary>
    public async Task<KnowledgeSyncRow?> UpdateAsync(string id, Action<KnowledgeSyncRow> change, CancellationToken cancellationToken)
    {
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var sync = await db.KnowledgeSyncs.SingleOrDefaultAsync(s => s.Id == id, cancellationToken).ConfigureAwait(false);
            if (sync is null)
            {
                return null;
            }

            change(sync);
            sync.UpdatedAt = time.GetUtcNow();
            return await db.SaveUnlessDeletedAsync(cancellationToken).ConfigureAwait(false) ? sync : null;
        }
    }

    /// <summary>Removes the sync, its documents' rows, marks and pass item (the knowledge base keeps its documents).</summary>
    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            await db.Set<WorkItemRow>().Where(w => w.Queue == KnowledgeSyncRunner.QueueName && w.Key == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            await db.KnowledgeMarks.Where(m => m.SyncId == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            await db.KnowledgeDocuments.Where(d => d.SyncId == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            return await db.KnowledgeSyncs.Where(s => s.Id == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    /// <summary>
    /// Marks a document changed for every sync whose documents include it (or, given <paramref name="syncId"/>, for that
    /// sync: a full pass with <see cref="FullMark"/>) and wakes the active ones. Returns how many syncs matched.
    /// </summary>
    public async Task<int> MarkAsync(string? syncId, string objToken, string action, CancellationToken cancellationToken)
    {
        List<string> woken = [];
        var matched = 0;
        await UntilNoConflictAsync(async db =>
        {
            var documents = db.KnowledgeDocuments;
            var syncs = syncId is not null
                ? await db.KnowledgeSyncs.AsNoTracking().Where(s => s.Id == syncId).Select(s => new { s.Id, s.State }).ToListAsync(cancellationToken).ConfigureAwait(false)
                : await db.KnowledgeSyncs.AsNoTracking().Where(s => documents.Any(d => d.SyncId == s.Id && d.ObjToken == objToken))
                    .Select(s => new { s.Id, s.State }).ToListAsync(cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            foreach (var sync in syncs)
            {
                var mark = await db.KnowledgeMarks.FindAsync([sync.Id, objToken], cancellationToken).ConfigureAwait(false);
                if (mark is null)
                {
                    db.KnowledgeMarks.Add(new KnowledgeMarkRow { SyncId = sync.Id, ObjToken = objToken, Action = action, MarkedAt = now });
                }
                else
                {
                    (mark.Action, mark.MarkedAt) = (action, now);
                }
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            woken = [.. syncs.Where(s => s.State == KnowledgeSyncState.Active).Select(s => s.Id)];
            matched = syncs.Count;
        }, cancellationToken).ConfigureAwait(false);

        foreach (var id in woken)
        {
            await WakeAsync(id, cancellationToken).ConfigureAwait(false);
        }

        return matched;
    }

    /// <summary>
    /// Makes the sync's pass item due now. A pass in progress is left alone: its runner looks for marks once it is
    /// recorded and wakes the item again (<see cref="KnowledgeSyncRunner.OnRecordedAsync"/>).
    /// </summary>
    public async Task WakeAsync(string id, CancellationToken cancellationToken)
    {
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var now = time.GetUtcNow();
            var woken = await db.Set<WorkItemRow>()
                .Where(w => w.Queue == KnowledgeSyncRunner.QueueName && w.Key == id && w.State != WorkState.InProgress)
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.State, WorkState.Pending).SetProperty(w => w.NextAttemptAt, now).SetProperty(w => w.Attempts, 0).SetProperty(w => w.LastError, (string?)null), cancellationToken)
                .ConfigureAwait(false);
            if (woken == 0 && !await db.Set<WorkItemRow>().AnyAsync(w => w.Queue == KnowledgeSyncRunner.QueueName && w.Key == id, cancellationToken).ConfigureAwait(false))
            {
                var item = WorkItemRow.Create(KnowledgeSyncRunner.QueueName, id, now);
                item.CreatedAt = now;
                db.Set<WorkItemRow>().Add(item);
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        signals.For(KnowledgeSyncRunner.QueueName).Notify();
    }

    /// <summary>Parks a paused sync's item until it is resumed.</summary>
    public async Task ParkAsync(string id, CancellationToken cancellationToken)
    {
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            await db.Set<WorkItemRow>().Where(w => w.Queue == KnowledgeSyncRunner.QueueName && w.Key == id && w.State != WorkState.InProgress)
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.State, WorkState.Pending).SetProperty(w => w.NextAttemptAt, Parked), cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<KnowledgeMarkRow>> MarksAsync(string syncId, CancellationToken cancellationToken)
    {
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.KnowledgeMarks.AsNoTracking().Where(m => m.SyncId == syncId).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Clears the marks a pass handled (a mark renewed since, by a later event, stays).</summary>
    public async Task ClearMarksAsync(string syncId, IReadOnlyList<KnowledgeMarkRow> handled, CancellationToken cancellationToken)
    {
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            foreach (var mark in handled)
            {
                await db.KnowledgeMarks.Where(m => m.SyncId == syncId && m.ObjToken == mark.ObjToken && m.MarkedAt <= mark.MarkedAt)
                    .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Writes one document's row as the pass now knows it (insert or replace).</summary>
    public Task SaveDocumentAsync(KnowledgeDocumentRow document, CancellationToken cancellationToken) => SaveDocumentAsync(document, report: null, cancellationToken);

    /// <summary>
    /// Writes one document's row, and with <paramref name="report"/> (the sync's app and what happened) its
    /// <c>feishu.knowledge.document</c> webhook in the same transaction.
    /// </summary>
    public async Task SaveDocumentAsync(KnowledgeDocumentRow document, (string App, string Action)? report, CancellationToken cancellationToken)
    {
        document.UpdatedAt = time.GetUtcNow();
        var queued = 0;
        await UntilNoConflictAsync(async db =>
        {
            var row = await db.KnowledgeDocuments.FindAsync([document.SyncId, document.ObjToken], cancellationToken).ConfigureAwait(false);
            if (row is null)
            {
                db.KnowledgeDocuments.Add(Copy(document, new KnowledgeDocumentRow()));
            }
            else
            {
                Copy(document, row);
            }

            queued = await ReportAsync(db, document, report, cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        Notify(queued);
    }

    /// <summary>Deletes a document's row, with its <c>deleted</c> webhook in the same transaction.</summary>
    public async Task RemoveDocumentAsync(KnowledgeDocumentRow document, string app, CancellationToken cancellationToken)
    {
        document.UpdatedAt = time.GetUtcNow();
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await db.KnowledgeDocuments.Where(d => d.SyncId == document.SyncId && d.ObjToken == document.ObjToken).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
                var queued = await ReportAsync(db, document, (app, KnowledgeWebhooks.Actions.Deleted), cancellationToken).ConfigureAwait(false);
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                Notify(queued);
            }
        }
    }

    /// <summary>Counts the pass and its outcome (<paramref name="failure"/>, or ok) on the sync, with its <c>feishu.knowledge.pass</c> webhook.</summary>
    public async Task RecordPassAsync(KnowledgeSyncRow sync, bool full, string? failure, KnowledgeTally tally, CancellationToken cancellationToken)
    {
        var outcome = failure ?? KnowledgeSyncRunner.Ok;
        var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var now = time.GetUtcNow();
                await db.KnowledgeSyncs.Where(s => s.Id == sync.Id)
                    .ExecuteUpdateAsync(
                        s =>
                        {
                            s.SetProperty(x => x.Passes, x => x.Passes + 1).SetProperty(x => x.LastPassAt, now).SetProperty(x => x.LastPassOutcome, outcome);
                            if (full && failure is null)
                            {
                                s.SetProperty(x => x.LastFullPassAt, now);
                            }
                        },
                        cancellationToken)
                    .ConfigureAwait(false);
                var queued = 0;
                if (webhooks is not null)
                {
                    var passes = await db.KnowledgeSyncs.Where(s => s.Id == sync.Id).Select(s => s.Passes).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
                    queued = await webhooks.QueueAsync(db, KnowledgeWebhooks.Pass, KnowledgeWebhooks.PassId(sync.Id, passes), KnowledgeWebhooks.PassPayload(sync.Id, passes, now, sync.App, full, failure, tally), cancellationToken)
                        .ConfigureAwait(false);
                    await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                Notify(queued);
            }
        }
    }

    /// <summary>Queues a document's webhook on <paramref name="db"/> (saved by the caller); how many deliveries.</summary>
    private async Task<int> ReportAsync(HubDbContext db, KnowledgeDocumentRow document, (string App, string Action)? report, CancellationToken cancellationToken) =>
        webhooks is null || report is not { } r
            ? 0
            : await webhooks.QueueAsync(db, KnowledgeWebhooks.Document, KnowledgeWebhooks.DocumentId(document, r.Action), KnowledgeWebhooks.DocumentPayload(document, r.App, r.Action), cancellationToken).ConfigureAwait(false);

    /// <summary>Wakes the webhook sender once queued deliveries are committed.</summary>
    private void Notify(int queued)
    {
        if (queued > 0)
        {
            webhooks?.NotifySender();
        }
    }

    private static KnowledgeDocumentRow Copy(KnowledgeDocumentRow from, KnowledgeDocumentRow to)
    {
        to.SyncId = from.SyncId;
        to.ObjToken = from.ObjToken;
        to.ObjType = from.ObjType;
        to.NodeToken = from.NodeToken;
        to.Title = from.Title;
        to.EditedAt = from.EditedAt;
        to.PushedEditAt = from.PushedEditAt;
        to.ContentHash = from.ContentHash;
        to.PushedTitle = from.PushedTitle;
        to.DifyDocumentId = from.DifyDocumentId;
        to.CreateSentAt = from.CreateSentAt;
        to.Subscribed = from.Subscribed;
        to.State = from.State;
        to.Error = from.Error;
        to.UpdatedAt = from.UpdatedAt;
        to.PushedAt = from.PushedAt;
        return to;
    }

    private Task UntilNoConflictAsync(Func<HubDbContext, Task> apply, CancellationToken cancellationToken) =>
        ConflictRounds.RunAsync(OpenAsync, provider, apply, cancellationToken);
}
