using System.Collections.Concurrent;

namespace Larkway.Emulator.Platform;

/// <summary>
/// Counts Open API calls per operation ("POST /open-apis/im/v1/messages"), including ones refused by
/// faults, auth or rate limits, so tests and benchmarks can assert "one token fetch" or "one retry".
/// </summary>
internal sealed class CallCounter
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);

    public void Increment(string operation) => _counts.AddOrUpdate(operation, 1, static (_, count) => count + 1);

    public IReadOnlyDictionary<string, long> Snapshot() => new SortedDictionary<string, long>(_counts, StringComparer.Ordinal);

    public void Reset() => _counts.Clear();
}
