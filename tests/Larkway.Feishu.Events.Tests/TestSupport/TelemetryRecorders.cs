using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Larkway.Testing;

/// <summary>One measurement as an instrument recorded it.</summary>
internal sealed record RecordedMeasurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags)
{
    public string? Tag(string key) => Tags.TryGetValue(key, out var value) ? value?.ToString() : null;
}

/// <summary>
/// Records the measurements of the <c>Larkway</c> meters created by one <see cref="IMeterFactory"/> (the meter's scope), so
/// tests running in parallel — each with its own container — never see each other's measurements.
/// </summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<RecordedMeasurement> _measurements = [];

    public MetricRecorder(IMeterFactory scope)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Larkway" && ReferenceEquals(instrument.Meter.Scope, scope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>What <paramref name="instrument"/> recorded so far (observable instruments: after <see cref="Observe"/>).</summary>
    public IReadOnlyList<RecordedMeasurement> Of(string instrument)
    {
        lock (_measurements)
        {
            return [.. _measurements.Where(m => m.Instrument == instrument)];
        }
    }

    /// <summary>Runs the callbacks of the observable instruments now.</summary>
    public void Observe() => _listener.RecordObservableInstruments();

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        lock (_measurements)
        {
            _measurements.Add(new RecordedMeasurement(instrument.Name, value, copy));
        }
    }
}

/// <summary>Waits for a condition as a hang guard, never as a timing assertion.</summary>
internal static class Eventually
{
    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            try
            {
                await Task.Delay(10, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("Gave up waiting for: " + what);
            }
        }
    }
}

/// <summary>Records the stopped activities of the <c>Larkway</c> source that <paramref name="mine"/> picks (activity sources are process-wide).</summary>
internal sealed class ActivityRecorder : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly List<Activity> _stopped = [];

    public ActivityRecorder(Func<Activity, bool> mine)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Larkway",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (mine(activity))
                {
                    lock (_stopped)
                    {
                        _stopped.Add(activity);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public async Task<Activity> SingleAsync()
    {
        await Eventually.UntilAsync(() => { lock (_stopped) { return _stopped.Count > 0; } }, "an activity");
        lock (_stopped)
        {
            return _stopped.ShouldHaveSingleItem();
        }
    }

    public void Dispose() => _listener.Dispose();
}
