using Larkway.Feishu;
using Larkway.Feishu.Approval;
using Larkway.Feishu.Im;
using Larkway.Hub.Apps;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Approvals;

/// <summary>
/// Where the Hub talks to Feishu about approvals: creates instances (same uuid on every attempt), reads them and applies
/// what they say, and acts on them for a user (decide a task, withdraw). Every outcome goes through
/// <see cref="ApprovalStore"/>, so the API, events, reconciliation and (later) approval cards share one apply path.
/// </summary>
internal sealed partial class ApprovalBridge(
    ApprovalStore store,
    ApprovalDefinitions definitions,
    Cards.ApprovalCards cards,
    IFeishuClientFactory apps,
    ILogger<ApprovalBridge> logger)
{
    /// <summary>Sources of a transition, as the history and callbacks name them.</summary>
    public const string FromEvent = "event";

    /// <inheritdoc cref="FromEvent"/>
    public const string FromReconcile = "reconcile";

    /// <inheritdoc cref="FromEvent"/>
    public const string FromCard = "card";

    /// <inheritdoc cref="FromEvent"/>
    public const string FromApi = "api";

    /// <summary>
    /// One create attempt for a Submitting approval. Created → Pending (then read once, best effort, for its tasks); a
    /// transient failure → recorded on the approval and returned, for the submit queue to try again with the same uuid;
    /// a refusal → Failed with Feishu's code and message. Returns the approval afterwards.
    /// </summary>
    public async Task<ApprovalSubmitResult> SubmitAsync(ApprovalRow approval, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(approval);
        string instanceCode;
        try
        {
            var definition = await definitions.GetAsync(approval.App, approval.ApprovalCode, cancellationToken).ConfigureAwait(false);

            // Subscribed before the instance exists, so its first events are not missed.
            await definitions.EnsureSubscribedAsync(approval.App, approval.ApprovalCode, cancellationToken).ConfigureAwait(false);
            using var form = System.Text.Json.JsonDocument.Parse(approval.Form);
            var client = await apps.GetClientAsync(approval.App ?? "", cancellationToken).ConfigureAwait(false);
            var (approverOpenIds, approverUserIds) = ApprovalApprovers.ForCreate(ApprovalApprovers.Deserialize(approval.Approvers));
            instanceCode = await client.Approval.Instances.CreateAsync(new ApprovalInstanceCreate
            {
                ApprovalCode = approval.ApprovalCode,
                OpenId = approval.ApplicantOpenId,
                UserId = approval.ApplicantOpenId is null ? approval.Applicant : null,
                DepartmentId = approval.DepartmentId,
                Form = ApprovalForm.FromJson(form.RootElement, definition),
                NodeApprovers = approverOpenIds,
                NodeApproverUserIds = approverUserIds,
                Uuid = approval.Uuid,
                Title = approval.Title,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Failure(ex) is { } failure)
        {
            return await FailedAttemptAsync(approval, failure.Failure, failure.Transient, cancellationToken).ConfigureAwait(false);
        }

        var created = await store.MarkCreatedAsync(approval.Id, instanceCode, FromApi, cancellationToken).ConfigureAwait(false);
        var row = created?.Approval ?? approval;
        try
        {
            // Its first tasks, so the answer and the history show who must act; reconciliation reads it later anyway.
            return new(await SyncAsync(row, FromApi, cancellationToken).ConfigureAwait(false) ?? row, null);
        }
        catch (Exception ex) when (Failure(ex) is not null)
        {
            LogSyncFailed(logger, ex, row.Id);
            return new(row, null);
        }
    }

    /// <summary>Gives up on a create whose attempts are used up: Failed with the last failure.</summary>
    public async Task<ApprovalRow> GiveUpAsync(ApprovalRow approval, FeishuFailure failure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(approval);
        LogCreateFailed(logger, approval.Id, failure.Code);
        var failed = await store.MarkFailedAsync(approval.Id, failure, FromApi, cancellationToken).ConfigureAwait(false);
        return failed?.Approval ?? approval;
    }

    /// <summary>
    /// Reads the instance from Feishu and applies it (<paramref name="source"/>: event, reconcile, card, api). Throws what
    /// the client throws, so an event handler fails and is retried. Null when the approval has no instance yet.
    /// </summary>
    public async Task<ApprovalRow?> SyncAsync(ApprovalRow approval, string source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(approval);
        if (approval.InstanceCode is not { } code)
        {
            return null;
        }

        var client = await apps.GetClientAsync(approval.App ?? "", cancellationToken).ConfigureAwait(false);
        var instance = await client.Approval.Instances.GetAsync(code, UserIdType.OpenId, cancellationToken).ConfigureAwait(false);
        var applied = await store.ApplyAsync(approval.Id, ToSnapshot(instance), source, cancellationToken).ConfigureAwait(false);
        if (applied?.Approval is { } row)
        {
            // Every read refreshes the cards, not only reads that changed something: a card a crash left unsent is sent now.
            await cards.RefreshAsync(row, cancellationToken).ConfigureAwait(false);
        }

        return applied?.Approval;
    }

    /// <summary>
    /// Approves or rejects a task on behalf of its approver (<paramref name="operatorOpenId"/>) — what an approval card's
    /// buttons call — then reads the instance and applies it with <paramref name="source"/>. Throws what the client throws
    /// (1390010 task not found, 1390009 not this user's task).
    /// </summary>
    public async Task<ApprovalRow?> DecideAsync(ApprovalRow approval, string taskId, string operatorOpenId, bool approve, string? comment, string source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(approval);
        var code = approval.InstanceCode ?? throw new InvalidOperationException($"Approval {approval.Id} has no Feishu instance yet.");
        var client = await apps.GetClientAsync(approval.App ?? "", cancellationToken).ConfigureAwait(false);
        var decision = new ApprovalTaskDecision
        {
            ApprovalCode = approval.ApprovalCode,
            InstanceCode = code,
            UserId = operatorOpenId,
            TaskId = taskId,
            Comment = comment,
            UserIdType = UserIdType.OpenId,
        };
        await (approve ? client.Approval.Tasks.ApproveAsync(decision, cancellationToken) : client.Approval.Tasks.RejectAsync(decision, cancellationToken)).ConfigureAwait(false);
        try
        {
            return await SyncAsync(approval, source, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Failure(ex) is not null || ex is OperationCanceledException)
        {
            // The decision is taken; its event (or reconciliation) applies it. Null: not read back.
            LogSyncFailed(logger, ex, approval.Id);
            return null;
        }
    }

    /// <summary>Withdraws a pending instance on behalf of its applicant, then reads and applies it (source api).</summary>
    public async Task<ApprovalRow?> CancelAsync(ApprovalRow approval, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(approval);
        var code = approval.InstanceCode ?? throw new InvalidOperationException($"Approval {approval.Id} has no Feishu instance yet.");
        var client = await apps.GetClientAsync(approval.App ?? "", cancellationToken).ConfigureAwait(false);
        var (user, type) = approval.ApplicantOpenId is { } openId ? (openId, UserIdType.OpenId) : (approval.Applicant, UserIdType.UserId);
        await client.Approval.Instances.CancelAsync(approval.ApprovalCode, code, user, type, cancellationToken).ConfigureAwait(false);
        return await SyncAsync(approval, FromApi, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The Hub's view of an instance: status, revert flag, and each task with the comment its approver left.</summary>
    internal static ApprovalSnapshot ToSnapshot(ApprovalInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var tasks = instance.Tasks.Select(t => new ApprovalTaskSnapshot(
            t.Id,
            t.UserId,
            t.Status,
            t.NodeId ?? t.CustomNodeId,
            t.NodeName,
            instance.Timeline.LastOrDefault(e => string.Equals(e.TaskId, t.Id, StringComparison.Ordinal) && !string.IsNullOrEmpty(e.Comment))?.Comment,
            t.EndTime)).ToList();
        return new ApprovalSnapshot(instance.Status, instance.Reverted, tasks);
    }

    /// <summary>A failure Feishu (or the way to it) reported, and whether it may pass; null for anything else (a bug: let it surface).</summary>
    internal static (FeishuFailure Failure, bool Transient)? Failure(Exception exception) => exception switch
    {
        FeishuApiException api => (new FeishuFailure(api.Code, api.ErrorMessage, api.RequestId), api.IsTransient),
        ApprovalFormException form => (new FeishuFailure(FeishuErrorCodes.ApprovalInvalidParameter,
            "The form no longer fits the approval definition: " + string.Join("; ", form.Errors.Select(e => $"{e.WidgetId}: {e.Message}")), null), false),
        HubAppNotFoundException app => (new FeishuFailure(-101, app.Message, null), true),
        HttpRequestException or TimeoutException => (new FeishuFailure(-1, "Feishu did not answer: " + exception.Message, null), true),
        TaskCanceledException => (new FeishuFailure(-1, "Feishu did not answer in time.", null), true),
        _ => null,
    };

    private async Task<ApprovalSubmitResult> FailedAttemptAsync(ApprovalRow approval, FeishuFailure failure, bool transient, CancellationToken cancellationToken)
    {
        if (transient)
        {
            LogCreateRetrying(logger, approval.Id, failure.Code);
            await store.RecordCreateErrorAsync(approval.Id, failure, cancellationToken).ConfigureAwait(false);
            return new(await store.FindAsync(approval.Id, cancellationToken).ConfigureAwait(false) ?? approval, failure);
        }

        return new(await GiveUpAsync(approval, failure, cancellationToken).ConfigureAwait(false), null);
    }

    [LoggerMessage(EventId = LogEvents.ApprovalBridgeCreateRetrying, Level = LogLevel.Warning, Message = "Creating the Feishu instance of approval {ApprovalId} failed with code {Code}; it is tried again with the same uuid.")]
    private static partial void LogCreateRetrying(ILogger logger, string approvalId, int code);

    [LoggerMessage(EventId = LogEvents.ApprovalBridgeCreateFailed, Level = LogLevel.Warning, Message = "Feishu refused to create the instance of approval {ApprovalId} (code {Code}); the approval failed.")]
    private static partial void LogCreateFailed(ILogger logger, string approvalId, int code);

    [LoggerMessage(EventId = LogEvents.ApprovalBridgeSyncFailed, Level = LogLevel.Information, Message = "Approval {ApprovalId} was created in Feishu but could not be read back yet; events and reconciliation bring its tasks.")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception, string approvalId);
}

/// <summary>What one create attempt left: the approval, and the failure that may pass when it is to be tried again.</summary>
/// <param name="Approval">The approval afterwards (Pending, Failed, or still Submitting).</param>
/// <param name="Retryable">Why it is still Submitting; null when the attempt decided it.</param>
internal sealed record ApprovalSubmitResult(ApprovalRow Approval, FeishuFailure? Retryable);
