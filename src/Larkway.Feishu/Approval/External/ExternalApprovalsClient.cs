using Larkway.Feishu.Http;
using Larkway.Feishu.Im;

namespace Larkway.Feishu.Approval;

/// <summary>
/// Third-party approvals: definitions whose process runs in another system, and the instances and tasks that system
/// syncs into Feishu's approval center (<c>/open-apis/approval/v4/external_*</c>).
/// </summary>
public class ExternalApprovalsClient
{
    private const string Definitions = "/open-apis/approval/v4/external_approvals";
    private const string Instances = "/open-apis/approval/v4/external_instances";
    private const string TaskList = "/open-apis/approval/v4/external_tasks";

    /// <summary>The most tasks one synced instance carries.</summary>
    public const int MaxTasks = 300;

    /// <summary>The most copies one synced instance carries.</summary>
    public const int MaxCcs = 200;

    /// <summary>The largest page <see cref="ListTasksAsync"/> asks for.</summary>
    public const int MaxTaskPageSize = 500;

    private static readonly HashSet<string> InstanceStatuses = new(StringComparer.Ordinal) { "PENDING", "APPROVED", "REJECTED", "CANCELED", "DELETED", "HIDDEN", "TERMINATED" };
    private static readonly HashSet<string> TaskStatuses = new(StringComparer.Ordinal) { "PENDING", "APPROVED", "REJECTED", "TRANSFERRED", "DONE" };

    private readonly FeishuPipeline _pipeline = null!;

    /// <summary>For mocking.</summary>
    protected ExternalApprovalsClient()
    {
    }

    internal ExternalApprovalsClient(FeishuPipeline pipeline) => _pipeline = pipeline;

    /// <summary>
    /// Creates or updates a third-party definition (<c>POST …/external_approvals</c>) and returns the code to keep using:
    /// yours (Feishu may echo another on updates). Safe to repeat.
    /// </summary>
    /// <exception cref="ArgumentException">No code or name, a code over 128 characters, or neither desktop nor mobile supported (nothing sent).</exception>
    public virtual async Task<string> CreateDefinitionAsync(ExternalApprovalDefinition definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var code = ApprovalChecks.Required(definition.ApprovalCode, nameof(definition.ApprovalCode), "your code for the definition");
        if (code.Length > 128)
        {
            throw new ArgumentException($"ApprovalCode has {code.Length} characters; Feishu takes at most 128.", nameof(definition));
        }

        ApprovalChecks.Required(definition.ApprovalName, nameof(definition.ApprovalName), "an i18n key such as @i18n@name");
        ArgumentNullException.ThrowIfNull(definition.External, nameof(definition.External));
        if (!definition.External.SupportPc && !definition.External.SupportMobile)
        {
            throw new ArgumentException("External.SupportPc and External.SupportMobile are both false; support at least one.", nameof(definition));
        }

        var path = new Query(Definitions).Add("user_id_type", Checks.Wire(definition.UserIdType));
        await _pipeline.SendAsync(
            new FeishuRequest(HttpMethod.Post, path.ToString(), Definitions) { Content = JsonBody.Create(ExternalDefinitionWire.From(definition), ApprovalJsonContext.Wire.ExternalDefinitionWire), Idempotent = true },
            ApprovalJsonContext.Wire.ExternalDefinitionCreatedEnvelope, cancellationToken).ConfigureAwait(false);
        return code;
    }

    /// <summary>A third-party definition (<c>GET …/external_approvals/{code}</c>).</summary>
    public virtual async Task<ExternalApprovalDefinition> GetDefinitionAsync(string approvalCode, UserIdType userIdType = UserIdType.OpenId, CancellationToken cancellationToken = default)
    {
        approvalCode = ApprovalChecks.Required(approvalCode, nameof(approvalCode), "the third-party definition's code");
        var path = new Query(Definitions + "/" + Query.Segment(approvalCode)).Add("user_id_type", Checks.Wire(userIdType));
        var data = await _pipeline.SendAsync(new FeishuRequest(HttpMethod.Get, path.ToString(), Definitions + "/{approval_code}"), ApprovalJsonContext.Wire.ExternalDefinitionEnvelope, cancellationToken).ConfigureAwait(false);
        return data.ToModel(approvalCode);
    }

    /// <summary>
    /// Creates or replaces Feishu's copy of a third-party instance with its tasks and copies (<c>POST …/external_instances</c>).
    /// Idempotent by <see cref="ExternalApprovalInstance.InstanceId"/>, so retried on server errors.
    /// </summary>
    /// <exception cref="ArgumentException">A missing id or link, an unknown status, too many tasks or copies (nothing sent).</exception>
    public virtual Task SyncInstanceAsync(ExternalApprovalInstance instance, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var body = ToWire(instance);
        return _pipeline.SendAsync(
            new FeishuRequest(HttpMethod.Post, Instances, Instances) { Content = JsonBody.Create(body, ApprovalJsonContext.Wire.ExternalInstanceBody), Idempotent = true },
            cancellationToken);
    }

    /// <summary>
    /// Which of these instances Feishu holds a different version of (<c>POST …/external_instances/check</c>): the ones
    /// returned need syncing again.
    /// </summary>
    public virtual async Task<IReadOnlyList<ExternalInstanceCheck>> CheckInstancesAsync(IEnumerable<ExternalInstanceCheck> instances, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instances);
        var list = instances.Select(i => new ExternalCheckWire(
            ApprovalChecks.Required(i.InstanceId, "instances.InstanceId", "your instance id"),
            ApprovalTime.Format(i.UpdateTime),
            [.. (i.Tasks ?? []).Select(t => new ExternalTaskCheckWire(ApprovalChecks.Required(t.TaskId, "instances.Tasks.TaskId", "your task id"), ApprovalTime.Format(t.UpdateTime)))])).ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("instances is empty; give at least one instance to check.", nameof(instances));
        }

        const string template = Instances + "/check";
        var data = await _pipeline.SendAsync(
            new FeishuRequest(HttpMethod.Post, template, template) { Content = JsonBody.Create(new ExternalCheckBody(list), ApprovalJsonContext.Wire.ExternalCheckBody), Idempotent = true },
            ApprovalJsonContext.Wire.ExternalCheckEnvelope, cancellationToken).ConfigureAwait(false);
        return data.DiffInstances?.Select(d => d.ToModel()).ToArray() ?? [];
    }

    /// <summary>
    /// The status of synced instances and their tasks (<c>GET …/external_tasks</c>, filters in the body), lazily page by page.
    /// Filter by <paramref name="instanceIds"/>, or by <paramref name="approvalCodes"/> with <paramref name="status"/> (and optionally <paramref name="userIds"/>).
    /// </summary>
    /// <exception cref="ArgumentException">No usable filter, more than 20 codes or instance ids, or a page size outside 1–500 (nothing sent).</exception>
    public virtual FeishuPageable<ExternalInstanceTasks> ListTasksAsync(
        IEnumerable<string>? approvalCodes = null, IEnumerable<string>? instanceIds = null, IEnumerable<string>? userIds = null, string? status = null,
        int? pageSize = null, CancellationToken cancellationToken = default)
    {
        var codes = approvalCodes is null ? null : ApprovalChecks.Ids(approvalCodes, nameof(approvalCodes), 20).ToList();
        var ids = instanceIds is null ? null : ApprovalChecks.Ids(instanceIds, nameof(instanceIds), 20).ToList();
        var users = userIds is null ? null : ApprovalChecks.Ids(userIds, nameof(userIds), int.MaxValue).ToList();
        if (ids is null && (codes is null || status is null))
        {
            throw new ArgumentException("Give instanceIds, or approvalCodes with a status.", nameof(instanceIds));
        }

        if (status is not null && !TaskStatuses.Contains(status))
        {
            throw new ArgumentException($"status '{status}' is not one of: {string.Join(", ", TaskStatuses)}.", nameof(status));
        }

        Checks.PageSize(pageSize, MaxTaskPageSize);
        var body = new ExternalTaskListBody(codes, ids, users, status);
        return new FetchPageable<ExternalInstanceTasks>(async (token, size, ct) =>
        {
            Checks.PageSize(size, MaxTaskPageSize);
            var path = new Query(TaskList).Add("page_size", size).Add("page_token", token);
            var data = await _pipeline.SendAsync(
                new FeishuRequest(HttpMethod.Get, path.ToString(), TaskList) { Content = JsonBody.Create(body, ApprovalJsonContext.Wire.ExternalTaskListBody) },
                ApprovalJsonContext.Wire.ExternalTaskPageEnvelope, ct).ConfigureAwait(false);
            return data.ToPage();
        }, pageSize, cancellationToken);
    }

    private static ExternalInstanceBody ToWire(ExternalApprovalInstance i)
    {
        if (!InstanceStatuses.Contains(i.Status ?? ""))
        {
            throw new ArgumentException($"Status '{i.Status}' is not one of: {string.Join(", ", InstanceStatuses)}.", nameof(i));
        }

        if (i.Tasks.Count > MaxTasks || i.CcList.Count > MaxCcs)
        {
            throw new ArgumentException($"The instance has {i.Tasks.Count} tasks and {i.CcList.Count} copies; Feishu takes at most {MaxTasks} and {MaxCcs}.", nameof(i));
        }

        var badTask = i.Tasks.FirstOrDefault(t => !TaskStatuses.Contains(t.Status ?? ""));
        if (badTask is not null)
        {
            throw new ArgumentException($"Task '{badTask.TaskId}' has status '{badTask.Status}'; give one of: {string.Join(", ", TaskStatuses)}.", nameof(i));
        }

        return new ExternalInstanceBody
        {
            ApprovalCode = ApprovalChecks.Required(i.ApprovalCode, nameof(i.ApprovalCode), "the third-party definition's code"),
            Status = i.Status!,
            Extra = i.Extra,
            InstanceId = ApprovalChecks.Required(i.InstanceId, nameof(i.InstanceId), "your instance id"),
            Links = new ExternalLinksWire(ApprovalChecks.Required(i.PcLink, nameof(i.PcLink), "the instance's desktop link"), i.MobileLink),
            Title = i.Title,
            Form = i.Form.Count == 0 ? null : [.. i.Form.Select(f => new ExternalFieldWire(f.Name, f.Value))],
            UserId = i.UserId,
            UserName = i.UserName,
            OpenId = i.OpenId,
            DepartmentId = i.DepartmentId,
            DepartmentName = i.DepartmentName,
            StartTime = ApprovalTime.Format(i.StartTime),
            EndTime = i.EndTime is { } end ? ApprovalTime.Format(end) : "0",
            UpdateTime = ApprovalTime.Format(i.UpdateTime),
            DisplayMethod = i.DisplayMethod,
            UpdateMode = i.UpdateMode,
            TaskList = i.Tasks.Count == 0 ? null : [.. i.Tasks.Select(t => new ExternalTaskWire
            {
                TaskId = ApprovalChecks.Required(t.TaskId, "Tasks.TaskId", "your task id"),
                UserId = t.UserId,
                OpenId = t.OpenId,
                Title = t.Title,
                Links = new ExternalLinksWire(ApprovalChecks.Required(t.PcLink, "Tasks.PcLink", "the task's desktop link"), t.MobileLink),
                Status = t.Status,
                Extra = t.Extra,
                CreateTime = ApprovalTime.Format(t.CreateTime),
                EndTime = t.EndTime is { } e ? ApprovalTime.Format(e) : "0",
                UpdateTime = t.UpdateTime is { } u ? ApprovalTime.Format(u) : null,
                ActionContext = t.ActionContext,
                NodeId = t.NodeId,
                NodeName = t.NodeName,
            })],
            CcList = i.CcList.Count == 0 ? null : [.. i.CcList.Select(c => new ExternalCcWire(
                c.CcId, c.UserId, c.OpenId, new ExternalLinksWire(c.PcLink, c.MobileLink), c.ReadStatus, ApprovalTime.Format(c.CreateTime), ApprovalTime.Format(c.UpdateTime)))],
            I18nResources = I18nResourceWire.From(i.I18nResources) ?? [],
        };
    }
}
