using System.Globalization;
using System.Security.Cryptography;
using Larkway.Feishu;
using Larkway.Feishu.Bitable;
using Larkway.Hub.Notifications;
using Larkway.Hub.Platform.DataProtection;
using Larkway.Hub.Platform.Http;

namespace Larkway.Hub.BitableSync;

/// <summary>A sync as asked for (create or edit); every reference checked against the live schemas before it is stored.</summary>
internal sealed record SyncInput(
    string Name, string App, string AppToken, string TableId, SyncDatabaseKind DatabaseKind, string? ConnectionString, string Table,
    string KeyColumn, string KeyField, IReadOnlyList<(string Column, string Field)> Columns, SyncDirection Direction, ChangeCapture Capture,
    string? UpdatedAtColumn, ConflictPolicy Conflicts, bool PropagateDeletes, string? SoftDeleteColumn, int IntervalSeconds, int FullDiffEvery);

/// <summary>How a service call ended: done, not found, or refused with the problems to fix (field → message).</summary>
internal sealed record SyncResult<T>(T? Value, bool NotFound = false, IReadOnlyList<(string Field, string Message)>? Problems = null)
{
    public static SyncResult<T> Missing => new(default, NotFound: true);

    public static SyncResult<T> Invalid(params IReadOnlyList<(string Field, string Message)> problems) => new(default, Problems: problems);
}

/// <summary>What a dry run found: the mapping as resolved, what a full diff would do, and the first rows' decisions.</summary>
internal sealed record SyncDryRun(
    IReadOnlyList<ResolvedColumn> Columns, IReadOnlyList<SchemaProblem> SchemaProblems, IReadOnlyDictionary<string, int> Actions, IReadOnlyList<RowDecision> Sample, int Decisions,
    IReadOnlyList<BitableSyncDeadLetterRow> Problems, int ProblemsTotal, int ApiCalls);

/// <summary>The syncs' application service: what the API and the console do, checked, stored, audited by the callers.</summary>
internal sealed class BitableSyncService(
    BitableSyncStore store,
    SyncDatabases databases,
    IFeishuClientFactory apps,
    IEmailLookup people,
    SyncFileFetcher files,
    HubSecretProtector secrets,
    TimeProvider time)
{
    /// <summary>Shortest interval between passes.</summary>
    public const int MinIntervalSeconds = 5;

    /// <summary>The refused rows a dry run lists (their total is counted).</summary>
    public const int MaxDryRunProblems = 100;

    public Task<IReadOnlyList<BitableSyncRow>> ListAsync(CancellationToken cancellationToken) => store.ListAsync(cancellationToken);

    public Task<IReadOnlyList<BitableSyncRow>> ListPageAsync(string? after, int take, CancellationToken cancellationToken) => store.ListPageAsync(after, take, cancellationToken);

    public Task<BitableSyncRow?> GetAsync(string id, CancellationToken cancellationToken) => store.FindAsync(id, cancellationToken);

    /// <summary>Creates a sync, paused (its dry run first): every column, field and setting checked against the live table and base.</summary>
    public async Task<SyncResult<BitableSyncRow>> CreateAsync(SyncInput input, CancellationToken cancellationToken)
    {
        var (mapping, problems) = await CheckAsync(input, cancellationToken).ConfigureAwait(false);
        if (problems.Count > 0)
        {
            return SyncResult<BitableSyncRow>.Invalid(problems);
        }

        if ((await store.ListAsync(cancellationToken).ConfigureAwait(false)).Any(s => string.Equals(s.Name, input.Name, StringComparison.OrdinalIgnoreCase)))
        {
            return SyncResult<BitableSyncRow>.Invalid(("name", $"A sync named '{input.Name}' exists; pick another name."));
        }

        var now = time.GetUtcNow();
        var sync = new BitableSyncRow { Id = "bsy_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), CreatedAt = now, State = SyncState.Paused };
        Apply(sync, input, mapping!, now);
        await store.AddAsync(sync, cancellationToken).ConfigureAwait(false);
        return new(sync);
    }

    /// <summary>
    /// Changes a sync's definition (checked as a create is); its mapping rows and checkpoints stay, so it carries on. Once
    /// it has run, the base, tables and key pair are fixed (<see cref="Rebinds"/>).
    /// </summary>
    public async Task<SyncResult<BitableSyncRow>> EditAsync(string id, SyncInput input, CancellationToken cancellationToken)
    {
        var existing = await store.FindAsync(id, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            return SyncResult<BitableSyncRow>.Missing;
        }

        // An edit that leaves the connection string out keeps the stored one.
        var connection = input.ConnectionString ?? (existing.ConnectionProtected is { } p && input.DatabaseKind == existing.DatabaseKind ? secrets.Unprotect(p) : null);
        input = input with { ConnectionString = connection };
        var (mapping, problems) = await CheckAsync(input, cancellationToken).ConfigureAwait(false);
        if (problems.Count > 0)
        {
            return SyncResult<BitableSyncRow>.Invalid(problems);
        }

        if (existing.Passes > 0 && Rebinds(existing, input, mapping!) is { Count: > 0 } rebinding)
        {
            return SyncResult<BitableSyncRow>.Invalid(rebinding);
        }

        var updated = await store.UpdateAsync(id, s => Apply(s, input, mapping!, time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        return updated is null ? SyncResult<BitableSyncRow>.Missing : new(updated);
    }

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) => store.DeleteAsync(id, cancellationToken);

    public async Task<BitableSyncRow?> PauseAsync(string id, CancellationToken cancellationToken) =>
        await store.UpdateAsync(id, s => s.State = SyncState.Paused, cancellationToken).ConfigureAwait(false);

    /// <summary>Resumes a sync: its first pass is a full diff, so whatever changed while it was paused is found.</summary>
    public async Task<BitableSyncRow?> ResumeAsync(string id, CancellationToken cancellationToken)
    {
        var sync = await store.UpdateAsync(id, s => s.State = SyncState.Active, cancellationToken).ConfigureAwait(false);
        if (sync is not null)
        {
            await store.WakeAsync(id, full: true, cancellationToken).ConfigureAwait(false);
        }

        return sync;
    }

    /// <summary>Runs a pass now (a full diff when asked); refused for a paused sync, which must be resumed.</summary>
    public async Task<SyncResult<BitableSyncRow>> RunNowAsync(string id, bool full, CancellationToken cancellationToken)
    {
        var sync = await store.FindAsync(id, cancellationToken).ConfigureAwait(false);
        if (sync is null)
        {
            return SyncResult<BitableSyncRow>.Missing;
        }

        if (sync.State != SyncState.Active)
        {
            return SyncResult<BitableSyncRow>.Invalid(("state", "The sync is paused: check its dry run, then resume it (a resume runs a pass at once)."));
        }

        await store.WakeAsync(id, full, cancellationToken).ConfigureAwait(false);
        return new(sync);
    }

    /// <summary>A full diff decided and not written: counts per action, the first <paramref name="sample"/> rows, every conversion problem.</summary>
    public async Task<SyncResult<SyncDryRun>> DryRunAsync(string id, int sample, CancellationToken cancellationToken)
    {
        var sync = await store.FindAsync(id, cancellationToken).ConfigureAwait(false);
        if (sync is null)
        {
            return SyncResult<SyncDryRun>.Missing;
        }

        SyncDatabase database;
        try
        {
            database = databases.For(sync);
        }
        catch (SyncConfigurationException ex)
        {
            return SyncResult<SyncDryRun>.Invalid(("database", ex.Message));
        }

        var client = await apps.GetClientAsync(sync.App, cancellationToken).ConfigureAwait(false);
        var pass = new SyncPass(sync, SyncMapping.FromJson(sync.MappingJson), database, client, (emails, ct) => people.PrefetchAsync(sync.App, emails, ct), files, [], [], [], time);
        try
        {
            await pass.RunAsync(full: true, cancellationToken, dryRun: true).ConfigureAwait(false);
        }
        catch (SyncConfigurationException ex)
        {
            return SyncResult<SyncDryRun>.Invalid(("mapping", ex.Message));
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or ArgumentException)
        {
            return SyncResult<SyncDryRun>.Invalid(("database", SyncDatabaseErrors.Describe(ex)));
        }
        catch (FeishuApiException ex) when (!ex.IsTransient)
        {
            return SyncResult<SyncDryRun>.Invalid(("bitable", $"Feishu refused: code {ex.Code}, {ex.ErrorMessage}"));
        }

        // Counts of everything; rows only up to the caps, so a table of refusals answers in kilobytes.
        var actions = pass.Preview.GroupBy(d => WireName<RowAction>.Of(d.Action), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return new(new SyncDryRun(
            pass.Schema!.Columns, pass.Schema.Problems, actions, [.. pass.Preview.Take(sample)], pass.Preview.Count,
            [.. pass.Tally.Refused.Take(MaxDryRunProblems)], pass.Tally.Refused.Count, pass.Tally.ApiCalls));
    }

    public Task<bool> ResolveConflictAsync(string id, long conflictId, string side, CancellationToken cancellationToken) =>
        ResolveAndWakeAsync(id, conflictId, side, cancellationToken);

    public async Task<int> RetryDeadLettersAsync(string id, long? letter, CancellationToken cancellationToken)
    {
        var count = await store.RetryDeadLettersAsync(id, letter, cancellationToken).ConfigureAwait(false);
        if (count > 0 && await store.FindAsync(id, cancellationToken).ConfigureAwait(false) is { State: SyncState.Active })
        {
            await store.WakeAsync(id, full: false, cancellationToken).ConfigureAwait(false);
        }

        return count;
    }

    private async Task<bool> ResolveAndWakeAsync(string id, long conflictId, string side, CancellationToken cancellationToken)
    {
        if (!await store.ResolveConflictAsync(id, conflictId, side, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        if (await store.FindAsync(id, cancellationToken).ConfigureAwait(false) is { State: SyncState.Active })
        {
            await store.WakeAsync(id, full: false, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// What an edit would move that a sync which has run must keep: its mapping rows pair the key column's values with
    /// records of one table, so another table, base or key would read every row as new and create every record again.
    /// </summary>
    private static List<(string Field, string Message)> Rebinds(BitableSyncRow existing, SyncInput input, SyncMapping mapping)
    {
        const string Hint = "A sync that has run stays on its base, tables and key, which its mapping of rows to records is made of; to sync another, create a new sync (and delete this one).";
        var before = SyncMapping.FromJson(existing.MappingJson);
        var problems = new List<(string Field, string Message)>();
        if (!string.Equals(existing.AppToken, input.AppToken, StringComparison.Ordinal))
        {
            problems.Add(("app_token", $"Was '{existing.AppToken}'. {Hint}"));
        }

        if (!string.Equals(existing.TableId, input.TableId, StringComparison.Ordinal))
        {
            problems.Add(("table_id", $"Was '{existing.TableId}'. {Hint}"));
        }

        // A sync of the retired kind hub may move to a database of its own (it no longer runs where it is).
        if (existing.DatabaseKind != input.DatabaseKind && existing.DatabaseKind != SyncDatabaseKind.Hub)
        {
            problems.Add(("database.kind", $"Was '{WireName<SyncDatabaseKind>.Of(existing.DatabaseKind)}'. {Hint}"));
        }

        if (!string.Equals(existing.TableName, input.Table, StringComparison.Ordinal))
        {
            problems.Add(("table", $"Was '{existing.TableName}'. {Hint}"));
        }

        if (!string.Equals(before.KeyColumn, mapping.KeyColumn, StringComparison.OrdinalIgnoreCase))
        {
            problems.Add(("key.column", $"Was '{before.KeyColumn}'. {Hint}"));
        }

        if (!string.Equals(before.KeyFieldId, mapping.KeyFieldId, StringComparison.Ordinal))
        {
            problems.Add(("key.field", $"Was field {before.KeyFieldId}. {Hint}"));
        }

        return problems;
    }

    private void Apply(BitableSyncRow sync, SyncInput input, SyncMapping mapping, DateTimeOffset now)
    {
        sync.Name = input.Name;
        sync.App = input.App;
        sync.AppToken = input.AppToken;
        sync.TableId = input.TableId;
        sync.DatabaseKind = input.DatabaseKind;
        sync.ConnectionProtected = input.DatabaseKind == SyncDatabaseKind.Hub || input.ConnectionString is null ? null : secrets.Protect(input.ConnectionString);
        sync.TableName = input.Table;
        sync.MappingJson = mapping.ToJson();
        sync.Direction = input.Direction;
        sync.Capture = input.Capture;
        sync.UpdatedAtColumn = input.UpdatedAtColumn;
        sync.Conflicts = input.Conflicts;
        sync.PropagateDeletes = input.PropagateDeletes;
        sync.SoftDeleteColumn = input.SoftDeleteColumn;
        sync.IntervalSeconds = input.IntervalSeconds;
        sync.FullDiffEvery = input.FullDiffEvery;
        sync.UpdatedAt = now;
    }

    /// <summary>Checks the input against the live base and table; fields may be named by id or by name (stored by id).</summary>
    private async Task<(SyncMapping? Mapping, List<(string Field, string Message)> Problems)> CheckAsync(SyncInput input, CancellationToken cancellationToken)
    {
        var problems = new List<(string Field, string Message)>();
        if (input.DatabaseKind == SyncDatabaseKind.Hub)
        {
            problems.Add(("database.kind", SyncDatabases.HubKindRefused));
        }
        else if (string.IsNullOrWhiteSpace(input.ConnectionString))
        {
            problems.Add(("database.connection_string", $"A {WireName<SyncDatabaseKind>.Of(input.DatabaseKind)} database needs its connection string."));
        }

        if (databases.TableProblem(input.Table) is { } forbidden)
        {
            problems.Add(("table", forbidden));
        }

        if (input.IntervalSeconds < MinIntervalSeconds)
        {
            problems.Add(("interval_seconds", $"At least {MinIntervalSeconds.ToString(CultureInfo.InvariantCulture)} seconds."));
        }

        if (input.FullDiffEvery < 1)
        {
            problems.Add(("full_diff_every", "At least 1 (every pass a full diff); 60 is a good start."));
        }

        if (input.Capture == ChangeCapture.UpdatedAt && string.IsNullOrWhiteSpace(input.UpdatedAtColumn))
        {
            problems.Add(("updated_at_column", "Capture by updated_at needs the column's name."));
        }

        if (problems.Count > 0)
        {
            return (null, problems);
        }

        SyncDatabase database;
        try
        {
            database = databases.For(input.DatabaseKind, input.ConnectionString, input.Table);
        }
        catch (SyncConfigurationException ex)
        {
            return (null, [("database.connection_string", ex.Message)]);
        }

        IReadOnlyList<SyncColumn> columns;
        try
        {
            columns = await database.ColumnsAsync(input.Table, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or ArgumentException or InvalidOperationException or TimeoutException)
        {
            // Never the provider's message: Npgsql's can name the host, the user or the whole connection string.
            return (null, [("database", $"The database cannot be read. {SyncDatabaseErrors.Describe(ex)}")]);
        }

        if (columns.Count == 0)
        {
            return (null, [("table", $"The database has no table '{input.Table}'.")]);
        }

        var fields = new List<BitableField>();
        try
        {
            var client = await apps.GetClientAsync(input.App, cancellationToken).ConfigureAwait(false);
            await foreach (var field in client.Bitable.Fields.ListAsync(input.AppToken, input.TableId, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                fields.Add(field);
            }
        }
        catch (FeishuApiException ex) when (!ex.IsTransient)
        {
            return (null, [("table_id", $"Feishu refused to list the table's fields: code {ex.Code}, {ex.ErrorMessage}. Check app_token and table_id, and that the app may read the base.")]);
        }
        catch (InvalidOperationException ex)
        {
            return (null, [("app", ex.Message)]);
        }

        var columnNames = columns.ToDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);
        string? FieldId(string path, string reference)
        {
            var field = fields.FirstOrDefault(f => f.FieldId == reference) ?? fields.FirstOrDefault(f => f.FieldName == reference);
            if (field is null)
            {
                problems.Add((path, $"The table has no field '{reference}' (by id or name). Its fields: {string.Join(", ", fields.Select(f => $"{f.FieldName} ({f.FieldId})"))}."));
            }

            return field?.FieldId;
        }

        string? Column(string path, string name)
        {
            if (columnNames.TryGetValue(name, out var column))
            {
                return column.Name;
            }

            problems.Add((path, $"Table '{input.Table}' has no column '{name}'. Its columns: {string.Join(", ", columns.Select(c => c.Name))}."));
            return null;
        }

        var keyColumn = Column("key.column", input.KeyColumn);
        var keyField = FieldId("key.field", input.KeyField);
        var mapped = new List<SyncColumnMapping>();
        if (keyColumn is not null && keyField is not null)
        {
            mapped.Add(new SyncColumnMapping(keyColumn, keyField));
        }

        for (var i = 0; i < input.Columns.Count; i++)
        {
            var column = Column($"columns[{i.ToString(CultureInfo.InvariantCulture)}].column", input.Columns[i].Column);
            var field = FieldId($"columns[{i.ToString(CultureInfo.InvariantCulture)}].field", input.Columns[i].Field);
            if (column is null || field is null || (column == keyColumn && field == keyField))
            {
                continue;
            }

            if (mapped.Any(m => string.Equals(m.Column, column, StringComparison.OrdinalIgnoreCase) || m.FieldId == field))
            {
                problems.Add(($"columns[{i.ToString(CultureInfo.InvariantCulture)}]", $"Column '{column}' or field {field} is mapped twice; map each once."));
                continue;
            }

            mapped.Add(new SyncColumnMapping(column, field));
        }

        if (input.UpdatedAtColumn is { } updatedAt && input.Capture == ChangeCapture.UpdatedAt)
        {
            Column("updated_at_column", updatedAt);
        }

        if (input.SoftDeleteColumn is { } soft)
        {
            Column("soft_delete_column", soft);
        }

        if (problems.Count > 0 || keyColumn is null || keyField is null)
        {
            return (null, problems);
        }

        var mapping = new SyncMapping(keyColumn, keyField, mapped);
        try
        {
            var schema = SyncSchema.Resolve(mapping, fields, columns);
            problems.AddRange(schema.Problems.Select(p => ("columns", p.Problem)));
        }
        catch (SyncConfigurationException ex)
        {
            problems.Add(("key", ex.Message));
        }

        return (problems.Count > 0 ? null : mapping, problems);
    }
}
