using System.Collections.Concurrent;
using Larkway.Channels.Masking;
using Larkway.Hub.Assistants.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Assistants.Answering;

/// <summary>
/// The watch over the answers this process is writing: every <see cref="AssistantOptions.StopCheckInterval"/>, one query
/// finds those <c>/stop</c> asked to stop, and each answer's text shown since the last look is checkpointed (so that a Hub
/// killed then leaves a reply the next one can close with it). One loop for all answers, not one per answer: a hundred
/// answers at once cost one query a second, not a hundred.
/// </summary>
internal sealed partial class AssistantAnswering
{
    private readonly ConcurrentDictionary<long, AnswerRun> _running = new();
    private readonly Lock _watchGate = new();
    private Task? _watch;

    /// <summary>Has the watch look after <paramref name="run"/> until the returned scope is disposed; <paramref name="stop"/> is cancelled on <c>/stop</c>.</summary>
    private WatchScope Watch(AnswerRun run, CancellationTokenSource stop)
    {
        run.Stop = stop;
        lock (_watchGate)
        {
            _running[run.Turn.Id] = run;
            _watch ??= Task.Run(WatchRunningAsync);
        }

        return new WatchScope(this, run);
    }

    private async Task WatchRunningAsync()
    {
        while (true)
        {
            await Task.Delay(options.Value.StopCheckInterval, time).ConfigureAwait(false);
            AnswerRun[] runs;
            lock (_watchGate)
            {
                if (_running.IsEmpty)
                {
                    // The next answer starts the loop again.
                    _watch = null;
                    return;
                }

                runs = [.. _running.Values];
            }

            try
            {
                await LookAsync(runs).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // A busy database only delays /stop (and the checkpoint) to the next look, or until the answer ends by
                // itself; nothing may end the loop while answers depend on it.
                LogStopCheckFailed(logger, ex, runs.Length);
            }
        }
    }

    private async Task LookAsync(AnswerRun[] runs)
    {
        var ids = runs.Select(r => r.Turn.Id).ToArray();
        var db = await contexts.CreateDbContextAsync().ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var stopped = (await db.AssistantTurns.Where(t => ids.Contains(t.Id) && t.StopRequested).Select(t => t.Id).ToListAsync().ConfigureAwait(false)).ToHashSet();
            foreach (var run in runs)
            {
                if (stopped.Contains(run.Turn.Id))
                {
                    run.StopRequested = true;
                    CancelQuietly(run.Stop);
                    continue;
                }

                if (run.LastShown is { } shown && !ReferenceEquals(shown, run.Checkpointed))
                {
                    // Only while it is answering: a checkpoint never lands on top of the answer's end.
                    var stored = run.Loaded.Masker.Mask(shown, MaskingDirection.ToStorage).Text;
                    var turnId = run.Turn.Id;
                    await db.AssistantTurns.Where(t => t.Id == turnId && t.Status == AssistantTurnStatus.Answering)
                        .ExecuteUpdateAsync(s => s.SetProperty(t => t.Answer, stored)).ConfigureAwait(false);
                    run.Checkpointed = shown;
                }
            }
        }
    }

    private static void CancelQuietly(CancellationTokenSource? stop)
    {
        try
        {
            // Not awaited: the answer's own cancellation work runs on its side, not in the watch.
            _ = stop?.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // The answer ended as the watch looked.
        }
    }

    /// <summary>Ends the watch over one answer.</summary>
    private readonly struct WatchScope(AssistantAnswering owner, AnswerRun run) : IDisposable
    {
        public void Dispose() => owner._running.TryRemove(run.Turn.Id, out _);
    }
}
