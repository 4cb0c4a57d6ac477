using System.Diagnostics.Metrics;
using Larkway.Channels.Backends;

namespace Larkway.Channels.Tests.Backends;

/// <summary>Reading a stream to its end, and the metrics a backend recorded.</summary>
internal static class BackendTestKit
{
    public static async Task<List<AssistantUpdate>> ReadAllAsync(IAsyncEnumerable<AssistantUpdate> stream, CancellationToken cancellationToken = default)
    {
        var updates = new List<AssistantUpdate>();
        await foreach (var update in stream.WithCancellation(cancellationToken))
        {
            updates.Add(update);
        }

        return updates;
    }

    /// <summary>
    /// Reads <paramref name="stream"/> (made with the token it is given) and cancels that token at the first text, as a
    /// user stopping an answer does; the stream must then end in <see cref="OperationCanceledException"/>. Returns what
    /// was read before.
    /// </summary>
    public static async Task<List<AssistantUpdate>> CancelAtFirstTextAsync(Func<CancellationToken, IAsyncEnumerable<AssistantUpdate>> stream)
    {
        using var interrupt = new CancellationTokenSource();
        var seen = new List<AssistantUpdate>();
        await Should.ThrowAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in stream(interrupt.Token))
            {
                seen.Add(update);
                if (update is AssistantTextDelta)
                {
                    await interrupt.CancelAsync();
                }
            }
        });

        return seen;
    }

    public static string TextOf(IEnumerable<AssistantUpdate> updates) =>
        string.Concat(updates.OfType<AssistantTextDelta>().Select(d => d.Text));

    /// <summary>A unique key or name per test, so that tests sharing a server or a meter never see each other's traffic.</summary>
    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>Waits for <paramref name="probe"/> to find what a test waits for (a request reaching the server), up to 30 s.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<T?> probe)
        where T : class
    {
        for (var i = 0; i < 300; i++)
        {
            if (probe() is { } found)
            {
                return found;
            }

            await Task.Delay(100);
        }

        throw new ShouldAssertException("What the test waited for did not happen within 30 s.");
    }
}

/// <summary>Measurements of the <c>Larkway</c> meter's assistant instruments for one backend name.</summary>
internal sealed class AssistantMetrics : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly List<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = [];

    public AssistantMetrics(string backendName)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Larkway" && instrument.Name.StartsWith("larkway.assistant.", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags, backendName));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags, backendName));
        _listener.Start();
    }

    public IReadOnlyList<(string Instrument, double Value, Dictionary<string, object?> Tags)> Measurements
    {
        get
        {
            lock (_gate)
            {
                return [.. _measurements];
            }
        }
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, string backendName)
    {
        var map = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            map[tag.Key] = tag.Value;
        }

        if (map.TryGetValue("assistant.backend", out var name) && (string?)name == backendName)
        {
            lock (_gate)
            {
                _measurements.Add((instrument.Name, value, map));
            }
        }
    }

    public void Dispose() => _listener.Dispose();
}
