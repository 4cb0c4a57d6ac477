using System.Collections.Concurrent;

namespace Larkway.Feishu.Docs;

/// <summary>
/// One lane per document: its edits go one at a time (each sees the revision the previous made) and at most
/// <c>perSecond</c> in any second, Feishu's per-document limit, which answers HTTP 429 when passed. Different documents
/// do not wait for each other. Lanes idle for a while are dropped, so a sync over thousands of documents keeps few.
/// </summary>
internal sealed class DocxEditLanes(TimeProvider clock, int perSecond)
{
    private const int SweepAbove = 256;
    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);

    /// <summary>How many lanes are kept (for tests).</summary>
    public int Count => _lanes.Count;

    public async Task<T> RunAsync<T>(string documentId, Func<CancellationToken, Task<T>> edit, CancellationToken cancellationToken)
    {
        var lane = Take(documentId);
        try
        {
            await lane.Turn.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (perSecond > 0)
                {
                    await lane.PaceAsync(clock, perSecond, cancellationToken).ConfigureAwait(false);
                }

                return await edit(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                lane.Turn.Release();
            }
        }
        finally
        {
            lock (lane)
            {
                lane.Users--;
            }

            if (_lanes.Count > SweepAbove)
            {
                Sweep();
            }
        }
    }

    private Lane Take(string documentId)
    {
        while (true)
        {
            var lane = _lanes.GetOrAdd(documentId, static _ => new Lane());

            // Under the lane's lock, as Sweep retires it: a lane retired meanwhile is left for the one replacing it.
            lock (lane)
            {
                if (!lane.Retired)
                {
                    lane.Users++;
                    return lane;
                }
            }
        }
    }

    /// <summary>Drops lanes nobody uses whose last edit is over a second old (their window is empty).</summary>
    private void Sweep()
    {
        var now = clock.GetTimestamp();
        foreach (var (id, lane) in _lanes)
        {
            lock (lane)
            {
                if (lane.Users == 0 && lane.IdleSince(clock, now) >= TimeSpan.FromSeconds(1))
                {
                    lane.Retired = true;
                    _lanes.TryRemove(new KeyValuePair<string, Lane>(id, lane));
                }
            }
        }
    }

    private sealed class Lane
    {
        private readonly Queue<long> _sent = new();
        public int Users;

        public bool Retired;

        public SemaphoreSlim Turn { get; } = new(1, 1);

        public TimeSpan IdleSince(TimeProvider clock, long now) => _sent.Count == 0 ? TimeSpan.MaxValue : clock.GetElapsedTime(_sent.Last(), now);

        /// <summary>Waits until fewer than <paramref name="perSecond"/> edits went out in the last second, then counts this one.</summary>
        public async Task PaceAsync(TimeProvider clock, int perSecond, CancellationToken cancellationToken)
        {
            while (true)
            {
                TimeSpan wait;
                lock (this)
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

                    wait = TimeSpan.FromSeconds(1) - clock.GetElapsedTime(_sent.Peek(), now);
                }

                await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1), clock, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
