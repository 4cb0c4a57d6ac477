namespace Larkway.Feishu.Approval;

// Wire shapes of third-party approvals. Times are ms-epoch strings; an open end is "0".

internal sealed class ExternalDefinitionWire
{
    public string? ApprovalName { get; set; }

    public string? ApprovalCode { get; set; }

    public string? GroupCode { get; set; }

    public string? GroupName { get; set; }

    public string? Description { get; set; }

    public ExternalSettingsWire? External { get; set; }

    public List<ViewerCreateWire>? Viewers { get; set; }

    public List<I18nResourceWire>? I18nResources { get; set; }

    public List<string>? Managers { get; set; }

    public static ExternalDefinitionWire From(ExternalApprovalDefinition d) => new()
    {
        ApprovalName = d.ApprovalName,
        ApprovalCode = d.ApprovalCode,
        GroupCode = d.GroupCode,
        GroupName = d.GroupName,
        Description = d.Description,
        External = new ExternalSettingsWire
        {
            BizName = d.External.BizName,
            BizType = d.External.BizType,
            CreateLinkMobile = d.External.CreateLinkMobile,
            CreateLinkPc = d.External.CreateLinkPc,
            SupportPc = d.External.SupportPc,
            SupportMobile = d.External.SupportMobile,
            SupportBatchRead = d.External.SupportBatchRead,
            ActionCallbackUrl = d.External.ActionCallbackUrl,
            ActionCallbackToken = d.External.ActionCallbackToken,
            ActionCallbackKey = d.External.ActionCallbackKey,
            AllowBatchOperate = d.External.AllowBatchOperate,
            ExcludeEfficiencyStatistics = d.External.ExcludeEfficiencyStatistics,
        },
        Viewers = [.. d.Viewers.Select(v => new ViewerCreateWire(v.ViewerType, v.ViewerUserId, v.ViewerDepartmentId))],
        I18nResources = I18nResourceWire.From(d.I18nResources),
        Managers = [.. d.Managers],
    };

    public ExternalApprovalDefinition ToModel(string requested) => new()
    {
        ApprovalCode = ApprovalCode is { Length: > 0 } code ? code : requested,
        ApprovalName = ApprovalName ?? "",
        GroupCode = ApprovalTime.Empty(GroupCode),
        GroupName = ApprovalTime.Empty(GroupName),
        Description = ApprovalTime.Empty(Description),
        External = External is { } e ? new ExternalApprovalSettings
        {
            BizName = e.BizName,
            BizType = e.BizType,
            CreateLinkMobile = e.CreateLinkMobile,
            CreateLinkPc = e.CreateLinkPc,
            SupportPc = e.SupportPc ?? false,
            SupportMobile = e.SupportMobile ?? false,
            SupportBatchRead = e.SupportBatchRead ?? false,
            ActionCallbackUrl = e.ActionCallbackUrl,
            ActionCallbackToken = e.ActionCallbackToken,
            ActionCallbackKey = e.ActionCallbackKey,
            AllowBatchOperate = e.AllowBatchOperate ?? false,
            ExcludeEfficiencyStatistics = e.ExcludeEfficiencyStatistics ?? false,
        } : new ExternalApprovalSettings(),
        Viewers = Viewers?.Select(v => new ApprovalViewerCreate(v.ViewerType, v.ViewerUserId, v.ViewerDepartmentId)).ToArray() ?? [],
        I18nResources = I18nResources?.Select(r => new ApprovalI18nResource(r.Locale, r.Texts.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal), r.IsDefault)).ToArray() ?? [],
        Managers = Managers ?? [],
    };
}

internal sealed class ExternalSettingsWire
{
    public string? BizName { get; set; }

    public string? BizType { get; set; }

    public string? CreateLinkMobile { get; set; }

    public string? CreateLinkPc { get; set; }

    public bool? SupportPc { get; set; }

    public bool? SupportMobile { get; set; }

    public bool? SupportBatchRead { get; set; }

    public string? ActionCallbackUrl { get; set; }

    public string? ActionCallbackToken { get; set; }

    public string? ActionCallbackKey { get; set; }

    public bool? AllowBatchOperate { get; set; }

    public bool? ExcludeEfficiencyStatistics { get; set; }
}

internal sealed class ExternalDefinitionCreatedData
{
    public string? ApprovalCode { get; set; }
}

internal sealed record ExternalLinksWire(string PcLink, string? MobileLink);

internal sealed record ExternalFieldWire(string Name, string Value);

internal sealed class ExternalInstanceBody
{
    public required string ApprovalCode { get; init; }

    public required string Status { get; init; }

    public string? Extra { get; init; }

    public required string InstanceId { get; init; }

    public required ExternalLinksWire Links { get; init; }

    public string? Title { get; init; }

    public List<ExternalFieldWire>? Form { get; init; }

    public string? UserId { get; init; }

    public string? UserName { get; init; }

    public string? OpenId { get; init; }

    public string? DepartmentId { get; init; }

    public string? DepartmentName { get; init; }

    public required string StartTime { get; init; }

    public required string EndTime { get; init; }

    public required string UpdateTime { get; init; }

    public string? DisplayMethod { get; init; }

    public string? UpdateMode { get; init; }

    public List<ExternalTaskWire>? TaskList { get; init; }

    public List<ExternalCcWire>? CcList { get; init; }

    public required List<I18nResourceWire> I18nResources { get; init; }
}

internal sealed class ExternalTaskWire
{
    public required string TaskId { get; init; }

    public string? UserId { get; init; }

    public string? OpenId { get; init; }

    public string? Title { get; init; }

    public required ExternalLinksWire Links { get; init; }

    public required string Status { get; init; }

    public string? Extra { get; init; }

    public required string CreateTime { get; init; }

    public required string EndTime { get; init; }

    public string? UpdateTime { get; init; }

    public string? ActionContext { get; init; }

    public string? NodeId { get; init; }

    public string? NodeName { get; init; }
}

internal sealed record ExternalCcWire(string CcId, string? UserId, string? OpenId, ExternalLinksWire Links, string ReadStatus, string CreateTime, string UpdateTime);

internal sealed record ExternalCheckBody(List<ExternalCheckWire> Instances);

internal sealed record ExternalCheckWire(string InstanceId, string UpdateTime, List<ExternalTaskCheckWire> Tasks);

internal sealed record ExternalTaskCheckWire(string TaskId, string UpdateTime);

internal sealed class ExternalCheckData
{
    public List<ExternalCheckReadWire>? DiffInstances { get; set; }
}

internal sealed class ExternalCheckReadWire
{
    public string? InstanceId { get; set; }

    public string? UpdateTime { get; set; }

    public List<ExternalTaskCheckReadWire>? Tasks { get; set; }

    public ExternalInstanceCheck ToModel() => new(
        InstanceId ?? "",
        ApprovalTime.Parse(UpdateTime) ?? default,
        Tasks?.Select(t => new ExternalTaskCheck(t.TaskId ?? "", ApprovalTime.Parse(t.UpdateTime) ?? default)).ToArray() ?? []);
}

internal sealed class ExternalTaskCheckReadWire
{
    public string? TaskId { get; set; }

    public string? UpdateTime { get; set; }
}

internal sealed record ExternalTaskListBody(List<string>? ApprovalCodes, List<string>? InstanceIds, List<string>? UserIds, string? Status);

internal sealed class ExternalTaskPageData
{
    public List<ExternalInstanceTasksWire>? Data { get; set; }

    public string? PageToken { get; set; }

    public bool HasMore { get; set; }

    public FeishuPage<ExternalInstanceTasks> ToPage() => new([.. (Data ?? []).Select(d => d.ToModel())], HasMore ? PageToken : null, HasMore);
}

internal sealed class ExternalInstanceTasksWire
{
    public string? InstanceId { get; set; }

    public string? ApprovalId { get; set; }

    public string? ApprovalCode { get; set; }

    public string? Status { get; set; }

    public string? UpdateTime { get; set; }

    public List<ExternalTaskStateWire>? Tasks { get; set; }

    public ExternalInstanceTasks ToModel() => new(
        InstanceId ?? "", ApprovalCode ?? "", ApprovalTime.Empty(ApprovalId), Status ?? "", ApprovalTime.Parse(UpdateTime),
        Tasks?.Select(t => new ExternalTaskState(t.Id ?? "", t.Status ?? "", ApprovalTime.Parse(t.UpdateTime))).ToArray() ?? []);
}

internal sealed class ExternalTaskStateWire
{
    public string? Id { get; set; }

    public string? Status { get; set; }

    public string? UpdateTime { get; set; }
}
