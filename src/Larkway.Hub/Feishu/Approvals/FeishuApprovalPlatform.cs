using System.Collections.Concurrent;
using System.Text.Json;
using Larkway.Feishu;
using Larkway.Feishu.Approval;
using Larkway.Feishu.Im;
using Larkway.Hub.Approvals;
using Larkway.Hub.Apps;
using Larkway.Hub.Notifications;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Http;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Feishu.Approvals;

/// <summary>
/// Feishu's approvals for the approvals room: definitions with their own form check, instances created with the
/// approval's key as their uuid (so a repeated create makes one instance and nothing has to be found afterwards), tasks
/// decided for their approver, instances withdrawn for their applicant, and the <c>approval_instance</c> /
/// <c>approval_task</c> events. People are named by open_id under the approval's app.
/// </summary>
internal sealed partial class FeishuApprovalPlatform(IFeishuClientFactory apps, IEmailLookup people, ILogger<FeishuApprovalPlatform> logger) : IApprovalPlatform
{
    private readonly ConcurrentDictionary<string, bool> _subscribed = new(StringComparer.Ordinal);

    public string RecipientType => "open_id";

    public IReadOnlyList<string> PersonIdTypes { get; } = ["open_id", "user_id"];

    public bool DecidesFromCards => true;

    public bool MentionsInCards => true;

    /// <summary>The approvals API spoke Feishu alone before: its clients may still read the Feishu-named fields.</summary>
    public bool KeepsDeprecatedNames => true;

    public IReadOnlySet<string> EventTypes { get; } = new HashSet<string>(["approval_instance", "approval_task"], StringComparer.Ordinal);

    public async Task<ApprovalDefinitionShape> ReadDefinitionAsync(string app, string definition, CancellationToken cancellationToken)
    {
        var client = await apps.GetClientAsync(app, cancellationToken).ConfigureAwait(false);
        return new FeishuApprovalDefinition(await client.Approval.Definitions.GetAsync(definition, cancellationToken: cancellationToken).ConfigureAwait(false)) { Code = definition };
    }

    /// <summary>
    /// Subscribes the app to the code's instance and task events, once per process (Feishu answers 1390007 when it
    /// already exists, which the client treats as success). A failure is logged and tried again with the next approval;
    /// until then reconciliation finds the outcomes.
    /// </summary>
    public async Task PrepareAsync(string app, string definition, CancellationToken cancellationToken)
    {
        var key = app + "\n" + definition;
        if (_subscribed.ContainsKey(key))
        {
            return;
        }

        try
        {
            var client = await apps.GetClientAsync(app, cancellationToken).ConfigureAwait(false);
            await client.Approval.Definitions.SubscribeAsync(definition, cancellationToken).ConfigureAwait(false);
            _subscribed[key] = true;
        }
        catch (Exception ex) when (ex is FeishuApiException or HttpRequestException or TimeoutException or HubAppNotFoundException)
        {
            LogSubscribeFailed(logger, ex, definition, HubAppService.NameOnWire(app));
        }
    }

    public Task<IReadOnlyDictionary<string, string?>> FindByEmailAsync(string app, IReadOnlyCollection<string> emails, CancellationToken cancellationToken) =>
        people.PrefetchAsync(app, emails, cancellationToken);

    public async Task<string> CreateAsync(string app, ApprovalCreate create, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(create);
        var client = await apps.GetClientAsync(app, cancellationToken).ConfigureAwait(false);
        var definition = await client.Approval.Definitions.GetAsync(create.Definition, cancellationToken: cancellationToken).ConfigureAwait(false);
        var (byOpenId, byUserId) = Approvers(create.Approvers);
        return await client.Approval.Instances.CreateAsync(new ApprovalInstanceCreate
        {
            ApprovalCode = create.Definition,
            OpenId = create.ApplicantUserId is null ? create.Applicant : null,
            UserId = create.ApplicantUserId,
            DepartmentId = create.DepartmentId,
            Form = ApprovalForm.FromJson(create.Form, definition),
            NodeApprovers = byOpenId,
            NodeApproverUserIds = byUserId,
            Uuid = create.Key,
            Title = create.Title,
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Never needed: the uuid makes a repeated create answer the instance the first one made.</summary>
    public Task<string?> FindCreatedAsync(string app, ApprovalCreate create, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    public async Task<ApprovalSnapshot> ReadAsync(string app, string instance, CancellationToken cancellationToken)
    {
        var client = await apps.GetClientAsync(app, cancellationToken).ConfigureAwait(false);
        return ToSnapshot(await client.Approval.Instances.GetAsync(instance, UserIdType.OpenId, cancellationToken).ConfigureAwait(false));
    }

    public async Task DecideAsync(string app, ApprovalDecision decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var client = await apps.GetClientAsync(app, cancellationToken).ConfigureAwait(false);
        var task = new ApprovalTaskDecision
        {
            ApprovalCode = decision.Definition,
            InstanceCode = decision.Instance,
            UserId = decision.Approver,
            TaskId = decision.TaskId,
            Comment = decision.Comment,
            UserIdType = UserIdType.OpenId,
        };
        await (decision.Approve ? client.Approval.Tasks.ApproveAsync(task, cancellationToken) : client.Approval.Tasks.RejectAsync(task, cancellationToken)).ConfigureAwait(false);
    }

    public async Task CancelAsync(string app, ApprovalCancel cancel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cancel);
        var client = await apps.GetClientAsync(app, cancellationToken).ConfigureAwait(false);
        var (user, type) = cancel.ApplicantUserId is { } userId ? (userId, UserIdType.UserId) : (cancel.Applicant, UserIdType.OpenId);
        await client.Approval.Instances.CancelAsync(cancel.Definition, cancel.Instance, user, type, cancellationToken).ConfigureAwait(false);
    }

    public ApprovalCallFailure? Failure(Exception exception) => exception switch
    {
        FeishuApiException api => new(FeishuFailures.From(api), api.IsTransient, api.Code switch
        {
            FeishuErrorCodes.ApprovalTaskNotFound or FeishuErrorCodes.ApprovalNoPermission => ApprovalFailureKind.TaskNotPending,
            1390002 => ApprovalFailureKind.UnknownDefinition,
            _ => ApprovalFailureKind.Other,
        }),
        ApprovalFormException form => new(PlatformFailure.Numbered(HubAppPlatform.Feishu, FeishuErrorCodes.ApprovalInvalidParameter,
            "The form no longer fits the approval definition: " + string.Join("; ", form.Errors.Select(e => $"{e.WidgetId}: {e.Message}"))), false),
        HubAppNotFoundException app => new(PlatformFailure.Numbered(HubAppPlatform.Feishu, -101, app.Message), true),
        HttpRequestException or TimeoutException => new(PlatformFailure.Numbered(HubAppPlatform.Feishu, -1, "Feishu did not answer: " + exception.Message), true),
        TaskCanceledException => new(PlatformFailure.Numbered(HubAppPlatform.Feishu, -1, "Feishu did not answer in time."), true),
        _ => null,
    };

    public string? InstanceOf(string eventType, JsonElement data) =>
        EventTypes.Contains(eventType) && data.ValueKind == JsonValueKind.Object && data.TryGetProperty("instance_code", out var code)
            && code.ValueKind == JsonValueKind.String && code.GetString() is { Length: > 0 } text ? text : null;

    /// <summary>The room's view of an instance: status, revert flag, and each task with the comment its approver left.</summary>
    internal static ApprovalSnapshot ToSnapshot(ApprovalInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var tasks = instance.Tasks.Select(t => new ApprovalTaskSnapshot(
            t.Id,
            t.OpenId,
            t.Status,
            t.NodeId ?? t.CustomNodeId,
            t.NodeName,
            instance.Timeline.LastOrDefault(e => string.Equals(e.TaskId, t.Id, StringComparison.Ordinal) && !string.IsNullOrEmpty(e.Comment))?.Comment,
            t.EndTime)).ToList();
        return new ApprovalSnapshot(instance.Status, instance.Reverted, tasks);
    }

    /// <summary>The approvers as Feishu's create takes them: by open_id (resolved people), and by user_id (named so).</summary>
    private static (Dictionary<string, IReadOnlyList<string>>? OpenIds, Dictionary<string, IReadOnlyList<string>>? UserIds) Approvers(
        IReadOnlyDictionary<string, IReadOnlyList<ApprovalPerson>>? approvers)
    {
        if (approvers is null || approvers.Count == 0)
        {
            return (null, null);
        }

        var openIds = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var userIds = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (node, people) in approvers)
        {
            if (people.Where(p => p.Type != "user_id" && p.UserId is not null).Select(p => p.UserId!).Distinct(StringComparer.Ordinal).ToList() is { Count: > 0 } byOpenId)
            {
                openIds[node] = byOpenId;
            }

            if (people.Where(p => p.Type == "user_id").Select(p => p.Value).Distinct(StringComparer.Ordinal).ToList() is { Count: > 0 } byUserId)
            {
                userIds[node] = byUserId;
            }
        }

        return (openIds.Count > 0 ? openIds : null, userIds.Count > 0 ? userIds : null);
    }

    [LoggerMessage(EventId = LogEvents.ApprovalDefinitionsSubscribeFailed, Level = LogLevel.Warning, Message = "Could not subscribe app '{App}' to approval {ApprovalCode}; its events may not arrive (reconciliation still finds outcomes). Tried again with the next approval.")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception, string approvalCode, string app);
}

/// <summary>A Feishu definition, checked by Feishu's own form rules (widget ids or custom ids, each widget type's value).</summary>
internal sealed class FeishuApprovalDefinition : ApprovalDefinitionShape
{
    private readonly ApprovalDefinition _definition;

    public FeishuApprovalDefinition(ApprovalDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        _definition = definition;
        Name = string.IsNullOrWhiteSpace(definition.ApprovalName) ? null : definition.ApprovalName;
        Nodes = [.. definition.Nodes.Select(n => new ApprovalNodeShape(
            string.IsNullOrEmpty(n.CustomNodeId) ? [n.NodeId] : [n.CustomNodeId, n.NodeId], n.Name, n.NeedApprover, n.ApproverChosenMulti))];
    }

    public override ApprovalFormCheck CheckForm(JsonElement form)
    {
        var problems = new List<ApprovalProblem>();
        if (!ApprovalForm.TryFromJson(form, _definition, out _, out var errors))
        {
            problems.AddRange(errors.Select(e => new ApprovalProblem(e.WidgetId.Length == 0 ? "form" : "form." + e.WidgetId, e.Message)));
        }

        return new(problems, FeishuApprovalFormDisplay.Of(form, _definition));
    }
}
