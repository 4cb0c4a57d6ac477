using Larkway.Channels.Backends.Dify.Knowledge;
using Larkway.Feishu;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Queue;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Feishu.Docs.Knowledge;

/// <summary>
/// The connected spaces' queue (<c>feishu.knowledge</c>): one item per sync, keyed by its id, so one pass of a sync runs
/// at a time on one replica. A pass of marks runs when events come in; a full pass runs first, then an interval after the
/// last full one, and heals what events missed. A pass ends by deferring the item to the next full pass (sooner when
/// marks wait); one that fails is retried on the queue's schedule, and the sync's last outcome says why.
/// </summary>
internal sealed partial class KnowledgeSyncRunner(
    KnowledgeSyncStore store,
    KnowledgeClients clients,
    IFeishuClientFactory apps,
    KnowledgeSyncTelemetry telemetry,
    TimeProvider time,
    ILogger<KnowledgeSyncRunner> logger) : IWorkHandler<WorkItemRow>, IWorkRecordedHandler<WorkItemRow>
{
    /// <summary>The queue's name.</summary>
    public const string QueueName = "feishu.knowledge";

    /// <summary>The payload that asks for a full pass (a new sync, an operator's "run a full pass").</summary>
    public const string FullPayload = "full";

    /// <summary>A pass's outcome when it ended well.</summary>
    public const string Ok = "ok";

    public async Task<WorkOutcome<WorkItemRow>> HandleAsync(WorkItemRow item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        var sync = await store.FindAsync(item.Key, cancellationToken).ConfigureAwait(false);
        if (sync is null || sync.State != KnowledgeSyncState.Active)
        {
            return WorkOutcome<WorkItemRow>.Done();
        }

        var marks = await store.MarksAsync(sync.Id, cancellationToken).ConfigureAwait(false);
        var full = item.Payload == FullPayload || sync.LastFullPassAt is null || NextFullAt(sync) <= time.GetUtcNow()
            || marks.Any(m => m.ObjToken == KnowledgeSyncStore.FullMark);
        var known = (await store.DocumentsAsync(sync.Id, cancellationToken).ConfigureAwait(false)).ToDictionary(d => d.ObjToken, StringComparer.Ordinal);
        var dify = clients.For(sync);
        DifyIndexing? indexing = null;
        var pass = new KnowledgePass(
            sync, await apps.GetClientAsync(sync.App, cancellationToken).ConfigureAwait(false), dify, store, () => indexing,
            (row, why) => LogNotPushed(logger, sync.Id, row.ObjToken, row.State, why),
            time);
        string? failure = null;
        Exception? error = null;
        try
        {
            // The key and the knowledge base first: a wrong key stops here, not at every document. A knowledge base
            // without documents has no indexing technique yet, and its first document must name one.
            var dataset = await dify.GetDatasetAsync(sync.DatasetId, cancellationToken).ConfigureAwait(false);
            indexing = dataset.IndexingTechnique is null ? DifyIndexing.HighQuality : null;
            if (full)
            {
                await pass.RunFullAsync(known, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await pass.RunMarksAsync(known, marks, cancellationToken).ConfigureAwait(false);
            }

            await store.ClearMarksAsync(sync.Id, marks, cancellationToken).ConfigureAwait(false);
        }
        catch (FeishuApiException ex)
        {
            (failure, error) = ($"Feishu refused the pass: code {ex.Code}, {ex.ErrorMessage}{Advice(ex.Code)} (log id {ex.RequestId}).", ex);
        }
        catch (DifyKnowledgeException ex)
        {
            (failure, error) = ($"Dify refused the pass ({ex.HttpStatus} {ex.Code}): {ex.Message}", ex);
        }
        catch (HttpRequestException ex)
        {
            (failure, error) = (QueueErrors.Describe(ex), ex);
        }

        var kind = full ? "full" : "marks";
        await store.RecordPassAsync(sync, full, failure, pass.Tally, CancellationToken.None).ConfigureAwait(false);
        telemetry.Passed(sync.Id, kind, failure is null, pass.Tally);
        LogPass(logger, sync.Id, kind, pass.Tally.Created, pass.Tally.Updated, pass.Tally.Deleted, pass.Tally.Unchanged, pass.Tally.NotPushed, failure ?? Ok);
        if (pass.Tally.NotSubscribed > 0)
        {
            LogNotSubscribed(logger, sync.Id, pass.Tally.NotSubscribed, pass.Tally.NotSubscribedCode);
        }
        return error switch
        {
            null => await NextAsync(sync, full, cancellationToken).ConfigureAwait(false),
            FeishuApiException { RetryAfter: { } wait } => WorkOutcome<WorkItemRow>.Defer(time.GetUtcNow() + wait, failure),
            DifyKnowledgeException { RetryAfter: { } wait } => WorkOutcome<WorkItemRow>.Defer(time.GetUtcNow() + wait, failure),

            // What only the administrator can fix (the space gone, the key wrong): tried again on the interval, so a fix takes effect by itself.
            FeishuApiException { IsTransient: false } or DifyKnowledgeException { Retryable: false } => WorkOutcome<WorkItemRow>.Defer(time.GetUtcNow().AddSeconds(Math.Max(1, sync.IntervalSeconds)), failure),
            _ => throw new KnowledgePassException(failure!, error),
        };
    }

    /// <summary>
    /// Once the pass's outcome is stored: a mark made while it ran found the item in progress and could not wake it; it is
    /// woken here, so no edit waits for the interval.
    /// </summary>
    public async Task OnRecordedAsync(WorkItemRow item, WorkOutcome<WorkItemRow> outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Kind == WorkOutcomeKind.Defer && outcome.At > time.GetUtcNow()
            && (await store.MarksAsync(item.Key, cancellationToken).ConfigureAwait(false)).Count > 0)
        {
            await store.WakeAsync(item.Key, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<WorkOutcome<WorkItemRow>> NextAsync(KnowledgeSyncRow sync, bool full, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var nextFull = full ? now.AddSeconds(Math.Max(1, sync.IntervalSeconds)) : NextFullAt(sync);
        var waiting = await store.MarksAsync(sync.Id, cancellationToken).ConfigureAwait(false);
        var next = waiting.Count > 0 ? now : nextFull;
        return WorkOutcome<WorkItemRow>.Defer(next, also: s => s.SetProperty(w => w.Payload, (string?)null));
    }

    private static DateTimeOffset NextFullAt(KnowledgeSyncRow sync) => (sync.LastFullPassAt ?? DateTimeOffset.MinValue).AddSeconds(Math.Max(1, sync.IntervalSeconds));

    private static string Advice(int code) => Larkway.Feishu.Docs.FeishuDocsErrors.WhatToDo(code) is { } advice ? ": " + advice : "";

    [LoggerMessage(EventId = LogEvents.KnowledgeSyncPassed, Level = LogLevel.Information, Message = "Knowledge sync {SyncId}: {Kind} pass created {Created}, updated {Updated} and deleted {Deleted} documents in the knowledge base; {Unchanged} unchanged, {NotPushed} kept out; {Outcome}.")]
    private static partial void LogPass(ILogger logger, string syncId, string kind, int created, int updated, int deleted, int unchanged, int notPushed, string outcome);

    [LoggerMessage(EventId = LogEvents.KnowledgeDocumentNotPushed, Level = LogLevel.Warning, Message = "Knowledge sync {SyncId}: document {ObjToken} is kept out of the knowledge base ({State}): {Why}")]
    private static partial void LogNotPushed(ILogger logger, string syncId, string objToken, KnowledgeDocumentState state, string why);

    [LoggerMessage(EventId = LogEvents.KnowledgeSubscribeFailed, Level = LogLevel.Warning, Message = "Knowledge sync {SyncId}: Feishu refused to send the edit events of {Count} documents (code {Code}: only a document's owner or manager may subscribe); their edits reach the knowledge base with the next full pass. Make the app an admin of the wiki space for edits within seconds.")]
    private static partial void LogNotSubscribed(ILogger logger, string syncId, int count, int code);
}

/// <summary>A pass that failed for a reason that may pass (Feishu or Dify busy or unreachable); the queue retries it.</summary>
internal sealed class KnowledgePassException(string message, Exception? inner) : Exception(message, inner);
