using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Larkway.Feishu.Tests.Infrastructure;

/// <summary>One measurement of the <c>Larkway</c> meter, with a copy of its tags.</summary>
public sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags)
{
    public object? this[string tag] => Tags.GetValueOrDefault(tag);
}

/// <summary>
/// Listens to the <c>Larkway</c> meter and keeps the measurements of one app. Tests run in parallel and
/// every client publishes on a meter of that name, so each test gives its client an app id of its own.
/// </summary>
public sealed class MetricRecorder : IDisposable
{
    private readonly string _appId;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Measurement> _measurements = new();

    public MetricRecorder(string appId)
    {
        _appId = appId;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Larkway")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Called with each measurement kept (on the thread that recorded it).</summary>
    public Action<Measurement>? OnMeasurement { get; set; }

    public IReadOnlyList<Measurement> All => [.. _measurements];

    /// <summary>The measurements of <paramref name="instrument"/> whose tags include every (tag, value) given.</summary>
    public IReadOnlyList<Measurement> Of(string instrument, params (string Tag, object? Value)[] tags) =>
        [.. _measurements.Where(m => m.Instrument == instrument && tags.All(t => Equals(m[t.Tag], t.Value)))];

    /// <summary>The sum of a counter's measurements whose tags include every (tag, value) given.</summary>
    public long Count(string instrument, params (string Tag, object? Value)[] tags) => (long)Of(instrument, tags).Sum(m => m.Value);

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        if (!Equals(copy.GetValueOrDefault("feishu.app_id"), _appId))
        {
            return;
        }

        var measurement = new Measurement(instrument.Name, value, copy);
        _measurements.Enqueue(measurement);
        OnMeasurement?.Invoke(measurement);
    }
}

/// <summary>Keeps the activities of the <c>Larkway</c> source that carry one app's id, once they stop.</summary>
public sealed class ActivityRecorder : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _stopped = new();

    public ActivityRecorder(string appId)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Larkway",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (Equals(activity.GetTagItem("feishu.app_id"), appId))
                {
                    _stopped.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public IReadOnlyList<Activity> Stopped => [.. _stopped];

    public void Dispose() => _listener.Dispose();
}
