using Larkway.Feishu.Http;
using Larkway.Feishu.Im;

namespace Larkway.Feishu.Approval;

/// <summary>Approval tasks (<c>/open-apis/approval/v4/tasks</c>): what approvers do.</summary>
public partial class ApprovalTasksClient
{
    private const string Tasks = "/open-apis/approval/v4/tasks";

    private readonly FeishuPipeline _pipeline = null!;

    /// <summary>For mocking.</summary>
    protected ApprovalTasksClient()
    {
    }

    internal ApprovalTasksClient(FeishuPipeline pipeline) => _pipeline = pipeline;

    /// <summary>
    /// Approves a pending task as its approver (<c>POST …/tasks/approve</c>). Not retried on server errors: the decision
    /// may have been recorded; read the instance to see.
    /// </summary>
    /// <exception cref="FeishuApiException">E.g. <see cref="FeishuErrorCodes.ApprovalTaskNotFound"/> (not pending, or not this user's).</exception>
    public virtual Task ApproveAsync(ApprovalTaskDecision decision, CancellationToken cancellationToken = default) =>
        DecideAsync("approve", decision, cancellationToken);

    /// <summary>Rejects a pending task as its approver (<c>POST …/tasks/reject</c>).</summary>
    /// <exception cref="FeishuApiException">E.g. <see cref="FeishuErrorCodes.ApprovalTaskNotFound"/>.</exception>
    public virtual Task RejectAsync(ApprovalTaskDecision decision, CancellationToken cancellationToken = default) =>
        DecideAsync("reject", decision, cancellationToken);

    private Task DecideAsync(string action, ApprovalTaskDecision decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var body = new TaskDecisionBody(
            ApprovalChecks.Required(decision.ApprovalCode, nameof(decision.ApprovalCode), "the definition's approval code"),
            ApprovalChecks.Required(decision.InstanceCode, nameof(decision.InstanceCode), "the instance code"),
            ApprovalChecks.Required(decision.UserId, nameof(decision.UserId), "the approver's id"),
            ApprovalChecks.Required(decision.TaskId, nameof(decision.TaskId), "the pending task's id"),
            decision.Comment,
            decision.Form?.ToWireJson());
        var template = $"{Tasks}/{action}";
        var path = new Query(template).Add("user_id_type", Checks.Wire(decision.UserIdType));
        return _pipeline.SendAsync(
            new FeishuRequest(HttpMethod.Post, path.ToString(), template) { Content = JsonBody.Create(body, ApprovalJsonContext.Wire.TaskDecisionBody) },
            cancellationToken);
    }
}
