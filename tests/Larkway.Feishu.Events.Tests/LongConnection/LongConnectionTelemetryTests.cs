using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Larkway.Feishu.Events.Ingest;
using Larkway.Feishu.Events.LongConnection;
using Larkway.Feishu.Events.Models.Cards;
using Larkway.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Feishu.Events.Tests.LongConnection;

/// <summary>The long connection's metrics and activities, read with a listener scoped to the test's own meter factory.</summary>
public sealed class LongConnectionTelemetryTests : IAsyncLifetime
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private MetricRecorder _metrics = null!;

    private IMeterFactory MeterFactory => _services.GetRequiredService<IMeterFactory>();

    public Task InitializeAsync()
    {
        _metrics = new MetricRecorder(MeterFactory);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _metrics.Dispose();
        await _services.DisposeAsync();
    }

    [Fact]
    public async Task A_handled_event_is_counted_by_app_type_transport_and_outcome_inside_an_activity_with_its_type_and_id()
    {
        var eventId = "ev-trace-" + Guid.NewGuid().ToString("N");
        using var activities = new ActivityRecorder(a => Equals(a.GetTagItem("feishu.event_id"), eventId));
        await using var h = await StartAsync();
        string? parentSeenBySink = null;
        h.Sink.Handler = (_, _) =>
        {
            parentSeenBySink = Activity.Current?.SpanId.ToHexString();
            return ValueTask.FromResult(FeishuIngestResult.Accepted);
        };
        var connection = await h.Server.NextConnectionAsync();

        await connection.SendDataAsync(Payloads.Message(eventId), "msg-1");
        (await connection.NextAckAsync()).AckCode().ShouldBe(200);

        var received = await WaitForAsync("larkway.feishu.events.received");
        received.Value.ShouldBe(1);
        received.Tag("feishu.app").ShouldBe("ops");
        received.Tag("feishu.event_type").ShouldBe("im.message.receive_v1");
        received.Tag("larkway.transport").ShouldBe("long_connection");
        received.Tag("larkway.outcome").ShouldBe("accepted");

        var activity = await activities.SingleAsync();
        activity.OperationName.ShouldBe("feishu.event.receive");
        activity.Kind.ShouldBe(ActivityKind.Consumer);
        activity.GetTagItem("feishu.event_type").ShouldBe("im.message.receive_v1");
        activity.GetTagItem("larkway.transport").ShouldBe("long_connection");
        activity.GetTagItem("larkway.outcome").ShouldBe("accepted");
        parentSeenBySink.ShouldBe(activity.SpanId.ToHexString());
    }

    [Fact]
    public async Task A_sink_failure_is_counted_as_failed_and_marks_the_activity_as_an_error()
    {
        var eventId = "ev-fail-" + Guid.NewGuid().ToString("N");
        using var activities = new ActivityRecorder(a => Equals(a.GetTagItem("feishu.event_id"), eventId));
        await using var h = await StartAsync();
        h.Sink.Handler = (_, _) => throw new InvalidOperationException("database down");
        var connection = await h.Server.NextConnectionAsync();

        await connection.SendDataAsync(Payloads.Message(eventId), "msg-1");
        (await connection.NextAckAsync()).AckCode().ShouldBe(500);

        (await WaitForAsync("larkway.feishu.events.received")).Tag("larkway.outcome").ShouldBe("failed");
        (await activities.SingleAsync()).Status.ShouldBe(ActivityStatusCode.Error);
    }

    [Fact]
    public async Task Card_actions_record_their_answer_and_latency()
    {
        await using var h = await StartAsync();
        h.Sink.Handler = (e, _) => ValueTask.FromResult(new FeishuIngestResult(
            FeishuIngestStatus.Accepted, e.Envelope.DedupKey == "ev-card-toast" ? CardActionResponse.WithToast(CardToastType.Info, "ok") : null));
        var connection = await h.Server.NextConnectionAsync();

        await connection.SendDataAsync(Payloads.CardAction("ev-card-toast"), "msg-card-1");
        await connection.NextAckAsync();
        await connection.SendDataAsync(Payloads.CardAction("ev-card-empty"), "msg-card-2");
        await connection.NextAckAsync();

        await Eventually.UntilAsync(() => _metrics.Of("larkway.feishu.card_action.duration").Count == 2, "two card-action answers");
        var answers = _metrics.Of("larkway.feishu.card_action.duration");
        answers.Select(a => a.Tag("larkway.card_action.answer")).Order().ShouldBe(["empty", "response"]);
        answers.ShouldAllBe(a => a.Value >= 0 && a.Tag("larkway.transport") == "long_connection" && a.Tag("feishu.app") == "ops");
    }

    [Fact]
    public async Task Frames_refused_before_the_sink_are_counted_by_reason()
    {
        await using var h = await StartAsync(o => o.VerificationToken = LongConnectionHarness.VerificationToken);
        var connection = await h.Server.NextConnectionAsync();

        await connection.SendDataAsync(Payloads.Message("ev-forged", token: "forged"), "msg-1");
        await connection.NextAckAsync();
        await connection.SendDataAsync(Encoding.UTF8.GetBytes("{\"not\":\"an event\"}"), "msg-2");
        await connection.NextAckAsync();

        await Eventually.UntilAsync(() => _metrics.Of("larkway.feishu.events.rejected").Count == 2, "two rejections");
        _metrics.Of("larkway.feishu.events.rejected").Select(r => r.Tag("error.type")).Order().ShouldBe(["malformed", "wrong_token"]);
        _metrics.Of("larkway.feishu.events.received").ShouldBeEmpty();
    }

    [Fact]
    public async Task The_connected_gauge_follows_the_connection_and_reconnects_are_counted()
    {
        await using var h = await StartAsync();
        var first = await h.Server.NextConnectionAsync();
        await Eventually.UntilAsync(() => h.Client.State == FeishuLongConnectionState.Connected, "connected");

        ObserveConnected().ShouldBe([1]);

        await first.CloseAsync();
        var second = await h.Server.NextConnectionAsync();
        await second.NextPingAsync();
        await Eventually.UntilAsync(() => _metrics.Of("larkway.feishu.long_connection.reconnects").Count == 1, "a reconnect");
        var reconnect = _metrics.Of("larkway.feishu.long_connection.reconnects").Single();
        reconnect.Tag("larkway.outcome").ShouldBe("connected");
        reconnect.Tag("feishu.app_id").ShouldBe(LongConnectionHarness.AppId);

        await h.StopAsync();
        ObserveConnected().ShouldBeEmpty(); // a stopped client reports nothing
    }

    [Fact]
    public async Task Clients_given_the_same_meter_factory_share_one_set_of_instruments()
    {
        await using var a = await StartAsync();
        await using var b = await StartAsync();
        await a.Server.NextConnectionAsync();
        await b.Server.NextConnectionAsync();
        await Eventually.UntilAsync(() => a.Client.State == FeishuLongConnectionState.Connected && b.Client.State == FeishuLongConnectionState.Connected, "both connected");

        // One gauge instrument reporting both clients, not one instrument per client.
        ObserveConnected().ShouldBe([1, 1]);
    }

    private List<double> ObserveConnected()
    {
        var before = _metrics.Of("larkway.feishu.long_connection.connected").Count;
        _metrics.Observe();
        return [.. _metrics.Of("larkway.feishu.long_connection.connected").Skip(before).Select(m => m.Value)];
    }

    private Task<LongConnectionHarness> StartAsync(Action<FeishuLongConnectionOptions>? configure = null) =>
        LongConnectionHarness.StartAsync(o =>
        {
            o.MeterFactory = MeterFactory;
            configure?.Invoke(o);
        });

    private async Task<RecordedMeasurement> WaitForAsync(string instrument)
    {
        await Eventually.UntilAsync(() => _metrics.Of(instrument).Count > 0, instrument);
        return _metrics.Of(instrument).ShouldHaveSingleItem();
    }
}
