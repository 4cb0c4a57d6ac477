using System.Text.Json;
using Larkway.Hub.Platform.Auth;
using Larkway.Hub.Platform.Http;

namespace Larkway.Hub.Approvals;

/// <summary>
/// The approvals room's application logic, apart from HTTP: a parsed request and its caller in, a typed outcome out. The
/// endpoints (<c>ApprovalsApi.cs</c>) read and parse the body and the query and map each outcome to a status; what is
/// checked, looked up on the app's platform, stored and submitted — and in which order — is decided here.
/// </summary>
internal sealed class ApprovalService(
    ApprovalStore store,
    ApprovalDefinitions definitions,
    ApprovalSubmissions submissions,
    ApprovalBridge bridge,
    ApprovalPlatforms platforms,
    ApprovalPeople people,
    ApprovalTelemetry? telemetry = null,
    Microsoft.Extensions.Options.IOptions<ApprovalOptions>? options = null)
{
    /// <summary>How many approvals a page holds unless the caller asks for another number.</summary>
    public const int DefaultListLimit = 50;

    /// <summary>
    /// Answers a repeat from the store; otherwise checks the app, the applicant and the form against the definition,
    /// stores the approval and submits it to the platform at once (the submit queue takes over what does not finish).
    /// </summary>
    public async Task<ApprovalRequestResult> SubmitAsync(ApprovalRequest request, HubCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(caller);

        // A retry is answered from the store: nothing is looked up or sent again.
        if (await store.FindExistingAsync(request, caller.Id, cancellationToken).ConfigureAwait(false) is { } earlier)
        {
            return await AnswerAsync(earlier, cancellationToken).ConfigureAwait(false);
        }

        var (platform, unusable) = await platforms.ForAppAsync(request.App, cancellationToken).ConfigureAwait(false);
        if (platform is null)
        {
            return ApprovalRequestResult.Invalid([new("app", unusable!)]);
        }

        // A Hub-level definition name is sent as the code of the app's platform (the request's hash is the body's, as sent).
        if (options is not null)
        {
            if (options.Value.DefinitionFor(request.Definition, request.App, out var unmapped) is not { } code)
            {
                return ApprovalRequestResult.Invalid([new("definition", unmapped!)]);
            }

            request = request with { Definition = code };
        }

        var checkedRequest = await CheckAsync(request, platform, cancellationToken).ConfigureAwait(false);
        if (checkedRequest.Refusal is { } refusal)
        {
            return refusal;
        }

        var accepted = request with { Approvers = checkedRequest.Approvers, FormDisplay = checkedRequest.FormDisplay, ApprovalName = checkedRequest.ApprovalName };
        var created = await store.CreateAsync(accepted, caller.Id, checkedRequest.Applicant!, ApprovalSubmissions.InlineOwner, cancellationToken).ConfigureAwait(false);
        if (created.Status != ApprovalCreateStatus.Created)
        {
            return await AnswerAsync(created, cancellationToken).ConfigureAwait(false);
        }

        // Not the request's token: a caller hanging up mid-create must not leave the create half recorded.
        var submitted = await submissions.SubmitNowAsync(created, CancellationToken.None).ConfigureAwait(false);
        return await AnswerAsync(new ApprovalCreateResult(ApprovalCreateStatus.Created, submitted), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The approval with its history and its submission, or null when it does not exist or the caller does not own it.</summary>
    public async Task<ApprovalDetails?> GetAsync(string id, HubCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (await store.GetAsync(id, cancellationToken).ConfigureAwait(false) is not { } found || !caller.Owns(found.Approval.Caller))
        {
            return null;
        }

        var submission = await SubmissionAsync(found.Approval, cancellationToken).ConfigureAwait(false);
        return new ApprovalDetails(found.Approval, found.History, submission, await PersonsAsync([found.Approval], cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// A page of the caller's approvals (every approval for the admin key), newest first, with their submissions;
    /// <see cref="ApprovalPage.Next"/> is set when the page is full.
    /// </summary>
    public async Task<ApprovalPage> ListAsync(HubCaller caller, string? reference, ApprovalState? status, string? before, int limit, CancellationToken cancellationToken, string? platform = null)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var rows = await store.ListAsync(caller.IsAdmin ? null : caller.Id, reference, status, before, limit, cancellationToken, platform).ConfigureAwait(false);
        var submitted = rows.Count == 0 ? null : await store.SubmissionsAsync([.. rows.Select(r => r.Id)], cancellationToken).ConfigureAwait(false);
        var persons = await PersonsAsync(rows, cancellationToken).ConfigureAwait(false);
        return new ApprovalPage(
            [.. rows.Select(r => new ApprovalDetails(r, null, submitted?.GetValueOrDefault(r.Id), persons))],
            rows.Count == limit ? rows[^1].Id : null);
    }

    /// <summary>Withdraws a pending approval the caller owns, on its platform first; what the platform said when it refused or did not answer.</summary>
    public async Task<ApprovalCancelResult> CancelAsync(string id, HubCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var approval = await store.FindAsync(id, cancellationToken).ConfigureAwait(false);
        if (approval is null || !caller.Owns(approval.Caller))
        {
            return new ApprovalCancelResult(ApprovalCancelOutcome.NotFound);
        }

        if (approval.Status != ApprovalState.Pending)
        {
            return new ApprovalCancelResult(ApprovalCancelOutcome.NotPending, Status: approval.Status);
        }

        try
        {
            await bridge.CancelAsync(approval, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (bridge.Failure(approval, ex) is { } failure)
        {
            // Refused: read it anyway, so an instance ended on the platform meanwhile shows as it is.
            await TrySyncAsync(approval, cancellationToken).ConfigureAwait(false);
            var now = await store.FindAsync(id, cancellationToken).ConfigureAwait(false) ?? approval;
            return failure.Transient
                ? new ApprovalCancelResult(ApprovalCancelOutcome.PlatformUnavailable, Status: now.Status, Refusal: failure.Failure)
                : new ApprovalCancelResult(ApprovalCancelOutcome.Refused, Status: now.Status, Refusal: failure.Failure);
        }

        var found = (await store.GetAsync(id, cancellationToken).ConfigureAwait(false))!.Value;
        var submission = await SubmissionAsync(found.Approval, cancellationToken).ConfigureAwait(false);
        var details = new ApprovalDetails(found.Approval, found.History, submission, await PersonsAsync([found.Approval], cancellationToken).ConfigureAwait(false));
        return new ApprovalCancelResult(ApprovalCancelOutcome.Cancelled, details, found.Approval.Status);
    }

    /// <summary>
    /// Everything checked before an instance is created: the people resolved on the app's platform (in one lookup), the
    /// definition read, the form checked against it and the approvers against its nodes. Problems name the field
    /// (<c>form.&lt;field&gt;</c>, <c>approvers.&lt;node&gt;[i]</c>); the platform not answering is
    /// <see cref="ApprovalRequestOutcome.PlatformUnavailable"/>.
    /// </summary>
    private async Task<CheckedRequest> CheckAsync(ApprovalRequest request, ApprovalPlatform platform, CancellationToken cancellationToken)
    {
        // Every check runs and they report together: an unknown applicant and a bad form are one answer, not two rounds.
        var problems = new List<ApprovalProblem>();
        try
        {
            var resolved = await people.ResolveAsync(platform, request.App, new ApprovalPerson(request.ApplicantType, request.Applicant), request.Approvers, problems, cancellationToken).ConfigureAwait(false);
            string? display = null;
            string? name = null;
            try
            {
                var definition = await definitions.GetAsync(platform, request.App, request.Definition, cancellationToken).ConfigureAwait(false);
                using var form = JsonDocument.Parse(request.Form);
                var check = definition.CheckForm(form.RootElement);
                problems.AddRange(check.Problems);
                problems.AddRange(ApprovalApprovers.Check(request.Approvers, definition));
                (display, name) = (ApprovalFormDisplay.Serialize(check.Display), definition.Name);
            }
            catch (Exception ex) when (platform.Piece.Failure(ex) is { Transient: false } refused)
            {
                problems.Add(new("definition", refused.Kind == ApprovalFailureKind.UnknownDefinition
                    ? $"{platform.Display} has no definition '{request.Definition}' the app can see: {refused.Failure.Message} (code {refused.Failure.CodeText}{RequestId(refused.Failure)})."
                    : $"{platform.Display} refused to read it: {refused.Failure.Message} (code {refused.Failure.CodeText}{RequestId(refused.Failure)})."));
            }

            return problems.Count > 0
                ? new(null, null, null, null, ApprovalRequestResult.Invalid(problems))
                : new(new ApprovalApplicant(platform.Name, resolved.Applicant!.UserId, resolved.ApplicantPersonId), resolved.Approvers, display, name, null);
        }
        catch (Exception ex) when (platform.Piece.Failure(ex) is not null)
        {
            return new(null, null, null, null, new ApprovalRequestResult(ApprovalRequestOutcome.PlatformUnavailable, Platform: platform.Display));
        }
    }

    private static string RequestId(Platform.Http.PlatformFailure failure) => failure.RequestId is { } id ? $", request id {id}" : "";

    /// <summary>Reads the approval once more, best effort (after a refused withdrawal).</summary>
    private async Task TrySyncAsync(ApprovalRow approval, CancellationToken cancellationToken)
    {
        try
        {
            await bridge.SyncAsync(approval, ApprovalBridge.FromApi, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (bridge.Failure(approval, ex) is not null)
        {
            // Reconciliation reads it later.
        }
    }

    /// <summary>The directory persons of the approvals' approvers, by (platform, app, user id): one lookup per platform and app, not per task.</summary>
    private async Task<IReadOnlyDictionary<(string Platform, string App, string UserId), string>> PersonsAsync(IReadOnlyList<ApprovalRow> approvals, CancellationToken cancellationToken)
    {
        var persons = new Dictionary<(string, string, string), string>();
        var accounts = approvals.SelectMany(a => (JsonSerializer.Deserialize(a.Tasks, ApprovalStorageJsonContext.Default.ApprovalTaskSnapshotArray) ?? [])
                .Select(t => t.UserId).OfType<string>().Select(userId => (Platform: Apps.HubAppPlatform.Of(a.Platform), App: a.App ?? "", UserId: userId)))
            .Distinct();
        foreach (var group in accounts.GroupBy(a => (a.Platform, a.App)))
        {
            var found = await people.PersonsOfAsync(group.Key.Platform, group.Key.App, [.. group.Select(a => a.UserId)], cancellationToken).ConfigureAwait(false);
            foreach (var (userId, person) in found)
            {
                persons[(group.Key.Platform, group.Key.App, userId)] = person;
            }
        }

        return persons;
    }

    /// <summary>What <see cref="CheckAsync"/> found: the applicant as stored, the resolved approvers and the form as read and the definition's name, or why not.</summary>
    private sealed record CheckedRequest(
        ApprovalApplicant? Applicant, IReadOnlyDictionary<string, IReadOnlyList<ApprovalPerson>>? Approvers, string? FormDisplay, string? ApprovalName, ApprovalRequestResult? Refusal);

    /// <summary>What the store's answer means to the caller: created or still submitting, a repeat, refused by the platform, or a key reused.</summary>
    private async Task<ApprovalRequestResult> AnswerAsync(ApprovalCreateResult result, CancellationToken cancellationToken)
    {
        var approval = result.Approval;
        if (result.Status == ApprovalCreateStatus.KeyReused)
        {
            return new ApprovalRequestResult(ApprovalRequestOutcome.KeyReused, approval);
        }

        var duplicate = result.Status == ApprovalCreateStatus.Existing;
        if (duplicate)
        {
            telemetry?.CreateEnded(approval, ApprovalTelemetry.Duplicate);
        }

        if (approval.Status == ApprovalState.Failed)
        {
            return new ApprovalRequestResult(ApprovalRequestOutcome.Refused, approval, Duplicate: duplicate);
        }

        var submission = await SubmissionAsync(approval, cancellationToken).ConfigureAwait(false);
        var outcome = duplicate ? ApprovalRequestOutcome.Repeated
            : approval.Status == ApprovalState.Submitting ? ApprovalRequestOutcome.Submitting
            : ApprovalRequestOutcome.Created;
        return new ApprovalRequestResult(outcome, approval, submission, duplicate, Persons: await PersonsAsync([approval], cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Where an approval's create stands: its attempts, and while it is submitted, its next one.</summary>
    private async Task<ApprovalSubmission?> SubmissionAsync(ApprovalRow approval, CancellationToken cancellationToken) =>
        (await store.SubmissionsAsync([approval.Id], cancellationToken).ConfigureAwait(false)).GetValueOrDefault(approval.Id);
}

/// <summary>What became of an approval request; the endpoint gives each its status code.</summary>
internal enum ApprovalRequestOutcome
{
    /// <summary>The platform created the instance.</summary>
    Created,

    /// <summary>Stored; the platform has not created the instance yet (the submit queue keeps trying).</summary>
    Submitting,

    /// <summary>A repeat of an earlier identical request: the stored approval.</summary>
    Repeated,

    /// <summary>The platform refused to create the instance (the code and message are on the approval).</summary>
    Refused,

    /// <summary>The idempotency key was used for a different approval.</summary>
    KeyReused,

    /// <summary>The request cannot be submitted as it is (<see cref="ApprovalRequestResult.Problems"/>).</summary>
    Invalid,

    /// <summary>The platform did not answer while the request was checked; nothing was created.</summary>
    PlatformUnavailable,
}

/// <summary>The outcome of <see cref="ApprovalService.SubmitAsync"/>: the approval (and its submission), or the problems.</summary>
/// <param name="Outcome">What became of the request.</param>
/// <param name="Approval">The approval stored under the caller and key (every outcome but Invalid and PlatformUnavailable).</param>
/// <param name="Submission">Where its create stands (Created, Submitting, Repeated).</param>
/// <param name="Duplicate">Whether the stored approval answers an earlier identical request.</param>
/// <param name="Problems">What is wrong with the request (Invalid).</param>
/// <param name="Platform">The platform that did not answer, as sentences name it (PlatformUnavailable).</param>
/// <param name="Persons">The directory persons of the approval's approvers, by (platform, app, user id).</param>
internal sealed record ApprovalRequestResult(
    ApprovalRequestOutcome Outcome,
    ApprovalRow? Approval = null,
    ApprovalSubmission? Submission = null,
    bool Duplicate = false,
    IReadOnlyList<ApprovalProblem>? Problems = null,
    string? Platform = null,
    IReadOnlyDictionary<(string Platform, string App, string UserId), string>? Persons = null)
{
    /// <summary>What is wrong with the request (empty unless <see cref="ApprovalRequestOutcome.Invalid"/>).</summary>
    public IReadOnlyList<ApprovalProblem> Problems { get; } = Problems ?? [];

    public static ApprovalRequestResult Invalid(IReadOnlyList<ApprovalProblem> problems) => new(ApprovalRequestOutcome.Invalid, Problems: problems);
}

/// <summary>
/// An approval as its caller may see it: the row, its history (for a single approval), where its create stands, and the
/// directory persons its tasks' approvers are, by (platform, app, user id).
/// </summary>
internal sealed record ApprovalDetails(
    ApprovalRow Approval, IReadOnlyList<ApprovalTransitionRow>? History, ApprovalSubmission? Submission,
    IReadOnlyDictionary<(string Platform, string App, string UserId), string>? Persons = null);

/// <summary>A page of approvals; <see cref="Next"/> is the <c>before</c> of the next page (null on the last).</summary>
internal sealed record ApprovalPage(IReadOnlyList<ApprovalDetails> Items, string? Next);

/// <summary>What became of a withdrawal.</summary>
internal enum ApprovalCancelOutcome
{
    /// <summary>Withdrawn (or the platform had ended it meanwhile): the approval as it now stands.</summary>
    Cancelled,

    /// <summary>No approval of the caller's has the id.</summary>
    NotFound,

    /// <summary>Only a pending approval can be withdrawn (<see cref="ApprovalCancelResult.Status"/> says where it is).</summary>
    NotPending,

    /// <summary>The platform refused the withdrawal (<see cref="ApprovalCancelResult.Refusal"/>).</summary>
    Refused,

    /// <summary>The platform did not answer; the approval may or may not be withdrawn.</summary>
    PlatformUnavailable,
}

/// <summary>The outcome of <see cref="ApprovalService.CancelAsync"/>.</summary>
internal sealed record ApprovalCancelResult(ApprovalCancelOutcome Outcome, ApprovalDetails? Approval = null, ApprovalState Status = default, PlatformFailure? Refusal = null);
