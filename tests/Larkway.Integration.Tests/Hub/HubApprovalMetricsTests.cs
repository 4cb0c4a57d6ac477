using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// The approvals' instruments, tagged per platform: approvals created on Feishu, DingTalk and WeCom in the sandbox (and
/// one repeated) count under their own platform, each create is timed under it, and an approval WeCom's approver decides
/// counts as approved on WeCom with its callback's lag — read from this Hub's meter only (its <c>IMeterFactory</c> scope).
/// </summary>
public sealed class HubApprovalMetricsTests
{
    private static readonly Dictionary<string, string?> Fast = new()
    {
        ["Larkway:Webhooks:PollInterval"] = "00:00:00.050",
        ["Larkway:Approvals:PollInterval"] = "00:00:00.050",
    };

    [Fact]
    public async Task Approvals_on_Feishu_DingTalk_and_WeCom_are_counted_under_their_own_platform()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAsync(Fast);
        using var recorded = new Recorded(hub.Host.Services.GetRequiredService<IMeterFactory>());
        using var client = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        using (var subscribed = await client.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url("/approvals").ToString(), event_types = new[] { "larkway.approval.*" } }))
        {
            subscribed.StatusCode.ShouldBe(HttpStatusCode.Created, await subscribed.Content.ReadAsStringAsync());
        }

        var dingTalk = new { app = "dingtalk-sandbox", definition = "PROC-LW-PAYMENT", applicant = new { user_id = "bob" }, form = new { Amount = 300, Reason = "Taxi" }, idempotency_key = "metrics-dingtalk" };
        await SubmitAsync(client, dingTalk, HttpStatusCode.Created);
        await SubmitAsync(client, dingTalk, HttpStatusCode.OK);
        var weCom = await SubmitAsync(client, new
        {
            app = "wecom-sandbox",
            definition = "3TmApprovalPaymentLarkwayDevTemplate0001",
            applicant = new { user_id = "alice" },
            form = new Dictionary<string, object> { ["Money-1"] = 300, ["Text-1"] = "Taxi" },
            idempotency_key = "metrics-wecom",
        }, HttpStatusCode.Created);

        await SubmitAsync(client, new
        {
            definition = Larkway.Emulator.Seed.DefaultApprovals.PaymentCode,
            applicant = new { email = "alice@example.com" },
            form = new { amount = new { value = 300, currency = "CNY" }, reason = "Taxi", method = "bank" },
            idempotency_key = "metrics-feishu",
        }, HttpStatusCode.Created);

        recorded.Sum("larkway.hub.approvals.created", ("platform", "feishu"), ("outcome", "created")).ShouldBe(1);
        recorded.Sum("larkway.hub.approvals.created", ("platform", "feishu"), ("app", "")).ShouldBe(1);
        recorded.Sum("larkway.hub.approvals.created", ("platform", "dingtalk"), ("outcome", "created")).ShouldBe(1);
        recorded.Sum("larkway.hub.approvals.created", ("platform", "dingtalk"), ("outcome", "duplicate")).ShouldBe(1);
        recorded.Sum("larkway.hub.approvals.created", ("platform", "wecom"), ("outcome", "created")).ShouldBe(1);
        recorded.Sum("larkway.hub.approvals.created", ("platform", "wecom"), ("outcome", "duplicate")).ShouldBe(0);
        recorded.Sum("larkway.hub.approvals.created", ("app", "wecom-sandbox")).ShouldBe(1);
        recorded.Count("larkway.hub.approvals.create.duration", ("platform", "dingtalk")).ShouldBe(1);
        recorded.Count("larkway.hub.approvals.create.duration", ("platform", "wecom")).ShouldBe(1);
        recorded.Count("larkway.hub.approvals.create.duration", ("platform", "feishu")).ShouldBe(1);
        recorded.Sum("larkway.hub.approvals.outcomes").ShouldBe(0);

        var spNo = weCom.GetProperty("instance_code").GetString()!;
        using (var decided = await hub.Control.PostAsJsonAsync($"/_emulator/wecom/approvals/{spNo}/decide", new { userid = "carol", action = "approve", speech = "OK" }))
        {
            decided.StatusCode.ShouldBe(HttpStatusCode.OK, await decided.Content.ReadAsStringAsync());
        }

        await HubSandbox.WaitUntilAsync(() => recorded.Sum("larkway.hub.approvals.outcomes", ("platform", "wecom"), ("status", "approved")) == 1, "the WeCom approval counted as approved", seconds: 60);
        recorded.Sum("larkway.hub.approvals.outcomes", ("platform", "dingtalk")).ShouldBe(0);
        recorded.Count("larkway.hub.approvals.callback.lag", ("platform", "wecom")).ShouldBeGreaterThan(0);
        recorded.Count("larkway.hub.approvals.callback.lag", ("platform", "dingtalk")).ShouldBe(0);
    }

    [Fact]
    public async Task The_list_filters_by_platform_the_OpenAPI_document_names_the_filter_and_an_unknown_platform_is_a_400()
    {
        await using var hub = await HubSandbox.StartAsync(Fast);
        using var client = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        var dingTalk = await SubmitAsync(client, new { app = "dingtalk-sandbox", definition = "PROC-LW-PAYMENT", applicant = new { user_id = "bob" }, form = new { Amount = 10, Reason = "Pens" }, idempotency_key = "list-dingtalk" }, HttpStatusCode.Created);
        var weCom = await SubmitAsync(client, new
        {
            app = "wecom-sandbox",
            definition = "3TmApprovalPaymentLarkwayDevTemplate0001",
            applicant = new { user_id = "alice" },
            form = new Dictionary<string, object> { ["Money-1"] = 10, ["Text-1"] = "Pens" },
            idempotency_key = "list-wecom",
        }, HttpStatusCode.Created);

        var feishu = await SubmitAsync(client, new
        {
            definition = Larkway.Emulator.Seed.DefaultApprovals.PaymentCode,
            applicant = new { email = "alice@example.com" },
            form = new { amount = new { value = 10, currency = "CNY" }, reason = "Pens", method = "bank" },
            idempotency_key = "list-feishu",
        }, HttpStatusCode.Created);

        foreach (var (platform, only) in new[] { ("feishu", feishu), ("dingtalk", dingTalk), ("wecom", weCom) })
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/api/v1/approvals?platform={platform}");
            page.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("id").GetString()).ShouldBe([only.GetProperty("id").GetString()]);
        }

        (await client.GetFromJsonAsync<JsonElement>("/api/v1/approvals?platform=wecom&status=approved")).GetProperty("items").GetArrayLength().ShouldBe(0);

        using (var unknown = await client.GetAsync(new Uri("/api/v1/approvals?platform=DingTalk&status=nope", UriKind.Relative)))
        {
            var text = await unknown.Content.ReadAsStringAsync();
            unknown.StatusCode.ShouldBe(HttpStatusCode.BadRequest, text);
            var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors").EnumerateArray().ToList();
            errors.ShouldContain(e => e.GetProperty("field").GetString() == "status", text);
            var platformError = errors.Single(e => e.GetProperty("field").GetString() == "platform").GetProperty("message").GetString()!;
            platformError.ShouldContain("dingtalk");
            platformError.ShouldContain("wecom");
        }

        var document = await client.GetFromJsonAsync<JsonElement>("/api/v1/openapi.json");
        document.GetProperty("paths").GetProperty("/api/v1/approvals").GetProperty("get").GetProperty("parameters").EnumerateArray()
            .ShouldContain(p => p.GetProperty("name").GetString() == "platform" && p.GetProperty("in").GetString() == "query");
    }

    private static async Task<JsonElement> SubmitAsync(HttpClient client, object request, HttpStatusCode expected)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/approvals", request);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(expected, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The measurements of the approvals' instruments on one Hub's meters, as they arrive.</summary>
    private sealed class Recorded : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)> _measurements = new();

        public Recorded(IMeterFactory hub)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, hub) && instrument.Name.StartsWith("larkway.hub.approvals.", StringComparison.Ordinal))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => _measurements.Enqueue((instrument.Name, value, tags.ToArray())));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => _measurements.Enqueue((instrument.Name, value, tags.ToArray())));
            _listener.Start();
        }

        public double Sum(string instrument, params (string Key, string Value)[] tags) => Matching(instrument, tags).Sum(m => m.Value);

        public int Count(string instrument, params (string Key, string Value)[] tags) => Matching(instrument, tags).Count();

        public void Dispose() => _listener.Dispose();

        private IEnumerable<(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)> Matching(string instrument, (string Key, string Value)[] tags) =>
            _measurements.Where(m => m.Instrument == instrument && tags.All(t => m.Tags.Any(g => g.Key == t.Key && Equals(g.Value, t.Value))));
    }
}
