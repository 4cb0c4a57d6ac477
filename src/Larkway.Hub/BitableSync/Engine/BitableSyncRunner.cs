using Larkway.Feishu;
using Larkway.Hub.Notifications;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.DataProtection;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.BitableSync;

/// <summary>
/// The syncs' queue (<c>bitable.sync</c>): one item per sync, keyed by its id, so one pass of a sync runs at a time on one
/// replica. A pass ends by deferring the item to the sync's next interval (sooner when events came in meanwhile); a pass
/// that fails is retried on the queue's schedule, and its history row says why. A paused sync's item stays done until resumed.
/// </summary>
internal sealed partial class BitableSyncRunner(
    BitableSyncStore store,
    SyncDatabases databases,
    IFeishuClientFactory apps,
    IEmailLookup people,
    SyncFileFetcher files,
    BitableSyncTelemetry telemetry,
    TimeProvider time,
    ILogger<BitableSyncRunner> logger) : IWorkHandler<WorkItemRow>, IWorkRecordedHandler<WorkItemRow>
{
    /// <summary>The queue's name.</summary>
    public const string QueueName = "bitable.sync";

    /// <summary>The payload that asks the next pass to be a full diff (a resume, an operator's "run a full diff").</summary>
    public const string FullPayload = "full";

    public async Task<WorkOutcome<WorkItemRow>> HandleAsync(WorkItemRow item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        var sync = await store.FindAsync(item.Key, cancellationToken).ConfigureAwait(false);
        if (sync is null || sync.State != SyncState.Active)
        {
            return WorkOutcome<WorkItemRow>.Done();
        }

        var full = sync.Passes == 0 || item.Payload == FullPayload || (sync.FullDiffEvery > 0 && sync.Passes % sync.FullDiffEvery == 0);
        var started = time.GetUtcNow();
        var (tally, schema, outcome, ranFull) = await RunPassAsync(sync, full, cancellationToken).ConfigureAwait(false);
        var kind = ranFull ? "full" : "changes";
        var ended = time.GetUtcNow();
        var ok = outcome is null;
        await store.RecordPassAsync(
            new BitableSyncPassRow
            {
                SyncId = sync.Id, Kind = kind, StartedAt = started, EndedAt = ended, Outcome = outcome?.Message ?? "ok",
                ToBitable = tally.ToBitable, ToDatabase = tally.ToDatabase, Conflicts = tally.Held.Count, Refused = tally.Refused.Count, ApiCalls = tally.ApiCalls,
            },
            tally.Held, tally.Settled, tally.Refused, tally.Delivered, tally.LagMs, SchemaProblemsJson(schema),
            CancellationToken.None).ConfigureAwait(false);
        telemetry.Passed(sync.Id, kind, ok, tally);
        LogPass(logger, sync.Id, kind, tally.ToBitable, tally.ToDatabase, tally.Held.Count, tally.Refused.Count, tally.ApiCalls, ok ? "ok" : "error");

        switch (outcome)
        {
            case null:
                // Marks made after the pass read its own (it cleared only those it handled: new events, a "run now" while it ran)
                // start the next pass at once.
                var waiting = await store.DirtyAsync(sync.Id, cancellationToken).ConfigureAwait(false);
                var next = waiting.Count > 0 ? time.GetUtcNow() : time.GetUtcNow().AddSeconds(Math.Max(1, sync.IntervalSeconds));
                var payload = waiting.Any(d => d.RecordId == BitableSyncStore.WakeMark && d.Action == BitableSyncStore.WakeFull) ? FullPayload : null;
                return WorkOutcome<WorkItemRow>.Defer(next, also: s => s.SetProperty(w => w.Payload, payload));
            case { Exception: FeishuApiException { RetryAfter: { } wait } }:
                return WorkOutcome<WorkItemRow>.Defer(time.GetUtcNow() + wait, outcome.Message);
            case { Retry: false }:
                // A definition that no longer fits the schemas: tried again on the interval, so a fix takes effect by itself.
                return WorkOutcome<WorkItemRow>.Defer(time.GetUtcNow().AddSeconds(Math.Max(1, sync.IntervalSeconds)), outcome.Message);
            default:
                throw new BitableSyncPassException(outcome.Message, outcome.Exception);
        }
    }

    /// <summary>
    /// Once the pass's outcome is stored: a mark made between the pass's last look and now (a "run now", an event) found the
    /// item still in progress and could not wake it; it is woken here, so no request waits for the interval.
    /// </summary>
    public async Task OnRecordedAsync(WorkItemRow item, WorkOutcome<WorkItemRow> outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Kind == WorkOutcomeKind.Defer && outcome.At > time.GetUtcNow()
            && await store.DirtyAsync(item.Key, cancellationToken).ConfigureAwait(false) is { Count: > 0 } marks)
        {
            await store.WakeAsync(item.Key, full: marks.Any(m => m.Action == BitableSyncStore.WakeFull), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<(PassTally Tally, SyncSchema? Schema, PassFailure? Failure, bool Full)> RunPassAsync(BitableSyncRow sync, bool full, CancellationToken cancellationToken)
    {
        SyncDatabase database;
        try
        {
            // Checked every pass, so a row stored by an older version (kind hub, a Hub table) fails here with what to change.
            database = databases.For(sync);
        }
        catch (SyncConfigurationException ex)
        {
            return (new PassTally(), null, new PassFailure(ex.Message, ex, Retry: false), full);
        }

        var marks = await store.DirtyAsync(sync.Id, cancellationToken).ConfigureAwait(false);
        var dirty = marks.Where(d => d.RecordId != BitableSyncStore.WakeMark).ToList();

        // The marks read here are cleared when the pass ends: a "run a full diff" among them (asked after the item was
        // claimed) makes this pass the full one, or it would be lost.
        full |= marks.Any(d => d.RecordId == BitableSyncStore.WakeMark && d.Action == BitableSyncStore.WakeFull);
        var conflicts = await store.ConflictsAsync(sync.Id, cancellationToken).ConfigureAwait(false);
        var deadLetters = await store.DeadLettersAsync(sync.Id, cancellationToken).ConfigureAwait(false);
        var client = await apps.GetClientAsync(sync.App, cancellationToken).ConfigureAwait(false);
        var pass = new SyncPass(
            sync, SyncMapping.FromJson(sync.MappingJson), database, client,
            (emails, ct) => people.PrefetchAsync(sync.App, emails, ct), files, dirty, conflicts, deadLetters, time);
        try
        {
            await pass.RunAsync(full, cancellationToken).ConfigureAwait(false);
            await store.ClearDirtyAsync(sync.Id, marks, cancellationToken).ConfigureAwait(false);
            return (pass.Tally, pass.Schema, null, full);
        }
        catch (SyncConfigurationException ex)
        {
            return (pass.Tally, pass.Schema, new PassFailure(ex.Message, ex, Retry: false), full);
        }
        catch (FeishuApiException ex) when (!ex.IsTransient && ex.RetryAfter is null)
        {
            return (pass.Tally, pass.Schema, new PassFailure($"Feishu refused the pass: code {ex.Code}, {ex.ErrorMessage} (log id {ex.RequestId}).", ex, Retry: false), full);
        }
        catch (Exception ex) when (ex is FeishuApiException or HttpRequestException)
        {
            return (pass.Tally, pass.Schema, new PassFailure(QueueErrors.Describe(ex), ex, Retry: true), full);
        }
        catch (Exception ex) when (SyncDatabaseErrors.IsDatabaseFailure(ex))
        {
            // The provider's message may name the host, the user or the whole connection string: never stored or logged.
            return (pass.Tally, pass.Schema, new PassFailure(SyncDatabaseErrors.Describe(ex), null, Retry: true), full);
        }
    }

    private static string? SchemaProblemsJson(SyncSchema? schema) => schema is { Problems.Count: > 0 }
        ? System.Text.Json.JsonSerializer.Serialize(schema.Problems.ToList(), SyncMappingJsonContext.Default.ListSchemaProblem)
        : null;

    private sealed record PassFailure(string Message, Exception? Exception, bool Retry);

    [LoggerMessage(EventId = LogEvents.BitableSyncPassed, Level = LogLevel.Information, Message = "Bitable sync {SyncId}: {Kind} pass wrote {ToBitable} records and {ToDatabase} rows; {Conflicts} conflicts held, {Refused} rows refused, {ApiCalls} API calls; {Outcome}.")]
    private static partial void LogPass(ILogger logger, string syncId, string kind, int toBitable, int toDatabase, int conflicts, int refused, int apiCalls, string outcome);
}

/// <summary>A pass that failed for a reason that may pass (Feishu busy, the database unreachable); the queue retries it.</summary>
internal sealed class BitableSyncPassException(string message, Exception? inner) : Exception(message, inner);
