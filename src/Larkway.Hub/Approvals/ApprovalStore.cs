using System.Text.Json;
using Larkway.Hub.Platform.Http;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Larkway.Hub.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Approvals;

/// <summary>
/// Approvals, their transitions and the submit outbox. Creation is idempotent per caller and key (a unique index
/// settles races). Every change of an approval — created on the platform, failed, a snapshot applied — is one transaction
/// that writes the approval, its new transitions and their webhook deliveries together; concurrent appliers of one
/// approval meet on its sequence (a concurrency token) and the loser re-plans from what the winner wrote.
/// </summary>
internal sealed class ApprovalStore(
    IDbContextFactory<HubDbContext> contexts,
    HubDatabaseInitializer initializer,
    IHubStorageProvider provider,
    WebhookStore webhooks,
    IOptions<ApprovalOptions> options,
    TimeProvider time,
    Larkway.Hub.Platform.Units.PlatformPieces<IApprovalPlatform>? platforms = null,
    ApprovalTelemetry? telemetry = null,
    ApprovalPeople? people = null)
{
    private const int MaxRounds = 8;

    /// <summary>The idempotency key of an approval (<see cref="ApprovalRow.Uuid"/>): derived from its id, so every create attempt sends the same one.</summary>
    public static string UuidOf(string approvalId) => "larkway-" + approvalId;

    /// <summary>
    /// Stores a new approval as Submitting with its create queued in the same transaction — held by the caller's own
    /// attempt (<paramref name="attemptOwner"/>), so the submitter takes it over only if that attempt does not finish
    /// within <see cref="ApprovalOptions.LeaseDuration"/> — or finds the caller's earlier one.
    /// </summary>
    public async Task<ApprovalCreateResult> CreateAsync(ApprovalRequest request, string caller, ApprovalApplicant applicant, string attemptOwner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(applicant);
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            if (await FindByKeyAsync(db, caller, request, cancellationToken).ConfigureAwait(false) is { } existing)
            {
                return existing;
            }

            var now = time.GetUtcNow();
            var id = "apr_" + Guid.CreateVersion7(now).ToString("N");
            var row = new ApprovalRow
            {
                Id = id,
                Caller = caller,
                IdempotencyKey = request.IdempotencyKey,
                RequestHash = request.RequestHash,
                App = request.App,
                Platform = applicant.Platform,
                Definition = request.Definition,
                ApplicantType = request.ApplicantType,
                Applicant = request.Applicant,
                ApplicantUserId = applicant.UserId,
                ApplicantPersonId = applicant.PersonId,
                Approvers = ApprovalApprovers.Serialize(request.Approvers),
                DepartmentId = request.DepartmentId,
                Title = request.Title,
                Form = request.Form,
                FormDisplay = request.FormDisplay,
                ApprovalName = request.ApprovalName is { } name && name.Length > ApprovalLimits.MaxTitleLength ? name[..ApprovalLimits.MaxTitleLength] : request.ApprovalName,
                Reference = request.Reference,
                NotificationId = request.NotificationId,
                Uuid = UuidOf(id),
                Status = ApprovalState.Submitting,
                CreatedAt = now,
            };
            db.Approvals.Add(row);
            var submission = WorkItemRow.Create(ApprovalSubmissions.QueueName, id, now);
            (submission.State, submission.Attempts, submission.LeaseOwner, submission.LeaseUntil) = (WorkState.InProgress, 1, attemptOwner, now + options.Value.LeaseDuration);
            db.WorkItems.Add(submission);
            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateException ex) when (provider.IsUniqueViolation(ex))
            {
                // The same key arrived twice at once and the other request won: answer as its retry would be.
                db.ChangeTracker.Clear();
                return await FindByKeyAsync(db, caller, request, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException("Unique violation without a stored approval.", ex);
            }

            return new ApprovalCreateResult(ApprovalCreateStatus.Created, row) { Submission = submission.Id };
        }
    }

    /// <summary>The numeric column's value of a failure: its code when it is a number that fits, else null (the text column has it).</summary>
    private static int? NumericCode(PlatformFailure failure) => failure.Number is { } n && n is >= int.MinValue and <= int.MaxValue ? (int)n : null;

    /// <summary>Where the creates of these approvals stand (attempts, next attempt), by approval id.</summary>
    public async Task<IReadOnlyDictionary<string, ApprovalSubmission>> SubmissionsAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var items = await db.WorkItems.AsNoTracking().Where(w => w.Queue == ApprovalSubmissions.QueueName && ids.Contains(w.Key))
                .Select(w => new { w.Key, w.State, w.Attempts, w.NextAttemptAt, w.LeaseUntil }).ToListAsync(cancellationToken).ConfigureAwait(false);
            return items.ToDictionary(
                w => w.Key,
                w => new ApprovalSubmission(w.Attempts, w.State switch
                {
                    WorkState.Pending or WorkState.Retrying => w.NextAttemptAt,
                    WorkState.InProgress => w.LeaseUntil,
                    _ => null,
                }),
                StringComparer.Ordinal);
        }
    }

    /// <summary>The caller's approval under the request's key (Existing, or KeyReused for a different request), or null.</summary>
    public async Task<ApprovalCreateResult?> FindExistingAsync(ApprovalRequest request, string caller, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await FindByKeyAsync(db, caller, request, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>An approval, or null.</summary>
    public async Task<ApprovalRow?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.Approvals.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>An approval with its transitions in order, or null.</summary>
    public async Task<(ApprovalRow Approval, IReadOnlyList<ApprovalTransitionRow> History)?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var row = await db.Approvals.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken).ConfigureAwait(false);
            if (row is null)
            {
                return null;
            }

            var history = await db.ApprovalTransitions.AsNoTracking().Where(t => t.ApprovalId == id).OrderBy(t => t.Sequence)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            return (row, history);
        }
    }

    /// <summary>
    /// A page of approvals, newest first: the caller's own (all for null), optionally one reference, status or platform (as
    /// its unit is named), older than the id <paramref name="before"/> (the previous page's last).
    /// </summary>
    public async Task<IReadOnlyList<ApprovalRow>> ListAsync(
        string? caller, string? reference, ApprovalState? status, string? before, int limit, CancellationToken cancellationToken, string? platform = null)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var query = db.Approvals.AsNoTracking();
            if (caller is not null)
            {
                query = query.Where(a => a.Caller == caller);
            }

            if (reference is not null)
            {
                query = query.Where(a => a.Reference == reference);
            }

            if (status is { } s)
            {
                query = query.Where(a => a.Status == s);
            }

            if (platform is not null)
            {
                query = query.Where(a => a.Platform == platform);
            }

            if (before is not null)
            {
                // Ids are version-7 uuids behind a fixed prefix: ordinal order is creation order.
                query = query.Where(a => string.Compare(a.Id, before) < 0);
            }

            return await query.OrderByDescending(a => a.Id).Take(limit).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The approval the platform knows as <paramref name="instanceCode"/> for the app, or null (an instance the Hub did not create).</summary>
    public async Task<ApprovalRow?> FindByInstanceAsync(string? app, string instanceCode, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.Approvals.AsNoTracking().FirstOrDefaultAsync(a => a.App == app && a.InstanceCode == instanceCode, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The instances that approvals other than <paramref name="approval"/> hold of its app and definition for the same
    /// applicant (<paramref name="applicant"/>, their id as the create names them): a lost create's search skips them.
    /// </summary>
    public async Task<IReadOnlySet<string>> InstancesOfOthersAsync(ApprovalRow approval, string applicant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(approval);
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var held = await db.Approvals.AsNoTracking()
                .Where(a => a.App == approval.App && a.Definition == approval.Definition && a.Id != approval.Id && a.InstanceCode != null
                    && (a.ApplicantUserId ?? a.Applicant) == applicant)
                .Select(a => a.InstanceCode!)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            return held.ToHashSet(StringComparer.Ordinal);
        }
    }

    /// <summary>Records a create failure that may pass, for the API to show while the create is tried again.</summary>
    public async Task RecordCreateErrorAsync(string id, PlatformFailure failure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var message = Truncate(failure.Message, ApprovalRow.MaxErrorLength);
            await db.Approvals.Where(a => a.Id == id && a.Status == ApprovalState.Submitting).ExecuteUpdateAsync(
                s => s.SetProperty(a => a.ErrorCode, NumericCode(failure))
                    .SetProperty(a => a.ErrorCodeText, failure.Code)
                    .SetProperty(a => a.ErrorMessage, message)
                    .SetProperty(a => a.LogId, failure.RequestId),
                cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Takes <paramref name="instanceCode"/> as the Submitting approval's instance, before it is recorded as created. False
    /// when another approval holds it already (the unique index decides a race): an identical approval found it first.
    /// </summary>
    public async Task<bool> ClaimInstanceAsync(string id, string instanceCode, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            try
            {
                // An approval past Submitting (another attempt finished it) is left as it is.
                await db.Approvals.Where(a => a.Id == id && a.Status == ApprovalState.Submitting && a.InstanceCode == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(a => a.InstanceCode, instanceCode), cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (Exception ex) when (provider.IsUniqueViolation(ex))
            {
                // ExecuteUpdate throws the provider's own exception, not a DbUpdateException.
                return false;
            }
        }
    }

    /// <summary>Records the created instance: Submitting → Pending, with the <c>submitted</c> transition and its callback.</summary>
    public Task<ApprovalApplied?> MarkCreatedAsync(string id, string instanceCode, string source, CancellationToken cancellationToken) =>
        ChangeAsync(id, source, (row, _, now) =>
        {
            if (row.Status != ApprovalState.Submitting)
            {
                return [];
            }

            row.Status = ApprovalState.Pending;
            row.InstanceCode ??= instanceCode;
            row.ErrorCode = null;
            row.ErrorCodeText = null;
            row.ErrorMessage = null;
            row.LogId = null;
            row.SyncedAt = now;
            row.NextSyncAt = options.Value.NextSync(row.CreatedAt, now);
            return [new PlannedTransition("status:submitted", "submitted", ApprovalState.Pending, null)];
        }, cancellationToken);

    /// <summary>Records a create the platform refused for good (or that ran out of attempts): Failed, with the platform's code and message.</summary>
    public Task<ApprovalApplied?> MarkFailedAsync(string id, PlatformFailure failure, string source, CancellationToken cancellationToken) =>
        ChangeAsync(id, source, (row, _, _) =>
        {
            if (row.Status != ApprovalState.Submitting)
            {
                return [];
            }

            row.Status = ApprovalState.Failed;
            row.ErrorCode = NumericCode(failure);
            row.ErrorCodeText = failure.Code;
            row.ErrorMessage = Truncate(failure.Message, ApprovalRow.MaxErrorLength);
            row.LogId = failure.RequestId;
            return [new PlannedTransition("status:failed", "failed", ApprovalState.Failed, null)];
        }, cancellationToken);

    /// <summary>
    /// Applies what the platform reports about the instance (<paramref name="source"/>: event, reconcile, card or api): records
    /// each new transition once, in order, with its callback; never regresses a status; always notes the read (so
    /// reconciliation waits before reading it again).
    /// </summary>
    public Task<ApprovalApplied?> ApplyAsync(string id, ApprovalSnapshot snapshot, string source, CancellationToken cancellationToken) =>
        ChangeAsync(id, source, (row, recorded, now) =>
        {
            if (row.Status is ApprovalState.Submitting or ApprovalState.Failed)
            {
                return [];
            }

            var stored = JsonSerializer.Deserialize(row.Tasks, ApprovalStorageJsonContext.Default.ApprovalTaskSnapshotArray) ?? [];
            var plan = ApprovalTransitions.Plan(row.Status, stored, snapshot, recorded);
            row.Status = plan.State;
            row.Tasks = JsonSerializer.Serialize([.. plan.Tasks], ApprovalStorageJsonContext.Default.ApprovalTaskSnapshotArray);
            row.SyncedAt = now;
            if (!ApprovalTransitions.IsOpen(plan.State))
            {
                row.EndedAt ??= now;
            }

            row.NextSyncAt = NextRead(row, now);

            // Recorded with the change it is for: a crash before the cards show it leaves the marker for reconciliation.
            row.CardsDue |= plan.Changes.Count > 0;
            return plan.Changes;
        }, cancellationToken);

    /// <summary>Open approvals whose next read is due, the longest-waiting first: what reconciliation reads.</summary>
    public async Task<IReadOnlyList<ApprovalRow>> DueForSyncAsync(int batchSize, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.Approvals.AsNoTracking()
                .Where(a => a.Status == ApprovalState.Pending && a.InstanceCode != null && a.NextSyncAt <= now)
                .OrderBy(a => a.NextSyncAt).Take(batchSize)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Ended approvals a platform may still revert or delete (approved, rejected, reverted) whose next read inside the revert
    /// window is due, the longest-waiting first: what reconciliation reads after the open ones.
    /// </summary>
    public async Task<IReadOnlyList<ApprovalRow>> DueForRevertCheckAsync(int batchSize, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.Approvals.AsNoTracking()
                .Where(a => (a.Status == ApprovalState.Approved || a.Status == ApprovalState.Rejected || a.Status == ApprovalState.Reverted)
                    && a.InstanceCode != null && a.NextSyncAt <= now)
                .OrderBy(a => a.NextSyncAt).Take(batchSize)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Approvals whose recorded change the cards may not show yet (<see cref="ApprovalRow.CardsDue"/>), left so for longer
    /// than <see cref="ApprovalOptions.SyncAge"/> — the refresh after the change did not finish (a crash, a failure).
    /// </summary>
    public async Task<IReadOnlyList<ApprovalRow>> DueForCardRefreshAsync(int batchSize, CancellationToken cancellationToken)
    {
        DateTimeOffset? before = time.GetUtcNow() - options.Value.SyncAge;
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.Approvals.AsNoTracking()
                .Where(a => a.CardsDue && a.SyncedAt <= before)
                .OrderBy(a => a.SyncedAt).Take(batchSize)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Puts off the next read of an approval its platform could not be asked about (reconciliation moves on to others).</summary>
    public async Task PostponeSyncAsync(string id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        DateTimeOffset? next = now + options.Value.SyncAge;
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            await db.Approvals.Where(a => a.Id == id && a.NextSyncAt != null)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.NextSyncAt, next), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Loads the approval, lets <paramref name="change"/> edit it and name the transitions to record (given the keys
    /// already recorded), and writes the approval, the transitions (numbered on from its sequence) and their callbacks in
    /// one transaction. Another writer in between → start again from what it wrote. Null when there is no such approval.
    /// </summary>
    private async Task<ApprovalApplied?> ChangeAsync(
        string id, string source, Func<ApprovalRow, IReadOnlySet<string>, DateTimeOffset, IReadOnlyList<PlannedTransition>> change, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            for (var round = 1; ; round++)
            {
                db.ChangeTracker.Clear();
                var row = await db.Approvals.FirstOrDefaultAsync(a => a.Id == id, cancellationToken).ConfigureAwait(false);
                if (row is null)
                {
                    return null;
                }

                var recorded = (await db.ApprovalTransitions.AsNoTracking().Where(t => t.ApprovalId == id).Select(t => t.Key)
                    .ToListAsync(cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
                var now = time.GetUtcNow();
                var before = row.Status;
                var changes = change(row, recorded, now);
                var added = new List<ApprovalTransitionRow>(changes.Count);
                var callbacks = 0;
                foreach (var planned in changes)
                {
                    row.Sequence++;
                    var transition = ToRow(row, planned, source, now);
                    db.ApprovalTransitions.Add(transition);
                    added.Add(transition);
                }

                // The callbacks name each operator's directory person too, as the answers do (read before the transaction commits).
                var operators = added.Select(t => t.OperatorUserId).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
                var persons = people is null || operators.Count == 0
                    ? null
                    : await people.PersonsOfAsync(Apps.HubAppPlatform.Of(row.Platform), row.App ?? "", operators, cancellationToken).ConfigureAwait(false);

                // When approvers acted, by the platform's clock: the callbacks of their tasks' transitions are timed from it.
                var acted = new List<DateTimeOffset?>(added.Count);
                for (var i = 0; i < added.Count; i++)
                {
                    var person = added[i].OperatorUserId is { } userId ? persons?.GetValueOrDefault(userId) : null;
                    var queued = await webhooks.QueueAsync(db, added[i].EventType, ApprovalCallbacks.EventId(row.Id, added[i].Sequence),
                        ApprovalCallbacks.Payload(row, added[i], platforms?.Find(Apps.HubAppPlatform.Of(row.Platform))?.KeepsDeprecatedNames ?? false, person), cancellationToken).ConfigureAwait(false);
                    callbacks += queued;
                    acted.Add(queued > 0 && changes[i].State is null ? changes[i].Task?.EndTime : null);
                }

                try
                {
                    await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (DbUpdateException ex) when (round < MaxRounds && (ex is DbUpdateConcurrencyException || provider.IsUniqueViolation(ex)))
                {
                    // Another applier wrote this approval first: plan again from its result.
                    continue;
                }

                if (callbacks > 0)
                {
                    webhooks.NotifySender();
                }

                if (telemetry is not null)
                {
                    telemetry.Changed(before, row, now);
                    acted.ForEach(at => telemetry.CallbackQueued(row, at, now));
                }

                return new ApprovalApplied(row, added);
            }
        }
    }

    /// <summary>
    /// When reconciliation reads the approval again: open ones by their age; ended ones a platform may still revert or delete
    /// within the revert window, backing off; never for a final status or once the window has passed.
    /// </summary>
    private DateTimeOffset? NextRead(ApprovalRow row, DateTimeOffset now)
    {
        var o = options.Value;
        if (ApprovalTransitions.IsOpen(row.Status))
        {
            return o.NextSync(row.CreatedAt, now);
        }

        return ApprovalTransitions.CanMove(row.Status, ApprovalState.Deleted) && row.EndedAt is { } ended ? o.NextRevertCheck(ended, now) : null;
    }

    private static ApprovalTransitionRow ToRow(ApprovalRow row, PlannedTransition planned, string source, DateTimeOffset now) => new()
    {
        ApprovalId = row.Id,
        Sequence = row.Sequence,
        Key = planned.Key,
        EventType = ApprovalCallbacks.EventType(planned.Name),
        Status = ApprovalTransitions.WireName(row.Status),
        TaskId = planned.Task?.Id,
        TaskStatus = planned.Task?.Status,
        NodeName = Truncate(planned.Task?.NodeName, 256),
        OperatorUserId = planned.Task?.UserId,
        Comment = Truncate(planned.Task?.Comment, ApprovalTransitionRow.MaxCommentLength),
        Source = source,
        At = now,
    };

    private static async Task<ApprovalCreateResult?> FindByKeyAsync(HubDbContext db, string caller, ApprovalRequest request, CancellationToken cancellationToken)
    {
        var found = await db.Approvals.AsNoTracking()
            .FirstOrDefaultAsync(a => a.Caller == caller && a.IdempotencyKey == request.IdempotencyKey, cancellationToken).ConfigureAwait(false);
        return found is null ? null
            : new ApprovalCreateResult(string.Equals(found.RequestHash, request.RequestHash, StringComparison.Ordinal) ? ApprovalCreateStatus.Existing : ApprovalCreateStatus.KeyReused, found);
    }

    private static string? Truncate(string? value, int length) => value is { } v && v.Length > length ? v[..length] : value;

    private async Task<HubDbContext> ContextAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>What <see cref="ApprovalStore.CreateAsync"/> did.</summary>
internal enum ApprovalCreateStatus
{
    /// <summary>Stored as Submitting.</summary>
    Created,

    /// <summary>The same request came before under this key: the original.</summary>
    Existing,

    /// <summary>The key belongs to a different request.</summary>
    KeyReused,
}

/// <summary>The outcome of a create: what happened and the approval concerned.</summary>
internal sealed record ApprovalCreateResult(ApprovalCreateStatus Status, ApprovalRow Approval)
{
    /// <summary>The work item of a new approval's create (held by the caller's attempt); null otherwise.</summary>
    public long? Submission { get; init; }
}

/// <summary>Where an approval's create stands: attempts so far, and when it is tried next (or taken over) while it is open.</summary>
internal sealed record ApprovalSubmission(int Attempts, DateTimeOffset? NextAttemptAt);

/// <summary>An approval after a change, and the transitions that change recorded (none when it changed nothing).</summary>
internal sealed record ApprovalApplied(ApprovalRow Approval, IReadOnlyList<ApprovalTransitionRow> Added);

/// <summary>Who asks, as the approval stores them: the platform, their id there as tasks name people, and their directory person.</summary>
/// <param name="Platform">The platform of the approval's app.</param>
/// <param name="UserId">The applicant's id on it; null when the platform takes the caller's id as it is.</param>
/// <param name="PersonId">The applicant's directory person, when known.</param>
internal sealed record ApprovalApplicant(string Platform, string? UserId, string? PersonId);
