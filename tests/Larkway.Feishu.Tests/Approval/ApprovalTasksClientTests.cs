using System.Net;
using Larkway.Feishu.Approval;
using Larkway.Feishu.Im;
using Larkway.Feishu.Tests.Infrastructure;

namespace Larkway.Feishu.Tests.Approval;

public class ApprovalTasksClientTests
{
    private static ApprovalTaskDecision Decision => new() { ApprovalCode = "APPROVAL-1", InstanceCode = "INST-1", UserId = "ou_2", TaskId = "T1" };

    [Theory]
    [InlineData("approve")]
    [InlineData("reject")]
    public async Task A_decision_posts_the_ids_and_comment(string action)
    {
        var stub = new StubHandler((_, _) => Responses.Ok());
        using var client = TestClients.Create(stub);
        var decision = Decision with { Comment = "fine by me" };

        await (action == "approve" ? client.Approval.Tasks.ApproveAsync(decision) : client.Approval.Tasks.RejectAsync(decision));

        var call = Assert.Single(stub.ApiCalls);
        Assert.Equal((HttpMethod.Post, $"/open-apis/approval/v4/tasks/{action}", "?user_id_type=open_id"), (call.Method, call.Path, call.Query));
        Assert.Equal("""{"approval_code":"APPROVAL-1","instance_code":"INST-1","user_id":"ou_2","task_id":"T1","comment":"fine by me"}""", call.Body);
    }

    [Fact]
    public async Task A_decision_can_carry_branch_condition_values_and_a_user_id_type()
    {
        var stub = new StubHandler((_, _) => Responses.Ok());
        using var client = TestClients.Create(stub);

        await client.Approval.Tasks.ApproveAsync(Decision with { UserIdType = UserIdType.UserId, Form = ApprovalForm.Of(new ApprovalFormValue.Number("w1", 2)) });

        var call = Assert.Single(stub.ApiCalls);
        Assert.Equal("?user_id_type=user_id", call.Query);
        Assert.EndsWith(""","form":"[{\"id\":\"w1\",\"type\":\"number\",\"value\":2}]"}""", call.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_decision_is_not_resent_after_a_server_error()
    {
        var stub = new StubHandler((_, _) => Responses.Error(1395001, "internal", HttpStatusCode.InternalServerError));
        using var client = TestClients.Create(stub);

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.Approval.Tasks.ApproveAsync(Decision));

        Assert.Equal(FeishuErrorCodes.ApprovalInternalError, ex.Code);
        Assert.Single(stub.ApiCalls);
    }

    [Fact]
    public async Task A_task_that_is_not_pending_is_a_FeishuApiException()
    {
        var stub = new StubHandler((_, _) => Responses.Error(1390010, "task not found"));
        using var client = TestClients.Create(stub);

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.Approval.Tasks.RejectAsync(Decision));

        Assert.Equal(FeishuErrorCodes.ApprovalTaskNotFound, ex.Code);
    }

    [Fact]
    public async Task A_decision_without_a_task_id_is_refused_before_sending()
    {
        var stub = new StubHandler((_, _) => Responses.Ok());
        using var client = TestClients.Create(stub);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => client.Approval.Tasks.ApproveAsync(Decision with { TaskId = "" }));

        Assert.Equal("TaskId is empty; give the pending task's id. (Parameter 'TaskId')", ex.Message);
        Assert.Empty(stub.Requests);
    }
}
