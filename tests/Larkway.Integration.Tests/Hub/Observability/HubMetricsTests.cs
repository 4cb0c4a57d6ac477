using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Hub.Platform.Observability.Prometheus;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub.Observability;

/// <summary>The Hub's Prometheus endpoint scraped as Prometheus would, and its health endpoints.</summary>
public sealed class HubMetricsTests
{
    private static async Task<PrometheusScrape> ScrapeAsync(HttpClient http, string? bearer = HubSandbox.AdminKey, string path = "/metrics")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        response.Content.Headers.ContentType!.ToString().ShouldBe("text/plain; version=0.0.4; charset=utf-8");
        return PrometheusScrape.Parse(text);
    }

    private static PrometheusSample ReceivedMessages(PrometheusScrape scrape) =>
        scrape.Of("larkway_feishu_events_received_total").Single(s =>
            s.Labels.GetValueOrDefault("feishu_event_type") == "im.message.receive_v1"
            && s.Labels.GetValueOrDefault("larkway_transport") == "http"
            && s.Labels.GetValueOrDefault("larkway_outcome") == "accepted");

    // Every series of the template: a failed attempt (a 429 under load, say) adds one with its error.type.
    private static double CallCount(PrometheusScrape scrape, string template) =>
        scrape.Of("larkway_feishu_call_duration_seconds_count").Where(s => s.Labels.GetValueOrDefault("url_template") == template).Sum(s => s.Value);

    private static async Task TalkToBotAsync(HubSandbox hub, string text)
    {
        var messageId = await hub.SayToBotAsync("/echo " + text);
        await HubSandbox.WaitUntilAsync(() => hub.BotTextsInChatOf(messageId).Contains(text), "the bot's echo of " + text);
    }

    [Fact]
    public async Task A_scrape_shows_the_flows_counter_and_histogram_with_their_labels_and_they_never_go_down()
    {
        await using var hub = await HubSandbox.StartAsync();
        await TalkToBotAsync(hub, "first");

        // The Emulator shows the echo as soon as it stores it; the client records the call once the answer is back.
        PrometheusScrape first = null!;
        await HubSandbox.WaitUntilAsync(() => (first = ScrapeAsync(hub.Api).GetAwaiter().GetResult())
            .Of("larkway_feishu_call_duration_seconds_count").Any(s => s.Labels.GetValueOrDefault("url_template")?.EndsWith("/reply", StringComparison.Ordinal) == true), "the reply call recorded");

        first.Types["larkway_feishu_events_received_total"].ShouldBe("counter");
        first.Help["larkway_feishu_events_received_total"].ShouldNotBeNullOrWhiteSpace();
        ReceivedMessages(first).Value.ShouldBeGreaterThanOrEqualTo(1);
        first.Types["larkway_feishu_call_duration_seconds"].ShouldBe("histogram");
        // The bot's echo is a reply to the user's message.
        var templates = first.Of("larkway_feishu_call_duration_seconds_count").Select(s => s.Labels.GetValueOrDefault("url_template")).ToList();
        var send = templates.FirstOrDefault(t => t is not null && t.StartsWith("/open-apis/im/v1/messages/", StringComparison.Ordinal) && t.EndsWith("/reply", StringComparison.Ordinal));
        send.ShouldNotBeNull("no reply call among " + string.Join(", ", templates));
        // One series of the template (its successful calls), bucket by bucket.
        var series = first.Of("larkway_feishu_call_duration_seconds_count").Where(s => s.Labels.GetValueOrDefault("url_template") == send).MaxBy(s => s.Value)!;
        var buckets = first.Of("larkway_feishu_call_duration_seconds_bucket")
            .Where(b => b.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key, StringComparer.Ordinal).SequenceEqual(series.Labels.OrderBy(l => l.Key, StringComparer.Ordinal)))
            .ToList();
        buckets.ShouldNotBeEmpty();
        buckets.Select(b => b.Value).ShouldBeInOrder(SortDirection.Ascending); // cumulative
        buckets[^1].Labels["le"].ShouldBe("+Inf");
        buckets[^1].Value.ShouldBe(series.Value);
        first.Of("larkway_feishu_call_duration_seconds_sum").ShouldContain(s => s.Labels.GetValueOrDefault("url_template") == send);
        first.Types["http_server_request_duration_seconds"].ShouldBe("histogram");

        // The sandbox's Emulator runs in this process under its own container: its requests are not the Hub's.
        first.Of("http_server_request_duration_seconds_count").ShouldNotContain(s => s.Labels.GetValueOrDefault("http_route", "").StartsWith("/open-apis", StringComparison.Ordinal));
        first.Of("http_server_request_duration_seconds_count").ShouldContain(s => s.Labels.GetValueOrDefault("http_route") == "/feishu/events");

        await TalkToBotAsync(hub, "second");
        PrometheusScrape second = null!;
        await HubSandbox.WaitUntilAsync(() => CallCount(second = ScrapeAsync(hub.Api).GetAwaiter().GetResult(), send) > CallCount(first, send), "the second reply call recorded");

        ReceivedMessages(second).Value.ShouldBeGreaterThan(ReceivedMessages(first).Value);
        CallCount(second, send).ShouldBeGreaterThan(CallCount(first, send));
        // Every Larkway and HTTP counter and histogram count (the runtime publishes some gauges-in-fact as counters,
        // e.g. its thread count, which are not the Hub's to judge).
        foreach (var sample in first.Samples.Where(s => (s.Name.StartsWith("larkway_", StringComparison.Ordinal) || s.Name.StartsWith("http_server_", StringComparison.Ordinal))
            && (first.Types.GetValueOrDefault(s.Name) == "counter" || s.Name.EndsWith("_count", StringComparison.Ordinal) || s.Name.EndsWith("_bucket", StringComparison.Ordinal))))
        {
            var later = second.Samples.SingleOrDefault(s => s.Name == sample.Name && s.Labels.Count == sample.Labels.Count && !s.Labels.Except(sample.Labels).Any());
            later.ShouldNotBeNull($"{sample.Name} disappeared");
            later.Value.ShouldBeGreaterThanOrEqualTo(sample.Value, sample.Name);
        }
    }

    [Fact]
    public async Task A_notification_refused_for_its_data_is_no_failed_card_render()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var admin = new HttpClient { BaseAddress = hub.Api.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        var po = new Dictionary<string, object?> { ["number"] = "PO-9001", ["supplier"] = "ACME", ["total"] = "CNY 1.00", ["delivery_date"] = "2026-12-01", ["url"] = "https://erp.example.com/po/9001" };
        object Body(string key, IDictionary<string, object?> order) => new
        {
            type = "purchase_order.created",
            idempotency_key = key,
            data = new { po = order, lines = Array.Empty<object>(), buyer = new { email = "alice@example.com" } },
        };

        // Refused (400): the data leaves {{po.total}} empty — the caller's mistake, not the template's.
        using var refused = await admin.PostAsync("/api/v1/notifications", System.Net.Http.Json.JsonContent.Create(Body("po-9001-gap", po.Where(p => p.Key != "total").ToDictionary())));
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await refused.Content.ReadAsStringAsync());
        using var accepted = await admin.PostAsync("/api/v1/notifications", System.Net.Http.Json.JsonContent.Create(Body("po-9001", po)));
        accepted.StatusCode.ShouldBe(HttpStatusCode.Accepted, await accepted.Content.ReadAsStringAsync());

        var cards = (await ScrapeAsync(hub.Api)).Samples
            .Where(s => s.Name.StartsWith("larkway_hub_cards_rendered", StringComparison.Ordinal) && s.Labels.GetValueOrDefault("larkway_card_source") == "notification")
            .ToList();
        cards.Where(s => s.Labels.GetValueOrDefault("outcome") == "rendered").Sum(s => s.Value).ShouldBe(1);
        cards.Where(s => s.Labels.GetValueOrDefault("outcome") == "failed").Sum(s => s.Value).ShouldBe(0);
    }

    [Fact]
    public async Task Metrics_need_the_admin_key_on_the_Hubs_port()
    {
        await using var hub = await HubSandbox.StartAsync();

        (await hub.Api.GetAsync("/metrics")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "not-the-key") } };
        (await hub.Api.SendAsync(wrong)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task With_a_metrics_port_they_are_served_there_without_a_key_and_not_on_the_Hubs_port()
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?> { ["Larkway:Metrics:Port"] = "0" });
        var url = hub.Host.Services.GetRequiredService<MetricsPortServer>().Url!;
        using var scraper = new HttpClient { BaseAddress = url };

        var scrape = await ScrapeAsync(scraper, bearer: null, path: url.AbsolutePath);

        scrape.Types["dotnet_gc_collections_total"].ShouldBe("counter");
        (await hub.Api.GetAsync("/metrics")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await scraper.GetAsync("/api/v1/events")).StatusCode.ShouldBe(HttpStatusCode.NotFound); // nothing else of the Hub there
    }

    private static string? ReadyStatus(HubSandbox hub)
    {
        using var ready = hub.Api.GetAsync("/readyz").GetAwaiter().GetResult();
        return JsonDocument.Parse(ready.Content.ReadAsStringAsync().GetAwaiter().GetResult()).RootElement.GetProperty("status").GetString();
    }

    [Fact]
    public async Task Readiness_lists_the_database_and_migrations_and_liveness_runs_nothing()
    {
        await using var hub = await HubSandbox.StartAsync();

        // The sandbox's DingTalk app connects over Stream just after the start: ready once some replica holds its lease.
        await HubSandbox.WaitUntilAsync(() => ReadyStatus(hub) == "Healthy", "the sandbox ready, its DingTalk Stream connection held");
        using var ready = await hub.Api.GetAsync("/readyz");
        ready.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var readyBody = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        readyBody.RootElement.GetProperty("status").GetString().ShouldBe("Healthy");
        var checks = readyBody.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
        checks.ShouldBe(new Dictionary<string, string?>
        {
            ["database"] = "Healthy",
            ["migrations"] = "Healthy",
            ["queue:inbox"] = "Healthy",
            ["queue:notifications"] = "Healthy",
            ["queue:webhooks"] = "Healthy",
            ["queue:approvals.submit"] = "Healthy",
            ["queue:directory.sync"] = "Healthy",
            ["queue:bitable.sync"] = "Healthy",
            ["queue:assistant-replies"] = "Healthy",
            ["queue:assistant-link-codes"] = "Healthy",
            ["queue:wecom-kf-pulls"] = "Healthy",
            ["queue:feishu.knowledge"] = "Healthy",
            ["dingtalk-stream"] = "Healthy",
            ["wecom-callbacks"] = "Healthy",
            ["wecom-aibot"] = "Healthy",
        }, ignoreOrder: true);

        using var live = await hub.Api.GetAsync("/healthz");
        live.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var liveBody = JsonDocument.Parse(await live.Content.ReadAsStringAsync());
        liveBody.RootElement.GetProperty("checks").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task A_queue_nobody_works_is_reported_stuck_as_degraded_and_the_replica_stays_ready()
    {
        // This replica accepts events but runs no inbox worker; items waiting longer than a second count as stuck.
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?>
        {
            ["Larkway:Inbox:ProcessorEnabled"] = "false",
            ["Larkway:Queues:StuckAfter"] = "00:00:01",
        });
        await hub.SayToBotAsync("/help");

        JsonElement inbox = default;
        int status = 0;
        await HubSandbox.WaitUntilAsync(() =>
        {
            using var ready = hub.Api.GetAsync("/readyz").GetAwaiter().GetResult();
            status = (int)ready.StatusCode;
            using var body = JsonDocument.Parse(ready.Content.ReadAsStringAsync().GetAwaiter().GetResult());
            inbox = body.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "queue:inbox").Clone();
            return inbox.GetProperty("status").GetString() == "Degraded";
        }, "the inbox reported stuck");

        status.ShouldBe(200);
        inbox.GetProperty("description").GetString()!.ShouldContain("the queue is not being worked");
    }

    [Fact]
    public async Task Readiness_fails_when_the_database_is_gone()
    {
        var data = Directory.CreateTempSubdirectory("larkway-ready-").FullName;
        await using var hub = await HubSandbox.StartAsync(dataDirectory: data);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(data, "larkway.db*"))
        {
            File.Delete(file);
        }

        // A connection a worker held open while the files went still reads the unlinked file until it is returned, so
        // the replica turns unready with the next connection opened, not necessarily with the first probe.
        HttpStatusCode status = default;
        JsonElement body = default;
        await HubSandbox.WaitUntilAsync(() =>
        {
            using var ready = hub.Api.GetAsync("/readyz").GetAwaiter().GetResult();
            status = ready.StatusCode;
            body = JsonDocument.Parse(ready.Content.ReadAsStringAsync().GetAwaiter().GetResult()).RootElement.Clone();
            return status == HttpStatusCode.ServiceUnavailable;
        }, "the replica reported unready");

        body.GetProperty("status").GetString().ShouldBe("Unhealthy");

        // Gone, or (when a background poll opened it again) an empty file without the schema.
        body.GetProperty("checks").EnumerateArray()
            .Where(c => c.GetProperty("name").GetString() is "database" or "migrations")
            .ShouldContain(c => c.GetProperty("status").GetString() == "Unhealthy");
    }

    [Fact]
    public async Task In_long_connection_mode_readiness_reports_whether_a_replica_holds_the_connection()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "long-connection");

        string? status = null;
        await HubSandbox.WaitUntilAsync(() =>
        {
            using var ready = hub.Api.GetAsync("/readyz").GetAwaiter().GetResult();
            using var body = JsonDocument.Parse(ready.Content.ReadAsStringAsync().GetAwaiter().GetResult());
            status = body.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "long-connection").GetProperty("status").GetString();
            return status == "Healthy";
        }, "the long-connection check to see the lease held");
        status.ShouldBe("Healthy");
    }
}
