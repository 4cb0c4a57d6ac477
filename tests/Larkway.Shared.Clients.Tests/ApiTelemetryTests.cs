using System.Diagnostics;
using System.Diagnostics.Metrics;
using Larkway.Shared.Clients;

namespace Larkway.Shared.Clients.Tests;

/// <summary>
/// The one call telemetry every client library derives its own from: Feishu's numeric codes and API host tags, and
/// DingTalk's and WeCom's string codes without them, through the same code.
/// </summary>
public sealed class ApiTelemetryTests : IDisposable
{
    private readonly TestMeterFactory _factory = new();
    private readonly MeterListener _listener = new();
    private readonly ActivityListener _activities;
    private readonly List<(string Name, Dictionary<string, object?> Tags)> _recorded = [];
    private readonly List<Activity> _stopped = [];

    public ApiTelemetryTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Larkway" && instrument.Name.StartsWith("larkway.apitest", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) => Record(instrument, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) => Record(instrument, tags));
        _listener.Start();
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Larkway",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.DisplayName.StartsWith("ApiTest", StringComparison.Ordinal))
                {
                    lock (_stopped)
                    {
                        _stopped.Add(activity);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(_activities);
    }

    [Fact]
    public void A_numeric_code_is_tagged_as_a_number_beside_the_api_hosts_tags_and_its_digits_are_the_error_type()
    {
        using var telemetry = new NumericTelemetry(_factory, new Uri("https://open.example.test:8443/"));
        var ok = telemetry.StartCall(HttpMethod.Get, "/items/{id}");
        telemetry.EndCall(ok, HttpMethod.Get, "/items/{id}", TimeSpan.FromMilliseconds(5), failure: null);
        ok?.Dispose();
        var failed = telemetry.StartCall(HttpMethod.Get, "/items/{id}");
        telemetry.EndCall(failed, HttpMethod.Get, "/items/{id}", TimeSpan.FromMilliseconds(5), new NumericFailure(230011));
        failed?.Dispose();

        var calls = _recorded.Where(r => r.Name == "larkway.apitestn.calls").Select(r => r.Tags).ToList();
        calls.Select(t => t["apitestn.code"]).ShouldBe([0, 230011]);
        calls.ShouldAllBe(t => Equals(t["server.address"], "open.example.test") && Equals(t["server.port"], 8443));
        calls.Select(t => t.GetValueOrDefault("error.type")).ShouldBe([null, "230011"]);
        Stopped("ApiTestN").Select(a => (a.Status, a.GetTagItem("apitestn.code"), a.GetTagItem("server.address"))).ShouldBe(
            [(ActivityStatusCode.Ok, (object?)0, (object?)"open.example.test"), (ActivityStatusCode.Error, 230011, "open.example.test")]);
    }

    [Fact]
    public void A_string_code_without_a_host_has_no_host_tags_and_a_failed_token_fetch_is_a_span_counted_with_its_code_as_outcome()
    {
        using var telemetry = new StringTelemetry(_factory);
        var call = telemetry.StartCall(HttpMethod.Post, "/send");
        telemetry.EndCall(call, HttpMethod.Post, "/send", TimeSpan.FromMilliseconds(5), failure: null);
        call?.Dispose();
        var fetch = telemetry.FetchTokenAsync<string, int>(HttpMethod.Get, "/gettoken", "app", 0, static _ => throw new StringFailure("40001"));
        Should.Throw<StringFailure>(() => fetch.GetAwaiter().GetResult());

        var tags = _recorded.Single(r => r.Name == "larkway.apitests.calls").Tags;
        tags["apitests.code"].ShouldBe("0");
        tags.ShouldNotContainKey("server.address");
        _recorded.Single(r => r.Name == "larkway.apitests.token.requests").Tags["apitests.token.outcome"].ShouldBe("40001");
        Stopped("ApiTestS").Select(a => (a.DisplayName, a.Status, a.GetTagItem("apitests.token.kind"))).ShouldBe(
            [("ApiTestS POST /send", ActivityStatusCode.Ok, (object?)null), ("ApiTestS GET /gettoken", ActivityStatusCode.Error, "app")]);
    }

    public void Dispose()
    {
        _activities.Dispose();
        _listener.Dispose();
        _factory.Dispose();
    }

    private List<Activity> Stopped(string platform)
    {
        lock (_stopped)
        {
            return _stopped.Where(a => a.DisplayName.StartsWith(platform + " ", StringComparison.Ordinal)).ToList();
        }
    }

    private void Record(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        lock (_recorded)
        {
            _recorded.Add((instrument.Name, copy));
        }
    }

    private sealed class NumericFailure(int code) : Exception("refused")
    {
        public int Code { get; } = code;
    }

    private sealed class StringFailure(string code) : Exception("refused")
    {
        public string Code { get; } = code;
    }

    private sealed class NumericTelemetry(IMeterFactory factory, Uri server)
        : ApiTelemetry(factory, "numeric-app", new ApiTelemetryNames("ApiTestN", "apitestn", "apitestn.app", static f => (f as NumericFailure)?.Code) { SuccessCode = 0 }, server);

    private sealed class StringTelemetry(IMeterFactory factory)
        : ApiTelemetry(factory, "string-app", new ApiTelemetryNames("ApiTestS", "apitests", "apitests.app", static f => (f as StringFailure)?.Code));
}
