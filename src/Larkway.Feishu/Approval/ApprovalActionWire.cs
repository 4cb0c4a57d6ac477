namespace Larkway.Feishu.Approval;

// Wire shapes of the instance actions, searches and task actions.

internal sealed record CcBody(string ApprovalCode, string InstanceCode, string UserId, IReadOnlyList<string> CcUserIds, string? Comment);

internal sealed record PreviewBody(string ApprovalCode, string UserId, string? DepartmentId, string? Form, string? InstanceCode, string? TaskId);

internal sealed record AddSignBody(
    string UserId, string ApprovalCode, string InstanceCode, string TaskId, string? Comment, IReadOnlyList<string> AddSignUserIds, int AddSignType, int? ApprovalMethod);

internal sealed record RollbackBody(string UserId, string TaskId, string? Reason, string? Extra, IReadOnlyList<string> TaskDefKeyList);

internal sealed record TransferBody(string ApprovalCode, string InstanceCode, string UserId, string TaskId, string? Comment, string TransferUserId);

internal sealed record ResubmitBody(string ApprovalCode, string InstanceCode, string UserId, string TaskId, string? Comment, string Form);

internal sealed class SearchBody
{
    public string? UserId { get; init; }

    public string? ApprovalCode { get; init; }

    public string? InstanceCode { get; init; }

    public string? InstanceExternalId { get; init; }

    public string? GroupExternalId { get; init; }

    public string? InstanceTitle { get; init; }

    public string? InstanceStatus { get; init; }

    public string? InstanceStartTimeFrom { get; init; }

    public string? InstanceStartTimeTo { get; init; }

    public string? TaskTitle { get; init; }

    public string? TaskStatus { get; init; }

    public string? TaskStartTimeFrom { get; init; }

    public string? TaskStartTimeTo { get; init; }

    public string? Locale { get; init; }
}

internal sealed class SearchPageData
{
    public int? Count { get; set; }

    public List<SearchItemWire>? InstanceList { get; set; }

    public List<SearchItemWire>? TaskList { get; set; }

    public string? PageToken { get; set; }

    public bool HasMore { get; set; }

    public FeishuPage<ApprovalSearchResult> ToPage() =>
        new([.. (InstanceList ?? TaskList ?? []).Select(i => i.ToModel())], HasMore ? PageToken : null, HasMore) { Total = Count };
}

internal sealed class SearchItemWire
{
    public SearchApprovalWire? Approval { get; set; }

    public SearchGroupWire? Group { get; set; }

    public SearchInstanceWire? Instance { get; set; }

    public SearchTaskWire? Task { get; set; }

    public ApprovalSearchResult ToModel() => new()
    {
        ApprovalCode = Approval?.Code ?? "",
        ApprovalName = Approval?.Name ?? "",
        IsExternal = Approval?.IsExternal ?? false,
        GroupExternalId = ApprovalTime.Empty(Group?.ExternalId),
        GroupName = ApprovalTime.Empty(Group?.Name),
        InstanceCode = Instance?.Code ?? "",
        InstanceExternalId = ApprovalTime.Empty(Instance?.ExternalId),
        UserId = ApprovalTime.Empty(Instance?.UserId),
        StartTime = ApprovalTime.Parse(Instance?.StartTime) ?? default,
        EndTime = ApprovalTime.Parse(Instance?.EndTime),
        Status = Instance?.Status ?? "",
        Title = ApprovalTime.Empty(Instance?.Title),
        SerialId = ApprovalTime.Empty(Instance?.SerialId),
        PcLink = ApprovalTime.Empty(Instance?.Link?.PcLink),
        MobileLink = ApprovalTime.Empty(Instance?.Link?.MobileLink),
        Task = Task is { } t ? new ApprovalSearchTask
        {
            TaskId = t.TaskId ?? "",
            UserId = ApprovalTime.Empty(t.UserId),
            Status = t.Status ?? "",
            Title = ApprovalTime.Empty(t.Title),
            StartTime = ApprovalTime.Parse(t.StartTime) ?? default,
            EndTime = ApprovalTime.Parse(t.EndTime),
            TaskExternalId = ApprovalTime.Empty(t.TaskExternalId),
            PcLink = ApprovalTime.Empty(t.Link?.PcLink),
            MobileLink = ApprovalTime.Empty(t.Link?.MobileLink),
        } : null,
    };
}

internal sealed class SearchApprovalWire
{
    public string? Code { get; set; }

    public string? Name { get; set; }

    public bool IsExternal { get; set; }
}

internal sealed class SearchGroupWire
{
    public string? ExternalId { get; set; }

    public string? Name { get; set; }
}

internal sealed class SearchInstanceWire
{
    public string? Code { get; set; }

    public string? ExternalId { get; set; }

    public string? UserId { get; set; }

    public string? StartTime { get; set; }

    public string? EndTime { get; set; }

    public string? Status { get; set; }

    public string? Title { get; set; }

    public string? SerialId { get; set; }

    public LinkWire? Link { get; set; }
}

internal sealed class SearchTaskWire
{
    public string? TaskId { get; set; }

    public string? UserId { get; set; }

    public string? StartTime { get; set; }

    public string? EndTime { get; set; }

    public string? Status { get; set; }

    public string? Title { get; set; }

    public string? TaskExternalId { get; set; }

    public LinkWire? Link { get; set; }
}

internal sealed class LinkWire
{
    public string? PcLink { get; set; }

    public string? MobileLink { get; set; }
}

internal sealed class PreviewData
{
    public List<PreviewNodeWire>? PreviewNodes { get; set; }
}

internal sealed class PreviewNodeWire
{
    public List<string>? UserIdList { get; set; }

    public List<string>? EndCcIdList { get; set; }

    public string? NodeId { get; set; }

    public string? NodeName { get; set; }

    public string? NodeType { get; set; }

    public string? CustomNodeId { get; set; }

    public bool IsEmptyLogic { get; set; }

    public bool IsApproverTypeFree { get; set; }

    public ApprovalPreviewNode ToModel() => new()
    {
        NodeId = NodeId ?? "",
        NodeName = NodeName ?? "",
        NodeType = NodeType ?? "",
        CustomNodeId = ApprovalTime.Empty(CustomNodeId),
        UserIds = UserIdList ?? [],
        CcUserIds = EndCcIdList ?? [],
        IsApproverTypeFree = IsApproverTypeFree,
        IsEmptyLogic = IsEmptyLogic,
    };
}

internal sealed class UserTaskPageData
{
    public List<UserTaskWire>? Tasks { get; set; }

    public string? PageToken { get; set; }

    public bool HasMore { get; set; }

    public UserTaskCountWire? Count { get; set; }

    public FeishuPage<ApprovalUserTask> ToPage() =>
        new([.. (Tasks ?? []).Select(t => t.ToModel())], HasMore ? PageToken : null, HasMore) { Total = Count?.Total };
}

internal sealed class UserTaskCountWire
{
    public int? Total { get; set; }
}

internal sealed class UserTaskWire
{
    public string? Topic { get; set; }

    public string? TaskId { get; set; }

    public string? Title { get; set; }

    public string? Status { get; set; }

    public string? ProcessStatus { get; set; }

    public string? DefinitionCode { get; set; }

    public string? DefinitionName { get; set; }

    public string? ProcessCode { get; set; }

    public string? ProcessId { get; set; }

    public List<string>? Initiators { get; set; }

    public UserTaskUrlsWire? Urls { get; set; }

    public ApprovalUserTask ToModel() => new()
    {
        Topic = Topic ?? "",
        TaskId = TaskId ?? "",
        Title = Title ?? "",
        Status = Status ?? "",
        ProcessStatus = ApprovalTime.Empty(ProcessStatus),
        DefinitionCode = ApprovalTime.Empty(DefinitionCode),
        DefinitionName = ApprovalTime.Empty(DefinitionName),
        ProcessCode = ApprovalTime.Empty(ProcessCode),
        ProcessId = ApprovalTime.Empty(ProcessId),
        Initiators = Initiators ?? [],
        PcLink = ApprovalTime.Empty(Urls?.Pc),
        MobileLink = ApprovalTime.Empty(Urls?.Mobile),
    };
}

internal sealed class UserTaskUrlsWire
{
    public string? Pc { get; set; }

    public string? Mobile { get; set; }
}
