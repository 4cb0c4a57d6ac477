using System.Globalization;
using System.Text.Json;
using Larkway.Feishu;
using Larkway.Feishu.Bitable;

namespace Larkway.Hub.BitableSync;

/// <summary>The people lookup a pass needs: emails to open_ids of the sync's app (null when no active person has it).</summary>
internal delegate Task<IReadOnlyDictionary<string, string?>> ResolveEmails(IReadOnlyCollection<string> emails, CancellationToken cancellationToken);

/// <summary>What a pass did, for the history and the counters.</summary>
internal sealed class PassTally
{
    public int ToBitable { get; set; }

    public int ToDatabase { get; set; }

    public int ApiCalls { get; set; }

    public List<BitableSyncConflictRow> Held { get; } = [];

    public List<string> Settled { get; } = [];

    public List<BitableSyncDeadLetterRow> Refused { get; } = [];

    public List<(string Key, string Direction)> Delivered { get; } = [];

    public long? LagMs { get; set; }
}

/// <summary>
/// One pass of a sync: gather what changed on each side (everything, for a full diff), decide each row, write, and move
/// the checkpoints. Watermarks are taken before anything is read, so an edit made while the pass runs is seen by the next
/// one; every database write commits with its mapping row; a create batch is saved with its client_token before it is sent.
/// Re-running a pass that died half-way is safe: rows already synced hash as synced and are skipped.
/// </summary>
internal sealed class SyncPass(
    BitableSyncRow sync,
    SyncMapping mapping,
    SyncDatabase database,
    FeishuClient client,
    ResolveEmails resolveEmails,
    SyncFileFetcher files,
    IReadOnlyList<BitableSyncDirtyRecordRow> dirty,
    IReadOnlyList<BitableSyncConflictRow> conflicts,
    IReadOnlyList<BitableSyncDeadLetterRow> deadLetters,
    TimeProvider time)
{
    /// <summary>Records per write call (the documented cap for create and update is 1,000; 500 keeps each call small and its bisection short).</summary>
    public const int WriteBatch = 500;

    /// <summary>How far back the change log is read again for a commit that landed after a higher sequence number was seen.</summary>
    public static readonly TimeSpan ChangeLogOverlap = TimeSpan.FromSeconds(60);

    private const string PlanState = "create_in_flight";
    /// <summary>The state value holding the last change-log sequence number a pass took.</summary>
    internal const string ChangeSeqState = "change_seq";
    private const string ChangeReadState = "change_read_ms";
    private const string UpdatedAtState = "updated_at_mark_ms";
    private const string RecordMarkState = "record_mark_ms";
    private const string TableRevisionState = "table_revision";

    /// <summary>The table's columns, read once at the pass's start.</summary>
    private IReadOnlyList<SyncColumn> _columns = [];

    public PassTally Tally { get; } = new();

    public SyncSchema? Schema { get; private set; }

    /// <summary>A dry run's decisions (nothing written), with the rows that would be refused in <see cref="PassTally.Refused"/>.</summary>
    public IReadOnlyList<RowDecision> Preview { get; private set; } = [];

    /// <summary>Runs the pass; a dry run decides every row of a full diff and stops before writing anything (or creating triggers).</summary>
    public async Task RunAsync(bool full, CancellationToken cancellationToken, bool dryRun = false)
    {
        full |= dryRun;
        var fields = new List<BitableField>();
        await foreach (var field in client.Bitable.Fields.ListAsync(sync.AppToken, sync.TableId, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            fields.Add(field);
        }

        Tally.ApiCalls++;
        var columns = _columns = await database.ColumnsAsync(sync.TableName, cancellationToken).ConfigureAwait(false);
        if (columns.Count == 0)
        {
            throw new SyncConfigurationException($"The database has no table '{sync.TableName}'.");
        }

        var schema = Schema = await WithLinksAsync(SyncSchema.Resolve(mapping, fields, columns), cancellationToken).ConfigureAwait(false);
        if (full && !dryRun && sync.Direction != SyncDirection.ToBitable)
        {
            // Record events need the app's subscription to the base; subscribing again is harmless, so every full diff makes sure.
            try
            {
                await client.Bitable.Subscriptions.SubscribeAsync(sync.AppToken, cancellationToken).ConfigureAwait(false);
                Tally.ApiCalls++;
            }
            catch (FeishuApiException ex) when (!ex.IsTransient)
            {
                Schema = schema = schema with
                {
                    Problems = [.. schema.Problems, new SchemaProblem("", "", $"Feishu refused the base's event subscription (code {ex.Code}, {ex.ErrorMessage}): Bitable's changes arrive only by the reconciliation, not within seconds. The app must be able to manage the base.")],
                };
            }
        }
        await database.PrepareAsync(sync.TableName, schema.Key.Column, sync.Capture == ChangeCapture.Triggers && !dryRun, cancellationToken).ConfigureAwait(false);
        if (schema.HasAttachments)
        {
            Schema = schema = schema with { Files = FileIndex.From(await database.ReadFilesAsync(sync.Id, cancellationToken).ConfigureAwait(false)) };
        }

        var state = await database.ReadStateAsync(sync.Id, cancellationToken).ConfigureAwait(false);
        var map = await database.ReadMapAsync(sync.Id, cancellationToken).ConfigureAwait(false);

        // A create batch that was sent but whose answer was never recorded goes again first, with its own client_token.
        if (!dryRun && state.TryGetValue(PlanState, out var planJson) && JsonSerializer.Deserialize(planJson, SyncMappingJsonContext.Default.SyncBatchPlan) is { } plan)
        {
            await SendCreateAsync(schema, plan, map, cancellationToken).ConfigureAwait(false);
        }

        // Watermarks first: whatever changes from here on is the next pass's.
        var started = time.GetUtcNow();
        var newState = new List<(string, string?)>();
        var dbChangedAt = new Dictionary<string, long>(StringComparer.Ordinal);
        HashSet<string>? dbKeys = null;
        if (!full)
        {
            dbKeys = await DatabaseChangesAsync(schema, state, started, newState, dbChangedAt, cancellationToken).ConfigureAwait(false);
        }
        else if (sync.Capture == ChangeCapture.Triggers)
        {
            // A full diff reads everything: the change log up to now is covered.
            var (_, last) = await database.ReadChangeLogAsync(sync.TableName, Seq(state), started.ToUnixTimeMilliseconds(), cancellationToken).ConfigureAwait(false);
            newState.Add((ChangeSeqState, last.ToString(CultureInfo.InvariantCulture)));
            newState.Add((ChangeReadState, started.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)));
        }
        else if (sync.UpdatedAtColumn is not null)
        {
            newState.Add((UpdatedAtState, started.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)));
        }

        // Records: every one for a full diff; else those events named, those modified since a day before the mark, and those of changed rows.
        var records = full
            ? await AllRecordsAsync(cancellationToken).ConfigureAwait(false)
            : await ChangedRecordsAsync(schema, state, map, dbKeys!, cancellationToken).ConfigureAwait(false);
        newState.Add((RecordMarkState, started.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)));

        // Rows: every one for a full diff; else the changed keys and the keys of the changed records.
        var recordsByKey = new Dictionary<string, BitableRecord>(StringComparer.Ordinal);
        var recordKeyById = map.Values.ToDictionary(m => m.RecordId, m => m.Key, StringComparer.Ordinal);
        foreach (var record in records)
        {
            var key = recordKeyById.GetValueOrDefault(record.RecordId) ?? schema.KeyOf(record);
            if (key is not null)
            {
                recordsByKey[key] = record;
            }
        }

        var mappedColumns = schema.Columns.Select(c => c.Column).ToList();
        IReadOnlyList<DbRow> rows;
        if (full)
        {
            rows = await database.ReadRowsAsync(sync.TableName, schema.Key.Column, schema.Key.Kind, mappedColumns, null, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var wanted = new HashSet<string>(dbKeys!, StringComparer.Ordinal);
            wanted.UnionWith(recordsByKey.Keys);
            wanted.UnionWith(conflicts.Where(c => c.Resolution is not null).Select(c => c.RowKey));
            wanted.UnionWith(deadLetters.Where(d => d.RetryRequestedAt is not null).Select(d => d.RowKey));
            foreach (var key in dirty.Where(d => d.Action == "record_deleted").Select(d => recordKeyById.GetValueOrDefault(d.RecordId)).OfType<string>())
            {
                wanted.Add(key);
            }

            rows = wanted.Count == 0 ? [] : await database.ReadRowsAsync(sync.TableName, schema.Key.Column, schema.Key.Kind, mappedColumns, wanted, cancellationToken).ConfigureAwait(false);

            // A changed row's record (by the mapping), when no event or search brought it: conflicts need both sides.
            var missing = rows.Select(r => r.Key).Concat(dbKeys!).Where(k => !recordsByKey.ContainsKey(k) && map.TryGetValue(k, out var m) && m.Hash != SyncDecider.Tombstone)
                .Select(k => map[k].RecordId).Distinct(StringComparer.Ordinal).ToList();
            foreach (var record in await GetRecordsAsync(missing, cancellationToken).ConfigureAwait(false))
            {
                recordsByKey[recordKeyById[record.RecordId]] = record;
            }

            foreach (var key in wanted.Where(k => !recordsByKey.ContainsKey(k) && map.ContainsKey(k)))
            {
                // Mapped but neither read nor found: the record was deleted.
                recordsByKey.Remove(key);
            }
        }

        var rowsByKey = rows.ToDictionary(r => r.Key, StringComparer.Ordinal);
        var candidates = new HashSet<string>(rowsByKey.Keys, StringComparer.Ordinal);
        candidates.UnionWith(recordsByKey.Keys);
        if (full)
        {
            candidates.UnionWith(map.Keys);
        }
        else
        {
            candidates.UnionWith(dbKeys!.Where(map.ContainsKey));
            candidates.UnionWith(dirty.Select(d => recordKeyById.GetValueOrDefault(d.RecordId)).OfType<string>());
        }

        var picked = conflicts.Where(c => c.Resolution is not null).ToDictionary(c => c.RowKey, c => c.Resolution!, StringComparer.Ordinal);
        var parked = full ? deadLetters.Where(d => d.RetryRequestedAt is null).Select(d => d.RowKey).ToHashSet(StringComparer.Ordinal) : [];
        var decisions = new List<RowDecision>();
        var oldest = (long?)null;
        foreach (var key in candidates)
        {
            if (parked.Contains(key) && !picked.ContainsKey(key))
            {
                continue;
            }

            var row = rowsByKey.GetValueOrDefault(key);
            var record = recordsByKey.GetValueOrDefault(key);
            IReadOnlyList<string?>? dbValues;
            try
            {
                dbValues = row is null ? null : schema.FromDatabase(row);
            }
            catch (Exception ex) when (ex is FormatException or InvalidCastException or OverflowException)
            {
                Refuse(key, map.GetValueOrDefault(key)?.RecordId, "to_bitable", 0, $"The row's value does not convert: {ex.Message}.");
                continue;
            }

            var recValues = record is null ? null : schema.FromBitable(record);
            var recordMs = record?.LastModifiedTime?.ToUnixTimeMilliseconds() ?? 0;
            var dbMs = dbChangedAt.GetValueOrDefault(key);
            var action = SyncDecider.Decide(sync.Direction, sync.Conflicts, sync.PropagateDeletes, map.GetValueOrDefault(key), dbValues, recValues, dbMs, recordMs, picked.GetValueOrDefault(key));
            if (action != RowAction.None)
            {
                decisions.Add(new RowDecision(key, dbValues, recValues, record?.RecordId ?? map.GetValueOrDefault(key)?.RecordId, recordMs, action));
                var since = dbMs > 0 ? dbMs : recordMs;
                if (since > 0)
                {
                    oldest = oldest is null ? since : Math.Min(oldest.Value, since);
                }
            }

            if (picked.ContainsKey(key))
            {
                Tally.Settled.Add(key);
            }
        }

        Tally.LagMs = oldest is { } o ? Math.Max(0, started.ToUnixTimeMilliseconds() - o) : 0;
        if (dryRun)
        {
            schema = await WithUploadsAsync(schema, decisions, dryRun: true, cancellationToken).ConfigureAwait(false);
            var people = await PeopleAsync(schema, decisions.Where(d => d.Action is RowAction.CreateRecord or RowAction.UpdateRecord), cancellationToken).ConfigureAwait(false);
            var encodable = Encodable(schema, decisions.Where(d => d.Action is RowAction.CreateRecord or RowAction.UpdateRecord).ToList(), people).Select(d => d.Key).ToHashSet(StringComparer.Ordinal);
            Preview = [.. decisions.Where(d => d.Action is not (RowAction.CreateRecord or RowAction.UpdateRecord) || encodable.Contains(d.Key))];
            return;
        }

        await ApplyAsync(schema, decisions, map, started, cancellationToken).ConfigureAwait(false);

        if (sync.Capture == ChangeCapture.Triggers)
        {
            await database.PruneChangeLogAsync(sync.TableName, started.AddDays(-7).ToUnixTimeMilliseconds(), cancellationToken).ConfigureAwait(false);
        }

        newState.Add((TableRevisionState, fields.Count.ToString(CultureInfo.InvariantCulture)));
        await database.CommitAsync(new SyncCommit(sync.Id, sync.TableName, schema.Key.Column, schema.Key.Kind, started) { State = newState }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HashSet<string>> DatabaseChangesAsync(SyncSchema schema, Dictionary<string, string> state, DateTimeOffset started, List<(string, string?)> newState, Dictionary<string, long> changedAt, CancellationToken cancellationToken)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        if (sync.Capture == ChangeCapture.Triggers)
        {
            var lastRead = state.TryGetValue(ChangeReadState, out var r) ? long.Parse(r, CultureInfo.InvariantCulture) : 0;
            var (changes, last) = await database.ReadChangeLogAsync(sync.TableName, Seq(state), lastRead - (long)ChangeLogOverlap.TotalMilliseconds, cancellationToken).ConfigureAwait(false);
            foreach (var (key, at) in changes)
            {
                keys.Add(key);
                changedAt[key] = Math.Max(changedAt.GetValueOrDefault(key), at);
            }

            newState.Add((ChangeSeqState, last.ToString(CultureInfo.InvariantCulture)));
            newState.Add((ChangeReadState, started.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)));
        }
        else if (sync.UpdatedAtColumn is { } column)
        {
            var kind = KindOf(column) ?? ColumnKind.Integer;
            var mark = state.TryGetValue(UpdatedAtState, out var m) ? long.Parse(m, CultureInfo.InvariantCulture) : 0;

            // The mark is re-read with a minute's overlap: a transaction that stamped its row before the mark but committed after it is still seen.
            foreach (var (key, at) in await database.ReadUpdatedSinceAsync(sync.TableName, schema.Key.Column, column, kind, DateTimeOffset.FromUnixTimeMilliseconds(Math.Max(0, mark - (long)ChangeLogOverlap.TotalMilliseconds)), cancellationToken).ConfigureAwait(false))
            {
                keys.Add(key);
                changedAt[key] = at.ToUnixTimeMilliseconds();
            }

            newState.Add((UpdatedAtState, started.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)));
        }

        return keys;
    }

    private async Task<List<BitableRecord>> AllRecordsAsync(CancellationToken cancellationToken)
    {
        var records = new List<BitableRecord>();
        await foreach (var page in client.Bitable.Records.SearchAsync(sync.AppToken, sync.TableId, new BitableSearch { AutomaticFields = true }, 500, cancellationToken).AsPages().ConfigureAwait(false))
        {
            Tally.ApiCalls++;
            records.AddRange(page.Items);
        }

        return records;
    }

    private async Task<List<BitableRecord>> ChangedRecordsAsync(SyncSchema schema, Dictionary<string, string> state, Dictionary<string, MapEntry> map, HashSet<string> dbKeys, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, BitableRecord>(StringComparer.Ordinal);
        if (schema.ModifiedTimeField is { } modified && state.TryGetValue(RecordMarkState, out var markText))
        {
            // The filter is day-granular: search from a day before the mark, then keep what really changed (exact last_modified_time).
            var mark = long.Parse(markText, CultureInfo.InvariantCulture);
            var from = DateTimeOffset.FromUnixTimeMilliseconds(mark).AddDays(-1);
            var search = new BitableSearch { AutomaticFields = true, Filter = BitableFilter.And(BitableWhere.ModifiedTime(modified).IsGreater(BitableDateValue.Exact(from))) };
            var byRecord = map.Values.ToDictionary(m => m.RecordId, StringComparer.Ordinal);
            await foreach (var page in client.Bitable.Records.SearchAsync(sync.AppToken, sync.TableId, search, 500, cancellationToken).AsPages().ConfigureAwait(false))
            {
                Tally.ApiCalls++;
                foreach (var record in page.Items)
                {
                    var ms = record.LastModifiedTime?.ToUnixTimeMilliseconds() ?? long.MaxValue;
                    if (!byRecord.TryGetValue(record.RecordId, out var entry) || ms != entry.RecordModifiedMs)
                    {
                        found[record.RecordId] = record;
                    }
                }
            }
        }

        var named = dirty.Where(d => d.Action != "record_deleted").Select(d => d.RecordId).Where(id => !found.ContainsKey(id)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var record in await GetRecordsAsync(named, cancellationToken).ConfigureAwait(false))
        {
            found[record.RecordId] = record;
        }

        return [.. found.Values];
    }

    /// <summary>Records by id (100 a call); absent ones are left out.</summary>
    private async Task<List<BitableRecord>> GetRecordsAsync(IReadOnlyList<string> recordIds, CancellationToken cancellationToken)
    {
        var records = new List<BitableRecord>();
        foreach (var chunk in recordIds.Chunk(100))
        {
            var got = await client.Bitable.Records.BatchGetAsync(sync.AppToken, sync.TableId, chunk, new BitableReadOptions { AutomaticFields = true }, cancellationToken).ConfigureAwait(false);
            Tally.ApiCalls++;
            records.AddRange(got.Records);
        }

        return records;
    }

    private async Task ApplyAsync(SyncSchema schema, List<RowDecision> decisions, Dictionary<string, MapEntry> map, DateTimeOffset started, CancellationToken cancellationToken)
    {
        // Held conflicts: nothing is written; both sides wait in the console.
        foreach (var held in decisions.Where(d => d.Action == RowAction.Hold))
        {
            Tally.Held.Add(new BitableSyncConflictRow
            {
                SyncId = sync.Id, RowKey = held.Key, RecordId = held.RecordId, FoundAt = started,
                DatabaseJson = ValuesJson(schema, held.Database), BitableJson = ValuesJson(schema, held.Bitable),
            });
        }

        // Map-only and tombstones: one transaction.
        var mapOnly = decisions.Where(d => d.Action is RowAction.MapOnly or RowAction.Tombstone && d.RecordId is not null)
            .Select(d => new MapEntry(d.Key, d.RecordId!, d.Action == RowAction.Tombstone ? SyncDecider.Tombstone : SyncValues.Hash(d.Database!), d.RecordModifiedMs)).ToList();
        if (mapOnly.Count > 0)
        {
            await database.CommitAsync(new SyncCommit(sync.Id, sync.TableName, schema.Key.Column, schema.Key.Kind, started) { Map = mapOnly }, cancellationToken).ConfigureAwait(false);
        }

        await ToDatabaseAsync(schema, decisions.Where(d => d.Action is RowAction.UpsertRow or RowAction.DeleteRow).ToList(), started, cancellationToken).ConfigureAwait(false);

        var creates = decisions.Where(d => d.Action == RowAction.CreateRecord).ToList();
        var updates = decisions.Where(d => d.Action == RowAction.UpdateRecord).ToList();
        schema = await WithUploadsAsync(schema, decisions, dryRun: false, cancellationToken).ConfigureAwait(false);
        var people = await PeopleAsync(schema, creates.Concat(updates), cancellationToken).ConfigureAwait(false);
        foreach (var chunk in Encodable(schema, creates, people).Chunk(WriteBatch))
        {
            var plan = new SyncBatchPlan(Guid.NewGuid(), [.. chunk.Select(c => c.Key)], [.. chunk.Select(c => c.Database!)]);
            await database.CommitAsync(new SyncCommit(sync.Id, sync.TableName, schema.Key.Column, schema.Key.Kind, started) { State = [(PlanState, JsonSerializer.Serialize(plan, SyncMappingJsonContext.Default.SyncBatchPlan))] }, cancellationToken).ConfigureAwait(false);
            await SendCreateAsync(schema, plan, map, cancellationToken, people).ConfigureAwait(false);
        }

        foreach (var chunk in Encodable(schema, updates.Where(u => u.RecordId is not null).ToList(), people).Chunk(WriteBatch))
        {
            await SendUpdateAsync(schema, chunk, people, started, cancellationToken).ConfigureAwait(false);
        }

        foreach (var chunk in decisions.Where(d => d.Action == RowAction.DeleteRecord && d.RecordId is not null).Chunk(WriteBatch))
        {
            await client.Bitable.Records.BatchDeleteAsync(sync.AppToken, sync.TableId, chunk.Select(d => d.RecordId!), cancellationToken: cancellationToken).ConfigureAwait(false);
            Tally.ApiCalls++;
            Tally.ToBitable += chunk.Length;
            await database.CommitAsync(new SyncCommit(sync.Id, sync.TableName, schema.Key.Column, schema.Key.Kind, started) { Unmap = [.. chunk.Select(d => d.Key)] }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The decisions whose values convert to what Bitable takes; the others go to the dead letter with the reason.</summary>
    private IEnumerable<RowDecision> Encodable(SyncSchema schema, List<RowDecision> decisions, IReadOnlyDictionary<string, string?> people)
    {
        foreach (var decision in decisions)
        {
            string? problem = null;
            try
            {
                _ = Fields(schema, decision.Database!, people);
            }
            catch (Exception ex) when (ex is FormatException or OverflowException or JsonException)
            {
                problem = ex.Message;
            }

            if (problem is null)
            {
                yield return decision;
            }
            else
            {
                Refuse(decision.Key, decision.RecordId, "to_bitable", 0, $"The row's value does not convert: {problem}.");
            }
        }
    }

    private async Task SendCreateAsync(SyncSchema schema, SyncBatchPlan plan, Dictionary<string, MapEntry> map, CancellationToken cancellationToken, IReadOnlyDictionary<string, string?>? people = null)
    {
        people ??= await PeopleAsync(schema, plan.Values, cancellationToken).ConfigureAwait(false);
        var records = plan.Values.Select(v => Fields(schema, v, people)).ToList();
        IReadOnlyList<BitableRecord?> results;
        var failed = new Dictionary<int, FeishuApiException>();
        try
        {
            results = await client.Bitable.Records.BatchCreateAsync(sync.AppToken, sync.TableId, records, new BitableWriteOptions { ClientToken = plan.ClientToken }, cancellationToken).ConfigureAwait(false);
        }
        catch (BitableBatchException<BitableRecord> ex) when (ex.NotSent.Count == 0)
        {
            // Every record was sent; some were refused (each isolated by the client's bisection).
            results = ex.Results;
            foreach (var failure in ex.Failures)
            {
                failed[failure.Index] = failure.Error;
            }
        }
        finally
        {
            // A batch that stopped half-way (a 5xx, a rate limit) throws on: the plan stays saved, and the queue's retry
            // sends it again with the same client_token, which answers the records already made instead of making them twice.
            Tally.ApiCalls++;
        }

        var entries = new List<MapEntry>();
        for (var i = 0; i < plan.Keys.Count; i++)
        {
            if (i < results.Count && results[i] is { } record)
            {
                entries.Add(new MapEntry(plan.Keys[i], record.RecordId, SyncValues.Hash(plan.Values[i]), record.LastModifiedTime?.ToUnixTimeMilliseconds() ?? 0));
                Tally.Delivered.Add((plan.Keys[i], "to_bitable"));
            }
            else if (failed.TryGetValue(i, out var error))
            {
                Refuse(plan.Keys[i], null, "to_bitable", error.Code, $"Bitable refused the record: {error.ErrorMessage}");
            }
        }

        // The ids and the cleared plan in one transaction: after this, a crash cannot send the batch again.
        await database.CommitAsync(new SyncCommit(sync.Id, sync.TableName, schema.Key.Column, schema.Key.Kind, time.GetUtcNow()) { Map = entries, State = [(PlanState, null)] }, cancellationToken).ConfigureAwait(false);
        foreach (var entry in entries)
        {
            map[entry.Key] = entry;
        }

        Tally.ToBitable += entries.Count;
    }

    private async Task SendUpdateAsync(SyncSchema schema, RowDecision[] chunk, IReadOnlyDictionary<string, string?> people, DateTimeOffset started, CancellationToken cancellationToken)
    {
        var updates = chunk.Select(d => new BitableRecordUpdate(d.RecordId!, Fields(schema, d.Database!, people))).ToList();
        IReadOnlyList<BitableRecord?> results;
        var failed = new Dictionary<int, FeishuApiException>();
        FeishuApiException? stoppedBy = null;
        try
        {
            results = await client.Bitable.Records.BatchUpdateAsync(sync.AppToken, sync.TableId, updates, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (BitableBatchException<BitableRecord> ex)
        {
            // Updates are idempotent: what landed is recorded; what was not sent is written again by the next attempt.
            results = ex.Results;
            stoppedBy = ex.NotSent.Count > 0 ? ex : null;
            foreach (var failure in ex.Failures)
            {
                failed[failure.Index] = failure.Error;
            }
        }
        finally
        {
            Tally.ApiCalls++;
        }

        var entries = new List<MapEntry>();
        var unmapped = new List<string>();
        for (var i = 0; i < chunk.Length; i++)
        {
            if (i < results.Count && results[i] is { } record)
            {
                entries.Add(new MapEntry(chunk[i].Key, record.RecordId, SyncValues.Hash(chunk[i].Database!), record.LastModifiedTime?.ToUnixTimeMilliseconds() ?? 0));
                Tally.Delivered.Add((chunk[i].Key, "to_bitable"));
            }
            else if (failed.TryGetValue(i, out var error) && error.Code == FeishuErrorCodes.BitableRecordNotFound)
            {
                // The record is gone: forget it, so the next pass creates it again (or leaves it, by the delete policy).
                unmapped.Add(chunk[i].Key);
            }
            else if (failed.TryGetValue(i, out error))
            {
                Refuse(chunk[i].Key, chunk[i].RecordId, "to_bitable", error.Code, $"Bitable refused the record: {error.ErrorMessage}");
            }
        }

        await database.CommitAsync(new SyncCommit(sync.Id, sync.TableName, schema.Key.Column, schema.Key.Kind, started) { Map = entries, Unmap = unmapped }, cancellationToken).ConfigureAwait(false);
        Tally.ToBitable += entries.Count;
        if (stoppedBy is not null)
        {
            throw stoppedBy;
        }
    }

    private async Task ToDatabaseAsync(SyncSchema schema, List<RowDecision> decisions, DateTimeOffset started, CancellationToken cancellationToken)
    {
        var softKind = sync.SoftDeleteColumn is { } soft
            ? KindOf(soft) ?? ColumnKind.Integer
            : ColumnKind.Integer;
        foreach (var chunk in decisions.Chunk(WriteBatch))
        {
            var writes = new List<DbWrite>();
            var entries = new List<MapEntry>();
            var unmap = new List<string>();
            foreach (var decision in chunk)
            {
                if (decision.Action == RowAction.DeleteRow || decision.Bitable is null)
                {
                    if (decision.Database is not null)
                    {
                        writes.Add(new DbWrite(decision.Key, null));
                    }

                    unmap.Add(decision.Key);
                    continue;
                }

                try
                {
                    var values = new Dictionary<string, object?>(StringComparer.Ordinal);
                    for (var i = 0; i < schema.Columns.Count; i++)
                    {
                        var column = schema.Columns[i];
                        values[column.Column] = SyncValues.ToDatabase(decision.Bitable[i], column.Type, column.Kind);
                    }

                    if (values[schema.Key.Column] is null)
                    {
                        throw new FormatException($"the key field '{schema.Key.FieldName}' is empty");
                    }

                    writes.Add(new DbWrite(decision.Key, values));
                    entries.Add(new MapEntry(decision.Key, decision.RecordId!, SyncValues.Hash(decision.Bitable), decision.RecordModifiedMs));
                    Tally.Delivered.Add((decision.Key, "to_database"));
                }
                catch (Exception ex) when (ex is FormatException or OverflowException)
                {
                    Refuse(decision.Key, decision.RecordId, "to_database", 0, $"The record's value does not fit the table: {ex.Message}.");
                }
            }

            await database.CommitAsync(new SyncCommit(sync.Id, sync.TableName, schema.Key.Column, schema.Key.Kind, started)
            {
                Rows = writes, Map = entries, Unmap = unmap, SoftDeleteColumn = sync.SoftDeleteColumn, SoftDeleteKind = softKind,
            }, cancellationToken).ConfigureAwait(false);
            Tally.ToDatabase += writes.Count;
        }
    }

    /// <summary>
    /// Reads each linked table once (its primary field: the key a link column holds) so links convert both ways in this
    /// pass. Meant for reference tables (customers, suppliers); a linked table of 50,000 records is 100 search pages a pass.
    /// </summary>
    private async Task<SyncSchema> WithLinksAsync(SyncSchema schema, CancellationToken cancellationToken)
    {
        var links = new Dictionary<string, LinkIndex>(StringComparer.Ordinal);
        foreach (var table in schema.Columns.Select(c => c.LinkTableId).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            var primary = await client.Bitable.Fields.ListAsync(sync.AppToken, table, cancellationToken: cancellationToken).FirstOrDefaultAsync(f => f.IsPrimary, cancellationToken).ConfigureAwait(false)
                ?? throw new SyncConfigurationException($"The linked table {table} has no primary field to read keys from.");
            Tally.ApiCalls++;
            var keyById = new Dictionary<string, string>(StringComparer.Ordinal);
            var idByKey = new Dictionary<string, string>(StringComparer.Ordinal);
            await foreach (var page in client.Bitable.Records.SearchAsync(sync.AppToken, table, new BitableSearch { FieldNames = [primary.FieldName] }, 500, cancellationToken).AsPages().ConfigureAwait(false))
            {
                Tally.ApiCalls++;
                foreach (var record in page.Items)
                {
                    if (record.Fields.TryGetValue(primary.FieldName, out var cell) && SyncValues.FromBitable(cell, primary.Type) is { } key)
                    {
                        keyById[record.RecordId] = key;
                        idByKey.TryAdd(key, record.RecordId);
                    }
                }
            }

            links[table] = new LinkIndex(table, keyById, idByKey);
        }

        return links.Count == 0 ? schema : schema with { Links = links };
    }

    /// <summary>
    /// Fetches and uploads the attachment URLs the rows going to Bitable name that the base does not have yet, one at a
    /// time (uploads are paced at 5 a second), each remembered as soon as it is uploaded so no pass uploads it twice. A URL
    /// that gives no file is noted with the reason, and its row goes to the dead letter; a dry run only lists them.
    /// </summary>
    private async Task<SyncSchema> WithUploadsAsync(SyncSchema schema, List<RowDecision> decisions, bool dryRun, CancellationToken cancellationToken)
    {
        var indexes = schema.Columns.Select((c, i) => (c, i)).Where(x => x.c.Type == BitableFieldType.Attachment && x.c.ToBitable).Select(x => x.i).ToList();
        if (indexes.Count == 0)
        {
            return schema;
        }

        var urls = decisions.Where(d => d.Action is RowAction.CreateRecord or RowAction.UpdateRecord && d.Database is not null)
            .SelectMany(d => indexes.Select(i => d.Database![i])).OfType<string>().SelectMany(SyncValues.Items)
            .Where(item => FileIndex.IsUrl(item) && !schema.Files.TokenByUrl.ContainsKey(item)).Distinct(StringComparer.Ordinal).ToList();
        if (urls.Count == 0)
        {
            return schema;
        }

        if (dryRun)
        {
            return schema with { Files = schema.Files with { ToUpload = urls.ToHashSet(StringComparer.Ordinal) } };
        }

        var tokens = new Dictionary<string, string>(schema.Files.TokenByUrl, StringComparer.Ordinal);
        var failed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var url in urls)
        {
            try
            {
                var file = await files.FetchAsync(url, cancellationToken).ConfigureAwait(false);
                var token = await client.Bitable.Media.UploadAsync(sync.AppToken, file.Bytes, file.Name, file.IsImage, cancellationToken).ConfigureAwait(false);
                Tally.ApiCalls++;
                await database.SaveFileAsync(sync.Id, url, token, cancellationToken).ConfigureAwait(false);
                tokens[url] = token;
            }
            catch (SyncFileException ex)
            {
                failed[url] = ex.Message;
            }
            catch (FeishuApiException ex) when (!ex.IsTransient)
            {
                Tally.ApiCalls++;
                failed[url] = $"Bitable refused the upload of {url} (code {ex.Code}): {ex.ErrorMessage}";
            }
        }

        return schema with { Files = FileIndex.From(tokens) with { Failed = failed } };
    }

    private async Task<IReadOnlyDictionary<string, string?>> PeopleAsync(SyncSchema schema, IEnumerable<RowDecision> decisions, CancellationToken cancellationToken) =>
        await PeopleAsync(schema, decisions.Select(d => d.Database).OfType<IReadOnlyList<string?>>(), cancellationToken).ConfigureAwait(false);

    private async Task<IReadOnlyDictionary<string, string?>> PeopleAsync(SyncSchema schema, IEnumerable<IReadOnlyList<string?>> values, CancellationToken cancellationToken)
    {
        var indexes = schema.Columns.Select((c, i) => (c, i)).Where(x => x.c.Type == BitableFieldType.User).Select(x => x.i).ToList();
        if (indexes.Count == 0)
        {
            return new Dictionary<string, string?>();
        }

        var emails = values.SelectMany(v => indexes.Select(i => v[i])).OfType<string>().SelectMany(SyncValues.Emails).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return emails.Count == 0 ? new Dictionary<string, string?>() : await resolveEmails(emails, cancellationToken).ConfigureAwait(false);
    }

    private static BitableRecordFields Fields(SyncSchema schema, IReadOnlyList<string?> values, IReadOnlyDictionary<string, string?> people)
    {
        var fields = new BitableRecordFields();
        for (var i = 0; i < schema.Columns.Count; i++)
        {
            var column = schema.Columns[i];
            if (column.ToBitable)
            {
                fields.Add(column.FieldName, schema.ToBitable(column, values[i], people));
            }
        }

        return fields;
    }

    private void Refuse(string key, string? recordId, string direction, int code, string message) =>
        Tally.Refused.Add(new BitableSyncDeadLetterRow { SyncId = sync.Id, RowKey = key, RecordId = recordId, Direction = direction, Code = code, Message = message.Length > 2000 ? message[..2000] : message, FailedAt = time.GetUtcNow(), Attempts = 1 });

    private static string? ValuesJson(SyncSchema schema, IReadOnlyList<string?>? values) => values is null ? null
        : JsonSerializer.Serialize(schema.Columns.Select((c, i) => (c.Column, values[i])).ToDictionary(x => x.Column, x => x.Item2), SyncMappingJsonContext.Default.DictionaryStringString);

    private ColumnKind? KindOf(string column) => _columns.FirstOrDefault(c => string.Equals(c.Name, column, StringComparison.OrdinalIgnoreCase))?.Kind;

    private static long Seq(Dictionary<string, string> state) => state.TryGetValue(ChangeSeqState, out var s) ? long.Parse(s, CultureInfo.InvariantCulture) : 0;
}
