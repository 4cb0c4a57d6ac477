using Larkway.Feishu;
using Larkway.Feishu.Approval;

namespace Larkway.Integration.Tests.Approvals;

/// <summary>Tasks: decisions through OR, AND and SEQUENTIAL nodes, transfer, resubmit, search and a user's lists.</summary>
public sealed class ApprovalTaskTests(ApprovalFixture fx) : IClassFixture<ApprovalFixture>
{
    [Fact]
    public async Task Approvals_walk_an_or_an_and_and_a_sequential_node_to_approved()
    {
        var definition = await fx.CreateDefinitionAsync();
        var code = await fx.StartAsync(definition);

        await fx.ApproveAsync(definition, code, fx.CarolId, "fine"); // OR: Carol's approval settles the lead node
        var afterLead = await fx.Client.Approval.Instances.GetAsync(code);
        Assert.Equal("DONE", afterLead.Tasks.Single(t => t.CustomNodeId == "lead" && t.OpenId == fx.BobId).Status);
        Assert.Equal(2, afterLead.Tasks.Count(t => t.CustomNodeId == "finance" && t.Status == ApprovalStatus.Pending));
        Assert.Contains(afterLead.Timeline, t => t.Type == "CC" && t.CcUsers.Any(u => u.OpenId == fx.AliceId)); // finance's ccer

        await fx.ApproveAsync(definition, code, fx.CarolId); // AND: Dave still to approve
        Assert.Equal(ApprovalStatus.Pending, (await fx.PendingTaskAsync(code, fx.DaveId)).Status);
        await fx.ApproveAsync(definition, code, fx.DaveId);

        // SEQUENTIAL: Bob first, Dave only after him.
        var review = await fx.Client.Approval.Instances.GetAsync(code);
        Assert.Equal([fx.BobId], review.Tasks.Where(t => t.CustomNodeId == "review" && t.Status == ApprovalStatus.Pending).Select(t => t.OpenId));
        await fx.ApproveAsync(definition, code, fx.BobId);
        await fx.ApproveAsync(definition, code, fx.DaveId);

        var done = await fx.Client.Approval.Instances.GetAsync(code);
        Assert.Equal(ApprovalStatus.Approved, done.Status);
        Assert.NotNull(done.EndTime);
        Assert.Equal(5, done.Timeline.Count(t => t.Type == "PASS"));
        Assert.Contains(done.Timeline, t => t.Type == "PASS" && t.Comment == "fine");
    }

    [Fact]
    public async Task A_rejection_rejects_the_instance()
    {
        var definition = await fx.CreateDefinitionAsync();
        var code = await fx.StartAsync(definition);
        var task = await fx.PendingTaskAsync(code, fx.BobId);

        await fx.Client.Approval.Tasks.RejectAsync(new ApprovalTaskDecision { ApprovalCode = definition.ApprovalCode, InstanceCode = code, TaskId = task.Id, UserId = fx.BobId, Comment = "over budget" });

        var instance = await fx.Client.Approval.Instances.GetAsync(code);
        Assert.Equal(ApprovalStatus.Rejected, instance.Status);
        Assert.Equal("REJECTED", instance.Tasks.Single(t => t.Id == task.Id).Status);
        Assert.Contains(instance.Timeline, t => t.Type == "REJECT" && t.Comment == "over budget");
    }

    [Fact]
    public async Task A_transferred_task_becomes_the_new_assignees()
    {
        var definition = await fx.CreateDefinitionAsync();
        var code = await fx.StartAsync(definition);
        var task = await fx.PendingTaskAsync(code, fx.BobId);

        await fx.Client.Approval.Tasks.TransferAsync(new ApprovalTaskTransfer { ApprovalCode = definition.ApprovalCode, InstanceCode = code, TaskId = task.Id, UserId = fx.BobId, TransferUserId = fx.DaveId, Comment = "on leave" });

        var instance = await fx.Client.Approval.Instances.GetAsync(code);
        Assert.Contains(instance.Tasks, t => t.OpenId == fx.DaveId && t.CustomNodeId == "lead" && t.Status == ApprovalStatus.Pending);
        Assert.DoesNotContain(instance.Tasks, t => t.OpenId == fx.BobId && t.Status == ApprovalStatus.Pending);
        Assert.Contains(instance.Timeline, t => t.Type == "TRANSFER");
    }

    [Fact]
    public async Task Rolled_back_to_the_submitter_the_instance_is_resubmitted_with_a_new_form()
    {
        var definition = await fx.CreateDefinitionAsync();
        var code = await fx.StartAsync(definition);
        var bobs = await fx.PendingTaskAsync(code, fx.BobId);
        await fx.Client.Approval.Instances.RollbackAsync(new ApprovalRollback { UserId = fx.BobId, TaskId = bobs.Id, NodeKeys = ["START"], Reason = "add the receipt" });
        var alices = await fx.PendingTaskAsync(code, fx.AliceId);

        await fx.Client.Approval.Tasks.ResubmitAsync(new ApprovalTaskResubmit
        {
            ApprovalCode = definition.ApprovalCode, InstanceCode = code, TaskId = alices.Id, UserId = fx.AliceId,
            Form = ApprovalFixture.MinimalForm("Team offsite, receipt attached"), Definition = definition, Comment = "done",
        });

        var instance = await fx.Client.Approval.Instances.GetAsync(code);
        Assert.Contains("receipt attached", instance.Form, StringComparison.Ordinal);
        Assert.Contains(instance.Tasks, t => t.OpenId == fx.BobId && t.CustomNodeId == "lead" && t.Status == ApprovalStatus.Pending);
        Assert.Equal(ApprovalStatus.Pending, instance.Status);
    }

    [Fact]
    public async Task Task_search_finds_a_users_pending_task_of_a_definition()
    {
        var definition = await fx.CreateDefinitionAsync();
        var code = await fx.StartAsync(definition);
        var task = await fx.PendingTaskAsync(code, fx.BobId);

        var hits = await fx.Client.Approval.Tasks.SearchAsync(new ApprovalSearch { UserId = fx.BobId, ApprovalCode = definition.ApprovalCode, TaskStatus = "PENDING" }).ToListAsync();

        var hit = Assert.Single(hits);
        Assert.Equal(code, hit.InstanceCode);
        Assert.Equal(task.Id, hit.Task!.TaskId);
        Assert.Equal("PENDING", hit.Task.Status);
    }

    [Fact]
    public async Task A_users_todo_done_and_started_lists_follow_the_decisions()
    {
        var definition = await fx.CreateDefinitionAsync();
        var code = await fx.StartAsync(definition);
        var task = await fx.PendingTaskAsync(code, fx.BobId);

        var todo = await fx.Client.Approval.Tasks.QueryAsync(fx.BobId, ApprovalTaskTopic.Todo).ToListAsync();
        Assert.Contains(todo, t => t.TaskId == task.Id && t.DefinitionCode == definition.ApprovalCode);

        await fx.ApproveAsync(definition, code, fx.BobId);

        var stillTodo = await fx.Client.Approval.Tasks.QueryAsync(fx.BobId, ApprovalTaskTopic.Todo).ToListAsync();
        var done = await fx.Client.Approval.Tasks.QueryAsync(fx.BobId, ApprovalTaskTopic.Done).ToListAsync();
        var started = await fx.Client.Approval.Tasks.QueryAsync(fx.AliceId, ApprovalTaskTopic.Started).ToListAsync();
        Assert.DoesNotContain(stillTodo, t => t.TaskId == task.Id);
        Assert.Contains(done, t => t.TaskId == task.Id);
        Assert.Contains(started, t => t.ProcessId == code || t.ProcessCode == code);
    }

    [Fact]
    public async Task Someone_elses_task_is_1390009_and_a_decided_task_is_1390010()
    {
        var definition = await fx.CreateDefinitionAsync();
        var code = await fx.StartAsync(definition);
        var task = await fx.PendingTaskAsync(code, fx.BobId);
        var asDave = new ApprovalTaskDecision { ApprovalCode = definition.ApprovalCode, InstanceCode = code, TaskId = task.Id, UserId = fx.DaveId };

        var notYours = await Assert.ThrowsAsync<FeishuApiException>(() => fx.Client.Approval.Tasks.ApproveAsync(asDave));
        await fx.ApproveAsync(definition, code, fx.BobId);
        var decided = await Assert.ThrowsAsync<FeishuApiException>(() => fx.Client.Approval.Tasks.ApproveAsync(asDave with { UserId = fx.BobId }));

        Assert.Equal(FeishuErrorCodes.ApprovalNoPermission, notYours.Code);
        Assert.Equal(403, (int)notYours.HttpStatus!);
        Assert.Equal(FeishuErrorCodes.ApprovalTaskNotFound, decided.Code);
    }
}
