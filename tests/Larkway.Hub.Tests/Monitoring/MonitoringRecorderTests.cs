using System.Diagnostics.Metrics;
using Larkway.Hub.Monitoring;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Tests.Monitoring;

/// <summary>
/// The recorder behind the dashboard: what the Hub's instruments record reaches <c>hub_metric_minutes</c> per replica and
/// minute, the hour and day windows add replicas up and leave older minutes out, and the figures survive a restart.
/// </summary>
public sealed class MonitoringRecorderTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 0, 20, TimeSpan.Zero);
    private readonly ManualTimeProvider _time = new(Start);
    private readonly TempDatabase _db = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task The_hour_and_day_windows_sum_the_replicas_and_leave_out_older_minutes()
    {
        await using var a = Replica();
        await using var b = Replica();
        var callsA = Instruments.Of(a);
        var callsB = Instruments.Of(b);

        // Three hours ago on A: 10 calls, all failed. Outside the hour, inside the day.
        callsA.Calls(10, code: 99991400);
        await FlushAsync(a);
        _time.Advance(TimeSpan.FromHours(3));

        // Now: A 300 calls of which 3 failed, B 100 calls all fine.
        callsA.Calls(297, code: 0);
        callsA.Calls(3, code: 230002);
        callsB.Calls(100, code: 0);
        await FlushAsync(a);
        await FlushAsync(b);

        var view = await Dashboard(a).ReadAsync(DashboardRange.Hour, default);

        view.Hour.ApiCalls.ShouldBe(400);
        view.Hour.ApiErrors.ShouldBe(3);
        view.Day.ApiCalls.ShouldBe(410);
        view.Day.ApiErrors.ShouldBe(13);
        var api = view.Metrics.Single(m => m.Key == "api-success");
        api.Hour.Status.ShouldBe(MetricStatus.Breached); // 99.25 % is not above 99.5 %
        api.Hour.Value.ShouldBe("99.25 %");
        api.Day.Status.ShouldBe(MetricStatus.Breached);
    }

    [Fact]
    public async Task Success_metrics_read_their_targets_from_the_recorded_instruments()
    {
        await using var hub = Replica();
        var m = Instruments.Of(hub);

        m.Calls(1000, code: 0);
        m.TokenLookups(hits: 99, misses: 1);
        for (var i = 0; i < 94; i++)
        {
            m.Latency(0.3);
        }

        for (var i = 0; i < 6; i++)
        {
            m.Latency(2.5);
        }

        m.Card("rendered");
        m.Card("rendered");
        m.Card("failed");
        m.DeadLetter();

        var view = await Dashboard(hub).ReadAsync(DashboardRange.Hour, default);
        var metrics = view.Metrics.ToDictionary(x => x.Key);

        metrics["api-success"].Hour.Status.ShouldBe(MetricStatus.Met);
        metrics["token-hits"].Hour.Status.ShouldBe(MetricStatus.Met);
        metrics["token-hits"].Hour.Value.ShouldBe("99 %");

        // 94 % within 2 s: the p95 is over 2 s.
        metrics["event-latency"].Hour.Status.ShouldBe(MetricStatus.Breached);
        metrics["event-latency"].Hour.Detail.ShouldContain("94 % of 100 events within 2 s");
        metrics["card-rendering"].Hour.Status.ShouldBe(MetricStatus.Breached);
        metrics["card-rendering"].Hour.Detail.ShouldBe("2 rendered, 1 failed");
        metrics["sync-loss"].Hour.Status.ShouldBe(MetricStatus.NotApplicable);
        view.Hour.DeadLetters.ShouldBe(1);
    }

    [Fact]
    public async Task Nothing_measured_is_no_data_not_a_breach()
    {
        await using var hub = Replica();

        var view = await Dashboard(hub).ReadAsync(DashboardRange.Day, default);

        view.Metrics.Where(m => m.Key != "sync-loss").ShouldAllBe(m => m.Hour.Status == MetricStatus.NoData && m.Day.Status == MetricStatus.NoData);
        view.Charts.Count.ShouldBe(4);
        view.Charts[0].Chart.Points.Count.ShouldBe(96);
    }

    [Fact]
    public async Task A_rate_over_too_few_samples_is_shown_but_not_judged()
    {
        await using var hub = Replica();
        var m = Instruments.Of(hub);
        m.Calls(9, code: 0);
        m.Calls(1, code: 230002);
        m.Latency(2.5);
        m.Card("failed");

        var metrics = (await Dashboard(hub).ReadAsync(DashboardRange.Hour, default)).Metrics.ToDictionary(x => x.Key);

        // 90 % of 10 calls, one slow event: below the default 20 samples, neither met nor breached.
        metrics["api-success"].Hour.Status.ShouldBe(MetricStatus.TooFewSamples);
        metrics["api-success"].Hour.Value.ShouldBe("90 %");
        metrics["api-success"].Hour.Detail.ShouldBe("9 of 10 calls succeeded (too few to judge: fewer than 20)");
        metrics["event-latency"].Hour.Status.ShouldBe(MetricStatus.TooFewSamples);

        // Card rendering's target is no failure at all: one failed card is a breach however few were rendered.
        metrics["card-rendering"].Hour.Status.ShouldBe(MetricStatus.Breached);
    }

    [Fact]
    public async Task Targets_and_the_minimum_come_from_settings()
    {
        await using var hub = Replica(
            ("Larkway:Monitoring:Targets:ApiSuccessPercent", "99"),
            ("Larkway:Monitoring:Targets:EventLatencySeconds", "3"),
            ("Larkway:Monitoring:Targets:MinSamples", "5"));
        var m = Instruments.Of(hub);
        m.Calls(397, code: 0);
        m.Calls(3, code: 230002);
        for (var i = 0; i < 6; i++)
        {
            m.Latency(2.5);
        }

        var view = await Dashboard(hub).ReadAsync(DashboardRange.Hour, default);
        var metrics = view.Metrics.ToDictionary(x => x.Key);

        // 99.25 % is above 99 %; every event within 3 s; 6 events are enough when the minimum is 5.
        metrics["api-success"].Hour.Status.ShouldBe(MetricStatus.Met);
        metrics["api-success"].Target.ShouldBe("above 99 %");
        metrics["event-latency"].Hour.Status.ShouldBe(MetricStatus.Met);
        metrics["event-latency"].Target.ShouldBe("under 3 s");
        view.Charts.Single(c => c.Chart.Id == "chart-latency").Chart.Threshold.ShouldBe(3);
    }

    [Fact]
    public async Task The_queue_backlog_chart_counts_items_due_not_items_scheduled_for_later()
    {
        await using var hub = Replica();
        hub.Provider.GetRequiredService<MetricRecorder>();
        var queues = hub.Provider.GetRequiredService<Larkway.Hub.Platform.Queue.QueueMetrics>();

        // An idle Hub: a paused Bitable sync's pass is parked (pending, due in 9999), nothing is due anywhere.
        queues.Sampled("bitable.sync", new Larkway.Hub.Platform.Queue.QueueStats(Waiting: 1, InProgress: 0, DeadLetters: 0, OldestDueAt: null) { Due = 0 });
        queues.Sampled("inbox", new Larkway.Hub.Platform.Queue.QueueStats(0, 0, 0, null));
        var idle = Chart(await Dashboard(hub).ReadAsync(DashboardRange.Hour, default), "chart-queue-depth");
        idle.Latest.ShouldBe("0");
        idle.Chart.Title.ShouldBe("Queue backlog (items due, all queues)");

        // Three inbox events due, one more retrying later: the backlog is the three.
        queues.Sampled("inbox", new Larkway.Hub.Platform.Queue.QueueStats(4, 0, 0, Start) { Due = 3 });
        Chart(await Dashboard(hub).ReadAsync(DashboardRange.Hour, default), "chart-queue-depth").Latest.ShouldBe("3");
    }

    [Fact]
    public void Targets_outside_their_range_are_refused_at_start_with_the_setting_named()
    {
        var services = new ServiceCollection();
        services.AddHubMonitoring(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Larkway:Monitoring:Targets:EventLatencySeconds"] = "2.2",
            ["Larkway:Monitoring:Targets:MinSamples"] = "0",
        }).Build());
        using var provider = services.BuildServiceProvider();

        var failure = Should.Throw<Microsoft.Extensions.Options.OptionsValidationException>(
            () => provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<MonitoringOptions>>().Value);

        failure.Message.ShouldContain("Larkway:Monitoring:Targets:EventLatencySeconds must be one of 0.5, 1, 1.5, 2, 3, 5, 10, 30, 60");
        failure.Message.ShouldContain("Larkway:Monitoring:Targets:MinSamples must be from 1 to 1000000.");
    }

    [Fact]
    public async Task Another_containers_meter_is_not_counted()
    {
        await using var hub = Replica();
        using var stranger = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var strangerCalls = stranger.GetRequiredService<IMeterFactory>().Create("Larkway").CreateCounter<long>("larkway.feishu.calls");
        strangerCalls.Add(50, new KeyValuePair<string, object?>("feishu.code", 1));
        Instruments.Of(hub).Calls(5, code: 0);

        var view = await Dashboard(hub).ReadAsync(DashboardRange.Hour, default);

        view.Hour.ApiCalls.ShouldBe(5);
        view.Hour.ApiErrors.ShouldBe(0);
    }

    [Fact]
    public async Task A_minute_that_ended_is_written_and_the_figures_survive_a_restart()
    {
        await using (var first = Replica())
        {
            Instruments.Of(first).Calls(7, code: 0);
            _time.Advance(TimeSpan.FromMinutes(2));

            // The flush after the minute ended writes it (nothing new since).
            await FlushAsync(first);
        }

        await using var second = Replica();
        var view = await Dashboard(second).ReadAsync(DashboardRange.Hour, default);

        view.Hour.ApiCalls.ShouldBe(7);
        var events = view.Charts.Single(c => c.Chart.Id == "chart-api-errors").Chart.Points;
        events.Count(p => p.Value is not null).ShouldBe(1);
    }

    [Fact]
    public async Task Pruning_deletes_minutes_past_the_retention()
    {
        await using var hub = Replica();
        Instruments.Of(hub).Calls(1, code: 0);
        await FlushAsync(hub);
        _time.Advance(TimeSpan.FromDays(3));
        Instruments.Of(hub).Calls(2, code: 0);
        await FlushAsync(hub);

        var store = hub.Provider.GetRequiredService<MetricStore>();
        (await store.PruneAsync(_time.GetUtcNow() - TimeSpan.FromDays(2), default)).ShouldBe(1);
        (await store.ReadAsync(DateTimeOffset.UnixEpoch, default)).Sum(r => r.ApiCalls).ShouldBe(2);
    }

    [Fact]
    public async Task WeCom_calls_and_token_fetches_count_with_the_other_platforms_and_the_last_failure_names_the_app_and_errcode()
    {
        await using var hub = Replica();
        hub.Provider.GetRequiredService<MetricRecorder>();
        var meter = hub.Provider.GetRequiredService<IMeterFactory>().Create("Larkway");
        var calls = meter.CreateCounter<long>("larkway.wecom.calls");
        var tokens = meter.CreateCounter<long>("larkway.wecom.token.requests");
        KeyValuePair<string, object?>[] Call(string? code) =>
        [
            new("wecom.app", "wc-corp"), new("http.request.method", "POST"), new("url.template", "/cgi-bin/message/send"),
            .. code is null ? Array.Empty<KeyValuePair<string, object?>>() : [new("wecom.code", code), new("error.type", code)],
        ];

        calls.Add(18, Call("0"));
        calls.Add(2, Call("60020"));
        calls.Add(5, Call(null)); // cancelled by the caller: neither a success nor an error
        tokens.Add(3, new KeyValuePair<string, object?>("wecom.app", "wc-corp"), new KeyValuePair<string, object?>("wecom.token.outcome", "success"));
        tokens.Add(1, new KeyValuePair<string, object?>("wecom.app", "wc-corp"), new KeyValuePair<string, object?>("wecom.token.outcome", "40001"));
        await FlushAsync(hub);

        var view = await Dashboard(hub).ReadAsync(DashboardRange.Hour, default);
        view.Hour.ApiCalls.ShouldBe(20);
        view.Hour.ApiErrors.ShouldBe(2);
        view.Hour.TokenFetches.ShouldBe(4);
        view.Hour.TokenFailures.ShouldBe(1);
        var last = await hub.Provider.GetRequiredService<MetricStore>().ReadLastApiFailureAsync(default);
        last.ShouldNotBeNull();
        last.Value.Text.ShouldStartWith("POST /cgi-bin/message/send (app wc-corp) failed with code 60020");
    }

    [Fact]
    public async Task A_room_s_calls_count_through_the_instruments_it_registers_and_an_unregistered_platform_s_do_not()
    {
        var acme = new PlatformCallInstruments("acme", "acme.app");
        await using var hub = Replica(s => s.AddSingleton(acme));
        hub.Provider.GetRequiredService<MetricRecorder>();
        var meter = hub.Provider.GetRequiredService<IMeterFactory>().Create("Larkway");
        meter.CreateCounter<long>(acme.Calls).Add(4, new KeyValuePair<string, object?>("acme.code", "0"), new KeyValuePair<string, object?>("acme.app", "a1"));
        meter.CreateCounter<long>(acme.Calls).Add(1, new KeyValuePair<string, object?>("acme.code", "E7"), new KeyValuePair<string, object?>("acme.app", "a1"));
        meter.CreateCounter<long>(acme.TokenRequests).Add(2, new KeyValuePair<string, object?>("acme.token.outcome", "success"));

        // No room registered "other": its calls are not the Hub's to count.
        meter.CreateCounter<long>("larkway.other.calls").Add(9, new KeyValuePair<string, object?>("other.code", "0"));

        await FlushAsync(hub);

        var view = await Dashboard(hub).ReadAsync(DashboardRange.Hour, default);
        view.Hour.ApiCalls.ShouldBe(5);
        view.Hour.ApiErrors.ShouldBe(1);
        view.Hour.TokenFetches.ShouldBe(2);
        view.Hour.TokenFailures.ShouldBe(0);
        var last = await hub.Provider.GetRequiredService<MetricStore>().ReadLastApiFailureAsync(default);
        last.ShouldNotBeNull();
        last.Value.Text.ShouldContain("(app a1) failed with code E7");
    }

    [Fact]
    public async Task WeCom_callbacks_refused_for_failing_verification_add_up_per_app_over_replicas_into_one_burst_and_a_quiet_spell_starts_another()
    {
        await using var a = Replica();
        await using var b = Replica();
        Larkway.Hub.WeCom.WeComCallbackTelemetry Telemetry(HubServices hub)
        {
            hub.Provider.GetRequiredService<MetricRecorder>();
            return new Larkway.Hub.WeCom.WeComCallbackTelemetry(hub.Provider.GetRequiredService<IMeterFactory>());
        }

        var onA = Telemetry(a);
        var onB = Telemetry(b);
        onA.Refused("wc-corp", Larkway.Hub.WeCom.WeComCallbackTelemetry.BadSignature);
        onA.Refused("wc-corp", Larkway.Hub.WeCom.WeComCallbackTelemetry.BadSignature);

        // Not a failed verification: an unknown name, a disabled app, a broken body; and what was stored.
        onA.Refused("", Larkway.Hub.WeCom.WeComCallbackTelemetry.UnknownApp);
        onA.Refused("wc-other", Larkway.Hub.WeCom.WeComCallbackTelemetry.Configuration);
        onA.Refused("wc-other", Larkway.Hub.WeCom.WeComCallbackTelemetry.Malformed);
        onA.Stored("wc-other", duplicate: false);
        await FlushAsync(a);
        _time.Advance(TimeSpan.FromSeconds(30));
        onB.Refused("wc-corp", Larkway.Hub.WeCom.WeComCallbackTelemetry.BadEncryption);
        await FlushAsync(b);

        var store = a.Provider.GetRequiredService<MetricStore>();
        var burst = (await store.ReadRefusalsAsync("wecom", default)).ShouldHaveSingleItem();
        burst.App.ShouldBe("wc-corp");
        burst.Count.ShouldBe(3);
        burst.Reason.ShouldBe("bad_encryption");
        burst.First.ShouldBe(Start);
        burst.Last.ShouldBe(Start + TimeSpan.FromSeconds(30));
        Larkway.Hub.WeCom.WeComCallbackTelemetry.Explain(burst.Reason).ShouldContain("EncodingAESKey in the Hub differs");

        // Refusals after a quiet spell longer than the gap are a new burst, counted from one.
        _time.Advance(MetricStore.RefusalBurstGap + TimeSpan.FromMinutes(1));
        onA.Refused("wc-corp", Larkway.Hub.WeCom.WeComCallbackTelemetry.WrongCorp);
        await FlushAsync(a);
        burst = (await store.ReadRefusalsAsync("wecom", default)).ShouldHaveSingleItem();
        burst.Count.ShouldBe(1);
        burst.Reason.ShouldBe("wrong_corp");
        burst.First.ShouldBe(_time.GetUtcNow());
    }

    private HubServices Replica(params (string Key, string Value)[] settings) => Replica(null, settings);

    private HubServices Replica(Action<IServiceCollection>? room, params (string Key, string Value)[] settings) => new(_db, _time, services: s =>
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value)))
            .Build();
        s.AddHubMonitoring(configuration);
        s.AddSingleton<Larkway.Hub.Platform.Observability.CardTelemetry>();

        // What DingTalk's and WeCom's rooms register (AddHubDingTalk, AddHubWeCom): their clients' calls and token fetches, and
        // how WeCom's refused callbacks are counted, read by the recorder.
        s.AddSingleton(Larkway.Hub.DingTalk.DingTalkCallMetrics.Instruments);
        s.AddSingleton(Larkway.Hub.WeCom.WeComCallMetrics.Instruments);
        s.AddSingleton(Larkway.Hub.WeCom.WeComCallbackTelemetry.Refusals);
        room?.Invoke(s);
    });

    private static (ChartSpec Chart, string Latest, string Peak) Chart(DashboardView view, string id) => view.Charts.Single(c => c.Chart.Id == id);

    private static MonitoringDashboard Dashboard(HubServices hub) => hub.Provider.GetRequiredService<MonitoringDashboard>();

    private static Task FlushAsync(HubServices hub) => hub.Provider.GetRequiredService<MetricRecorder>().FlushAsync(default);

    /// <summary>The Hub's instruments, created on a replica's meter factory as the client and the Hub do (names from docs/metrics.md).</summary>
    private sealed class Instruments
    {
        private readonly Counter<long> _calls;
        private readonly Counter<long> _lookups;
        private readonly Histogram<double> _latency;
        private readonly Larkway.Hub.Platform.Observability.CardTelemetry _cards;
        private readonly Larkway.Hub.Platform.Queue.QueueMetrics _queues;

        private Instruments(HubServices hub)
        {
            // The recorder must be listening first, as it is in the Hub (a hosted service depends on it).
            hub.Provider.GetRequiredService<MetricRecorder>();
            var meter = hub.Provider.GetRequiredService<IMeterFactory>().Create("Larkway");
            _calls = meter.CreateCounter<long>("larkway.feishu.calls");
            _lookups = meter.CreateCounter<long>("larkway.feishu.token.cache.lookups");
            _latency = meter.CreateHistogram<double>("larkway.hub.event.latency");
            _cards = hub.Provider.GetRequiredService<Larkway.Hub.Platform.Observability.CardTelemetry>();
            _queues = hub.Provider.GetRequiredService<Larkway.Hub.Platform.Queue.QueueMetrics>();
        }

        public static Instruments Of(HubServices hub) => new(hub);

        public void Calls(long count, int code) => _calls.Add(count, new KeyValuePair<string, object?>("feishu.app_id", "cli_x"), new KeyValuePair<string, object?>("feishu.code", code));

        public void TokenLookups(long hits, long misses)
        {
            _lookups.Add(hits, new KeyValuePair<string, object?>("feishu.token.cache.result", "hit"));
            _lookups.Add(misses, new KeyValuePair<string, object?>("feishu.token.cache.result", "miss"));
        }

        public void Latency(double seconds) => _latency.Record(seconds, new KeyValuePair<string, object?>("feishu.event_type", "im.message.receive_v1"));

        public void Card(string outcome) => _cards.Rendered(Larkway.Hub.Platform.Observability.CardTelemetry.Notification, outcome == "rendered");

        public void DeadLetter() => _queues.Attempted("notifications", Larkway.Hub.Platform.Queue.WorkOutcomeKind.DeadLetter, TimeSpan.Zero);
    }
}
