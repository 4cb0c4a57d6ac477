using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Hub.DingTalk;
using Microsoft.Extensions.DependencyInjection;
using static Larkway.Integration.Tests.Hub.HubApprovalLostCreateTests;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// What happens to an approval on DingTalk and WeCom outside the Hub: ended there (DingTalk terminated, WeCom withdrawn in
/// its approval app) → <c>canceled</c>, called back once, even while the Hub's reads fail and are retried; the platform's
/// events handled again in any order → no status goes back and nothing is called back twice (an event only makes the
/// Hub read the instance); a person the platform does not know, or a department the applicant is not in → a 422 with
/// the platform's own <c>{platform, code, message}</c>, stored as <c>failed</c> after one attempt.
/// </summary>
public sealed class HubApprovalsOnThePlatformTests
{
    private static readonly Dictionary<string, string?> Settings = new(Fast)
    {
        ["Larkway:Inbox:RetryDelays:0"] = "00:00:00.200",
    };

    [Fact]
    public async Task A_DingTalk_approval_terminated_on_DingTalk_while_the_Hubs_reads_fail_ends_canceled_and_is_called_back_once()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAsync(Settings);
        using var client = await ClientAsync(hub, receiver);
        var (id, instance) = await CreatedAsync(client, DingTalkPayment, "end-1");

        // Every read fails for a while: more failures than the client's own retries, so the event is handled again later.
        using (var fault = await hub.Control.PostAsJsonAsync("/_emulator/dingtalk/faults", new { endpoint = "GET /v1.0/workflow/processInstances", kind = "server_error", count = 6 }))
        {
            fault.StatusCode.ShouldBe(HttpStatusCode.OK, await fault.Content.ReadAsStringAsync());
        }

        var dingTalk = await hub.Host.Services.GetRequiredService<HubDingTalkClients>().GetAsync(DingTalkPayment.App, CancellationToken.None);
        await dingTalk.Workflow.TerminateAsync(instance, "bob", "Withdrawn in DingTalk");

        await WaitForAsync(client, id, a => a.GetProperty("status").GetString() == "canceled");
        await HubSandbox.WaitUntilAsync(() => CallbacksOf(receiver, id).Contains("larkway.approval.canceled"), "the canceled callback", seconds: 30);
        await HandleEveryEventAgainAsync(hub);
        CallbacksOf(receiver, id).Count(t => t == "larkway.approval.canceled").ShouldBe(1);
        (await client.GetFromJsonAsync<JsonElement>($"/api/v1/approvals/{id}")).GetProperty("status").GetString().ShouldBe("canceled");
    }

    [Fact]
    public async Task A_WeCom_application_withdrawn_in_WeComs_approval_app_ends_canceled_and_is_called_back_once()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAsync(Settings);
        using var client = await ClientAsync(hub, receiver);
        var (id, spNo) = await CreatedAsync(client, WeComPayment, "end-2");

        using (var withdrawn = await hub.Control.PostAsJsonAsync($"/_emulator/wecom/approvals/{spNo}/withdraw", new { userid = "alice" }))
        {
            withdrawn.StatusCode.ShouldBe(HttpStatusCode.OK, await withdrawn.Content.ReadAsStringAsync());
        }

        await WaitForAsync(client, id, a => a.GetProperty("status").GetString() == "canceled");
        await HubSandbox.WaitUntilAsync(() => CallbacksOf(receiver, id).Contains("larkway.approval.canceled"), "the canceled callback", seconds: 30);
        await HandleEveryEventAgainAsync(hub);
        CallbacksOf(receiver, id).Count(t => t == "larkway.approval.canceled").ShouldBe(1);
    }

    [Theory]
    [InlineData("dingtalk")]
    [InlineData("wecom")]
    public async Task The_platforms_events_handled_again_newest_first_after_approval_move_nothing_back_and_call_back_nothing_twice(string name)
    {
        var platform = Of(name);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAsync(Settings);
        using var client = await ClientAsync(hub, receiver);
        var (id, instance) = await CreatedAsync(client, platform, "replay-1");
        if (platform == DingTalkPayment)
        {
            await HubApprovalsOnEveryPlatformTests.DecideOnDingTalkAsync(hub, client, id);
        }
        else
        {
            using var decided = await hub.Control.PostAsJsonAsync($"/_emulator/wecom/approvals/{instance}/decide", new { userid = "carol", action = "approve" });
            decided.StatusCode.ShouldBe(HttpStatusCode.OK, await decided.Content.ReadAsStringAsync());
        }

        var approved = await WaitForAsync(client, id, a => a.GetProperty("status").GetString() == "approved");
        var history = approved.GetProperty("history").GetArrayLength();
        await HubSandbox.WaitUntilAsync(() => CallbacksOf(receiver, id).Count >= history, "every callback of the approval", seconds: 30);
        var callbacks = CallbacksOf(receiver, id);

        // Newest first: the finish is handled before the start, then the start once more.
        var handled = await HandleEveryEventAgainAsync(hub);
        handled.ShouldBeGreaterThan(1);

        var after = await client.GetFromJsonAsync<JsonElement>($"/api/v1/approvals/{id}");
        after.GetProperty("status").GetString().ShouldBe("approved");
        after.GetProperty("history").GetArrayLength().ShouldBe(history);
        CallbacksOf(receiver, id).ShouldBe(callbacks);
        callbacks.Count(t => t == "larkway.approval.approved").ShouldBe(1);
    }

    [Fact]
    public async Task A_DingTalk_applicant_outside_the_department_named_fails_with_DingTalks_code_as_a_422_after_one_attempt()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAsync(Settings);
        using var client = await ClientAsync(hub, receiver);

        var failed = await RefusedAsync(client, DingTalkPayment, "dept-1", department: "987654");

        failed.Message.ShouldContain("987654");
        (await client.GetFromJsonAsync<JsonElement>($"/api/v1/approvals/{failed.Id}")).GetProperty("attempts").GetInt32().ShouldBe(1);
        await HubSandbox.WaitUntilAsync(() => CallbacksOf(receiver, failed.Id).Contains("larkway.approval.failed"), "the failed callback", seconds: 30);
    }

    [Theory]
    [InlineData("dingtalk")]
    [InlineData("wecom")]
    public async Task An_applicant_the_platform_does_not_know_fails_with_its_code_as_a_422_after_one_attempt(string name)
    {
        var platform = Of(name);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAsync(Settings);
        using var client = await ClientAsync(hub, receiver);

        var failed = await RefusedAsync(client, platform, "gone-1", applicant: new { user_id = "left-the-company" });

        (await client.GetFromJsonAsync<JsonElement>($"/api/v1/approvals/{failed.Id}")).GetProperty("attempts").GetInt32().ShouldBe(1);
        if (platform == WeComPayment)
        {
            failed.Code.ShouldBe("301025");
            failed.Message.ShouldContain("creator_userid");
        }
    }

    [Theory]
    [InlineData("dingtalk")]
    [InlineData("wecom")]
    public async Task An_approver_who_leaves_hands_their_task_to_the_approval_admin_and_the_approval_follows_it_to_the_end(string name)
    {
        var platform = Of(name);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAsync(Settings);
        using var client = await ClientAsync(hub, receiver);
        var (id, instance) = await CreatedAsync(client, platform, "leaver-1");

        // The first approver (DingTalk's payment template: Alice, then Carol; WeCom's: Carol) leaves while their task waits.
        var leaver = platform == DingTalkPayment ? "alice" : "carol";
        await WaitForAsync(client, id, a => TaskOf(a, leaver) == "pending");
        using (var left = await hub.Control.DeleteAsync($"/_emulator/{name}/users/{leaver}"))
        {
            left.StatusCode.ShouldBe(HttpStatusCode.OK, await left.Content.ReadAsStringAsync());
        }

        // The platform hands it to its approval admin (the sandbox's is Dave): the Hub shows the hand-over and Dave's task.
        var handed = await WaitForAsync(client, id, a => TaskOf(a, "dave") == "pending");
        TaskOf(handed, leaver).ShouldBe("transferred");
        handed.GetProperty("status").GetString().ShouldBe("pending");
        handed.GetProperty("history").EnumerateArray().Count(h => h.GetProperty("type").GetString() == "larkway.approval.task_transferred").ShouldBe(1);

        // Dave is told where he works: his approval card about it (the reference is PO-leaver).
        if (platform == DingTalkPayment)
        {
            await HubApprovalCardsOnEveryPlatformTests.CardAboutAsync(hub, "dave", "PO-leaver");
        }
        else
        {
            await HubSandbox.WaitUntilAsync(() => HubApprovalCardsOnEveryPlatformTests.WeComCardsAbout(hub, "dave", "PO-leaver").Count > 0, "Dave's approval card", seconds: 60);
        }

        // Dave decides (and, on DingTalk, Carol after him): the approval ends approved, the hand-over called back once.
        if (platform == DingTalkPayment)
        {
            await HubApprovalsOnEveryPlatformTests.DecideOnDingTalkAsync(hub, client, id);
        }
        else
        {
            using var decided = await hub.Control.PostAsJsonAsync($"/_emulator/wecom/approvals/{instance}/decide", new { userid = "dave", action = "approve" });
            decided.StatusCode.ShouldBe(HttpStatusCode.OK, await decided.Content.ReadAsStringAsync());
        }

        var approved = await WaitForAsync(client, id, a => a.GetProperty("status").GetString() == "approved");
        TaskOf(approved, "dave").ShouldBe("approved");
        var history = approved.GetProperty("history").GetArrayLength();
        await HubSandbox.WaitUntilAsync(() => CallbacksOf(receiver, id).Count >= history, "every callback of the approval", seconds: 30);
        CallbacksOf(receiver, id).Count(t => t == "larkway.approval.task_transferred").ShouldBe(1);
    }

    /// <summary>The status of <paramref name="userId"/>'s task in an approval's answer; null when they have none.</summary>
    private static string? TaskOf(JsonElement approval, string userId) =>
        approval.GetProperty("tasks").EnumerateArray()
            .Where(t => t.GetProperty("approver").GetProperty("user_id").GetString() == userId)
            .Select(t => t.GetProperty("status").GetString())
            .LastOrDefault();

    private static async Task<(string Id, string Instance)> CreatedAsync(HttpClient client, Platform platform, string key)
    {
        using var response = await PostAsync(client, platform, key);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        var body = JsonDocument.Parse(text).RootElement;
        return (body.GetProperty("id").GetString()!, body.GetProperty("instance_code").GetString()!);
    }

    /// <summary>Posts a request the platform refuses and checks the 422: the failure in the platform's own terms, stored as failed.</summary>
    private static async Task<(string Id, string Code, string Message)> RefusedAsync(HttpClient client, Platform platform, string key, object? applicant = null, string? department = null)
    {
        using var response = await PostAsync(client, platform, key, applicant, department);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, text);
        var body = JsonDocument.Parse(text).RootElement;
        var error = body.GetProperty("error");
        error.GetProperty("platform").GetString().ShouldBe(platform.Name, text);
        var code = error.GetProperty("code").ToString();
        code.ShouldNotBeNullOrWhiteSpace(text);
        var message = error.GetProperty("message").GetString()!;
        message.ShouldNotBeNullOrWhiteSpace(text);
        var id = body.GetProperty("approval_id").GetString()!;
        (await client.GetFromJsonAsync<JsonElement>($"/api/v1/approvals/{id}")).GetProperty("status").GetString().ShouldBe("failed");
        return (id, code, message);
    }

    /// <summary>
    /// Every approval event the inbox holds handled again, newest first (as a platform redelivering them out of order would
    /// have them), each waited for before the next; returns how many.
    /// </summary>
    private static async Task<int> HandleEveryEventAgainAsync(HubSandbox hub)
    {
        using var admin = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", HubSandbox.AdminKey);
        var events = (await AdminApi.EventsAsync(hub.Host.BaseUrl, HubSandbox.AdminKey))
            .Where(e => e.GetProperty("event_type").GetString() is { } type && (type.Contains(".bpms_", StringComparison.Ordinal) || type.EndsWith("sys_approval_change", StringComparison.Ordinal)))
            .Select(e => e.GetProperty("id").GetInt64())
            .ToList();
        await WaitDoneAsync(hub, events);
        foreach (var id in events)
        {
            using var replay = await admin.PostAsync($"/api/v1/events/{id}/replay", null);
            replay.StatusCode.ShouldBe(HttpStatusCode.Accepted, await replay.Content.ReadAsStringAsync());
            await WaitDoneAsync(hub, [id]);
        }

        return events.Count;
    }

    private static Task WaitDoneAsync(HubSandbox hub, IReadOnlyCollection<long> ids) =>
        HubSandbox.WaitUntilAsync(
            () => AdminApi.EventsAsync(hub.Host.BaseUrl, HubSandbox.AdminKey).GetAwaiter().GetResult()
                .Where(e => ids.Contains(e.GetProperty("id").GetInt64())).All(e => e.GetProperty("status").GetString() == "done"),
            "the approval events to be handled", seconds: 60);
}
