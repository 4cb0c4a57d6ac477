using Larkway.Emulator.Hosting;

namespace Larkway.Emulator.DingTalk.Cards;

/// <summary>
/// Per-app QPS limit on <c>PUT /v1.0/card/streaming</c> (<see cref="EmulatorOptions.DingTalkCardStreamingQps"/>; DingTalk
/// does not document the number — about 20/s was observed). A sliding one-second window on the injected clock; calls
/// over the limit are refused and not counted.
/// </summary>
internal sealed class CardStreamingLimiter(TimeProvider time, EmulatorOptions options)
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<DateTimeOffset>> _calls = new(StringComparer.Ordinal);

    public bool TryAcquire(string appKey)
    {
        if (!options.EnforceRateLimits)
        {
            return true;
        }

        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_calls.TryGetValue(appKey, out var calls))
            {
                calls = new Queue<DateTimeOffset>();
                _calls[appKey] = calls;
            }

            while (calls.Count > 0 && calls.Peek() <= now - Window)
            {
                calls.Dequeue();
            }

            if (calls.Count >= options.DingTalkCardStreamingQps)
            {
                return false;
            }

            calls.Enqueue(now);
            return true;
        }
    }
}
