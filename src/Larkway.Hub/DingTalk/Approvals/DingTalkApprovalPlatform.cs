using System.Globalization;
using System.Text.Json;
using Larkway.DingTalk;
using Larkway.DingTalk.Workflow;
using Larkway.Hub.Approvals;
using Larkway.Hub.Apps;
using Larkway.Hub.Platform.Http;

namespace Larkway.Hub.DingTalk.Approvals;

/// <summary>
/// The approvals room on DingTalk: OA approvals of a template (its <c>processCode</c>) on the new API
/// (<c>/v1.0/workflow/…</c>), read and acted on as the app's client (<see cref="HubDingTalkClients"/>). People are
/// DingTalk userids; an app decides a task for its approver (execute), so approvers' cards carry Approve and Reject.
/// Changes arrive as the <c>bpms_instance_change</c> / <c>bpms_task_change</c> events the app's Stream connection (or
/// HTTP event subscription) stores in the inbox.
/// </summary>
internal sealed class DingTalkApprovalPlatform(HubDingTalkClients apps) : IApprovalPlatform
{
    /// <summary>
    /// DingTalk's refusal of an unknown or deleted template (documented for the start call, and answered by the schema
    /// read too).
    /// </summary>
    internal const string ProcessCodeError = "processCodeError";

    /// <summary>How far before the first attempt the search for its instance starts: DingTalk's clock is not ours.</summary>
    internal static readonly TimeSpan ClockSlack = TimeSpan.FromMinutes(5);

    private static readonly IReadOnlySet<string> Events = new HashSet<string>(StringComparer.Ordinal)
    {
        DingTalkIngest.EventTypePrefix + DingTalkWorkflowEvent.InstanceChange,
        DingTalkIngest.EventTypePrefix + DingTalkWorkflowEvent.TaskChange,
    };

    /// <inheritdoc />
    public string RecipientType => "dingtalk_userid";

    /// <inheritdoc />
    public IReadOnlyList<string> PersonIdTypes { get; } = ["user_id"];

    /// <inheritdoc />
    public bool DecidesFromCards => true;

    /// <inheritdoc />
    public IReadOnlySet<string> EventTypes => Events;

    /// <inheritdoc />
    /// <remarks>
    /// The form schema names no approval nodes, so none are offered for picking approvers: the template's flow decides.
    /// </remarks>
    public async Task<ApprovalDefinitionShape> ReadDefinitionAsync(string app, string definition, CancellationToken cancellationToken)
    {
        var client = await apps.GetAsync(app, cancellationToken).ConfigureAwait(false);
        var schema = await client.Workflow.GetFormSchemaAsync(definition, cancellationToken).ConfigureAwait(false);
        return new ApprovalFieldsDefinition
        {
            Code = definition,
            Name = schema.Name,
            MaxFields = DingTalkApprovalForm.MaxComponents,
            Fields = DingTalkApprovalForm.Fields(schema.Components),
        };
    }

    /// <inheritdoc />
    /// <remarks>DingTalk's API finds nobody by email: the directory is asked.</remarks>
    public Task<IReadOnlyDictionary<string, string?>> FindByEmailAsync(string app, IReadOnlyCollection<string> emails, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(emails);
        return Task.FromResult<IReadOnlyDictionary<string, string?>>(emails.Distinct(StringComparer.Ordinal).ToDictionary(e => e, _ => (string?)null, StringComparer.Ordinal));
    }

    /// <inheritdoc />
    /// <remarks>
    /// DingTalk's start takes the originator's department (<c>deptId</c>, <c>-1</c> for the root). Without one in the
    /// request, the applicant's first department is read from the directory: DingTalk needs it when the template's
    /// flow picks approvers (by department heads, for one). Start is not idempotent: a lost answer is found again by
    /// <see cref="FindCreatedAsync"/>.
    /// </remarks>
    public async Task<string> CreateAsync(string app, ApprovalCreate create, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(create);
        var client = await apps.GetAsync(app, cancellationToken).ConfigureAwait(false);
        var values = await WireFormAsync(client, create, cancellationToken).ConfigureAwait(false);
        var start = new DingTalkProcessStart(create.Definition, create.Applicant, values)
        {
            DeptId = await DepartmentAsync(client, create, cancellationToken).ConfigureAwait(false),
            Approvers = Approvers(create.Approvers),
        };
        return await client.Workflow.StartAsync(start, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Lists the template's instances started since the first attempt (less <see cref="ClockSlack"/>), page by page, and
    /// adopts the first (oldest) whose originator is the applicant and whose form holds the values the create sends, and
    /// that no other approval holds (<see cref="ApprovalCreate.Taken"/>, not even read).
    /// </remarks>
    public async Task<string?> FindCreatedAsync(string app, ApprovalCreate create, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(create);
        var client = await apps.GetAsync(app, cancellationToken).ConfigureAwait(false);
        var values = await WireFormAsync(client, create, cancellationToken).ConfigureAwait(false);
        string? token = null;
        do
        {
            var page = await client.Workflow.ListInstanceIdsAsync(create.Definition, create.FirstAttemptAt - ClockSlack, nextToken: token, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            foreach (var id in page.Ids.Where(i => !create.Taken.Contains(i)))
            {
                var instance = await client.Workflow.GetAsync(id, cancellationToken).ConfigureAwait(false);
                if (instance.OriginatorUserId == create.Applicant && DingTalkApprovalForm.Holds(instance.FormComponentValues, values))
                {
                    return id;
                }
            }

            token = page.NextToken;
        }
        while (token is not null);
        return null;
    }

    /// <inheritdoc />
    public async Task<ApprovalSnapshot> ReadAsync(string app, string instance, CancellationToken cancellationToken)
    {
        var client = await apps.GetAsync(app, cancellationToken).ConfigureAwait(false);
        return DingTalkApprovalStatus.Snapshot(await client.Workflow.GetAsync(instance, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc />
    /// <remarks>
    /// The task is read first: DingTalk documents no code for a task that is no longer the approver's, so the piece
    /// says so itself (<see cref="ApprovalFailureKind.TaskNotPending"/>) rather than guess from a refusal.
    /// </remarks>
    public async Task DecideAsync(string app, ApprovalDecision decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var client = await apps.GetAsync(app, cancellationToken).ConfigureAwait(false);
        var instance = await client.Workflow.GetAsync(decision.Instance, cancellationToken).ConfigureAwait(false);
        var task = long.TryParse(decision.TaskId, NumberStyles.None, CultureInfo.InvariantCulture, out var taskId)
            ? instance.Tasks?.FirstOrDefault(t => t.TaskId == taskId)
            : null;
        if (task is null || task.UserId != decision.Approver || !DingTalkApprovalStatus.IsPending(task) || !DingTalkApprovalStatus.IsRunning(instance))
        {
            throw new DingTalkApprovalRefusedException(ApprovalFailureKind.TaskNotPending, task is null
                ? $"Task {decision.TaskId} is not a task of approval {decision.Instance}."
                : $"Task {decision.TaskId} of approval {decision.Instance} is no longer {decision.Approver}'s to decide (task {task.Status}, approval {instance.Status}).");
        }

        await client.Workflow.ExecuteTaskAsync(decision.Instance, taskId, decision.Approver, decision.Approve, decision.Comment, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>Terminated as the applicant (not as the system), after reading that it still runs.</remarks>
    public async Task CancelAsync(string app, ApprovalCancel cancel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cancel);
        var client = await apps.GetAsync(app, cancellationToken).ConfigureAwait(false);
        var instance = await client.Workflow.GetAsync(cancel.Instance, cancellationToken).ConfigureAwait(false);
        if (!DingTalkApprovalStatus.IsRunning(instance))
        {
            throw new DingTalkApprovalRefusedException(ApprovalFailureKind.NotCancellable, $"Approval {cancel.Instance} is {instance.Status}; only a running approval can be withdrawn.");
        }

        await client.Workflow.TerminateAsync(cancel.Instance, cancel.Applicant, "Withdrawn by the applicant.", cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ApprovalCallFailure? Failure(Exception exception) => exception switch
    {
        DingTalkApprovalRefusedException refused => new(PlatformFailure.Named(HubAppPlatform.DingTalk, refused.Code, refused.Message), false, refused.Kind),
        DingTalkApiException api => new(DingTalkFailures.From(api), api.IsTransient,
            api.Code == ProcessCodeError ? ApprovalFailureKind.UnknownDefinition : ApprovalFailureKind.Other),

        // As the Feishu bridge: an app removed or not yet loaded may be back on the next attempt.
        HubAppNotFoundException app => new(PlatformFailure.Named(HubAppPlatform.DingTalk, DingTalkErrorCodes.LocalPrefix + "AppNotFound", app.Message), true),
        HttpRequestException or TimeoutException => new(PlatformFailure.Named(HubAppPlatform.DingTalk, DingTalkErrorCodes.NetworkError, "DingTalk did not answer: " + exception.Message), true),
        TaskCanceledException => new(PlatformFailure.Named(HubAppPlatform.DingTalk, DingTalkErrorCodes.Timeout, "DingTalk did not answer in time."), true),
        _ => null,
    };

    /// <inheritdoc />
    /// <remarks>
    /// A Stream event is stored as its frame (<c>{"type":"EVENT","headers":…,"data":{…}}</c>), an HTTP callback as its
    /// decrypted body; either way the instance is the event's <c>processInstanceId</c>.
    /// </remarks>
    public string? InstanceOf(string eventType, JsonElement data)
    {
        if (!Events.Contains(eventType) || data.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (data.TryGetProperty("data", out var inner))
        {
            data = inner.ValueKind == JsonValueKind.String && inner.GetString() is { } text ? Parse(text) : inner;
        }

        return data.ValueKind == JsonValueKind.Object && data.TryGetProperty("processInstanceId", out var id)
            && id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 } value ? value : null;
    }

    /// <summary>The create's form as the start call sends it: checked against the template as it is now.</summary>
    private async Task<IReadOnlyList<DingTalkFormValue>> WireFormAsync(DingTalkClient client, ApprovalCreate create, CancellationToken cancellationToken)
    {
        var schema = await client.Workflow.GetFormSchemaAsync(create.Definition, cancellationToken).ConfigureAwait(false);
        var definition = new ApprovalFieldsDefinition { Code = create.Definition, Fields = DingTalkApprovalForm.Fields(schema.Components) };
        return DingTalkApprovalForm.Wire(definition.Values(create.Form));
    }

    private static async Task<long> DepartmentAsync(DingTalkClient client, ApprovalCreate create, CancellationToken cancellationToken)
    {
        if (long.TryParse(create.DepartmentId, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var department))
        {
            return RootAsMinusOne(department);
        }

        var user = await client.Users.GetAsync(create.Applicant, cancellationToken).ConfigureAwait(false);
        return user.DepartmentIds.Count > 0 ? RootAsMinusOne(user.DepartmentIds[0]) : -1;
    }

    // The contacts API numbers the root department 1; the start call names it -1.
    private static long RootAsMinusOne(long department) => department == 1 ? -1 : department;

    /// <summary>
    /// Approvers picked in the request, as DingTalk's approver nodes in the order given: one person a node of its own
    /// (<c>NONE</c>), several a node all must agree on (<c>AND</c>). Null keeps the template's flow.
    /// </summary>
    private static List<DingTalkApproverNode>? Approvers(IReadOnlyDictionary<string, IReadOnlyList<ApprovalPerson>>? approvers) =>
        approvers is null || approvers.Count == 0
            ? null
            : [.. approvers.Values.Where(p => p.Count > 0).Select(p => new DingTalkApproverNode(p.Count == 1 ? "NONE" : "AND", [.. p.Select(x => x.UserId ?? x.Value)]))];

    private static JsonElement Parse(string text)
    {
        try
        {
            return JsonElement.Parse(text);
        }
        catch (JsonException)
        {
            return default;
        }
    }
}

/// <summary>A call the piece refuses itself after reading the approval: the task or the approval is past acting on.</summary>
internal sealed class DingTalkApprovalRefusedException(ApprovalFailureKind kind, string message) : Exception(message)
{
    /// <summary>What the room does about it.</summary>
    public ApprovalFailureKind Kind { get; } = kind;

    /// <summary>The failure's code: the client's local prefix and the kind (<c>Larkway.TaskNotPending</c>).</summary>
    public string Code => DingTalkErrorCodes.LocalPrefix + Kind;
}
