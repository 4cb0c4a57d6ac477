using Larkway.Emulator.Seed;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Approval;

/// <summary>The instance state machine through the Open API: node types, reject, cancel, transfer, rollback, add_sign.</summary>
public sealed class StateMachineTests
{
    private static string Payment => DefaultApprovals.PaymentCode;

    [Fact]
    public async Task An_OR_node_is_done_at_the_first_approval_and_the_other_tasks_become_DONE()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var (alice, bob, carol) = (emulator.User("alice@example.com").OpenId, emulator.User("bob@example.com").OpenId, emulator.User("carol@example.com").OpenId);
        var code = await ApprovalApi.CreateDefinitionAsync(emulator, token, ApprovalApi.Node("either", "OR", bob, carol));
        var instance = await ApprovalApi.CreateInstanceAsync(emulator, token, code, alice);

        var started = await ApprovalApi.GetInstanceAsync(emulator, token, instance);
        Assert.Equal([(bob, "PENDING"), (carol, "PENDING")], ApprovalApi.Tasks(started));
        await ApprovalApi.ApproveAsync(emulator, token, code, instance, carol);

        var done = await ApprovalApi.GetInstanceAsync(emulator, token, instance);
        Assert.Equal("APPROVED", ApprovalApi.Status(done));
        Assert.Equal([(bob, "DONE"), (carol, "APPROVED")], ApprovalApi.Tasks(done));
        Assert.NotEqual("0", done.GetProperty("end_time").GetString());
    }

    [Fact]
    public async Task An_AND_node_waits_for_every_approver_then_the_last_node_approves_the_instance()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var (alice, bob, carol, dave) = (emulator.User("alice@example.com").OpenId, emulator.User("bob@example.com").OpenId, emulator.User("carol@example.com").OpenId, emulator.User("dave@example.com").OpenId);
        var instance = await ApprovalApi.CreateInstanceAsync(emulator, token, Payment, alice);

        await ApprovalApi.ApproveAsync(emulator, token, Payment, instance, bob);
        var finance = await ApprovalApi.GetInstanceAsync(emulator, token, instance);
        Assert.Equal([(bob, "APPROVED"), (carol, "PENDING"), (dave, "PENDING")], ApprovalApi.Tasks(finance));

        await ApprovalApi.ApproveAsync(emulator, token, Payment, instance, dave);
        Assert.Equal("PENDING", ApprovalApi.Status(await ApprovalApi.GetInstanceAsync(emulator, token, instance)));

        await ApprovalApi.ApproveAsync(emulator, token, Payment, instance, carol);
        var done = await ApprovalApi.GetInstanceAsync(emulator, token, instance);
        Assert.Equal("APPROVED", ApprovalApi.Status(done));
        Assert.Equal(["START", "PASS", "CC", "PASS", "PASS"], done.GetProperty("timeline").EnumerateArray().Select(t => t.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task A_SEQUENTIAL_self_select_node_asks_the_chosen_approvers_one_after_another()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var (alice, bob, dave) = (emulator.User("alice@example.com").OpenId, emulator.User("bob@example.com").OpenId, emulator.User("dave@example.com").OpenId);
        var form = System.Text.Json.JsonSerializer.Serialize(new[] { new { id = "title", type = "input", value = "New laptop" } });

        using var missing = await ApprovalApi.CreateInstanceRawAsync(emulator, token, new { approval_code = DefaultApprovals.GeneralRequestCode, open_id = alice, form });
        Assert.Equal(1390001, missing.Code);
        Assert.Contains("self-select", missing.Msg, StringComparison.Ordinal);

        var instance = await ApprovalApi.CreateInstanceAsync(emulator, token, DefaultApprovals.GeneralRequestCode, alice, form, selfSelect: new[] { new { key = "approvers", value = new[] { dave, bob } } });
        Assert.Equal([(dave, "PENDING")], ApprovalApi.Tasks(await ApprovalApi.GetInstanceAsync(emulator, token, instance)));

        await ApprovalApi.ApproveAsync(emulator, token, DefaultApprovals.GeneralRequestCode, instance, dave);
        Assert.Equal([(dave, "APPROVED"), (bob, "PENDING")], ApprovalApi.Tasks(await ApprovalApi.GetInstanceAsync(emulator, token, instance)));

        await ApprovalApi.ApproveAsync(emulator, token, DefaultApprovals.GeneralRequestCode, instance, bob);
        Assert.Equal("APPROVED", ApprovalApi.Status(await ApprovalApi.GetInstanceAsync(emulator, token, instance)));
    }

    [Fact]
    public async Task A_rejection_rejects_the_instance_and_closes_the_other_tasks()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var (alice, bob, carol, dave) = (emulator.User("alice@example.com").OpenId, emulator.User("bob@example.com").OpenId, emulator.User("carol@example.com").OpenId, emulator.User("dave@example.com").OpenId);
        var instance = await ApprovalApi.CreateInstanceAsync(emulator, token, Payment, alice);
        await ApprovalApi.ApproveAsync(emulator, token, Payment, instance, bob);
        var task = ApprovalApi.PendingTask(await ApprovalApi.GetInstanceAsync(emulator, token, instance), carol)!;

        using var reject = await ApprovalApi.ActAsync(emulator, token, "reject", Payment, instance, carol, task, new { comment = "over budget" });
        var done = await ApprovalApi.GetInstanceAsync(emulator, token, instance);

        Assert.Equal(0, reject.Code);
        Assert.Equal("REJECTED", ApprovalApi.Status(done));
        Assert.Equal([(bob, "APPROVED"), (carol, "REJECTED"), (dave, "DONE")], ApprovalApi.Tasks(done));
        Assert.Contains(done.GetProperty("timeline").EnumerateArray(), t => t.GetProperty("type").GetString() == "REJECT" && t.GetProperty("comment").GetString() == "over budget");
    }

    [Fact]
    public async Task Only_the_assignee_acts_on_a_task_and_only_while_it_is_pending()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var (alice, bob, carol) = (emulator.User("alice@example.com").OpenId, emulator.User("bob@example.com").OpenId, emulator.User("carol@example.com").OpenId);
        var instance = await ApprovalApi.CreateInstanceAsync(emulator, token, Payment, alice);
        var task = ApprovalApi.PendingTask(await ApprovalApi.GetInstanceAsync(emulator, token, instance), bob)!;

        using var notAssignee = await ApprovalApi.ActAsync(emulator, token, "approve", Payment, instance, carol, task);
        using var unknownTask = await ApprovalApi.ActAsync(emulator, token, "approve", Payment, instance, bob, "123");
        using var first = await ApprovalApi.ActAsync(emulator, token, "approve", Payment, instance, bob, task);
        using var again = await ApprovalApi.ActAsync(emulator, token, "reject", Payment, instance, bob, task);

        Assert.Equal((403, 1390009), (notAssignee.Status, notAssignee.Code));
        Assert.Equal(1390010, unknownTask.Code);
        Assert.Equal(0, first.Code);
        Assert.Equal(1390010, again.Code);
        Assert.Contains("APPROVED", again.Msg, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_the_submitter_cancels_and_only_a_pending_instance()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var (alice, bob) = (emulator.User("alice@example.com").OpenId, emulator.User("bob@example.com").OpenId);
        var instance = await ApprovalApi.CreateInstanceAsync(emulator, token, Payment, alice);

        using var byOther = await emulator.PostJsonAsync("/open-apis/approval/v4/instances/cancel", new { approval_code = Payment, instance_code = instance, user_id = bob }, token);
        using var bySubmitter = await emulator.PostJsonAsync("/open-apis/approval/v4/instances/cancel", new { approval_code = Payment, instance_code = instance, user_id = alice }, token);
        using var twice = await emulator.PostJsonAsync("/open-apis/approval/v4/instances/cancel", new { approval_code = Payment, instance_code = instance, user_id = alice }, token);
        var done = await ApprovalApi.GetInstanceAsync(emulator, token, instance);

        Assert.Equal((403, 1390009), (byOther.Status, byOther.Code));
        Assert.Equal(0, bySubmitter.Code);
        Assert.Equal(1390001, twice.Code);
        Assert.Equal("CANCELED", ApprovalApi.Status(done));
        Assert.Equal([(bob, "DONE")], ApprovalApi.Tasks(done));
    }

    [Fact]
    public async Task A_transfer_hands_the_task_to_another_user_in_the_same_node()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var (alice, bob, dave) = (emulator.User("alice@example.com").OpenId, emulator.User("bob@example.com").OpenId, emulator.User("dave@example.com").OpenId);
        var instance = await ApprovalApi.CreateInstanceAsync(emulator, token, Payment, alice);
        var task = ApprovalApi.PendingTask(await ApprovalApi.GetInstanceAsync(emulator, token, instance), bob)!;

        using var transfer = await ApprovalApi.ActAsync(emulator, token, "transfer", Payment, instance, bob, task, new { transfer_user_id = dave });
        var moved = await ApprovalApi.GetInstanceAsync(emulator, token, instance);

        Assert.Equal(0, transfer.Code);
        Assert.Equal([(bob, "TRANSFERRED"), (dave, "PENDING")], ApprovalApi.Tasks(moved));
        Assert.Equal("Manager", moved.GetProperty("task_list")[1].GetProperty("node_name").GetString());
        await ApprovalApi.ApproveAsync(emulator, token, Payment, instance, dave);
        Assert.Equal(4, ApprovalApi.Tasks(await ApprovalApi.GetInstanceAsync(emulator, token, instance)).Count);
    }

    [Fact]
    public async Task A_rollback_restarts_a_passed_node_and_a_rollback_to_START_is_resubmitted_by_the_submitter()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var (alice, bob, carol) = (emulator.User("alice@example.com").OpenId, emulator.User("bob@example.com").OpenId, emulator.User("carol@example.com").OpenId);
        var instance = await ApprovalApi.CreateInstanceAsync(emulator, token, Payment, alice);
        await ApprovalApi.ApproveAsync(emulator, token, Payment, instance, bob);
        var state = await ApprovalApi.GetInstanceAsync(emulator, token, instance);
        var managerKey = state.GetProperty("timeline").EnumerateArray().First(t => t.GetProperty("type").GetString() == "PASS").GetProperty("node_key").GetString()!;
        var carolTask = ApprovalApi.PendingTask(state, carol)!;

        using var notPassed = await emulator.PostJsonAsync("/open-apis/approval/v4/instances/specified_rollback", new { user_id = carol, task_id = carolTask, task_def_key_list = new[] { "finance" } }, token);
        using var rollback = await emulator.PostJsonAsync("/open-apis/approval/v4/instances/specified_rollback", new { user_id = carol, task_id = carolTask, task_def_key_list = new[] { managerKey }, reason = "receipt missing" }, token);
        var back = await ApprovalApi.GetInstanceAsync(emulator, token, instance);

        Assert.Equal(1390001, notPassed.Code);
        Assert.Equal(0, rollback.Code);
        Assert.Equal("PENDING", ApprovalApi.Status(back));
        Assert.NotNull(ApprovalApi.PendingTask(back, bob));
        Assert.Null(ApprovalApi.PendingTask(back, carol));

        var bobTask = ApprovalApi.PendingTask(back, bob)!;
        using var toStart = await emulator.PostJsonAsync("/open-apis/approval/v4/instances/specified_rollback", new { user_id = bob, task_id = bobTask, task_def_key_list = new[] { "START" } }, token);
        Assert.Equal(0, toStart.Code);
        var returned = await ApprovalApi.GetInstanceAsync(emulator, token, instance);
        var submitterTask = ApprovalApi.PendingTask(returned, alice)!;

        using var badForm = await ApprovalApi.ActAsync(emulator, token, "resubmit", Payment, instance, alice, submitterTask, new { form = "[]" });
        using var resubmit = await ApprovalApi.ActAsync(emulator, token, "resubmit", Payment, instance, alice, submitterTask, new { form = ApprovalApi.Form(amount: 99) });
        var restarted = await ApprovalApi.GetInstanceAsync(emulator, token, instance);

        Assert.Equal(1390001, badForm.Code);
        Assert.Equal(0, resubmit.Code);
        Assert.NotNull(ApprovalApi.PendingTask(restarted, bob));
        Assert.Contains("99", restarted.GetProperty("form").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_sign_after_requires_the_added_signer_before_the_node_completes()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var (alice, bob, carol) = (emulator.User("alice@example.com").OpenId, emulator.User("bob@example.com").OpenId, emulator.User("carol@example.com").OpenId);
        var instance = await ApprovalApi.CreateInstanceAsync(emulator, token, Payment, alice);
        var task = ApprovalApi.PendingTask(await ApprovalApi.GetInstanceAsync(emulator, token, instance), bob)!;

        using var missingMethod = await emulator.PostJsonAsync("/open-apis/approval/v4/instances/add_sign", new { approval_code = Payment, instance_code = instance, user_id = bob, task_id = task, add_sign_user_ids = new[] { carol }, add_sign_type = 2 }, token);
        using var addSign = await emulator.PostJsonAsync("/open-apis/approval/v4/instances/add_sign", new { approval_code = Payment, instance_code = instance, user_id = bob, task_id = task, add_sign_user_ids = new[] { carol }, add_sign_type = 2, approval_method = 1 }, token);
        var signed = await ApprovalApi.GetInstanceAsync(emulator, token, instance);

        Assert.Equal(1390001, missingMethod.Code);
        Assert.Equal(0, addSign.Code);
        Assert.Equal([(bob, "APPROVED"), (carol, "PENDING")], ApprovalApi.Tasks(signed));
        await ApprovalApi.ApproveAsync(emulator, token, Payment, instance, carol);

        // The manager node is now done: the finance node (Carol and Dave) starts.
        var finance = await ApprovalApi.GetInstanceAsync(emulator, token, instance);
        Assert.Equal(4, ApprovalApi.Tasks(finance).Count);
        Assert.Equal(2, ApprovalApi.Tasks(finance).Count(t => t.Status == "PENDING"));
    }

    [Fact]
    public async Task Cc_adds_users_to_the_timeline_and_their_cc_list()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var (alice, dave) = (emulator.User("alice@example.com"), emulator.User("dave@example.com"));
        var instance = await ApprovalApi.CreateInstanceAsync(emulator, token, Payment, alice.OpenId);

        // user_id_type=user_id: ids in the body are tenant user ids.
        using var cc = await emulator.PostJsonAsync("/open-apis/approval/v4/instances/cc?user_id_type=user_id", new { approval_code = Payment, instance_code = instance, user_id = alice.UserId, cc_user_ids = new[] { dave.UserId }, comment = "fyi" }, token);
        using var query = await emulator.GetAsync($"/open-apis/approval/v4/tasks/query?user_id={dave.OpenId}&topic=17", token);
        var state = await ApprovalApi.GetInstanceAsync(emulator, token, instance, "user_id");

        Assert.Equal(0, cc.Code);
        var entry = state.GetProperty("timeline").EnumerateArray().Single(t => t.GetProperty("type").GetString() == "CC");
        Assert.Equal(dave.UserId, entry.GetProperty("cc_user_list")[0].GetProperty("user_id").GetString());
        Assert.Equal(alice.UserId, state.GetProperty("user_id").GetString());
        Assert.Equal(instance, Assert.Single(query.Data.GetProperty("tasks").EnumerateArray()).GetProperty("process_code").GetString());
    }

    [Fact]
    public async Task Comments_are_created_listed_edited_by_their_author_deleted_and_removed()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var (alice, bob) = (emulator.User("alice@example.com").OpenId, emulator.User("bob@example.com").OpenId);
        var instance = await ApprovalApi.CreateInstanceAsync(emulator, token, Payment, alice);
        var path = $"/open-apis/approval/v4/instances/{instance}/comments";

        using var created = await emulator.PostJsonAsync($"{path}?user_id={bob}", new { content = "{\"text\":\"Which project?\",\"files\":[]}" }, token);
        var commentId = created.Data.GetProperty("comment_id").GetString()!;
        using var editByOther = await emulator.PostJsonAsync($"{path}?user_id={alice}", new { content = "{\"text\":\"hijack\"}", comment_id = commentId }, token);
        using var list = await emulator.GetAsync($"{path}?user_id={alice}", token);
        var shown = await ApprovalApi.GetInstanceAsync(emulator, token, instance);
        using var deleteByOther = await emulator.SendAsync(HttpMethod.Delete, $"{path}/{commentId}?user_id={alice}", null, token);
        using var delete = await emulator.SendAsync(HttpMethod.Delete, $"{path}/{commentId}?user_id={bob}", null, token);
        using var second = await emulator.PostJsonAsync($"{path}?user_id={alice}", new { content = "{\"text\":\"Project X\"}" }, token);
        using var remove = await emulator.PostJsonAsync($"{path}/remove?user_id={alice}", new { }, token);
        using var after = await emulator.GetAsync($"{path}?user_id={alice}", token);
        using var noUser = await emulator.GetAsync(path, token);

        Assert.Equal(0, created.Code);
        Assert.Equal((403, 1390009), (editByOther.Status, editByOther.Code));
        Assert.Equal(commentId, Assert.Single(list.Data.GetProperty("comments").EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal("Which project?", Assert.Single(shown.GetProperty("comment_list").EnumerateArray()).GetProperty("comment").GetString());
        Assert.Equal(1390009, deleteByOther.Code);
        Assert.Equal(0, delete.Code);
        Assert.Equal(0, second.Code);
        Assert.Equal(instance, remove.Data.GetProperty("instance_id").GetString());
        Assert.Empty(after.Data.GetProperty("comments").EnumerateArray());
        Assert.Equal(1390001, noUser.Code);
    }

    [Fact]
    public async Task List_query_search_and_preview_find_instances_and_tasks()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var (alice, bob) = (emulator.User("alice@example.com").OpenId, emulator.User("bob@example.com").OpenId);
        var from = emulator.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var first = await ApprovalApi.CreateInstanceAsync(emulator, token, Payment, alice);
        emulator.Clock.Advance(TimeSpan.FromMinutes(1));
        var second = await ApprovalApi.CreateInstanceAsync(emulator, token, Payment, bob);
        var to = emulator.Clock.GetUtcNow().ToUnixTimeMilliseconds();

        using var page1 = await emulator.GetAsync($"/open-apis/approval/v4/instances?approval_code={Payment}&start_time={from}&end_time={to}&page_size=1", token);
        using var page2 = await emulator.GetAsync($"/open-apis/approval/v4/instances?approval_code={Payment}&start_time={from}&end_time={to}&page_size=1&page_token={page1.Data.GetProperty("page_token").GetString()}", token);
        using var missingWindow = await emulator.GetAsync($"/open-apis/approval/v4/instances?approval_code={Payment}", token);
        using var wideWindow = await emulator.GetAsync($"/open-apis/approval/v4/instances?approval_code={Payment}&start_time={from}&end_time={from + (11 * 3_600_000L)}", token);
        using var query = await emulator.PostJsonAsync("/open-apis/approval/v4/instances/query", new { user_id = bob, instance_status = "PENDING" }, token);
        using var noFilter = await emulator.PostJsonAsync("/open-apis/approval/v4/instances/query", new { instance_status = "PENDING" }, token);
        using var search = await emulator.PostJsonAsync("/open-apis/approval/v4/tasks/search", new { user_id = bob, task_status = "PENDING" }, token);
        using var preview = await emulator.PostJsonAsync("/open-apis/approval/v4/instances/preview", new { approval_code = Payment, user_id = alice, form = ApprovalApi.Form() }, token);

        Assert.Equal([first], page1.Data.GetProperty("instance_code_list").EnumerateArray().Select(e => e.GetString()));
        Assert.True(page1.Data.GetProperty("has_more").GetBoolean());
        Assert.Equal([second], page2.Data.GetProperty("instance_code_list").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(1390001, missingWindow.Code);
        Assert.Contains("10 hours", wideWindow.Msg, StringComparison.Ordinal);
        Assert.Equal(second, Assert.Single(query.Data.GetProperty("instance_list").EnumerateArray()).GetProperty("instance").GetProperty("code").GetString());
        Assert.Equal(1390001, noFilter.Code);
        Assert.Equal(2, search.Data.GetProperty("count").GetInt32());
        var nodes = preview.Data.GetProperty("preview_nodes").EnumerateArray().ToList();
        Assert.Equal(["manager", "finance"], nodes.Select(n => n.GetProperty("custom_node_id").GetString()));
        Assert.Equal([bob], nodes[0].GetProperty("user_id_list").EnumerateArray().Select(u => u.GetString()));
    }
}
