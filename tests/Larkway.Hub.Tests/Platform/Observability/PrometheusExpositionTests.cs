using System.Diagnostics.Metrics;
using System.Text;
using Larkway.Hub.Platform.Observability.Prometheus;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Larkway.Hub.Tests.Platform.Observability;

/// <summary>The scrape exporter on a real OpenTelemetry meter provider, read as a Prometheus server would read it.</summary>
public sealed class PrometheusExpositionTests : IDisposable
{
    private readonly Meter _meter = new("Larkway.Tests.Prometheus." + Guid.NewGuid().ToString("N"));
    private readonly PrometheusScrapeExporter _exporter = new();
    private readonly MeterProvider _provider;

    public PrometheusExpositionTests()
    {
        _provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(_meter.Name)
            .AddReader(new BaseExportingMetricReader(_exporter) { TemporalityPreference = MetricReaderTemporalityPreference.Cumulative })
            .Build();
    }

    public void Dispose()
    {
        _provider.Dispose();
        _meter.Dispose();
    }

    private async Task<string[]> ScrapeAsync()
    {
        var bytes = await _exporter.ScrapeAsync(CancellationToken.None);
        bytes.ShouldNotBeNull();
        return Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task A_counter_is_a_total_with_help_type_and_escaped_labels_and_stays_cumulative_across_scrapes()
    {
        var counter = _meter.CreateCounter<long>("larkway.test.requests", "{request}", "Requests \\ seen\nby the test.");
        counter.Add(2, new KeyValuePair<string, object?>("http.route", "/a\"b\\c\nd"), new KeyValuePair<string, object?>("ok", true));

        var first = await ScrapeAsync();
        counter.Add(3, new KeyValuePair<string, object?>("http.route", "/a\"b\\c\nd"), new KeyValuePair<string, object?>("ok", true));
        var second = await ScrapeAsync();

        first.ShouldContain("# HELP larkway_test_requests_total Requests \\\\ seen\\nby the test.");
        first.ShouldContain("# TYPE larkway_test_requests_total counter");
        first.ShouldContain("larkway_test_requests_total{http_route=\"/a\\\"b\\\\c\\nd\",ok=\"true\"} 2");
        second.ShouldContain("larkway_test_requests_total{http_route=\"/a\\\"b\\\\c\\nd\",ok=\"true\"} 5");
    }

    [Fact]
    public async Task A_histogram_in_seconds_has_cumulative_buckets_ending_at_inf_with_sum_and_count()
    {
        var histogram = _meter.CreateHistogram("larkway.test.duration", "s", "How long.", tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1] });
        histogram.Record(0.05, new KeyValuePair<string, object?>("kind", "x"));
        histogram.Record(0.5, new KeyValuePair<string, object?>("kind", "x"));
        histogram.Record(7, new KeyValuePair<string, object?>("kind", "x"));

        var lines = await ScrapeAsync();

        lines.ShouldContain("# TYPE larkway_test_duration_seconds histogram");
        lines.Where(l => l.StartsWith("larkway_test_duration_seconds", StringComparison.Ordinal)).ShouldBe([
            "larkway_test_duration_seconds_bucket{kind=\"x\",le=\"0.1\"} 1",
            "larkway_test_duration_seconds_bucket{kind=\"x\",le=\"1\"} 2",
            "larkway_test_duration_seconds_bucket{kind=\"x\",le=\"+Inf\"} 3",
            "larkway_test_duration_seconds_sum{kind=\"x\"} 7.55",
            "larkway_test_duration_seconds_count{kind=\"x\"} 3",
        ]);
    }

    [Fact]
    public async Task Up_down_counters_and_gauges_are_gauges_without_total_and_ratios_get_their_unit()
    {
        var queued = 4L;
        _meter.CreateObservableUpDownCounter("larkway.test.queue.length", () => queued, "{item}", "Items queued.");
        _meter.CreateObservableGauge("larkway.test.hit_rate", () => 0.25, "1", "Hits per lookup.");
        var open = _meter.CreateUpDownCounter<int>("larkway.test.open", "{connection}");
        open.Add(3);
        open.Add(-1);

        var lines = await ScrapeAsync();

        lines.ShouldContain("# TYPE larkway_test_queue_length gauge");
        lines.ShouldContain("larkway_test_queue_length 4");
        lines.ShouldContain("# TYPE larkway_test_hit_rate_ratio gauge");
        lines.ShouldContain("larkway_test_hit_rate_ratio 0.25");
        lines.ShouldContain("# HELP larkway_test_open larkway.test.open"); // no description: the instrument's name
        lines.ShouldContain("larkway_test_open 2");
    }

    [Fact]
    public async Task Every_family_is_declared_once_before_its_samples()
    {
        _meter.CreateCounter<long>("larkway.test.a").Add(1, new KeyValuePair<string, object?>("x", "1"));
        _meter.CreateCounter<long>("larkway.test.a").Add(1, new KeyValuePair<string, object?>("x", "2"));
        _meter.CreateHistogram<double>("larkway.test.b", "ms").Record(1);

        var lines = await ScrapeAsync();

        lines.Count(l => l.StartsWith("# TYPE larkway_test_a_total ", StringComparison.Ordinal)).ShouldBe(1);
        var declared = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                declared.Add(line.Split(' ')[2]).ShouldBeTrue($"declared twice: {line}");
            }
            else if (!line.StartsWith('#'))
            {
                var name = line[..line.IndexOfAny(['{', ' '])];
                declared.ShouldContain(f => name == f || name == f + "_bucket" || name == f + "_sum" || name == f + "_count", $"sample before its TYPE: {line}");
            }
        }
    }

    [Theory]
    [InlineData("http.server.request.duration", "s", PrometheusType.Histogram, "http_server_request_duration_seconds")]
    [InlineData("larkway.feishu.events.received", "{event}", PrometheusType.Counter, "larkway_feishu_events_received_total")]
    [InlineData("dotnet.gc.heap.total_allocated", "By", PrometheusType.Counter, "dotnet_gc_heap_total_allocated_bytes_total")]
    [InlineData("requests_total", "", PrometheusType.Counter, "requests_total")]
    [InlineData("9lives..x--y", null, PrometheusType.Gauge, "_9lives_x_y")]
    [InlineData("net.io", "By/s", PrometheusType.Gauge, "net_io_bytes_per_second")]
    [InlineData("latency_seconds", "s", PrometheusType.Histogram, "latency_seconds")]
    [InlineData("ns:metric", "ms", PrometheusType.Gauge, "ns:metric_milliseconds")]
    internal void Names_are_sanitised_with_unit_suffixes(string name, string? unit, PrometheusType type, string expected) =>
        PrometheusNames.Metric(name, unit, type).ShouldBe(expected);

    [Theory]
    [InlineData("feishu.app", "feishu_app")]
    [InlineData("__reserved", "_reserved")]
    [InlineData("a:b", "a_b")]
    [InlineData("1st", "_1st")]
    public void Label_names_are_sanitised(string key, string expected) => PrometheusNames.Label(key).ShouldBe(expected);
}
