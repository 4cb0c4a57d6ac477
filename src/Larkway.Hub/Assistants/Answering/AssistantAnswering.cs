using Larkway.Hub.Platform.Units;
using System.Text;
using System.Text.Json;
using Larkway.Channels.Backends;
using Larkway.Channels.Masking;
using Larkway.Hub.Assistants.Replies;
using Larkway.Hub.Assistants.Routing;
using Larkway.Hub.Assistants.Storage;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.DataProtection;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Assistants.Answering;

/// <summary>
/// The <c>assistant-replies</c> queue's handler: answers one turn. Turns of a conversation go one at a time, in order.
/// The question is masked toward the backend, the answer streamed to the platform with placeholders restored and then
/// masked toward the platform (every update, a number still being written held back until it is complete), and the
/// reply always ends — answered with feedback buttons, stopped, or failed with a notice naming what happened and a retry
/// button. A turn found answering (its Hub stopped mid-answer) is never answered again: its reply is closed as
/// interrupted.
/// </summary>
internal sealed partial class AssistantAnswering(
    AssistantRuntime runtime,
    AssistantSessions sessions,
    PlatformPieces<IAssistantReplies> platforms,
    IDbContextFactory<HubDbContext> contexts,
    Inbox.InboxStore inbox,
    HubSecretProtector protector,
    IOptions<AssistantOptions> options,
    AssistantTelemetry telemetry,
    Attachments.AssistantAttachments attachments,
    Context.AssistantContexts linked,
    TimeProvider time,
    ILogger<AssistantAnswering> logger) : IWorkHandler<AssistantTurnRow>
{
    /// <summary>The queue's name.</summary>
    public const string QueueName = "assistant-replies";

    // A closing card may wait for its app's next minute of CardKit budget.
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(120);

    /// <inheritdoc />
    public async Task<WorkOutcome<AssistantTurnRow>> HandleAsync(AssistantTurnRow turn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turn);
        if (AssistantTurnStatus.IsTerminal(turn.Status))
        {
            return WorkOutcome<AssistantTurnRow>.Done();
        }

        var loaded = await runtime.ByNameAsync(turn.Assistant, cancellationToken).ConfigureAwait(false);
        if (loaded is null || platforms.Find(turn.Platform) is not { } replies)
        {
            return WorkOutcome<AssistantTurnRow>.DeadLetter(
                loaded is null ? "The assistant was deleted before it answered." : $"No replies for platform '{turn.Platform}'.",
                s => s.SetProperty(t => t.Status, AssistantTurnStatus.Failed).SetProperty(t => t.FinishedAt, time.GetUtcNow()));
        }

        var target = new AssistantReplyTarget(
            loaded.Definition, turn.Id, turn.App, turn.ConversationId, turn.ConversationKind, turn.ThreadId, turn.MessageId, turn.SenderId,
            turn.ReplyContext is { } context ? protector.Unprotect(context) : null);

        // A reply that showed nothing yet and repeats nothing when sent again is simply answered again.
        if (turn.Status == AssistantTurnStatus.Answering && turn.ReplyHandle is { } handle && !replies.AnswersAgainAfterInterruption(target))
        {
            return await CloseInterruptedAsync(turn, loaded, replies, target, handle, cancellationToken).ConfigureAwait(false);
        }

        if (await WaitsForArrivalsAsync(turn, cancellationToken).ConfigureAwait(false) || await WaitsInLaneAsync(turn, cancellationToken).ConfigureAwait(false))
        {
            return WorkOutcome<AssistantTurnRow>.Defer(time.GetUtcNow() + options.Value.LaneWait);
        }

        if (turn.StopRequested)
        {
            // Stopped before it started: nothing was shown, nothing is sent.
            return Ended(turn, AssistantTurnStatus.Stopped, null, null, 0);
        }

        return await AnswerAsync(turn, loaded, replies, target, cancellationToken).ConfigureAwait(false);
    }

    private async Task<WorkOutcome<AssistantTurnRow>> AnswerAsync(
        AssistantTurnRow turn, LoadedAssistant loaded, IAssistantReplies replies, AssistantReplyTarget target, CancellationToken cancellationToken)
    {
        var assistant = loaded.Definition;
        IAssistantReplyWriter writer;
        try
        {
            writer = await replies.OpenAsync(target, cancellationToken).ConfigureAwait(false);
        }
        catch (AssistantReplyUnavailableException ex)
        {
            // Another replica holds what the reply needs (a WeCom AI bot's connection): it claims the turn in turn.
            return WorkOutcome<AssistantTurnRow>.Defer(time.GetUtcNow() + options.Value.LaneWait, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogOpenFailed(logger, ex, assistant.Name, turn.Id, turn.Platform);
            var retryAt = options.Value.Retry.NextAttempt(time.GetUtcNow(), turn.Attempts);
            if (retryAt is null)
            {
                return WorkOutcome<AssistantTurnRow>.DeadLetter(
                    $"The {turn.Platform} reply could not be opened: {ex.GetType().Name}.",
                    s => s.SetProperty(t => t.Status, AssistantTurnStatus.Failed).SetProperty(t => t.FinishedAt, time.GetUtcNow()));
            }

            return WorkOutcome<AssistantTurnRow>.Retry(retryAt.Value, $"The {turn.Platform} reply could not be opened: {ex.GetType().Name}.");
        }

        await using (writer.ConfigureAwait(false))
        {
            await MarkAnsweringAsync(turn.Id, writer, cancellationToken).ConfigureAwait(false);
            var run = new AnswerRun(turn, loaded, writer, replies.MaskedLiteralFor(target), replies.OffersRegenerate(target));
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using (Watch(run, stop))
            {
                try
                {
                    await StreamAsync(run, stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (run.StopRequested && !cancellationToken.IsCancellationRequested)
                {
                    run.Status = AssistantTurnStatus.Stopped;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    // The Hub is stopping: close the reply now rather than leave it for the next process.
                    run.Status = AssistantTurnStatus.Interrupted;
                }
            }

            if (run.Status == AssistantTurnStatus.Stopped && run.TaskId is { } taskId)
            {
                await StopBackendAsync(loaded, taskId, run.User).ConfigureAwait(false);
            }

            var text = run.Shown.ToString();

            // Everything is released at the end, masked toward the platform whole.
            var shown = run.ToPlatform.Complete(text);
            var end = run.Status switch
            {
                AssistantTurnStatus.Answered => new AssistantReplyEnd(AssistantReplyEndKind.Answered, shown),
                AssistantTurnStatus.Stopped => new AssistantReplyEnd(AssistantReplyEndKind.Stopped, shown, "Stopped."),
                AssistantTurnStatus.Interrupted => new AssistantReplyEnd(AssistantReplyEndKind.Failed, shown, AssistantReplyEnd.InterruptedNotice),
                _ => new AssistantReplyEnd(AssistantReplyEndKind.Failed, shown,
                    run.FailureNotice ?? FailureNotice(assistant.DisplayName, run.FailureKind, cutOff: !string.IsNullOrWhiteSpace(text), reached: run.Reached, regenerate: run.Regenerate)),
            };
            using (var closing = new CancellationTokenSource(CloseTimeout))
            {
                try
                {
                    await writer.FinishAsync(end, closing.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || closing.IsCancellationRequested)
                {
                    LogFinishFailed(logger, ex, assistant.Name, turn.Id, turn.Platform);
                }
            }

            if (run.Status == AssistantTurnStatus.Answered && turn.SessionId is { } sessionId)
            {
                await sessions.TouchAsync(sessionId, run.ConversationId, NextHistory(run), TimeSpan.FromHours(assistant.Sessions.TtlHours), CancellationToken.None).ConfigureAwait(false);
            }

            var stored = loaded.Masker.Mask(text, MaskingDirection.ToStorage).Text;
            return Ended(turn, run.Status, run.FailureKind?.ToString(), stored, writer.Updates, run);
        }
    }

    /// <summary>Streams the backend's answer into the writer; sets the run's status.</summary>
    private async Task StreamAsync(AnswerRun run, CancellationToken cancellationToken)
    {
        var turn = run.Turn;
        var assistant = run.Loaded.Definition;
        var raw = turn.Placeholders is { } stored ? Unmask(turn.Question, PlaceholderPairs.Read(protector.Unprotect(stored))) : turn.Question;
        var context = await linked.ReadAsync(
            new Context.AssistantContextQuestion(assistant.Name, turn.Platform, turn.App, turn.PersonId, raw, options.Value.LinkedDocumentChars), cancellationToken).ConfigureAwait(false);
        if (context.Notes.Count > 0)
        {
            // Why a link was not read comes first; with nothing read, it is the whole answer and the backend is not asked.
            run.Shown.Append(string.Join("\n", context.Notes));
            Show(run);
            if (context.Documents.Count == 0)
            {
                run.Status = AssistantTurnStatus.Answered;
                return;
            }

            run.Shown.Append("\n\n");
        }

        // The documents are masked toward the backend with the question, under one placeholder map.
        var map = new PlaceholderMap();
        var masked = run.Loaded.Masker.Mask(raw, MaskingDirection.ToBackend, map);
        map = masked.Placeholders ?? map;
        var sent = context.Documents.Count == 0 ? masked : run.Loaded.Masker.Mask(Context.AssistantContexts.WithDocuments(raw, context.Documents), MaskingDirection.ToBackend, map);
        map = sent.Placeholders ?? map;
        var restorer = map.CreateRestorer();
        var session = turn.SessionId is { } id ? await SessionAsync(id, cancellationToken).ConfigureAwait(false) : null;
        run.Question = masked.Text;
        run.History = session?.History;
        IReadOnlyList<AssistantFile> files = [];
        if (turn.Attachments is { } attached)
        {
            try
            {
                files = await attachments.FetchAsync(turn.Platform, turn.App, turn.MessageId, protector.Unprotect(attached), cancellationToken).ConfigureAwait(false);
            }
            catch (Attachments.AssistantAttachmentException ex)
            {
                run.Status = AssistantTurnStatus.Failed;
                run.FailureKind = ex.Transient ? AssistantFailureKind.Unavailable : AssistantFailureKind.FileRefused;
                run.FailureNotice = $"{assistant.DisplayName} could not read what you sent: {ex.Message} "
                    + (ex.Transient ? TryAgain(run.Regenerate) : "Send something smaller, or ask in words.");
                LogAttachmentFailed(logger, assistant.Name, turn.Id, turn.Platform, ex.Transient);
                return;
            }
        }

        var request = new AssistantRequest(sent.Text, run.User)
        {
            Files = files,
            ConversationId = session?.BackendConversationId,
            SystemPrompt = assistant.SystemPrompt,
            History = ReadHistory(session?.History),
        };

        await foreach (var update in run.Loaded.Backend.StreamAsync(request, cancellationToken).ConfigureAwait(false))
        {
            // Anything but a failure, or a failure with a status, says the service was reached: its error is not "could not reach".
            run.Reached |= update is not AssistantFailure { HttpStatus: null };
            switch (update)
            {
                case AssistantAnswerStarted started:
                    run.TaskId = started.TaskId ?? run.TaskId;
                    run.ConversationId = started.ConversationId ?? run.ConversationId;
                    run.MessageId = started.MessageId ?? run.MessageId;
                    break;
                case AssistantTextDelta delta:
                    run.BackendText.Append(delta.Text);
                    run.Shown.Append(restorer.Push(delta.Text));
                    Show(run);
                    break;
                case AssistantAnswerReplaced replaced:
                    run.BackendText.Clear().Append(replaced.Text);
                    restorer.Reset();
                    run.Shown.Clear().Append(map.Restore(replaced.Text));
                    Show(run);
                    break;
                case AssistantThought thought when run.Shown.Length == 0:
                    // Agent steps show compactly until the answer itself starts; a tool's name is the backend's text, masked.
                    run.Writer.Show(AgentStepLine.Shown(thought, run.ToPlatform));
                    break;
                case AssistantAnswerFile { Url: { Length: > 0 } url } file:
                    run.Shown.Append(restorer.Flush()).Append($"\n\n[{file.Type}]({url})");
                    Show(run);
                    break;
                case AssistantAnswerEnd end:
                    run.ConversationId = end.ConversationId ?? run.ConversationId;
                    run.MessageId = end.MessageId ?? run.MessageId;
                    run.Status = AssistantTurnStatus.Answered;
                    break;
                case AssistantFailure failure:
                    run.FailureKind = failure.Kind;
                    run.Status = AssistantTurnStatus.Failed;
                    LogBackendFailed(logger, assistant.Name, turn.Id, failure.Kind, failure.Code, failure.HttpStatus);
                    break;
            }
        }

        run.Shown.Append(restorer.Flush());
        if (run.Status == AssistantTurnStatus.Answering)
        {
            // A stream that ended without its end event.
            run.Status = AssistantTurnStatus.Failed;
            run.FailureKind = AssistantFailureKind.Unavailable;
        }
    }

    private void Show(AnswerRun run)
    {
        if (run.Shown.Length == 0)
        {
            return;
        }

        // The platform gets the masked part that is safe to show: a number still being written waits for its end.
        var text = run.Shown.ToString();
        var visible = run.ToPlatform.Visible(text);
        if (visible.Length == 0)
        {
            return;
        }

        if (run.FirstTextAt is null)
        {
            run.FirstTextAt = time.GetUtcNow();
            telemetry.FirstText(run.Loaded.Definition.Name, run.Turn.Platform, run.FirstTextAt.Value - run.Turn.ReceivedAt);
        }

        run.LastShown = text;
        run.Writer.Show(visible);
    }

    private async Task StopBackendAsync(LoadedAssistant loaded, string taskId, string user)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await loaded.Backend.StopAsync(taskId, user, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AssistantBackendException or HttpRequestException or OperationCanceledException)
        {
            // The answer was already cut on our side; the backend finishes it unseen.
        }
    }

    private async Task<WorkOutcome<AssistantTurnRow>> CloseInterruptedAsync(
        AssistantTurnRow turn, LoadedAssistant loaded, IAssistantReplies replies, AssistantReplyTarget target, string handle, CancellationToken cancellationToken)
    {
        try
        {
            // The checkpoint is stored masked for storage; masked toward the platform as well, like every text an answer shows.
            var shown = turn.Answer is { } answer ? loaded.Masker.Mask(answer, MaskingDirection.ToPlatform).Text : null;
            await replies.CloseInterruptedAsync(target, handle, shown, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var retryAt = options.Value.Retry.NextAttempt(time.GetUtcNow(), turn.Attempts);
            LogCloseFailed(logger, ex, turn.Assistant, turn.Id, turn.Platform);
            if (retryAt is { } at)
            {
                return WorkOutcome<AssistantTurnRow>.Retry(at, $"Closing the interrupted reply failed: {ex.GetType().Name}.");
            }
        }

        LogInterrupted(logger, turn.Assistant, turn.Id, turn.Platform);
        return Ended(turn, AssistantTurnStatus.Interrupted, null, turn.Answer, turn.Updates);
    }

    private WorkOutcome<AssistantTurnRow> Ended(AssistantTurnRow turn, string status, string? failureKind, string? answer, int updates, AnswerRun? run = null)
    {
        var now = time.GetUtcNow();
        telemetry.Ended(turn.Assistant, turn.Platform, status, failureKind, now - turn.ReceivedAt, updates);
        return WorkOutcome<AssistantTurnRow>.Done(s =>
        {
            s.SetProperty(t => t.Status, status)
                .SetProperty(t => t.FailureKind, failureKind)
                .SetProperty(t => t.Answer, answer)
                .SetProperty(t => t.Updates, updates)
                .SetProperty(t => t.FinishedAt, now)
                .SetProperty(t => t.ReplyContext, (string?)null);

            // What this process learned while answering; a turn closed without answering keeps what was stored.
            if (run is not null)
            {
                s.SetProperty(t => t.FirstTokenAt, run.FirstTextAt)
                    .SetProperty(t => t.BackendConversationId, run.ConversationId)
                    .SetProperty(t => t.BackendTaskId, run.TaskId)
                    .SetProperty(t => t.BackendMessageId, run.MessageId);
            }
        });
    }

    /// <summary>
    /// Whether an event of this question's conversation that the inbox received before it is still unread: it may be an
    /// earlier question of the same conversation that a concurrent handler has not stored yet, which must go first. Only
    /// the question's own lane counts (<see cref="Inbox.InboxLane"/>): another conversation, another app, or an event that
    /// is retrying or dead never holds it. Waited for only while the question is young
    /// (<see cref="AssistantOptions.ArrivalWait"/>), so even a stuck event of its own conversation delays it but never holds it.
    /// </summary>
    private async Task<bool> WaitsForArrivalsAsync(AssistantTurnRow turn, CancellationToken cancellationToken)
    {
        var wait = options.Value.ArrivalWait;
        return turn.InboxEventId is { } eventId
            && wait > TimeSpan.Zero
            && time.GetUtcNow() - turn.ReceivedAt < wait
            && await inbox.HasEarlierUnreadInLaneAsync(eventId, turn.ReceivedAt - wait, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether a turn of the lane sent before this one has not ended: replies in one conversation never interleave, and go in
    /// the order they were sent. Two sent at the same instant (WeCom stamps messages to the second) go in the order the inbox
    /// received them, never in the order concurrent handlers happened to store them. A turn stuck behind one that cannot
    /// end (its assistant deleted) still ends: dead letters count as ended.
    /// </summary>
    private async Task<bool> WaitsInLaneAsync(AssistantTurnRow turn, CancellationToken cancellationToken)
    {
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var open = db.AssistantTurns.Where(t => t.Lane == turn.Lane && t.Id != turn.Id && t.State != WorkState.DeadLetter
                && (t.Status == AssistantTurnStatus.Queued || t.Status == AssistantTurnStatus.Answering));
            var sentAt = turn.SentAt;
            var earlier = turn.InboxEventId is { } eventId
                ? open.Where(t => t.SentAt < sentAt || (t.SentAt == sentAt
                    && (t.InboxEventId == null ? t.Id < turn.Id : t.InboxEventId < eventId || (t.InboxEventId == eventId && t.Id < turn.Id))))
                : open.Where(t => t.SentAt < sentAt || (t.SentAt == sentAt && t.Id < turn.Id));
            return await earlier.AnyAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task MarkAnsweringAsync(long turnId, IAssistantReplyWriter writer, CancellationToken cancellationToken)
    {
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var now = time.GetUtcNow();
            await db.AssistantTurns.Where(t => t.Id == turnId).ExecuteUpdateAsync(
                s => s.SetProperty(t => t.Status, AssistantTurnStatus.Answering)
                    .SetProperty(t => t.StartedAt, now)
                    .SetProperty(t => t.ReplyHandle, writer.Handle)
                    .SetProperty(t => t.ReplyMessageId, writer.MessageId),
                cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<AssistantSessionRow?> SessionAsync(long id, CancellationToken cancellationToken)
    {
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.AssistantSessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The stored question with its values back in place (to be masked again with the assistant's current rules).</summary>
    private static string Unmask(string question, IReadOnlyDictionary<string, string> pairs)
    {
        var text = question;
        foreach (var (placeholder, value) in pairs.OrderByDescending(p => p.Key.Length))
        {
            text = text.Replace(placeholder, value, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>The history an OpenAI-compatible backend gets next time: this question and answer as the backend saw them, bounded.</summary>
    private static string? NextHistory(AnswerRun run)
    {
        if (run.Loaded.Definition.Backend != Configuration.AssistantPolicyValues.OpenAi)
        {
            return null;
        }

        var turns = ReadHistory(run.History).Select(t => new HistoryEntry(t.Role == AssistantTurnRole.User ? "user" : "assistant", t.Text)).ToList();
        turns.Add(new HistoryEntry("user", run.Question));
        turns.Add(new HistoryEntry("assistant", run.BackendText.ToString()));
        var keep = Math.Max(0, run.Loaded.Definition.Sessions.HistoryTurns) * 2;
        return JsonSerializer.Serialize(turns.Skip(Math.Max(0, turns.Count - keep)).ToList(), AssistantAnsweringJson.Default.ListHistoryEntry);
    }

    private static IReadOnlyList<AssistantTurn> ReadHistory(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return [];
        }

        var entries = JsonSerializer.Deserialize(json, AssistantAnsweringJson.Default.ListHistoryEntry) ?? [];
        return [.. entries.Select(e => new AssistantTurn(e.Role == "user" ? AssistantTurnRole.User : AssistantTurnRole.Assistant, e.Text))];
    }

    /// <summary>
    /// What the user reads when the backend failed: what happened, and what to do. Before any text, what kept the answer
    /// from starting (<paramref name="reached"/>: the service answered, with an error, rather than not at all); after some
    /// (<paramref name="cutOff"/>), that the text above it — which stays — was cut off, and by what.
    /// </summary>
    /// <remarks><paramref name="regenerate"/>: the reply offers a Regenerate button; without one the notice says to ask again.</remarks>
    internal static string FailureNotice(string assistant, AssistantFailureKind? kind, bool cutOff = false, bool reached = false, bool regenerate = true) => cutOff
        ? kind switch
        {
            AssistantFailureKind.Timeout => $"The answer was cut off: {assistant}'s AI service took too long to finish it. {TryAgain(regenerate)}",
            AssistantFailureKind.RateLimited => $"The answer was cut off: {assistant}'s AI service is answering many questions right now. Wait a minute, then {AskAgain(regenerate)}.",
            AssistantFailureKind.Refused => $"The answer was cut off: {assistant}'s AI service refused to go on; an administrator should check its settings. {TryAgain(regenerate)}",
            AssistantFailureKind.ContentFiltered => $"The answer was cut off: {assistant}'s AI service declined to go on with it.",
            AssistantFailureKind.ConversationNotFound => "The answer was cut off: this conversation could not be continued. Send /new, then ask again.",
            AssistantFailureKind.FileRefused => $"The answer was cut off: {assistant}'s AI service did not take the file you sent. Ask in words, or send another file.",
            _ => $"The answer was cut off by an error of {assistant}'s AI service. {TryAgain(regenerate)}",
        }
        : kind switch
        {
            AssistantFailureKind.Timeout => $"{assistant}'s AI service took too long to answer. {TryAgain(regenerate)}",
            AssistantFailureKind.RateLimited => $"{assistant} is answering many questions right now. Wait a minute, then {AskAgain(regenerate)}.",
            AssistantFailureKind.Refused => $"{assistant}'s AI service refused the request; an administrator should check its settings. {TryAgain(regenerate)}",
            AssistantFailureKind.ContentFiltered => $"{assistant}'s AI service declined to answer this question.",
            AssistantFailureKind.ConversationNotFound => "This conversation could not be continued. Send /new, then ask again.",
            AssistantFailureKind.FileRefused => $"{assistant}'s AI service did not take the file you sent: it may be too large, or a type it does not read. Ask in words, or send another file.",
            _ when reached => $"{assistant}'s AI service failed with an error before answering. {TryAgain(regenerate)}",
            _ => $"{assistant} could not reach its AI service just now. {TryAgain(regenerate)}",
        };

    /// <summary>How a failure notice ends: press the reply's Regenerate button, or — where the platform shows none — ask again.</summary>
    internal static string TryAgain(bool regenerate) => regenerate ? "Press Regenerate to try again." : "Send your question again to try again.";

    private static string AskAgain(bool regenerate) => regenerate ? "press Regenerate" : "ask again";

    [LoggerMessage(EventId = LogEvents.AssistantReplyOpenFailed, Level = LogLevel.Warning, Message = "Assistant {Assistant}: the {Platform} reply of turn {TurnId} could not be opened; retried")]
    private static partial void LogOpenFailed(ILogger logger, Exception exception, string assistant, long turnId, string platform);

    [LoggerMessage(EventId = LogEvents.AssistantReplyFinishFailed, Level = LogLevel.Warning, Message = "Assistant {Assistant}: the {Platform} reply of turn {TurnId} could not be finished")]
    private static partial void LogFinishFailed(ILogger logger, Exception exception, string assistant, long turnId, string platform);

    [LoggerMessage(EventId = LogEvents.AssistantBackendFailed, Level = LogLevel.Warning, Message = "Assistant {Assistant}: the backend failed turn {TurnId}: {Kind} ({Code}, HTTP {Status}); the user was told, with a retry button")]
    private static partial void LogBackendFailed(ILogger logger, string assistant, long turnId, AssistantFailureKind kind, string code, int? status);

    [LoggerMessage(EventId = LogEvents.AssistantAttachmentFailed, Level = LogLevel.Warning, Message = "Assistant {Assistant}: the attachments of turn {TurnId} could not be fetched from {Platform} (transient: {Transient}); the user was told")]
    private static partial void LogAttachmentFailed(ILogger logger, string assistant, long turnId, string platform, bool transient);

    [LoggerMessage(EventId = LogEvents.AssistantReplyInterrupted, Level = LogLevel.Warning, Message = "Assistant {Assistant}: turn {TurnId} was answering when its Hub stopped; its {Platform} reply was closed as interrupted, not answered again")]
    private static partial void LogInterrupted(ILogger logger, string assistant, long turnId, string platform);

    [LoggerMessage(EventId = LogEvents.AssistantReplyCloseFailed, Level = LogLevel.Warning, Message = "Assistant {Assistant}: closing the interrupted {Platform} reply of turn {TurnId} failed")]
    private static partial void LogCloseFailed(ILogger logger, Exception exception, string assistant, long turnId, string platform);

    [LoggerMessage(EventId = LogEvents.AssistantStopCheckFailed, Level = LogLevel.Debug, Message = "Checking {Count} answers in progress for /stop failed; they go on")]
    private static partial void LogStopCheckFailed(ILogger logger, Exception exception, int count);

    /// <summary>One answer in progress; <paramref name="maskedLiteral"/> is how its platform's markdown shows a masked value as written.</summary>
    private sealed class AnswerRun(AssistantTurnRow turn, LoadedAssistant loaded, IAssistantReplyWriter writer, ReplacementLiteral maskedLiteral, bool regenerate)
    {
        public AssistantTurnRow Turn => turn;

        /// <summary>Whether the reply offers a Regenerate button when it fails (<see cref="IAssistantReplies.OffersRegenerate"/>).</summary>
        public bool Regenerate => regenerate;

        public LoadedAssistant Loaded => loaded;

        public IAssistantReplyWriter Writer => writer;

        /// <summary>
        /// What the platform may show of the answer so far: the assistant's <c>masking.to_platform</c>, a growing number held
        /// back, each masked value written so that the platform's markdown shows its stars as stars.
        /// </summary>
        public PiiStreamMasker ToPlatform { get; } = new(loaded.Masker, MaskingDirection.ToPlatform, maskedLiteral);

        /// <summary>The backend's user: the person, or the account of a guest as their session is keyed (Dify ties conversations to it).</summary>
        public string User { get; } = turn.PersonId ?? AssistantKeys.Guest(turn.Platform, turn.App, turn.SenderId);

        public StringBuilder Shown { get; } = new();

        public StringBuilder BackendText { get; } = new();

        public string Status { get; set; } = AssistantTurnStatus.Answering;

        public AssistantFailureKind? FailureKind { get; set; }

        /// <summary>What the user reads when the failure was ours to explain (an attachment), instead of the backend's notice.</summary>
        public string? FailureNotice { get; set; }

        /// <summary>Whether the backend answered at all (a stream event, or an error with a status) before it failed.</summary>
        public bool Reached { get; set; }

        public string? TaskId { get; set; }

        public string? ConversationId { get; set; }

        public string? MessageId { get; set; }

        public string Question { get; set; } = "";

        public string? History { get; set; }

        public DateTimeOffset? FirstTextAt { get; set; }

        private volatile string? _lastShown;

        /// <summary>The text last shown (read by the checkpoint).</summary>
        public string? LastShown
        {
            get => _lastShown;
            set => _lastShown = value;
        }

        private volatile bool _stopRequested;

        /// <summary>Cancels the answer when <c>/stop</c> asks (set while the watch looks after it).</summary>
        public CancellationTokenSource? Stop { get; set; }

        /// <summary>The text last checkpointed (only the watch touches it).</summary>
        public string? Checkpointed { get; set; }

        public bool StopRequested
        {
            get => _stopRequested;
            set => _stopRequested = value;
        }
    }
}

/// <summary>One prior message an OpenAI-compatible backend gets again.</summary>
internal sealed record HistoryEntry(string Role, string Text);

[System.Text.Json.Serialization.JsonSerializable(typeof(List<HistoryEntry>))]
internal sealed partial class AssistantAnsweringJson : System.Text.Json.Serialization.JsonSerializerContext;
