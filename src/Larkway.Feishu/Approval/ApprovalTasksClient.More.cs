using Larkway.Feishu.Http;
using Larkway.Feishu.Im;

namespace Larkway.Feishu.Approval;

// Task actions beyond approve/reject: transfer, resubmit, search, a user's lists.
public partial class ApprovalTasksClient
{
    /// <summary>The largest page <see cref="QueryAsync"/> asks for.</summary>
    public const int MaxQueryPageSize = 200;

    /// <summary>Hands a pending task to another approver (<c>POST …/tasks/transfer</c>).</summary>
    public virtual Task TransferAsync(ApprovalTaskTransfer request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = new TransferBody(
            ApprovalChecks.Required(request.ApprovalCode, nameof(request.ApprovalCode), "the definition's approval code"),
            ApprovalChecks.Required(request.InstanceCode, nameof(request.InstanceCode), "the instance code"),
            ApprovalChecks.Required(request.UserId, nameof(request.UserId), "the current approver's id"),
            ApprovalChecks.Required(request.TaskId, nameof(request.TaskId), "the pending task's id"),
            request.Comment,
            ApprovalChecks.Required(request.TransferUserId, nameof(request.TransferUserId), "the new approver's id"));
        return PostAsync("transfer", request.UserIdType, JsonBody.Create(body, ApprovalJsonContext.Wire.TransferBody), cancellationToken);
    }

    /// <summary>
    /// Resubmits an instance sent back to its submitter, with a corrected form (<c>POST …/tasks/resubmit</c>). With
    /// <see cref="ApprovalTaskResubmit.Definition"/> the form is validated first.
    /// </summary>
    /// <exception cref="ApprovalFormException">The form does not fit the definition (nothing sent).</exception>
    public virtual Task ResubmitAsync(ApprovalTaskResubmit request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Form, nameof(request.Form));
        var form = request.Form.ToCheckedWireJson(request.Definition);

        var body = new ResubmitBody(
            ApprovalChecks.Required(request.ApprovalCode, nameof(request.ApprovalCode), "the definition's approval code"),
            ApprovalChecks.Required(request.InstanceCode, nameof(request.InstanceCode), "the instance code"),
            ApprovalChecks.Required(request.UserId, nameof(request.UserId), "the submitter's id"),
            ApprovalChecks.Required(request.TaskId, nameof(request.TaskId), "the resubmit task's id"),
            request.Comment,
            form);
        return PostAsync("resubmit", request.UserIdType, JsonBody.Create(body, ApprovalJsonContext.Wire.ResubmitBody), cancellationToken);
    }

    /// <summary>Searches tasks (<c>POST …/tasks/search</c>), lazily page by page; each hit carries its <see cref="ApprovalSearchResult.Task"/>.</summary>
    /// <exception cref="ArgumentException">No filter among user, approval code, instance code, external ids; a half or over-30-day window; a page size outside 1–200.</exception>
    public virtual FeishuPageable<ApprovalSearchResult> SearchAsync(ApprovalSearch search, int? pageSize = null, CancellationToken cancellationToken = default) =>
        ApprovalInstancesClient.Search(_pipeline, Tasks + "/search", search, pageSize, cancellationToken);

    /// <summary>
    /// One of a user's approval-center lists (<c>GET …/tasks/query</c>), lazily page by page: to do, done, started, copied
    /// (<see cref="ApprovalTaskTopic"/>). The total (<see cref="FeishuPage{T}.Total"/>) caps at 999.
    /// </summary>
    /// <exception cref="ArgumentException">No user, an unknown topic, or a page size outside 1–200 (nothing sent).</exception>
    public virtual FeishuPageable<ApprovalUserTask> QueryAsync(
        string userId, string topic, UserIdType userIdType = UserIdType.OpenId, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        userId = ApprovalChecks.Required(userId, nameof(userId), "the user's id");
        if (topic is not (ApprovalTaskTopic.Todo or ApprovalTaskTopic.Done or ApprovalTaskTopic.Started or ApprovalTaskTopic.CcUnread or ApprovalTaskTopic.CcRead))
        {
            throw new ArgumentException($"topic '{topic}' is not one of: 1 (todo), 2 (done), 3 (started), 17 (cc unread), 18 (cc read); use ApprovalTaskTopic.", nameof(topic));
        }

        Checks.PageSize(pageSize, MaxQueryPageSize);
        const string template = Tasks + "/query";
        return new FetchPageable<ApprovalUserTask>(async (token, size, ct) =>
        {
            Checks.PageSize(size, MaxQueryPageSize);
            var path = new Query(template).Add("page_size", size).Add("page_token", token).Add("user_id", userId).Add("topic", topic).Add("user_id_type", Checks.Wire(userIdType));
            var data = await _pipeline.SendAsync(new FeishuRequest(HttpMethod.Get, path.ToString(), template), ApprovalJsonContext.Wire.UserTaskPageEnvelope, ct).ConfigureAwait(false);
            return data.ToPage();
        }, pageSize, cancellationToken);
    }

    private Task PostAsync(string action, UserIdType userIdType, HttpContent content, CancellationToken cancellationToken)
    {
        var template = $"{Tasks}/{action}";
        var path = new Query(template).Add("user_id_type", Checks.Wire(userIdType));
        return _pipeline.SendAsync(new FeishuRequest(HttpMethod.Post, path.ToString(), template) { Content = content }, cancellationToken);
    }
}
