using Larkway.Feishu.Approval;
using Larkway.Feishu.Im;
using Larkway.Feishu.Tests.Infrastructure;
using V = Larkway.Feishu.Approval.ApprovalFormValue;

namespace Larkway.Feishu.Tests.Approval;

public class ApprovalTaskActionsTests
{
    [Fact]
    public async Task Transfer_posts_the_new_approver()
    {
        var stub = new StubHandler((_, _) => Responses.Ok());
        using var client = TestClients.Create(stub);

        await client.Approval.Tasks.TransferAsync(new ApprovalTaskTransfer { ApprovalCode = "A", InstanceCode = "I", UserId = "ou_2", TaskId = "T1", TransferUserId = "ou_7" });

        var call = Assert.Single(stub.ApiCalls);
        Assert.Equal(("/open-apis/approval/v4/tasks/transfer", "?user_id_type=open_id"), (call.Path, call.Query));
        Assert.Equal("""{"approval_code":"A","instance_code":"I","user_id":"ou_2","task_id":"T1","transfer_user_id":"ou_7"}""", call.Body);
    }

    [Fact]
    public async Task Resubmit_validates_against_the_definition_then_sends_the_widgets_ids()
    {
        var stub = new StubHandler((_, _) => Responses.Ok());
        using var client = TestClients.Create(stub);
        var request = new ApprovalTaskResubmit
        {
            ApprovalCode = "A", InstanceCode = "I", UserId = "ou_1", TaskId = "T9",
            Form = ApprovalForm.Of(ApprovalFixtures.Required()),
            Definition = ApprovalFixtures.Definition(),
        };

        var ex = await Assert.ThrowsAsync<ApprovalFormException>(() => client.Approval.Tasks.ResubmitAsync(request with { Form = ApprovalForm.Of(new V.Radio("kind", "zzz")) }));
        Assert.Empty(stub.Requests);
        Assert.Contains(ex.Errors, e => e.WidgetId == "kind");

        await client.Approval.Tasks.ResubmitAsync(request);

        var call = Assert.Single(stub.ApiCalls);
        Assert.Equal("/open-apis/approval/v4/tasks/resubmit", call.Path);
        Assert.StartsWith("""{"approval_code":"A","instance_code":"I","user_id":"ou_1","task_id":"T9","form":"[{\"id\":\"widget_reason\",""", call.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Task_search_posts_to_tasks_search_and_parses_the_task()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""
            {"count":1,"has_more":false,"task_list":[{"approval":{"code":"A","name":"Expenses"},"instance":{"code":"I","status":"PENDING","start_time":"1769821200000"},
             "task":{"task_id":"T1","user_id":"ou_2","status":"PENDING","title":"Approve","start_time":"1769821201000","end_time":"0","link":{"pc_link":"https://pc"}}}]}
            """));
        using var client = TestClients.Create(stub);

        var hits = await client.Approval.Tasks.SearchAsync(new ApprovalSearch { UserId = "ou_2", TaskStatus = "PENDING" }).ToListAsync();

        var call = Assert.Single(stub.ApiCalls);
        Assert.Equal("/open-apis/approval/v4/tasks/search", call.Path);
        Assert.Equal("""{"user_id":"ou_2","task_status":"PENDING"}""", call.Body);
        var task = Assert.Single(hits).Task!;
        Assert.Equal(("T1", "ou_2", "PENDING", "Approve", "https://pc"), (task.TaskId, task.UserId, task.Status, task.Title, task.PcLink));
        Assert.Null(task.EndTime);
    }

    [Fact]
    public async Task Query_lists_a_users_todo_with_the_total()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""
            {"tasks":[{"topic":"1","task_id":"T1","title":"Expenses","status":"1","process_status":"0","definition_code":"A","process_code":"I","initiators":["ou_1"],"urls":{"pc":"https://pc","mobile":"https://m"}}],
             "has_more":false,"count":{"total":1,"has_more":false}}
            """));
        using var client = TestClients.Create(stub);

        var pages = await client.Approval.Tasks.QueryAsync("u2", ApprovalTaskTopic.Todo, UserIdType.UserId, pageSize: 200).AsPages().ToListAsync();

        var call = Assert.Single(stub.ApiCalls);
        Assert.Equal((HttpMethod.Get, "/open-apis/approval/v4/tasks/query", "?page_size=200&user_id=u2&topic=1&user_id_type=user_id"), (call.Method, call.Path, call.Query));
        var page = Assert.Single(pages);
        Assert.Equal(1, page.Total);
        var task = Assert.Single(page.Items);
        Assert.Equal(("1", "T1", "A", "I", "https://m"), (task.Topic, task.TaskId, task.DefinitionCode, task.ProcessCode, task.MobileLink));
        Assert.Equal(["ou_1"], task.Initiators);
    }

    [Fact]
    public void Query_refuses_an_unknown_topic_and_a_page_over_200()
    {
        using var client = TestClients.Create(new StubHandler((_, _) => Responses.Ok()));

        Assert.Contains("topic '4' is not one of", Assert.Throws<ArgumentException>(() => client.Approval.Tasks.QueryAsync("u", "4")).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => client.Approval.Tasks.QueryAsync("u", ApprovalTaskTopic.Done, pageSize: 201));
    }
}
