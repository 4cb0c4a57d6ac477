using System.Globalization;
using System.Text.Json;
using Larkway.Feishu.Approval;
using Larkway.Feishu.Events.Models.Approval;

namespace Larkway.Integration.Tests.Approvals;

/// <summary>
/// approval_instance / approval_task v1 events from the Emulator, signed and encrypted, through the client's
/// receiving stack (MapFeishuEvents → envelope → FeishuEventParser) into typed events.
/// </summary>
public sealed class ApprovalEventTests(ApprovalFixture fx) : IClassFixture<ApprovalFixture>
{
    [Fact]
    public async Task Instance_task_rollback_and_revert_events_arrive_typed_with_their_fields()
    {
        await using var receiver = await ApprovalEventReceiver.StartAsync();
        await fx.ControlPutAsync($"/_emulator/apps/{fx.AppId}/event-subscription", new { url = receiver.Url.ToString(), encrypt_key = ApprovalEventReceiver.EncryptKey, verification_token = ApprovalEventReceiver.VerificationToken });
        var definition = await fx.CreateDefinitionAsync(
            [ApprovalFixture.Widget("w_title", "input", required: true) with { CustomId = "title" }, ApprovalFixture.Widget("w_amount", "amount", required: true) with { CustomId = "amount" }, ApprovalFixture.Widget("w_method", "radioV2", required: true) with { CustomId = "method", Options = [new("bank", "@i18n@opt_bank")] }],
            [ApprovalNodeCreate.Start, ApprovalFixture.Node("lead", "OR", fx.BobId), ApprovalFixture.Node("finance", "OR", fx.CarolId), ApprovalNodeCreate.End]);
        await fx.Client.Approval.Definitions.SubscribeAsync(definition.ApprovalCode);
        var uuid = "evt-" + Guid.NewGuid().ToString("N");
        var code = await fx.StartAsync(definition, uuid);

        var (created, _) = await receiver.WaitForAsync<ApprovalInstanceEvent>(e => e.InstanceCode == code && e.Status == "PENDING");
        Assert.Equal(definition.ApprovalCode, created.ApprovalCode);
        Assert.Equal(uuid, created.Uuid);
        Assert.Equal(fx.AppId, created.AppId);
        Assert.Equal(fx.State.Tenant.TenantKey, created.TenantKey);
        Assert.True(long.Parse(created.OperateTime!, CultureInfo.InvariantCulture) > 0);
        Assert.True(long.Parse(created.InstanceOperateTime!, CultureInfo.InvariantCulture) > 0);

        var (bobsTask, _) = await receiver.WaitForAsync<ApprovalTaskEvent>(e => e.InstanceCode == code && e.OpenId == fx.BobId && e.Status == "PENDING");
        Assert.Equal(fx.Bob.UserId, bobsTask.UserId);
        Assert.Equal("lead", bobsTask.CustomKey);
        Assert.Equal(definition.Nodes.Single(n => n.CustomNodeId == "lead").NodeId, bobsTask.DefKey);
        Assert.Equal((await fx.PendingTaskAsync(code, fx.BobId)).Id, bobsTask.TaskId);
        Assert.Equal(fx.AppId, bobsTask.AppId);

        // Bob approves, Carol rolls back to lead: the ROLLBACK task event names the nodes in extra.
        await fx.ApproveAsync(definition, code, fx.BobId);
        await receiver.WaitForAsync<ApprovalTaskEvent>(e => e.TaskId == bobsTask.TaskId && e.Status == "APPROVED");
        var carols = await fx.PendingTaskAsync(code, fx.CarolId);
        await fx.Client.Approval.Instances.RollbackAsync(new ApprovalRollback { UserId = fx.CarolId, TaskId = carols.Id, NodeKeys = ["lead"] });
        var (rollback, _) = await receiver.WaitForAsync<ApprovalTaskEvent>(e => e.InstanceCode == code && e.Status == "ROLLBACK");
        using (var extra = JsonDocument.Parse(rollback.Extra!))
        {
            Assert.Equal(["lead"], extra.RootElement.GetProperty("rollback_custom_node_ids").EnumerateArray().Select(n => n.GetString()));
        }

        // Through to APPROVED, then reverted in "Feishu's UI": REVERTED's operate_time is an int64 on the wire.
        await fx.ApproveAsync(definition, code, fx.BobId);
        await fx.ApproveAsync(definition, code, fx.CarolId);
        await receiver.WaitForAsync<ApprovalInstanceEvent>(e => e.InstanceCode == code && e.Status == "APPROVED");
        await fx.ControlPostAsync($"/_emulator/approvals/instances/{code}/revert", new { });
        var (reverted, inbound) = await receiver.WaitForAsync<ApprovalInstanceEvent>(e => e.InstanceCode == code && e.Status == "REVERTED");
        Assert.Equal(JsonValueKind.Number, inbound.Envelope.Event.GetProperty("operate_time").ValueKind);
        Assert.Equal(inbound.Envelope.Event.GetProperty("operate_time").GetInt64().ToString(CultureInfo.InvariantCulture), reverted.OperateTime);
        Assert.True((await fx.Client.Approval.Instances.GetAsync(code)).Reverted);
    }
}
