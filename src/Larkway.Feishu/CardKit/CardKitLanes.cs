using System.Collections.Concurrent;

namespace Larkway.Feishu.CardKit;

/// <summary>
/// One lane per card: a card's writes go one at a time, in sequence order, at most <see cref="PerSecond"/> in any second
/// (CardKit allows 10 operations a second per card), so a later sequence never overtakes an earlier one on the wire and
/// the platform's per-card limit is never hit. Different cards do not wait for each other, only for the app's
/// <see cref="Budget"/> of the endpoint they call, which every CardKit call of the app shares.
/// </summary>
internal sealed class CardKitLanes(TimeProvider clock, CardKitSequences sequences, int perSecond = CardKitLanes.DefaultPerSecond, CardKitAppBudget? budget = null)
{
    public const int DefaultPerSecond = 10;

    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);

    public int PerSecond => perSecond;

    public CardKitSequences Sequences => sequences;

    /// <summary>The app's budget per endpoint (40 a second, the platform's 50 less a fifth, and 1,000 a minute), for every CardKit call (a card's writes take it in their lane).</summary>
    public CardKitAppBudget Budget { get; } = budget ?? new CardKitAppBudget(clock);

    /// <summary>Runs <paramref name="send"/> (a call of <paramref name="endpoint"/>, its route template) in the card's lane, paced, with the card's next sequence.</summary>
    public async Task<T> RunAsync<T>(string cardId, string endpoint, Func<int, Task<T>> send, CancellationToken cancellationToken)
    {
        var lane = _lanes.GetOrAdd(cardId, static _ => new Lane());
        await lane.Turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await lane.PaceAsync(clock, perSecond, cancellationToken).ConfigureAwait(false);
            await Budget.TakeAsync(endpoint, cancellationToken).ConfigureAwait(false);
            return await send(sequences.Next(cardId)).ConfigureAwait(false);
        }
        finally
        {
            lane.Turn.Release();
        }
    }

    private sealed class Lane
    {
        private readonly Queue<long> _sent = new();

        public SemaphoreSlim Turn { get; } = new(1, 1);

        /// <summary>Waits until fewer than <paramref name="perSecond"/> writes went out in the last second, then counts this one.</summary>
        public async Task PaceAsync(TimeProvider clock, int perSecond, CancellationToken cancellationToken)
        {
            // Only the holder of Turn gets here: the queue needs no lock.
            while (true)
            {
                var now = clock.GetTimestamp();
                while (_sent.Count > 0 && clock.GetElapsedTime(_sent.Peek(), now) >= TimeSpan.FromSeconds(1))
                {
                    _sent.Dequeue();
                }

                if (_sent.Count < perSecond)
                {
                    _sent.Enqueue(now);
                    return;
                }

                var wait = TimeSpan.FromSeconds(1) - clock.GetElapsedTime(_sent.Peek(), now);
                await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1), clock, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
