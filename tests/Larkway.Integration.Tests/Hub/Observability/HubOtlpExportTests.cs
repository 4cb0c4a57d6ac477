using System.Net;
using Larkway.Emulator.Hosting;

namespace Larkway.Integration.Tests.Hub.Observability;

/// <summary>The Hub as its own process, configured only through the standard OTEL_* environment, exporting to a test collector.</summary>
public sealed class HubOtlpExportTests
{
    [Fact]
    public async Task Metrics_and_the_event_activity_arrive_at_the_OTLP_endpoint()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        var app = emulator.State.Apps[0];
        await using var hub = await HubProcess.StartAsync(new Dictionary<string, string>(HubStorage.NewSqlite("larkway-otlp-"))
        {
            ["FEISHU_APP_ID"] = app.AppId,
            ["FEISHU_APP_SECRET"] = app.AppSecret,
            ["FEISHU_BASE_URL"] = emulator.BaseUrl.ToString(),
            ["FEISHU_EVENT_MODE"] = "webhook",
            ["FEISHU_ENCRYPT_KEY"] = HubSandbox.ExternalEncryptKey,
            ["FEISHU_VERIFICATION_TOKEN"] = HubSandbox.ExternalVerificationToken,
            ["LARKWAY_ADMIN_KEY"] = "otlp-test-admin-key",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.BaseUrl.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "300",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        });

        var eventId = "ev_otlp_" + Guid.NewGuid().ToString("N");
        using var control = new HttpClient { BaseAddress = emulator.BaseUrl };
        using var posted = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(control,
            $"/_emulator/apps/{app.AppId}/p2p-messages", new { sender = "bob@example.com", msg_type = "text", content = new { text = "/echo otlp" } });
        posted.EnsureSuccessStatusCode();
        using var postedBody = System.Text.Json.JsonDocument.Parse(await posted.Content.ReadAsStringAsync());
        var message = emulator.State.FindMessage(postedBody.RootElement.GetProperty("data").GetProperty("message_id").GetString()!)!;
        using var http = new HttpClient { BaseAddress = hub.BaseUrl };
        var player = new FeishuPlayer(http, HubSandbox.ExternalEncryptKey, HubSandbox.ExternalVerificationToken, app.AppId);
        using (var delivered = await player.DeliverAsync(FeishuPlayer.ReceiveEvent(message, emulator.State.FindChat(message.ChatId)!, eventId, player.Verification, app.AppId, emulator.State.Tenant.TenantKey)))
        {
            delivered.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        await HubSandbox.WaitUntilAsync(
            () => collector.MetricNames.Contains("larkway.feishu.events.received") && collector.Spans.Any(s => s.Attributes.GetValueOrDefault("feishu.event_id") == eventId),
            "the event's metric and activity at the collector", seconds: 30);

        collector.MetricNames.ShouldContain("http.server.request.duration");
        collector.ServiceNames.ShouldContain("larkway-hub");
        var span = collector.Spans.First(s => s.Attributes.GetValueOrDefault("feishu.event_id") == eventId);
        span.Name.ShouldBe("receive im.message.receive_v1");
        span.Attributes["feishu.event_type"].ShouldBe("im.message.receive_v1");
        span.Attributes["larkway.transport"].ShouldBe("http");

        // Its parent is the request's server span, exported too: the event's activity is not an orphan.
        span.ParentSpanId.IsEmpty.ShouldBeFalse();
        await HubSandbox.WaitUntilAsync(() => collector.Spans.Any(s => s.SpanId == span.ParentSpanId), "the request span");
        collector.Spans.Single(s => s.SpanId == span.ParentSpanId).TraceId.ShouldBe(span.TraceId);

        // Handled later by the inbox's worker, the event stays in the receipt's trace, and so does the bot's reply to Feishu.
        await HubSandbox.WaitUntilAsync(
            () => collector.Spans.Any(s => s.Name == "larkway.inbox.handle" && s.TraceId.Equals(span.TraceId))
                && collector.Spans.Any(s => s.Name.StartsWith("Feishu POST /open-apis/im/v1/messages/", StringComparison.Ordinal) && s.TraceId.Equals(span.TraceId)),
            "the handling and the bot's reply in the event's trace", seconds: 30);
        var handling = collector.Spans.First(s => s.Name == "larkway.inbox.handle" && s.TraceId.Equals(span.TraceId));
        handling.Attributes["feishu.event_type"].ShouldBe("im.message.receive_v1");
        collector.Spans.First(s => s.Name.StartsWith("Feishu POST /open-apis/im/v1/messages/", StringComparison.Ordinal) && s.TraceId.Equals(span.TraceId))
            .ParentSpanId.ShouldBe(handling.SpanId);
    }
}
