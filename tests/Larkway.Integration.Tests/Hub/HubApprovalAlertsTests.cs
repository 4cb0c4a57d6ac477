using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Hub.Alerts;
using Larkway.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// The approvals' alert rules, per platform, in a sandbox Hub: while each platform's Emulator answers every create with
/// a server error, one approval on each stays submitting — past the threshold "approvals stuck" breaches counting one on
/// each platform (a DingTalk approval created before is not counted) — and once their attempts run out they fail,
/// "approvals failed" breaches counting one per platform (below a threshold of two on one platform it would not) and
/// the stuck one clears.
/// </summary>
public sealed class HubApprovalAlertsTests
{
    [Fact]
    public async Task Approvals_stuck_then_failed_on_each_platform_breach_the_approval_rules_counted_per_platform()
    {
        var clock = new ShiftableTimeProvider();
        await using var hub = await HubSandbox.StartAsync(
            new Dictionary<string, string?>
            {
                // The test evaluates; the job's own runs (also evaluating, harmlessly) are far apart.
                ["Larkway:Alerts:Interval"] = "00:10:00",
                ["Larkway:Approvals:PollInterval"] = "00:00:00.050",
                ["Larkway:Approvals:MaxAttempts"] = "2",
                ["Larkway:Approvals:RetryDelays:0"] = "01:00:00",
            },
            configure: builder => builder.Services.AddSingleton<TimeProvider>(clock));
        var evaluator = hub.Host.App.Services.GetRequiredService<AlertEvaluator>();
        using var client = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        // DingTalk's first approval is created before its platform fails: it is counted nowhere.
        await SubmitAsync(client, DingTalk("alerts-dingtalk-created", "Lunch"), HttpStatusCode.Created);

        // Each platform answers its create with a server error from now on: one approval on each stays submitting.
        foreach (var (path, endpoint) in new[] { ("/_emulator/faults", "POST /open-apis/approval/v4/instances"), ("/_emulator/dingtalk/faults", "POST /v1.0/workflow/processInstances"), ("/_emulator/wecom/faults", "POST /cgi-bin/oa/applyevent") })
        {
            using var armed = await hub.Control.PostAsJsonAsync(path, new { endpoint, kind = "server_error", count = 1000 });
            armed.IsSuccessStatusCode.ShouldBeTrue(await armed.Content.ReadAsStringAsync());
        }

        var stuckOn = new Dictionary<string, string>
        {
            ["Feishu"] = await SubmitAsync(client, new
            {
                definition = Larkway.Emulator.Seed.DefaultApprovals.PaymentCode,
                applicant = new { email = "alice@example.com" },
                form = new { amount = new { value = 80, currency = "CNY" }, reason = "Lunch", method = "bank" },
                idempotency_key = "alerts-feishu",
            }, HttpStatusCode.Accepted),
            // Another form than the created one's: a retry looks for an instance its lost attempt made by applicant and form.
            ["DingTalk"] = await SubmitAsync(client, DingTalk("alerts-dingtalk-stuck", "Dinner"), HttpStatusCode.Accepted),
            ["WeCom"] = await SubmitAsync(client, new
            {
                app = "wecom-sandbox",
                definition = "3TmApprovalPaymentLarkwayDevTemplate0001",
                applicant = new { user_id = "alice" },
                form = new Dictionary<string, object> { ["Money-1"] = 80, ["Text-1"] = "Lunch" },
                idempotency_key = "alerts-wecom",
            }, HttpStatusCode.Accepted),
        };

        var fresh = await evaluator.EvaluateAsync(default);
        fresh["approvals_stuck"]!.Breached.ShouldBeFalse(fresh["approvals_stuck"]!.Detail);
        fresh["approvals_failed"]!.Breached.ShouldBeFalse(fresh["approvals_failed"]!.Detail);

        // Past the threshold (30 min) and before their next attempt (1 h): stuck, one on each platform.
        clock.Advance(TimeSpan.FromMinutes(31));
        var stuck = await evaluator.EvaluateAsync(default);
        stuck["approvals_stuck"]!.Breached.ShouldBeTrue(stuck["approvals_stuck"]!.Detail);
        foreach (var (platform, id) in stuckOn)
        {
            stuck["approvals_stuck"]!.Detail.ShouldContain($"{platform} 1 (the oldest {id}");
        }

        stuck["approvals_failed"]!.Breached.ShouldBeFalse(stuck["approvals_failed"]!.Detail);

        // Their second and last attempt fails too: failed, one on each platform; the stuck alert clears.
        clock.Advance(TimeSpan.FromMinutes(30));
        try
        {
            await HubSandbox.WaitUntilAsync(
                () => stuckOn.Values.All(id => client.GetFromJsonAsync<JsonElement>($"/api/v1/approvals/{id}").GetAwaiter().GetResult().GetProperty("status").GetString() == "failed"),
                "the three approvals failed after their last attempt", seconds: 60);
        }
        catch (TimeoutException)
        {
            // What each one is, to say which platform's did not fail.
            var now = stuckOn.Select(s => s.Key + ": " + client.GetStringAsync(new Uri($"/api/v1/approvals/{s.Value}", UriKind.Relative)).GetAwaiter().GetResult());
            throw new TimeoutException("Not every approval failed: " + string.Join(" | ", now));
        }

        var failed = await evaluator.EvaluateAsync(default);
        failed["approvals_failed"]!.Breached.ShouldBeTrue(failed["approvals_failed"]!.Detail);
        foreach (var (platform, id) in stuckOn)
        {
            failed["approvals_failed"]!.Detail.ShouldContain($"{platform} 1 (the last {id}");
        }

        failed["approvals_stuck"]!.Breached.ShouldBeFalse(failed["approvals_stuck"]!.Detail);

        // Two on one platform, the threshold: only the platforms that reach it breach.
        var rule = hub.Host.App.Services.GetRequiredService<AlertRules>().Find("ApprovalsFailed")!;
        var twice = await rule.Room!.CheckAsync(new AlertRuleSettings(rule, true, 2, TimeSpan.FromHours(2), 1), clock.GetUtcNow(), default);
        twice.Breached.ShouldBeFalse(twice.Detail);

        var open = await hub.Host.App.Services.GetRequiredService<AlertStore>().OpenAsync(default);
        open.Keys.ShouldContain("approvals_failed");
        open.Keys.ShouldNotContain("approvals_stuck");
    }

    private static object DingTalk(string key, string reason) =>
        new { app = "dingtalk-sandbox", definition = "PROC-LW-PAYMENT", applicant = new { user_id = "bob" }, form = new { Amount = 80, Reason = reason }, idempotency_key = key };

    private static async Task<string> SubmitAsync(HttpClient client, object request, HttpStatusCode expected)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/approvals", request);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(expected, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }
}
