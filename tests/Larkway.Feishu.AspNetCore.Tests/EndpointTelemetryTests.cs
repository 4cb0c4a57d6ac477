using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Larkway.Feishu.Events.Ingest;
using Larkway.Feishu.Events.Models.Cards;
using Larkway.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Feishu.AspNetCore.Tests;

/// <summary>What the endpoints record on the <c>Larkway</c> meter of the host's own <see cref="IMeterFactory"/>, and their activities.</summary>
public sealed class EndpointTelemetryTests
{
    private const string Key = "telemetry-encrypt-key";
    private const string Token = "telemetry-verification-token";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private static string CardTrigger(string eventId) => FeishuWire.V2Event("card.action.trigger", Token, eventId,
        """{"operator":{"open_id":"ou_1","tenant_key":"t1"},"token":"c-upd","action":{"tag":"button","value":{"k":"v"}},"host":"im_message","context":{"open_message_id":"om_1","open_chat_id":"oc_1"}}""");

    private static async Task<(ReceiverHost Host, MetricRecorder Metrics)> StartAsync(RecordingSink sink, Action<FeishuEventEndpointOptions>? configure = null)
    {
        var host = await ReceiverHost.StartAsync(
            services => services.AddFeishuEventReceiver(o =>
            {
                o.EncryptKey = Key;
                o.VerificationToken = Token;
                configure?.Invoke(o);
            }).UseSink(_ => sink),
            app =>
            {
                app.MapFeishuEvents("/feishu/events");
                app.MapFeishuCardActions("/feishu/cards");
            },
            new ManualTime(Now));
        return (host, new MetricRecorder(host.Services.GetRequiredService<IMeterFactory>()));
    }

    private static HttpRequestMessage SignedEvent(string plaintext, string path = "/feishu/events") =>
        FeishuWire.Signed(path, FeishuWire.EncryptedBody(Key, plaintext), Key, Now);

    [Fact]
    public async Task Received_events_are_counted_by_app_type_transport_and_outcome()
    {
        var sink = new RecordingSink();
        var (host, metrics) = await StartAsync(sink);
        await using var _ = host;
        using var __ = metrics;
        sink.Answer = e => ValueTask.FromResult(e.Envelope.DedupKey == "ev_dup" ? FeishuIngestResult.Duplicate : FeishuIngestResult.Accepted);

        (await host.Client.SendAsync(SignedEvent(FeishuWire.MessageEvent(Token, "ev_new", "om_1")))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await host.Client.SendAsync(SignedEvent(FeishuWire.MessageEvent(Token, "ev_dup", "om_2")))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var received = metrics.Of("larkway.feishu.events.received");
        received.Count.ShouldBe(2);
        received.ShouldAllBe(m => m.Value == 1 && m.Tag("feishu.app") == "" && m.Tag("feishu.event_type") == "im.message.receive_v1" && m.Tag("larkway.transport") == "http");
        received.Select(m => m.Tag("larkway.outcome")).Order().ShouldBe(["accepted", "duplicate"]);
        metrics.Of("larkway.feishu.events.rejected").ShouldBeEmpty();
    }

    [Fact]
    public async Task A_sink_failure_is_counted_as_failed()
    {
        var sink = new RecordingSink { Answer = _ => throw new InvalidOperationException("database down") };
        var (host, metrics) = await StartAsync(sink);
        await using var _ = host;
        using var __ = metrics;

        (await host.Client.SendAsync(SignedEvent(FeishuWire.MessageEvent(Token, "ev_1", "om_1")))).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);

        metrics.Of("larkway.feishu.events.received").ShouldHaveSingleItem().Tag("larkway.outcome").ShouldBe("failed");
    }

    [Fact]
    public async Task Rejected_requests_are_counted_by_reason_and_never_as_received()
    {
        var sink = new RecordingSink();
        var (host, metrics) = await StartAsync(sink, o => o.MaxRequestBodySize = 2048);
        await using var _ = host;
        using var __ = metrics;
        var body = FeishuWire.EncryptedBody(Key, FeishuWire.MessageEvent(Token, "ev_1", "om_1"));

        (await host.Client.SendAsync(FeishuWire.Request("/feishu/events", body, "1800000000", "n", "0000"))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await host.Client.SendAsync(FeishuWire.Signed("/feishu/events", body, Key, Now.AddMinutes(-6)))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await host.Client.SendAsync(FeishuWire.Signed("/feishu/events", "not json", Key, Now))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await host.Client.SendAsync(FeishuWire.Signed("/feishu/events", new string(' ', 4096), Key, Now))).StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await host.Client.SendAsync(SignedEvent(FeishuWire.MessageEvent("someone-elses-token", "ev_2", "om_2")))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        metrics.Of("larkway.feishu.events.rejected").Select(m => m.Tag("error.type")).Order()
            .ShouldBe(["bad_signature", "malformed", "stale_timestamp", "too_large", "wrong_token"]);
        metrics.Of("larkway.feishu.events.rejected").ShouldAllBe(m => m.Tag("larkway.transport") == "http" && m.Tag("feishu.app") == "");
        metrics.Of("larkway.feishu.events.received").ShouldBeEmpty();
    }

    [Fact]
    public async Task Card_actions_record_each_kind_of_answer_with_its_latency()
    {
        var release = new TaskCompletionSource<FeishuIngestResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var sink = new RecordingSink
        {
            Answer = e => e.Envelope.DedupKey switch
            {
                "ev_toast" => ValueTask.FromResult(new FeishuIngestResult(FeishuIngestStatus.Accepted, CardActionResponse.WithToast(CardToastType.Info, "ok"))),
                "ev_slow" => new ValueTask<FeishuIngestResult>(release.Task),
                "ev_broken" => throw new InvalidOperationException("handler down"),
                _ => ValueTask.FromResult(FeishuIngestResult.Accepted),
            },
        };
        var (host, metrics) = await StartAsync(sink, o => o.CardActionDeadline = TimeSpan.FromMilliseconds(50));
        await using var _ = host;
        using var __ = metrics;

        foreach (var id in new[] { "ev_toast", "ev_empty", "ev_slow", "ev_broken" })
        {
            using var response = await host.Client.SendAsync(SignedEvent(CardTrigger(id), "/feishu/cards"));
        }

        await Eventually.UntilAsync(() => metrics.Of("larkway.feishu.card_action.duration").Count == 4, "four card answers");
        var answers = metrics.Of("larkway.feishu.card_action.duration");
        answers.Select(a => a.Tag("larkway.card_action.answer")).Order().ShouldBe(["empty", "failed", "late", "response"]);
        answers.ShouldAllBe(a => a.Value >= 0 && a.Tag("larkway.transport") == "http");

        // The late click is counted as received once its handler is done, not when the endpoint answered.
        metrics.Of("larkway.feishu.events.received").Count.ShouldBe(3);
        release.SetResult(FeishuIngestResult.Accepted);
        await Eventually.UntilAsync(() => metrics.Of("larkway.feishu.events.received").Count == 4, "the late click counted");
    }

    [Fact]
    public async Task Each_event_gets_an_activity_with_its_type_and_id_that_the_sink_runs_under()
    {
        var eventId = "ev_trace_" + Guid.NewGuid().ToString("N");
        using var activities = new ActivityRecorder(a => Equals(a.GetTagItem("feishu.event_id"), eventId));
        ActivitySpanId? seenBySink = null;
        var sink = new RecordingSink
        {
            Answer = _ =>
            {
                seenBySink = Activity.Current?.SpanId;
                return ValueTask.FromResult(FeishuIngestResult.Accepted);
            },
        };
        var (host, metrics) = await StartAsync(sink);
        await using var _ = host;
        using var __ = metrics;

        (await host.Client.SendAsync(SignedEvent(FeishuWire.MessageEvent(Token, eventId, "om_1")))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var activity = await activities.SingleAsync();
        activity.DisplayName.ShouldBe("receive im.message.receive_v1");
        activity.GetTagItem("feishu.event_type").ShouldBe("im.message.receive_v1");
        activity.GetTagItem("larkway.transport").ShouldBe("http");
        activity.GetTagItem("larkway.outcome").ShouldBe("accepted");
        seenBySink.ShouldBe(activity.SpanId);
    }
}
