using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Seed;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// The one approvals API on each platform the sandbox has an app of: the same request (the app, the definition and its
/// form's field names aside) answers the same shape — the platform, the definition, tasks naming their approver as
/// <c>{platform, user_id}</c>, Feishu's deprecated names only on Feishu — and the business system's webhook hears
/// <c>larkway.approval.submitted</c> with the platform, then the approval's outcome once its approvers decide where
/// they work (WeCom's approval page; DingTalk's approval page in the Emulator).
/// </summary>
public sealed class HubApprovalsOnEveryPlatformTests
{
    internal static readonly Dictionary<string, string?> Fast = new()
    {
        ["Larkway:Webhooks:PollInterval"] = "00:00:00.050",
        ["Larkway:Webhooks:RetryDelays:0"] = "00:00:00.100",
        ["Larkway:Approvals:PollInterval"] = "00:00:00.050",
        ["Larkway:Approvals:RetryDelays:0"] = "00:00:00.100",
    };

    [Fact]
    public async Task The_same_request_on_Feishu_DingTalk_and_WeCom_answers_the_same_shape_and_calls_back_with_the_platform()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAsync(Fast);
        using var client = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        using (var subscribed = await client.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url("/approvals").ToString(), event_types = new[] { "larkway.approval.*" } }))
        {
            subscribed.StatusCode.ShouldBe(HttpStatusCode.Created, await subscribed.Content.ReadAsStringAsync());
        }

        var feishu = await SubmitAsync(client, "feishu", null, DefaultApprovals.PaymentCode, new { email = "alice@example.com" },
            new { amount = new { value = 1200, currency = "CNY" }, reason = "Team offsite", method = "bank" });
        var dingTalk = await SubmitAsync(client, "dingtalk", "dingtalk-sandbox", "PROC-LW-PAYMENT", new { user_id = "bob" },
            new { Amount = 1200, Reason = "Team offsite" });
        var weCom = await SubmitAsync(client, "wecom", "wecom-sandbox", "3TmApprovalPaymentLarkwayDevTemplate0001", new { user_id = "alice" },
            new Dictionary<string, object> { ["Money-1"] = 1200, ["Text-1"] = "Team offsite" });

        // Feishu's approvals keep the names clients read before; the others never carry them.
        feishu.GetProperty("approval_code").GetString().ShouldBe(DefaultApprovals.PaymentCode);
        feishu.GetProperty("tasks")[0].TryGetProperty("approver_open_id", out _).ShouldBeTrue();
        foreach (var other in new[] { dingTalk, weCom })
        {
            other.TryGetProperty("approval_code", out _).ShouldBeFalse();
            other.GetProperty("tasks").EnumerateArray().Any(t => t.TryGetProperty("approver_open_id", out var _)).ShouldBeFalse();
        }

        foreach (var (platform, approval) in new[] { ("feishu", feishu), ("dingtalk", dingTalk), ("wecom", weCom) })
        {
            var id = approval.GetProperty("id").GetString()!;
            await HubSandbox.WaitUntilAsync(
                () => receiver.At("/approvals").Any(r => Is(r.Body, id, "larkway.approval.submitted", platform)),
                $"the {platform} approval's submitted callback", seconds: 30);
        }

        // WeCom's approver decides in WeCom (its approval page); DingTalk's approvers in DingTalk, one after the other.
        var spNo = weCom.GetProperty("instance_code").GetString()!;
        using (var decided = await hub.Control.PostAsJsonAsync($"/_emulator/wecom/approvals/{spNo}/decide", new { userid = "carol", action = "approve", speech = "OK" }))
        {
            decided.StatusCode.ShouldBe(HttpStatusCode.OK, await decided.Content.ReadAsStringAsync());
        }

        await DecideOnDingTalkAsync(hub, client, dingTalk.GetProperty("id").GetString()!);

        foreach (var (platform, approval) in new[] { ("dingtalk", dingTalk), ("wecom", weCom) })
        {
            var id = approval.GetProperty("id").GetString()!;
            await HubSandbox.WaitUntilAsync(
                () => receiver.At("/approvals").Any(r => Is(r.Body, id, "larkway.approval.approved", platform)),
                $"the {platform} approval's approved callback", seconds: 60);
            var read = await client.GetFromJsonAsync<JsonElement>($"/api/v1/approvals/{id}");
            read.GetProperty("status").GetString().ShouldBe("approved");
            read.GetProperty("history").EnumerateArray().Where(h => h.TryGetProperty("operator", out var _))
                .Select(h => h.GetProperty("operator").GetProperty("platform").GetString()).Distinct().ShouldBe([platform]);
        }
    }

    [Fact]
    public async Task A_Hub_level_definition_name_is_sent_as_each_apps_own_code_and_an_app_without_one_is_told_what_to_set()
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?>(Fast)
        {
            ["Larkway:Approvals:Definitions:payment:default"] = DefaultApprovals.PaymentCode,
            ["Larkway:Approvals:Definitions:payment:dingtalk-sandbox"] = "PROC-LW-PAYMENT",
        });
        using var client = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);

        // The business system names "payment" wherever its approvers work; each app's platform gets its own definition.
        foreach (var (app, applicant, form, code) in new (string?, object, object, string)[]
        {
            (null, new { email = "alice@example.com" }, new { amount = new { value = 1200, currency = "CNY" }, reason = "Team offsite", method = "bank" }, DefaultApprovals.PaymentCode),
            ("dingtalk-sandbox", new { user_id = "bob" }, new { Amount = 1200, Reason = "Team offsite" }, "PROC-LW-PAYMENT"),
        })
        {
            using var created = await client.PostAsJsonAsync("/api/v1/approvals", new { app, definition = "payment", applicant, form, idempotency_key = "named-" + (app ?? "default") });
            var text = await created.Content.ReadAsStringAsync();
            created.StatusCode.ShouldBe(HttpStatusCode.Created, text);
            JsonDocument.Parse(text).RootElement.GetProperty("definition").GetString().ShouldBe(code, text);
        }

        // An app the name has no code for is told which setting to add, before anything is created.
        using var unmapped = await client.PostAsJsonAsync("/api/v1/approvals", new
        {
            app = "wecom-sandbox",
            definition = "payment",
            applicant = new { user_id = "alice" },
            form = new Dictionary<string, object> { ["Money-1"] = 1200, ["Text-1"] = "Team offsite" },
            idempotency_key = "named-wecom",
        });
        var refused = await unmapped.Content.ReadAsStringAsync();
        unmapped.StatusCode.ShouldBe(HttpStatusCode.BadRequest, refused);
        refused.ShouldContain("Larkway:Approvals:Definitions:payment:wecom-sandbox", Case.Sensitive, refused);
        refused.ShouldContain("\"definition\"", Case.Sensitive, refused);
    }

    /// <summary>Creates one approval and checks the answer's shape is the one every platform has.</summary>
    private static async Task<JsonElement> SubmitAsync(HttpClient client, string platform, string? app, string definition, object applicant, object form)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/approvals", new
        {
            app,
            definition,
            applicant,
            form,
            reference = "PO-" + platform,
            idempotency_key = "po-" + platform,
        });
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        var body = JsonDocument.Parse(text).RootElement.Clone();
        body.GetProperty("status").GetString().ShouldBe("pending", text);
        body.GetProperty("platform").GetString().ShouldBe(platform);
        body.GetProperty("definition").GetString().ShouldBe(definition);
        body.GetProperty("instance_code").GetString().ShouldNotBeNullOrEmpty();
        var task = body.GetProperty("tasks").EnumerateArray().First(t => t.GetProperty("status").GetString() == "pending");
        task.GetProperty("approver").GetProperty("platform").GetString().ShouldBe(platform);
        task.GetProperty("approver").GetProperty("user_id").GetString().ShouldNotBeNullOrEmpty();
        return body;
    }

    /// <summary>Each pending task of the approval decided by its approver on the Emulator's DingTalk approval page, until none is left.</summary>
    internal static async Task DecideOnDingTalkAsync(HubSandbox hub, HttpClient client, string id)
    {
        for (var round = 0; round < 5; round++)
        {
            var read = await client.GetFromJsonAsync<JsonElement>($"/api/v1/approvals/{id}");
            if (read.GetProperty("status").GetString() != "pending")
            {
                return;
            }

            var instance = read.GetProperty("instance_code").GetString()!;
            var pending = read.GetProperty("tasks").EnumerateArray().Where(t => t.GetProperty("status").GetString() == "pending").ToList();
            foreach (var task in pending)
            {
                using var form = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["as"] = task.GetProperty("approver").GetProperty("user_id").GetString()!,
                    ["taskId"] = task.GetProperty("id").GetString()!,
                    ["result"] = "agree",
                    ["remark"] = "OK",
                });
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/dingtalk-approval/{instance}/decide") { Content = form };
                request.Headers.Add("Origin", hub.Control.BaseAddress!.GetLeftPart(UriPartial.Authority));
                using var decided = await hub.Control.SendAsync(request);
                decided.StatusCode.ShouldBeOneOf([HttpStatusCode.OK, HttpStatusCode.SeeOther, HttpStatusCode.Found], await decided.Content.ReadAsStringAsync());
            }

            // The next node's task appears once DingTalk's event (or the read after it) reaches the Hub.
            await HubSandbox.WaitUntilAsync(
                () => client.GetFromJsonAsync<JsonElement>($"/api/v1/approvals/{id}").GetAwaiter().GetResult().GetProperty("tasks").EnumerateArray()
                    .Where(t => t.GetProperty("status").GetString() == "pending").Select(t => t.GetProperty("id").GetString()).Except(pending.Select(p => p.GetProperty("id").GetString())).Any()
                    || client.GetFromJsonAsync<JsonElement>($"/api/v1/approvals/{id}").GetAwaiter().GetResult().GetProperty("status").GetString() != "pending",
                "the DingTalk approval to move on", seconds: 60);
        }
    }

    /// <summary>Whether a callback body is <paramref name="type"/> of the approval, naming <paramref name="platform"/>.</summary>
    internal static bool Is(byte[] body, string approvalId, string type, string platform)
    {
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        return root.GetProperty("type").GetString() == type
            && root.GetProperty("platform").GetString() == platform
            && root.GetProperty("approval").GetProperty("id").GetString() == approvalId;
    }
}
