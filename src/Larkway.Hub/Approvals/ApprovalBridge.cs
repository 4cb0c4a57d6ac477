using System.Text.Json;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Http;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Approvals;

/// <summary>
/// Where the Hub talks to an approval's platform (through its piece, <see cref="IApprovalPlatform"/>): creates instances
/// (never twice: with the platform's idempotency key where it has one, else by finding what a lost attempt made), reads
/// them and applies what they say, and acts on them for a user (decide a task, withdraw). Every outcome goes through
/// <see cref="ApprovalStore"/>, so the API, events, reconciliation and cards share one apply path.
/// </summary>
internal sealed partial class ApprovalBridge(
    ApprovalStore store,
    ApprovalPlatforms platforms,
    Cards.ApprovalCards cards,
    ILogger<ApprovalBridge> logger,
    ApprovalTelemetry? telemetry = null)
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
    /// transient failure → recorded on the approval and returned, for the submit queue to try again; a refusal → Failed
    /// with the platform's code and message. <paramref name="retry"/>: an earlier attempt may have created the instance
    /// without its answer arriving, so the platform is asked for it first. Returns the approval afterwards.
    /// </summary>
    public async Task<ApprovalSubmitResult> SubmitAsync(ApprovalRow approval, bool retry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(approval);
        var platform = platforms.Of(approval);
        var app = approval.App ?? "";
        string instance;
        var adopted = false;
        try
        {
            using var form = JsonDocument.Parse(approval.Form);
            var create = CreateOf(approval, form.RootElement);

            // Subscribed before the instance exists, so its first events are not missed.
            await platform.Piece.PrepareAsync(app, approval.Definition, cancellationToken).ConfigureAwait(false);
            if (approval.InstanceCode is { } claimed)
            {
                // An attempt a crash cut short had taken it: it is this approval's.
                instance = claimed;
            }
            else
            {
                (instance, adopted) = await ObtainAsync(platform, approval, create, retry, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (platform.Piece.Failure(ex) is { } failure)
        {
            return await FailedAttemptAsync(approval, platform, failure, cancellationToken).ConfigureAwait(false);
        }

        var created = await store.MarkCreatedAsync(approval.Id, instance, FromApi, cancellationToken).ConfigureAwait(false);
        var row = created?.Approval ?? approval;
        if (created is { Added.Count: > 0 })
        {
            telemetry?.CreateEnded(row, adopted ? ApprovalTelemetry.Adopted : ApprovalTelemetry.Created);
        }

        try
        {
            // Its first tasks, so the answer and the history show who must act; reconciliation reads it later anyway.
            return new(await SyncAsync(row, FromApi, cancellationToken).ConfigureAwait(false) ?? row, null);
        }
        catch (Exception ex) when (platform.Piece.Failure(ex) is not null)
        {
            LogSyncFailed(logger, ex, row.Id, platform.Display);
            return new(row, null);
        }
    }

    /// <summary>Gives up on a create whose attempts are used up: Failed with the last failure.</summary>
    public Task<ApprovalRow> GiveUpAsync(ApprovalRow approval, PlatformFailure failure, CancellationToken cancellationToken) =>
        MarkFailedAsync(approval, failure, ApprovalTelemetry.Failed, cancellationToken);

    /// <summary>
    /// Reads the instance from its platform and applies it (<paramref name="source"/>: event, reconcile, card, api). Throws
    /// what the piece throws, so an event handler fails and is retried. Null when the approval has no instance yet.
    /// </summary>
    public async Task<ApprovalRow?> SyncAsync(ApprovalRow approval, string source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(approval);
        if (approval.InstanceCode is not { } instance)
        {
            return null;
        }

        var snapshot = await platforms.Of(approval).Piece.ReadAsync(approval.App ?? "", instance, cancellationToken).ConfigureAwait(false);
        var applied = await store.ApplyAsync(approval.Id, snapshot, source, cancellationToken).ConfigureAwait(false);
        if (applied?.Approval is { } row)
        {
            // Every read refreshes the cards, not only reads that changed something: a card a crash left unsent is sent now.
            await cards.RefreshAsync(row, cancellationToken).ConfigureAwait(false);
        }

        return applied?.Approval;
    }

    /// <summary>
    /// Approves or rejects a task on behalf of its approver (<paramref name="approver"/>, their id on the platform) — what
    /// an approval card's buttons call — then reads the instance and applies it with <paramref name="source"/>. Throws what
    /// the piece throws (<see cref="Failure"/> tells a task no longer pending apart).
    /// </summary>
    public async Task<ApprovalRow?> DecideAsync(ApprovalRow approval, string taskId, string approver, bool approve, string? comment, string source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(approval);
        var platform = platforms.Of(approval);
        var instance = approval.InstanceCode ?? throw new InvalidOperationException($"Approval {approval.Id} has no instance yet.");
        await platform.Piece.DecideAsync(approval.App ?? "", new ApprovalDecision(approval.Definition, instance, taskId, approver, approve, comment), cancellationToken).ConfigureAwait(false);
        try
        {
            return await SyncAsync(approval, source, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (platform.Piece.Failure(ex) is not null || ex is OperationCanceledException)
        {
            // The decision is taken; its event (or reconciliation) applies it. Null: not read back.
            LogSyncFailed(logger, ex, approval.Id, platform.Display);
            return null;
        }
    }

    /// <summary>Withdraws a pending instance on behalf of its applicant, then reads and applies it (source api).</summary>
    public async Task<ApprovalRow?> CancelAsync(ApprovalRow approval, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(approval);
        var instance = approval.InstanceCode ?? throw new InvalidOperationException($"Approval {approval.Id} has no instance yet.");
        var (applicant, asNamed) = Applicant(approval);
        await platforms.Of(approval).Piece.CancelAsync(approval.App ?? "", new ApprovalCancel(approval.Definition, instance, applicant, asNamed), cancellationToken).ConfigureAwait(false);
        return await SyncAsync(approval, FromApi, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What a failed call about <paramref name="approval"/> means; null for an exception that is no platform's failure.</summary>
    public ApprovalCallFailure? Failure(ApprovalRow approval, Exception exception) => platforms.Of(approval).Piece.Failure(exception);

    /// <summary>
    /// The instance this attempt takes, claimed for the approval: one an earlier attempt made (searched for on a retry), else
    /// a new one. A found instance an identical approval claimed first is searched past, so two approvals never share one.
    /// </summary>
    private async Task<(string Instance, bool Adopted)> ObtainAsync(
        ApprovalPlatform platform, ApprovalRow approval, ApprovalCreate create, bool retry, CancellationToken cancellationToken)
    {
        const int MaxClaims = 5;
        for (var (round, search) = (1, retry); ; (round, search) = (round + 1, true))
        {
            if (round > MaxClaims)
            {
                // Each round adds the instance to those skipped; a piece that finds it again has a defect.
                throw new InvalidOperationException($"Approval {approval.Id}: the {platform.Display} search kept finding instances other approvals hold.");
            }

            var found = search ? await FindCreatedAsync(platform, approval, create, cancellationToken).ConfigureAwait(false) : null;
            var instance = found ?? await platform.Piece.CreateAsync(approval.App ?? "", create, cancellationToken).ConfigureAwait(false);
            if (await store.ClaimInstanceAsync(approval.Id, instance, cancellationToken).ConfigureAwait(false))
            {
                if (found is not null)
                {
                    LogAdopted(logger, approval.Id, found);
                }

                return (instance, found is not null);
            }

            // The next search skips it: InstancesOfOthersAsync now lists it.
            LogClaimedByOther(logger, approval.Id, instance);
        }
    }

    /// <summary>
    /// What an earlier attempt of the create made, if anything: the piece searches the platform, skipping the instances other
    /// approvals hold (an identical approval's instance is its own, not a lost one).
    /// </summary>
    private async Task<string?> FindCreatedAsync(ApprovalPlatform platform, ApprovalRow approval, ApprovalCreate create, CancellationToken cancellationToken)
    {
        var taken = await store.InstancesOfOthersAsync(approval, create.Applicant, cancellationToken).ConfigureAwait(false);
        return await platform.Piece.FindCreatedAsync(approval.App ?? "", create with { Taken = taken }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The create the piece is handed, from the stored approval.</summary>
    private static ApprovalCreate CreateOf(ApprovalRow approval, JsonElement form)
    {
        var (applicant, asNamed) = Applicant(approval);
        return new ApprovalCreate(approval.Id, approval.Definition, applicant, form, approval.CreatedAt)
        {
            Key = approval.Uuid,
            ApplicantUserId = asNamed,
            DepartmentId = approval.DepartmentId,
            Title = approval.Title,
            Approvers = ApprovalApprovers.Deserialize(approval.Approvers),
        };
    }

    /// <summary>The applicant's id as tasks name people, and as the caller named them when the platform takes that instead (no resolved id).</summary>
    private static (string Applicant, string? AsNamed) Applicant(ApprovalRow approval) =>
        approval.ApplicantUserId is { } resolved ? (resolved, null) : (approval.Applicant, approval.Applicant);

    private async Task<ApprovalSubmitResult> FailedAttemptAsync(ApprovalRow approval, ApprovalPlatform platform, ApprovalCallFailure failure, CancellationToken cancellationToken)
    {
        if (failure.Transient)
        {
            LogCreateRetrying(logger, approval.Id, platform.Display, failure.Failure.CodeText);
            await store.RecordCreateErrorAsync(approval.Id, failure.Failure, cancellationToken).ConfigureAwait(false);
            return new(await store.FindAsync(approval.Id, cancellationToken).ConfigureAwait(false) ?? approval, failure.Failure);
        }

        return new(await MarkFailedAsync(approval, failure.Failure, ApprovalTelemetry.Refused, cancellationToken).ConfigureAwait(false), null);
    }

    /// <summary>Failed with the platform's failure; <paramref name="outcome"/>: refused, or failed when the attempts ran out.</summary>
    private async Task<ApprovalRow> MarkFailedAsync(ApprovalRow approval, PlatformFailure failure, string outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(approval);
        ArgumentNullException.ThrowIfNull(failure);
        LogCreateFailed(logger, approval.Id, failure.Platform, failure.CodeText);
        var failed = await store.MarkFailedAsync(approval.Id, failure, FromApi, cancellationToken).ConfigureAwait(false);
        if (failed is { Added.Count: > 0 })
        {
            telemetry?.CreateEnded(failed.Approval, outcome);
        }

        return failed?.Approval ?? approval;
    }

    [LoggerMessage(EventId = LogEvents.ApprovalBridgeCreateRetrying, Level = LogLevel.Warning, Message = "Creating the {Platform} instance of approval {ApprovalId} failed with code {Code}; it is tried again, and never made twice.")]
    private static partial void LogCreateRetrying(ILogger logger, string approvalId, string platform, string code);

    [LoggerMessage(EventId = LogEvents.ApprovalBridgeCreateFailed, Level = LogLevel.Warning, Message = "The platform {Platform} refused to create the instance of approval {ApprovalId} (code {Code}); the approval failed.")]
    private static partial void LogCreateFailed(ILogger logger, string approvalId, string platform, string code);

    [LoggerMessage(EventId = LogEvents.ApprovalBridgeSyncFailed, Level = LogLevel.Information, Message = "Approval {ApprovalId} was created on {Platform} but could not be read back yet; events and reconciliation bring its tasks.")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception, string approvalId, string platform);

    [LoggerMessage(EventId = LogEvents.ApprovalBridgeInstanceClaimed, Level = LogLevel.Warning, Message = "Approval {ApprovalId}: instance {Instance} was taken by an identical approval first; this one searches again or creates its own.")]
    private static partial void LogClaimedByOther(ILogger logger, string approvalId, string instance);

    [LoggerMessage(EventId = LogEvents.ApprovalBridgeAdopted, Level = LogLevel.Warning, Message = "Approval {ApprovalId}: an earlier attempt had created instance {Instance} although its answer was lost; it is taken as the approval's instead of creating another.")]
    private static partial void LogAdopted(ILogger logger, string approvalId, string instance);
}

/// <summary>What one create attempt left: the approval, and the failure that may pass when it is to be tried again.</summary>
/// <param name="Approval">The approval afterwards (Pending, Failed, or still Submitting).</param>
/// <param name="Retryable">Why it is still Submitting; null when the attempt decided it.</param>
internal sealed record ApprovalSubmitResult(ApprovalRow Approval, PlatformFailure? Retryable);
