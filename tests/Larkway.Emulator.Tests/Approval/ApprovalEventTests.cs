using System.Text.Json;
using Larkway.Emulator.Seed;
using Larkway.Emulator.State;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Approval;

/// <summary>approval_instance / approval_task events: v1 envelopes, one per transition, only to subscribed apps.</summary>
public sealed class ApprovalEventTests
{
    private static string Payment => DefaultApprovals.PaymentCode;

    [Fact]
    public async Task Every_transition_pushes_signed_encrypted_v1_task_and_instance_events()
    {
        await using var receiver = await EventReceiver.StartAsync("approval-encrypt-key-01");
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        await ApprovalApi.SubscribeEventsAsync(emulator, receiver);
        await ApprovalApi.SubscribeApprovalAsync(emulator, token, Payment);
        var (alice, bob) = (emulator.User("alice@example.com"), emulator.User("bob@example.com"));
        var instance = await ApprovalApi.CreateInstanceAsync(emulator, token, Payment, alice.OpenId, uuid: "po-7");
        await ApprovalApi.ApproveAsync(emulator, token, Payment, instance, bob.OpenId);

        // Created: instance PENDING + Bob's task PENDING; Bob approves: his task APPROVED + Carol's and Dave's PENDING.
        var events = await WaitForEventsAsync(receiver, 5, emulator);
        Assert.All(receiver.Requests, r => Assert.True(receiver.SignatureValid(r)));
        var envelope = events[0];
        Assert.Equal("event_callback", envelope.GetProperty("type").GetString());
        Assert.Equal(ApprovalApi.Token, envelope.GetProperty("token").GetString());
        Assert.Equal(32, envelope.GetProperty("uuid").GetString()!.Length);
        Assert.Matches(@"^\d+\.\d{3}$", envelope.GetProperty("ts").GetString());
        Assert.False(envelope.TryGetProperty("header", out _));

        var created = envelope.GetProperty("event");
        Assert.Equal("approval_instance", created.GetProperty("type").GetString());
        Assert.Equal(Payment, created.GetProperty("approval_code").GetString());
        Assert.Equal(instance, created.GetProperty("instance_code").GetString());
        Assert.Equal("PENDING", created.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.String, created.GetProperty("operate_time").ValueKind);
        Assert.Equal(JsonValueKind.String, created.GetProperty("instance_operate_time").ValueKind);
        Assert.Equal("po-7", created.GetProperty("uuid").GetString());
        Assert.Equal(emulator.Options.AppId, created.GetProperty("app_id").GetString());
        Assert.Equal(emulator.State.Tenant.TenantKey, created.GetProperty("tenant_key").GetString());

        var task = events[1].GetProperty("event");
        Assert.Equal("approval_task", task.GetProperty("type").GetString());
        Assert.Equal(bob.OpenId, task.GetProperty("open_id").GetString());
        Assert.Equal(bob.UserId, task.GetProperty("user_id").GetString());
        Assert.Equal("PENDING", task.GetProperty("status").GetString());
        Assert.Equal("manager", task.GetProperty("custom_key").GetString());
        Assert.Equal(32, task.GetProperty("def_key").GetString()!.Length);
        Assert.False(task.TryGetProperty("extra", out _));

        Assert.Equal(
            ["approval_instance:PENDING", "approval_task:PENDING", "approval_task:APPROVED", "approval_task:PENDING", "approval_task:PENDING"],
            events.Select(e => e.GetProperty("event").GetProperty("type").GetString() + ":" + e.GetProperty("event").GetProperty("status").GetString()));
        Assert.Equal(task.GetProperty("task_id").GetString(), events[2].GetProperty("event").GetProperty("task_id").GetString());
    }

    [Fact]
    public async Task Rejection_rollback_revert_and_delete_raise_their_statuses()
    {
        await using var receiver = await EventReceiver.StartAsync();
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        await ApprovalApi.SubscribeEventsAsync(emulator, receiver);
        var (alice, bob, carol, dave) = (emulator.User("alice@example.com").OpenId, emulator.User("bob@example.com").OpenId, emulator.User("carol@example.com").OpenId, emulator.User("dave@example.com").OpenId);
        var code = await ApprovalApi.CreateDefinitionAsync(emulator, token, ApprovalApi.Node("first", "OR", bob), ApprovalApi.Node("second", "OR", carol));
        await ApprovalApi.SubscribeApprovalAsync(emulator, token, code);

        // Approved then reverted: REVERTED carries operate_time as an int64.
        var approved = await ApprovalApi.CreateInstanceAsync(emulator, token, code, alice);
        await ApprovalApi.ApproveAsync(emulator, token, code, approved, bob);
        await ApprovalApi.ApproveAsync(emulator, token, code, approved, carol);
        using var revert = await emulator.PostJsonAsync($"/_emulator/approvals/instances/{approved}/revert", new { });
        using var revertAgain = await emulator.PostJsonAsync($"/_emulator/approvals/instances/{approved}/revert", new { });
        Assert.Equal(0, revert.Code);
        Assert.Equal(1395210, revertAgain.Code);
        var reverted = await WaitForAsync(receiver, e => e.GetProperty("status").GetString() == "REVERTED");
        Assert.Equal(JsonValueKind.Number, reverted.GetProperty("operate_time").ValueKind);
        Assert.Equal(JsonValueKind.String, reverted.GetProperty("instance_operate_time").ValueKind);
        Assert.True((await ApprovalApi.GetInstanceAsync(emulator, token, approved)).GetProperty("reverted").GetBoolean());

        // Rolled back from the second node: the ROLLBACK task event names the target nodes in extra.
        var rolled = await ApprovalApi.CreateInstanceAsync(emulator, token, code, dave);
        await ApprovalApi.ApproveAsync(emulator, token, code, rolled, bob);
        var state = await ApprovalApi.GetInstanceAsync(emulator, token, rolled);
        using var rollback = await emulator.PostJsonAsync("/open-apis/approval/v4/instances/specified_rollback", new { user_id = carol, task_id = ApprovalApi.PendingTask(state, carol), task_def_key_list = new[] { "first" } }, token);
        Assert.Equal(0, rollback.Code);
        var rollbackEvent = await WaitForAsync(receiver, e => e.GetProperty("status").GetString() == "ROLLBACK");
        var extra = JsonDocument.Parse(rollbackEvent.GetProperty("extra").GetString()!).RootElement;
        Assert.Equal(["first"], extra.GetProperty("rollback_custom_node_ids").EnumerateArray().Select(e => e.GetString()));

        // Deleted in the admin UI: DELETED, and the pending task becomes DONE.
        using var delete = await emulator.PostJsonAsync($"/_emulator/approvals/instances/{rolled}/delete", new { });
        Assert.Equal(0, delete.Code);
        var deleted = await WaitForAsync(receiver, e => e.GetProperty("status").GetString() == "DELETED");
        Assert.Equal(rolled, deleted.GetProperty("instance_code").GetString());
        await WaitForAsync(receiver, e => e.GetProperty("status").GetString() == "DONE" && e.GetProperty("instance_code").GetString() == rolled);

        // A rejection: REJECTED for the task and the instance.
        var rejected = await ApprovalApi.CreateInstanceAsync(emulator, token, code, alice);
        var task = ApprovalApi.PendingTask(await ApprovalApi.GetInstanceAsync(emulator, token, rejected), bob)!;
        using var reject = await ApprovalApi.ActAsync(emulator, token, "reject", code, rejected, bob, task);
        await WaitForAsync(receiver, e => e.GetProperty("type").GetString() == "approval_instance" && e.GetProperty("status").GetString() == "REJECTED" && e.GetProperty("instance_code").GetString() == rejected);
        await WaitForAsync(receiver, e => e.GetProperty("type").GetString() == "approval_task" && e.GetProperty("status").GetString() == "REJECTED");
    }

    [Fact]
    public async Task Only_apps_that_subscribed_to_the_approval_code_get_its_events()
    {
        await using var receiver = await EventReceiver.StartAsync();
        await using var otherReceiver = await EventReceiver.StartAsync();
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        const string otherApp = "cli_a1b2c3d4e5f60099";
        emulator.State.AddApp(new EmulatorApp(otherApp, "other-secret-other-secret-000001", "Other Bot", "ou_otherbot0000000000000000000000"));
        await ApprovalApi.SubscribeEventsAsync(emulator, receiver);
        await ApprovalApi.SubscribeEventsAsync(emulator, otherReceiver, otherApp);
        var alice = emulator.User("alice@example.com").OpenId;

        // Nobody subscribed to the definition yet: an instance raises nothing.
        await ApprovalApi.CreateInstanceAsync(emulator, token, Payment, alice);
        Assert.Empty(emulator.Server.Deliveries.Events);

        // The other app subscribes to the general request only; this app to payments.
        using var otherToken = await emulator.PostJsonAsync("/open-apis/auth/v3/tenant_access_token/internal", new { app_id = otherApp, app_secret = "other-secret-other-secret-000001" });
        await ApprovalApi.SubscribeApprovalAsync(emulator, otherToken.Json.GetProperty("tenant_access_token").GetString()!, DefaultApprovals.GeneralRequestCode);
        await ApprovalApi.SubscribeApprovalAsync(emulator, token, Payment);
        var instance = await ApprovalApi.CreateInstanceAsync(emulator, token, Payment, alice);

        await WaitForAsync(receiver, e => e.GetProperty("instance_code").GetString() == instance);
        Assert.All(emulator.Server.Deliveries.Events, e => Assert.Equal(emulator.Options.AppId, e.AppId));
        Assert.DoesNotContain(otherReceiver.Requests, r => otherReceiver.EventTypeOf(r) != "url_verification");

        // Several apps may subscribe to one definition; each gets its own envelope.
        await ApprovalApi.SubscribeApprovalAsync(emulator, otherToken.Json.GetProperty("tenant_access_token").GetString()!, Payment);
        var both = await ApprovalApi.CreateInstanceAsync(emulator, token, Payment, alice);
        var forOther = await WaitForAsync(otherReceiver, e => e.GetProperty("instance_code").GetString() == both);
        Assert.Equal(otherApp, forOther.GetProperty("app_id").GetString());
        await WaitForAsync(receiver, e => e.GetProperty("instance_code").GetString() == both);
    }

    [Fact]
    public async Task Dropped_events_are_logged_as_dropped_and_can_be_redelivered_out_of_order()
    {
        await using var receiver = await EventReceiver.StartAsync();
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        await ApprovalApi.SubscribeEventsAsync(emulator, receiver);
        await ApprovalApi.SubscribeApprovalAsync(emulator, token, Payment);
        var (alice, bob) = (emulator.User("alice@example.com").OpenId, emulator.User("bob@example.com").OpenId);

        using var drop = await emulator.PostJsonAsync("/_emulator/events/drops", new { event_type = "approval_instance", count = 1 });
        using var badDrop = await emulator.PostJsonAsync("/_emulator/events/drops", new { event_type = "approval_task", count = 0 });
        using var badEvery = await emulator.PostJsonAsync("/_emulator/events/drops", new { event_type = "approval_task", count = 1, every = "5" });
        Assert.Equal(0, drop.Code);
        Assert.Equal(400, badDrop.Status);
        Assert.Equal(400, badEvery.Status);
        Assert.Contains("every must be an integer", badEvery.Text, StringComparison.Ordinal);
        var instance = await ApprovalApi.CreateInstanceAsync(emulator, token, Payment, alice);
        await WaitForAsync(receiver, e => e.GetProperty("type").GetString() == "approval_task");

        using var log = await emulator.GetAsync("/_emulator/events", null);
        var dropped = log.Data.GetProperty("items").EnumerateArray().Single(a => a.GetProperty("event_type").GetString() == "approval_instance");
        Assert.False(dropped.GetProperty("success").GetBoolean());
        Assert.Contains("dropped", dropped.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(receiver.Requests, r => receiver.Plain(r).TryGetProperty("event", out var e) && e.GetProperty("type").GetString() == "approval_instance");
        using var rules = await emulator.GetAsync("/_emulator/events/drops", null);
        Assert.Empty(rules.Data.GetProperty("items").EnumerateArray());

        // The lost PENDING arrives after later events, as a late retry would.
        await ApprovalApi.ApproveAsync(emulator, token, Payment, instance, bob);
        await WaitForEventsAsync(receiver, 4);
        var eventId = dropped.GetProperty("event_id").GetString()!;
        using var redeliver = await emulator.PostJsonAsync($"/_emulator/events/{eventId}/redeliver", new { });
        Assert.Equal(0, redeliver.Code);
        var late = await receiver.WaitForAsync(r => receiver.Plain(r).TryGetProperty("uuid", out var uuid) && uuid.GetString() == eventId);
        Assert.Equal("PENDING", receiver.Plain(late).GetProperty("event").GetProperty("status").GetString());
        Assert.Equal(instance, receiver.Plain(late).GetProperty("event").GetProperty("instance_code").GetString());
    }

    private static async Task<JsonElement> WaitForAsync(EventReceiver receiver, Func<JsonElement, bool> match)
    {
        var request = await receiver.WaitForAsync(r => receiver.Plain(r).TryGetProperty("event", out var e) && e.ValueKind == JsonValueKind.Object && match(e));
        return receiver.Plain(request).GetProperty("event");
    }

    /// <summary>
    /// The first <paramref name="count"/> event envelopes in the order the emulator raised them (its events
    /// log); deliveries run concurrently, so arrival order is not the raise order.
    /// </summary>
    private static async Task<List<JsonElement>> WaitForEventsAsync(EventReceiver receiver, int count, TestEmulator? emulator = null)
    {
        await receiver.WaitForAsync(r => receiver.Plain(r).TryGetProperty("event", out _), skip: count - 1);
        var received = receiver.Requests.Select(receiver.Plain).Where(p => p.TryGetProperty("uuid", out _)).ToList();
        if (emulator is null)
        {
            return [.. received.Take(count)];
        }

        return [.. emulator.Server.Deliveries.Events.Reverse().Take(count).Select(e => received.First(p => p.GetProperty("uuid").GetString() == e.EventId))];
    }
}
