using System.Net;
using System.Text.Json;
using Larkway.Emulator.Tests.DingTalk.Stream;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.DingTalk;

/// <summary>
/// The DingTalk app's approval screens over HTTP: what an approver sees, deciding there (the same move and the same
/// bpms events as the API's execute, here over the app's HTTP event subscription, encrypted), refusals, and instances
/// kept across a restart.
/// </summary>
public sealed class DingTalkApprovalPageTests : IDisposable
{
    private const string Payment = "PROC-LW-PAYMENT";
    private const string Token = "approval-token";
    private const string AesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    private readonly string _folder = Directory.CreateTempSubdirectory("larkway-emulator-dingtalk-approval-").FullName;

    [Fact]
    public async Task The_page_shows_form_originator_and_nodes_and_a_decide_form_only_to_the_running_approver()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var id = await StartAsync(emulator, await emulator.ApiTokenAsync());

        var asAlice = await emulator.Http.GetStringAsync($"/dingtalk-approval/{id}?as=alice");
        var asBob = await emulator.Http.GetStringAsync($"/dingtalk-approval/{id}?as=bob");
        var byDefault = await emulator.Http.GetStringAsync($"/dingtalk-approval/{id}");
        var inbox = await emulator.Http.GetStringAsync("/dingtalk-approval?as=alice");
        var carolsInbox = await emulator.Http.GetStringAsync("/dingtalk-approval?as=carol");
        var chat = await emulator.Http.GetStringAsync("/dingtalk-chat");

        Assert.Contains("Bob Li提交的Payment", asAlice, StringComparison.Ordinal);
        Assert.Contains("<td>Amount</td><td>1200.50</td>", asAlice, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;tickets&lt;/b&gt;", asAlice, StringComparison.Ordinal);
        Assert.Contains("started by Bob Li", asAlice, StringComparison.Ordinal);
        Assert.Contains("<td>Carol Wang</td><td></td><td>not reached</td>", asAlice, StringComparison.Ordinal);
        Assert.Contains("value=\"agree\"", asAlice, StringComparison.Ordinal);
        Assert.Contains("value=\"agree\"", byDefault, StringComparison.Ordinal);
        Assert.DoesNotContain("value=\"agree\"", asBob, StringComparison.Ordinal);
        Assert.Contains("Waiting for Alice Chen", asBob, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", asAlice, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"href=\"/dingtalk-approval/{id}?as=alice\"", inbox, StringComparison.Ordinal);
        Assert.Contains("Nothing waits for you.", carolsInbox, StringComparison.Ordinal);
        Assert.Contains("href=\"/dingtalk-approval\"", chat, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deciding_on_the_page_moves_the_instance_as_execute_does_and_sends_the_bpms_events_over_the_http_subscription()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var receiver = await DingTalkReceiver.StartAsync();
        receiver.AnswerSuccess(Token, AesKey, emulator.Options.DingTalkAppKey);
        using (var saved = await emulator.SendDingTalkAsync(HttpMethod.Put, $"/_emulator/dingtalk/apps/{emulator.Options.DingTalkAppKey}/event-subscription",
            JsonSerializer.Serialize(new { url = receiver.Url, token = Token, aesKey = AesKey })))
        {
            Assert.True(saved.Status == 200, saved.Text);
        }

        var token = await emulator.ApiTokenAsync();
        var id = await StartAsync(emulator, token);
        var aliceTask = RunningTask(await GetAsync(emulator, token, id), "alice");

        using var agreed = await DecideAsync(emulator, id, new() { ["as"] = "alice", ["taskId"] = aliceTask, ["result"] = "agree", ["remark"] = "ok" });
        var afterAlice = await GetAsync(emulator, token, id);
        var carolTask = RunningTask(afterAlice, "carol");
        using var refused = await DecideAsync(emulator, id, new() { ["as"] = "carol", ["taskId"] = carolTask, ["result"] = "refuse", ["remark"] = "no budget" });
        var done = await GetAsync(emulator, token, id);

        Assert.Equal(HttpStatusCode.Redirect, agreed.StatusCode);
        Assert.Equal($"/dingtalk-approval/{id}?as=alice", agreed.Headers.Location?.ToString());
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Contains(afterAlice.GetProperty("tasks").EnumerateArray(), t => t.GetProperty("userId").GetString() == "alice" && t.GetProperty("result").GetString() == "AGREE");
        Assert.Equal(("COMPLETED", "refuse"), (done.GetProperty("status").GetString(), done.GetProperty("result").GetString()));
        Assert.Contains(done.GetProperty("operationRecords").EnumerateArray(), r => r.GetProperty("type").GetString() == "EXECUTE_TASK_NORMAL" && r.GetProperty("remark").GetString() == "ok");

        // Each event is its own HTTP delivery, so they may arrive in any order (as from DingTalk).
        await StreamTestHelpers.WaitUntilAsync(() => EventsOf(receiver, id).Count == 6, "the six approval events");
        var events = EventsOf(receiver, id);
        Assert.Equal(
            ["bpms_instance_change:finish", "bpms_instance_change:start", "bpms_task_change:finish", "bpms_task_change:finish", "bpms_task_change:start", "bpms_task_change:start"],
            events.Select(e => e.GetProperty("EventType").GetString() + ":" + e.GetProperty("type").GetString()).Order(StringComparer.Ordinal));
        var aliceFinish = events.Single(e => Is(e, "bpms_task_change", "finish") && e.GetProperty("staffId").GetString() == "alice");
        Assert.Equal(("agree", "ok"), (aliceFinish.GetProperty("result").GetString(), aliceFinish.GetProperty("remark").GetString()));
        var finished = events.Single(e => Is(e, "bpms_instance_change", "finish"));
        Assert.Equal(("refuse", emulator.Options.DingTalkCorpId), (finished.GetProperty("result").GetString(), finished.GetProperty("corpId").GetString()));
    }

    [Fact]
    public async Task A_stranger_gets_a_403_page_a_decided_task_a_409_and_bad_posts_a_clear_refusal()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.ApiTokenAsync();
        var id = await StartAsync(emulator, token);
        var aliceTask = RunningTask(await GetAsync(emulator, token, id), "alice");

        using var stranger = await DecideAsync(emulator, id, new() { ["as"] = "bob", ["taskId"] = aliceTask, ["result"] = "agree" });
        using var agreed = await DecideAsync(emulator, id, new() { ["as"] = "alice", ["taskId"] = aliceTask, ["result"] = "agree" });
        using var twice = await DecideAsync(emulator, id, new() { ["as"] = "alice", ["taskId"] = aliceTask, ["result"] = "refuse" });
        using var badResult = await DecideAsync(emulator, id, new() { ["as"] = "alice", ["taskId"] = aliceTask, ["result"] = "maybe" });
        using var nobody = await DecideAsync(emulator, id, new() { ["as"] = "nobody", ["taskId"] = aliceTask, ["result"] = "agree" });
        using var unknown = await DecideAsync(emulator, "nope", new() { ["as"] = "alice", ["taskId"] = aliceTask, ["result"] = "agree" });
        using var crossSite = await DecideAsync(emulator, id, new() { ["as"] = "carol", ["taskId"] = aliceTask, ["result"] = "agree" }, origin: "http://evil.example");
        using var unknownPage = await emulator.Http.GetAsync("/dingtalk-approval/nope");

        Assert.Equal(HttpStatusCode.Forbidden, stranger.StatusCode);
        Assert.Contains("belongs to &#39;alice&#39;, not to actionerUserId &#39;bob&#39;", await stranger.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, agreed.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Contains("cannot be executed again", await twice.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badResult.StatusCode);
        Assert.Contains("result (agree or refuse)", await badResult.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, nobody.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownPage.StatusCode);
        var after = await GetAsync(emulator, token, id);
        Assert.Equal(["AGREE", "NONE"], after.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("result").GetString()));
    }

    [Fact]
    public async Task Process_instances_survive_a_restart_and_are_decided_after_it()
    {
        var clock = new ManualClock();
        var stateFile = Path.Combine(_folder, "emulator-state.json");
        string id, carolTask;
        await using (var first = await TestEmulator.StartAsync(o => o.StateFile = stateFile, clock))
        {
            var token = await first.ApiTokenAsync();
            id = await StartAsync(first, token);
            using var agreed = await DecideAsync(first, id, new() { ["as"] = "alice", ["taskId"] = RunningTask(await GetAsync(first, token, id), "alice"), ["result"] = "agree", ["remark"] = "before the restart" });
            Assert.Equal(HttpStatusCode.Redirect, agreed.StatusCode);
            carolTask = RunningTask(await GetAsync(first, token, id), "carol");
        }

        await using var second = await TestEmulator.StartAsync(o => o.StateFile = stateFile, clock);
        var secondToken = await second.ApiTokenAsync();
        var kept = await GetAsync(second, secondToken, id);
        var page = await second.Http.GetStringAsync($"/dingtalk-approval/{id}?as=carol");
        using var agreed2 = await DecideAsync(second, id, new() { ["as"] = "carol", ["taskId"] = carolTask, ["result"] = "agree" });
        var another = await StartAsync(second, secondToken);
        var anotherTask = RunningTask(await GetAsync(second, secondToken, another), "alice");

        Assert.Equal("RUNNING", kept.GetProperty("status").GetString());
        Assert.Contains(kept.GetProperty("operationRecords").EnumerateArray(), r => r.TryGetProperty("remark", out var remark) && remark.GetString() == "before the restart");
        Assert.Contains("value=\"agree\"", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, agreed2.StatusCode);
        Assert.Equal(("COMPLETED", "agree"), ((await GetAsync(second, secondToken, id)).GetProperty("status").GetString(), (await GetAsync(second, secondToken, id)).GetProperty("result").GetString()));
        Assert.True(long.Parse(anotherTask, System.Globalization.CultureInfo.InvariantCulture) > long.Parse(carolTask, System.Globalization.CultureInfo.InvariantCulture), "task ids continue after the kept ones");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static List<JsonElement> EventsOf(DingTalkReceiver receiver, string id) =>
        [.. receiver.Events(AesKey).Where(e => e.TryGetProperty("processInstanceId", out var p) && p.GetString() == id)];

    private static bool Is(JsonElement e, string eventType, string type) =>
        e.TryGetProperty("EventType", out var t) && t.GetString() == eventType && e.TryGetProperty("type", out var ty) && ty.GetString() == type;

    /// <summary>Bob's payment on the seeded template: alice approves first, then carol (the template's default flow).</summary>
    [Fact]
    public async Task An_approver_who_leaves_has_their_task_redirected_to_the_approval_admin_as_does_a_node_whose_approver_left_before()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.ApiTokenAsync();
        var id = await StartAsync(emulator, token);

        // Alice (node 1) leaves while her task runs: it is REDIRECTED to Dave, the admin, with a REDIRECT_TASK record.
        (await emulator.Http.DeleteAsync("/_emulator/dingtalk/users/alice")).EnsureSuccessStatusCode();
        var handed = await GetAsync(emulator, token, id);
        var tasks = handed.GetProperty("tasks").EnumerateArray()
            .Select(t => (t.GetProperty("userId").GetString(), t.GetProperty("status").GetString(), t.GetProperty("result").GetString())).ToList();
        Assert.Equal([("alice", "COMPLETED", "REDIRECTED"), ("dave", "RUNNING", "NONE")], tasks);
        Assert.Contains(handed.GetProperty("operationRecords").EnumerateArray(), r => r.GetProperty("type").GetString() == "REDIRECT_TASK" && r.GetProperty("userId").GetString() == "alice");
        Assert.Equal("RUNNING", handed.GetProperty("status").GetString());

        // Dave agrees; node 2 is Carol's, who has left too by then: it starts with Dave's task instead.
        (await emulator.Http.DeleteAsync("/_emulator/dingtalk/users/carol")).EnsureSuccessStatusCode();
        using var agreed = await DecideAsync(emulator, id, new() { ["as"] = "dave", ["taskId"] = RunningTask(handed, "dave"), ["result"] = "agree" });
        Assert.Equal(HttpStatusCode.Redirect, agreed.StatusCode);
        var second = await GetAsync(emulator, token, id);
        Assert.Equal(2, second.GetProperty("tasks").EnumerateArray().Count(t => t.GetProperty("userId").GetString() == "dave"));
        Assert.NotNull(RunningTask(second, "dave"));
    }

    private static async Task<string> StartAsync(TestEmulator emulator, string token)
    {
        using var started = await emulator.PostDingTalkAsync("/dingtalk/v1.0/workflow/processInstances", new
        {
            processCode = Payment,
            originatorUserId = "bob",
            formComponentValues = new[] { new { name = "Amount", value = "1200.50" }, new { name = "Reason", value = "<b>tickets</b>" } },
        }, token);
        Assert.True(started.Status == 200, started.Text);
        return started.Json.GetProperty("instanceId").GetString()!;
    }

    private static async Task<JsonElement> GetAsync(TestEmulator emulator, string token, string id)
    {
        using var reply = await emulator.SendDingTalkAsync(HttpMethod.Get, $"/dingtalk/v1.0/workflow/processInstances?processInstanceId={id}", null, token);
        Assert.True(reply.Status == 200, reply.Text);
        return reply.Json.GetProperty("result").Clone();
    }

    private static string RunningTask(JsonElement instance, string userId) =>
        instance.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("userId").GetString() == userId && t.GetProperty("status").GetString() == "RUNNING")
            .GetProperty("taskId").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static Task<HttpResponseMessage> DecideAsync(TestEmulator emulator, string id, Dictionary<string, string> fields, string? origin = null) =>
        emulator.PostFormAsync($"/dingtalk-approval/{id}/decide", fields, origin);
}
