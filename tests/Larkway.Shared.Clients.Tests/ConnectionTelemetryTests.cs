using System.Diagnostics.Metrics;
using Larkway.Shared.Clients;

namespace Larkway.Shared.Clients.Tests;

public sealed class ConnectionTelemetryTests : IDisposable
{
    private readonly TestMeterFactory _factory = new();
    private readonly MeterListener _listener = new();
    private readonly List<(string Name, long Value, Dictionary<string, object?> Tags)> _recorded = [];

    public ConnectionTelemetryTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Larkway" && instrument.Name.StartsWith("larkway.test.", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    [Fact]
    public void Every_event_of_a_connection_is_one_named_instrument_with_the_apps_tags()
    {
        var telemetry = ConnectionTelemetry.For(_factory, "Test", "test");
        KeyValuePair<string, object?>[] app = [new("test.app", "ops")];

        telemetry.Connected("start", app);
        telemetry.Connected(ConnectionTelemetry.ReasonTag(LivenessFailure.Deaf), app);
        telemetry.Reconnected(connected: false, app);
        telemetry.Pushed("duplicate", app, new KeyValuePair<string, object?>("test.topic", "/v1/im"));
        telemetry.Acked(sent: false, app);

        _recorded.Select(r => $"{r.Name} {string.Join(",", r.Tags.OrderBy(t => t.Key).Select(t => $"{t.Key}={t.Value}"))}").ShouldBe(
        [
            "larkway.test.long_connection.connects larkway.reason=start,test.app=ops",
            "larkway.test.long_connection.connects larkway.reason=deaf,test.app=ops",
            "larkway.test.long_connection.reconnects larkway.outcome=failed,test.app=ops",
            "larkway.test.long_connection.pushes larkway.outcome=duplicate,test.app=ops,test.topic=/v1/im",
            "larkway.test.long_connection.acks larkway.outcome=lost,test.app=ops",
        ]);
    }

    [Fact]
    public void The_connected_gauge_is_one_instrument_per_container_and_reports_each_running_client_until_it_stops()
    {
        var first = ConnectionTelemetry.For(_factory, "Test", "test");
        ConnectionTelemetry.For(_factory, "Test", "test").ShouldBeSameAs(first, "a second gauge of one name would be a second instrument");
        var connected = false;
        using var a = first.Track(() => connected, new KeyValuePair<string, object?>("test.app", "a"));
        var b = first.Track(() => true, new KeyValuePair<string, object?>("test.app", "b"));

        _listener.RecordObservableInstruments();
        Gauge().ShouldBe(["a=0", "b=1"]);

        connected = true;
        b.Dispose();
        _listener.RecordObservableInstruments();

        Gauge().ShouldBe(["a=1"]);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _factory.Dispose();
    }

    private string[] Gauge()
    {
        var values = _recorded.Where(r => r.Name == "larkway.test.long_connection.connected").Select(r => $"{r.Tags["test.app"]}={r.Value}").Order().ToArray();
        _recorded.Clear();
        return values;
    }

    private void Record(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        lock (_recorded)
        {
            _recorded.Add((instrument.Name, value, copy));
        }
    }
}
