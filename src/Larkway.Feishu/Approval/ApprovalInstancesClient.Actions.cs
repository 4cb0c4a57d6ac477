using Larkway.Feishu.Http;
using Larkway.Feishu.Im;

namespace Larkway.Feishu.Approval;

// Instance actions beyond create/get/list/cancel: cc, search, preview, add signers, roll back.
public partial class ApprovalInstancesClient
{
    /// <summary>The largest page <see cref="SearchAsync"/> asks for.</summary>
    public const int MaxSearchPageSize = 200;

    /// <summary>The longest start-time window a search takes.</summary>
    public static readonly TimeSpan MaxSearchWindow = TimeSpan.FromDays(30);

    /// <summary>Copies an instance to more people (<c>POST …/instances/cc</c>).</summary>
    /// <exception cref="ArgumentException">A missing id or an empty recipient list (nothing sent).</exception>
    public virtual Task CcAsync(ApprovalInstanceCc request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = new CcBody(
            ApprovalChecks.Required(request.ApprovalCode, nameof(request.ApprovalCode), "the definition's approval code"),
            ApprovalChecks.Required(request.InstanceCode, nameof(request.InstanceCode), "the instance code"),
            ApprovalChecks.Required(request.UserId, nameof(request.UserId), "the id of the participant who copies"),
            ApprovalChecks.Ids(request.CcUserIds, nameof(request.CcUserIds), int.MaxValue),
            request.Comment);
        return PostAsync("/cc", request.UserIdType, JsonBody.Create(body, ApprovalJsonContext.Wire.CcBody), cancellationToken);
    }

    /// <summary>
    /// Searches instances (<c>POST …/instances/query</c>), lazily page by page, each hit with its definition, group and links.
    /// Read-only, so retried on rate limits and server errors.
    /// </summary>
    /// <exception cref="ArgumentException">No filter among user, approval code, instance code, external ids; a start window given half-way or longer than 30 days; a page size outside 1–200 (nothing sent).</exception>
    public virtual FeishuPageable<ApprovalSearchResult> SearchAsync(ApprovalSearch search, int? pageSize = null, CancellationToken cancellationToken = default) =>
        Search(_pipeline, Instances + "/query", search, pageSize, cancellationToken);

    /// <summary>
    /// Who would approve: the route of a form before it is submitted, or the rest of an existing instance's route
    /// (<c>POST …/instances/preview</c>). Read-only.
    /// </summary>
    public virtual async Task<IReadOnlyList<ApprovalPreviewNode>> PreviewAsync(ApprovalInstancePreview request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = new PreviewBody(
            ApprovalChecks.Required(request.ApprovalCode, nameof(request.ApprovalCode), "the definition's approval code"),
            ApprovalChecks.Required(request.UserId, nameof(request.UserId), "the submitter's id"),
            ApprovalTime.Empty(request.DepartmentId),
            request.Form?.ToWireJson(),
            ApprovalTime.Empty(request.InstanceCode),
            ApprovalTime.Empty(request.TaskId));
        if (body.Form is null && body.InstanceCode is null)
        {
            throw new ArgumentException("Give the Form to preview before creation, or InstanceCode and TaskId for an existing instance.", nameof(request));
        }

        var path = new Query(Instances + "/preview").Add("user_id_type", Checks.Wire(request.UserIdType));
        var data = await _pipeline.SendAsync(
            new FeishuRequest(HttpMethod.Post, path.ToString(), Instances + "/preview") { Content = JsonBody.Create(body, ApprovalJsonContext.Wire.PreviewBody), Idempotent = true },
            ApprovalJsonContext.Wire.PreviewEnvelope, cancellationToken).ConfigureAwait(false);
        return data.PreviewNodes?.Select(n => n.ToModel()).ToArray() ?? [];
    }

    /// <summary>Adds approvers before, after or alongside a pending task (<c>POST …/instances/add_sign</c>).</summary>
    /// <exception cref="ArgumentException">A missing id, no one to add, a type other than 1–3, or type 1/2 without an approval method (nothing sent).</exception>
    public virtual Task AddSignAsync(ApprovalAddSign request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.AddSignType is < 1 or > 3)
        {
            throw new ArgumentException($"AddSignType is {request.AddSignType}; give 1 (before), 2 (after) or 3 (alongside).", nameof(request));
        }

        if (request.ApprovalMethod is { } method && (method is < 1 or > 2 || request.AddSignType == 3))
        {
            throw new ArgumentException("ApprovalMethod is 1 (OR) or 2 (AND), and only for AddSignType 1 or 2.", nameof(request));
        }

        // The add_sign page: before/after signers need a method (how they decide among themselves).
        if (request.ApprovalMethod is null && request.AddSignType is 1 or 2)
        {
            throw new ArgumentException($"AddSignType {request.AddSignType} needs ApprovalMethod: 1 (OR, any signer decides) or 2 (AND, every signer).", nameof(request));
        }

        var body = new AddSignBody(
            ApprovalChecks.Required(request.UserId, nameof(request.UserId), "the approver's id"),
            ApprovalChecks.Required(request.ApprovalCode, nameof(request.ApprovalCode), "the definition's approval code"),
            ApprovalChecks.Required(request.InstanceCode, nameof(request.InstanceCode), "the instance code"),
            ApprovalChecks.Required(request.TaskId, nameof(request.TaskId), "the pending task's id"),
            request.Comment,
            ApprovalChecks.Ids(request.AddSignUserIds, nameof(request.AddSignUserIds), int.MaxValue),
            request.AddSignType,
            request.ApprovalMethod);
        return PostAsync("/add_sign", request.UserIdType, JsonBody.Create(body, ApprovalJsonContext.Wire.AddSignBody), cancellationToken);
    }

    /// <summary>Sends an instance back to earlier nodes (<c>POST …/instances/specified_rollback</c>).</summary>
    /// <exception cref="ArgumentException">A missing id or no node keys (nothing sent).</exception>
    public virtual Task RollbackAsync(ApprovalRollback request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = new RollbackBody(
            ApprovalChecks.Required(request.UserId, nameof(request.UserId), "the approver's id"),
            ApprovalChecks.Required(request.TaskId, nameof(request.TaskId), "the pending task's id"),
            request.Reason,
            request.Extra,
            ApprovalChecks.Ids(request.NodeKeys, nameof(request.NodeKeys), int.MaxValue));
        return PostAsync("/specified_rollback", request.UserIdType, JsonBody.Create(body, ApprovalJsonContext.Wire.RollbackBody), cancellationToken);
    }

    /// <summary>The paged search shared by instances and tasks (same filters, same hit shape).</summary>
    internal static FeishuPageable<ApprovalSearchResult> Search(FeishuPipeline pipeline, string template, ApprovalSearch search, int? pageSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(search);
        var body = SearchWire(search);
        Checks.PageSize(pageSize, MaxSearchPageSize);
        return new FetchPageable<ApprovalSearchResult>(async (token, size, ct) =>
        {
            Checks.PageSize(size, MaxSearchPageSize);
            var path = new Query(template).Add("page_size", size).Add("page_token", token).Add("user_id_type", Checks.Wire(search.UserIdType));
            var data = await pipeline.SendAsync(
                new FeishuRequest(HttpMethod.Post, path.ToString(), template) { Content = JsonBody.Create(body, ApprovalJsonContext.Wire.SearchBody), Idempotent = true },
                ApprovalJsonContext.Wire.SearchPageEnvelope, ct).ConfigureAwait(false);
            return data.ToPage();
        }, pageSize, cancellationToken);
    }

    private static SearchBody SearchWire(ApprovalSearch search)
    {
        if (new[] { search.UserId, search.ApprovalCode, search.InstanceCode, search.InstanceExternalId, search.GroupExternalId }.All(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Give at least one of UserId, ApprovalCode, InstanceCode, InstanceExternalId or GroupExternalId.", nameof(search));
        }

        return new SearchBody
        {
            UserId = ApprovalTime.Empty(search.UserId),
            ApprovalCode = ApprovalTime.Empty(search.ApprovalCode),
            InstanceCode = ApprovalTime.Empty(search.InstanceCode),
            InstanceExternalId = ApprovalTime.Empty(search.InstanceExternalId),
            GroupExternalId = ApprovalTime.Empty(search.GroupExternalId),
            InstanceTitle = search.InstanceTitle,
            InstanceStatus = search.InstanceStatus,
            InstanceStartTimeFrom = Window(search.InstanceStartFrom, search.InstanceStartTo, "InstanceStart").From,
            InstanceStartTimeTo = Window(search.InstanceStartFrom, search.InstanceStartTo, "InstanceStart").To,
            TaskTitle = search.TaskTitle,
            TaskStatus = search.TaskStatus,
            TaskStartTimeFrom = Window(search.TaskStartFrom, search.TaskStartTo, "TaskStart").From,
            TaskStartTimeTo = Window(search.TaskStartFrom, search.TaskStartTo, "TaskStart").To,
            Locale = search.Locale,
        };
    }

    // Both ends or neither, at most 30 days apart.
    private static (string? From, string? To) Window(DateTimeOffset? from, DateTimeOffset? to, string name)
    {
        if (from is null && to is null)
        {
            return (null, null);
        }

        if (from is not { } start || to is not { } end)
        {
            throw new ArgumentException($"{name}From and {name}To go together; give both or neither.", name);
        }

        ApprovalChecks.Window(start, end, name, MaxSearchWindow);
        return (ApprovalTime.Format(start), ApprovalTime.Format(end));
    }

    private Task PostAsync(string action, UserIdType userIdType, HttpContent content, CancellationToken cancellationToken)
    {
        var template = Instances + action;
        var path = new Query(template).Add("user_id_type", Checks.Wire(userIdType));
        return _pipeline.SendAsync(new FeishuRequest(HttpMethod.Post, path.ToString(), template) { Content = content }, cancellationToken);
    }
}
