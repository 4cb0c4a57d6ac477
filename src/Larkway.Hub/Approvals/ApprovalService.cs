using System.Text.Json;
using Larkway.Feishu;
using Larkway.Feishu.Approval;
using Larkway.Hub.Apps;
using Larkway.Hub.Notifications;
using Larkway.Hub.Platform.Auth;
using Larkway.Hub.Platform.Http;

namespace Larkway.Hub.Approvals;

/// <summary>
/// The approvals room's application logic, apart from HTTP: a parsed request and its caller in, a typed outcome out. The
/// endpoints (<c>ApprovalsApi.cs</c>) read and parse the body and the query and map each outcome to a status; what is
/// checked, looked up in Feishu, stored and submitted — and in which order — is decided here.
/// </summary>
internal sealed class ApprovalService(
    ApprovalStore store,
    ApprovalDefinitions definitions,
    ApprovalSubmissions submissions,
    ApprovalBridge bridge,
    IEmailLookup people,
    HubAppRegistry apps)
{
    /// <summary>How many approvals a page holds unless the caller asks for another number.</summary>
    public const int DefaultListLimit = 50;

    /// <summary>
    /// Answers a repeat from the store; otherwise checks the app, the applicant and the form against the definition,
    /// stores the approval and submits it to Feishu at once (the submit queue takes over what does not finish).
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

        if (request.App is { } appName && await apps.WhyUnusableAsync(appName, cancellationToken).ConfigureAwait(false) is { } unusable)
        {
            return ApprovalRequestResult.Invalid([new("app", unusable)]);
        }

        var checkedRequest = await CheckAsync(request, cancellationToken).ConfigureAwait(false);
        if (checkedRequest.Refusal is { } refusal)
        {
            return refusal;
        }

        var created = await store.CreateAsync(request with { Approvers = checkedRequest.Approvers, FormDisplay = checkedRequest.FormDisplay, ApprovalName = checkedRequest.ApprovalName }, caller.Id, checkedRequest.ApplicantOpenId, ApprovalSubmissions.InlineOwner, cancellationToken).ConfigureAwait(false);
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
        return new ApprovalDetails(found.Approval, found.History, submission);
    }

    /// <summary>
    /// A page of the caller's approvals (every approval for the admin key), newest first, with their submissions;
    /// <see cref="ApprovalPage.Next"/> is set when the page is full.
    /// </summary>
    public async Task<ApprovalPage> ListAsync(HubCaller caller, string? reference, ApprovalState? status, string? before, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var rows = await store.ListAsync(caller.IsAdmin ? null : caller.Id, reference, status, before, limit, cancellationToken).ConfigureAwait(false);
        var submitted = rows.Count == 0 ? null : await store.SubmissionsAsync([.. rows.Select(r => r.Id)], cancellationToken).ConfigureAwait(false);
        return new ApprovalPage(
            [.. rows.Select(r => new ApprovalDetails(r, null, submitted?.GetValueOrDefault(r.Id)))],
            rows.Count == limit ? rows[^1].Id : null);
    }

    /// <summary>Withdraws a pending approval the caller owns, in Feishu first; what Feishu said when it refused or did not answer.</summary>
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
        catch (FeishuApiException ex) when (!ex.IsTransient)
        {
            return new ApprovalCancelResult(ApprovalCancelOutcome.Refused, Status: approval.Status, Refusal: FeishuFailure.From(ex));
        }
        catch (Exception ex) when (ApprovalBridge.Failure(ex) is not null)
        {
            return new ApprovalCancelResult(ApprovalCancelOutcome.FeishuUnavailable, Status: approval.Status);
        }

        var found = (await store.GetAsync(id, cancellationToken).ConfigureAwait(false))!.Value;
        var submission = await SubmissionAsync(found.Approval, cancellationToken).ConfigureAwait(false);
        return new ApprovalCancelResult(ApprovalCancelOutcome.Cancelled, new ApprovalDetails(found.Approval, found.History, submission), found.Approval.Status);
    }

    /// <summary>
    /// Everything checked before an instance is created: the applicant's and the approvers' emails resolved (in one
    /// lookup), the definition fetched, the form read and validated against it and the approvers against its nodes.
    /// Problems name the field (<c>form.&lt;widget&gt;</c>, <c>approvers.&lt;node&gt;[i]</c>); Feishu not answering is
    /// <see cref="ApprovalRequestOutcome.FeishuUnavailable"/>.
    /// </summary>
    private async Task<CheckedRequest> CheckAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        // Every check runs and they report together: an unknown applicant and a bad form are one answer, not two rounds.
        var problems = new List<ApprovalProblem>();
        var approvers = request.Approvers;
        string? openId = request.ApplicantType == "open_id" ? request.Applicant : null;
        string? display = null;
        string? name = null;
        try
        {
            var emails = (approvers ?? new Dictionary<string, IReadOnlyList<ApprovalPerson>>()).Values.SelectMany(p => p)
                .Where(p => p.Type == "email").Select(p => p.Value)
                .Concat(request.ApplicantType == "email" ? [request.Applicant] : [])
                .Distinct(StringComparer.Ordinal).ToList();
            if (emails.Count > 0)
            {
                try
                {
                    var found = await people.PrefetchAsync(request.App ?? "", emails, cancellationToken).ConfigureAwait(false);
                    if (request.ApplicantType == "email")
                    {
                        openId = found.GetValueOrDefault(request.Applicant);
                        if (openId is null)
                        {
                            problems.Add(new("applicant.email", NoSuchUser(request.Applicant)));
                        }
                    }

                    approvers = Resolve(approvers, found, problems);
                }
                catch (FeishuApiException ex) when (!ex.IsTransient)
                {
                    problems.Add(new(request.ApplicantType == "email" ? "applicant.email" : "approvers", $"Feishu refused to look up the emails: {ex.ErrorMessage} (code {ex.Code}, log id {ex.RequestId})."));
                }
            }

            try
            {
                var definition = await definitions.GetAsync(request.App, request.ApprovalCode, cancellationToken).ConfigureAwait(false);
                var check = ApprovalDefinitionCheck.Of(request, definition);
                problems.AddRange(check.Problems);
                (display, name) = (check.FormDisplay, check.ApprovalName);
            }
            catch (FeishuApiException ex) when (!ex.IsTransient)
            {
                problems.Add(new("approval_code", $"Feishu refused it: {ex.ErrorMessage} (code {ex.Code}, log id {ex.RequestId})."));
            }
        }
        catch (Exception ex) when (ApprovalBridge.Failure(ex) is not null)
        {
            return new(null, null, null, null, new ApprovalRequestResult(ApprovalRequestOutcome.FeishuUnavailable));
        }

        return problems.Count > 0 ? new(null, null, null, null, ApprovalRequestResult.Invalid(problems)) : new(openId, approvers, display, name, null);
    }

    /// <summary>The approvers with their emails' open_ids; an email nobody has is a problem at its place in the list.</summary>
    private static IReadOnlyDictionary<string, IReadOnlyList<ApprovalPerson>>? Resolve(
        IReadOnlyDictionary<string, IReadOnlyList<ApprovalPerson>>? approvers, IReadOnlyDictionary<string, string?> found, List<ApprovalProblem> problems)
    {
        if (approvers is null)
        {
            return null;
        }

        var resolved = new Dictionary<string, IReadOnlyList<ApprovalPerson>>(StringComparer.Ordinal);
        foreach (var (node, people) in approvers)
        {
            var list = new List<ApprovalPerson>();
            for (var i = 0; i < people.Count; i++)
            {
                var person = people[i];
                if (person.Type != "email")
                {
                    list.Add(person);
                }
                else if (found.GetValueOrDefault(person.Value) is { } openId)
                {
                    list.Add(person with { UserId = openId });
                }
                else
                {
                    problems.Add(new($"approvers.{node}[{i}]", NoSuchUser(person.Value)));
                }
            }

            resolved[node] = list;
        }

        return resolved;
    }

    private static string NoSuchUser(string email) =>
        $"No active Feishu user has the email '{email}', or the app's contact scope does not include them.";

    /// <summary>What <see cref="CheckAsync"/> found: the applicant's open_id, the resolved approvers and the form as read and the definition's name, or why not.</summary>
    private sealed record CheckedRequest(
        string? ApplicantOpenId, IReadOnlyDictionary<string, IReadOnlyList<ApprovalPerson>>? Approvers, string? FormDisplay, string? ApprovalName, ApprovalRequestResult? Refusal);

    /// <summary>What the store's answer means to the caller: created or still submitting, a repeat, refused by Feishu, or a key reused.</summary>
    private async Task<ApprovalRequestResult> AnswerAsync(ApprovalCreateResult result, CancellationToken cancellationToken)
    {
        var approval = result.Approval;
        if (result.Status == ApprovalCreateStatus.KeyReused)
        {
            return new ApprovalRequestResult(ApprovalRequestOutcome.KeyReused, approval);
        }

        var duplicate = result.Status == ApprovalCreateStatus.Existing;
        if (approval.Status == ApprovalState.Failed)
        {
            return new ApprovalRequestResult(ApprovalRequestOutcome.Refused, approval, Duplicate: duplicate);
        }

        var submission = await SubmissionAsync(approval, cancellationToken).ConfigureAwait(false);
        var outcome = duplicate ? ApprovalRequestOutcome.Repeated
            : approval.Status == ApprovalState.Submitting ? ApprovalRequestOutcome.Submitting
            : ApprovalRequestOutcome.Created;
        return new ApprovalRequestResult(outcome, approval, submission, duplicate);
    }

    /// <summary>Where an approval's create stands: its attempts, and while it is submitted, its next one.</summary>
    private async Task<ApprovalSubmission?> SubmissionAsync(ApprovalRow approval, CancellationToken cancellationToken) =>
        (await store.SubmissionsAsync([approval.Id], cancellationToken).ConfigureAwait(false)).GetValueOrDefault(approval.Id);
}

/// <summary>What became of an approval request; the endpoint gives each its status code.</summary>
internal enum ApprovalRequestOutcome
{
    /// <summary>Feishu created the instance.</summary>
    Created,

    /// <summary>Stored; Feishu has not created the instance yet (the submit queue keeps trying).</summary>
    Submitting,

    /// <summary>A repeat of an earlier identical request: the stored approval.</summary>
    Repeated,

    /// <summary>Feishu refused to create the instance (the code and message are on the approval).</summary>
    Refused,

    /// <summary>The idempotency key was used for a different approval.</summary>
    KeyReused,

    /// <summary>The request cannot be submitted as it is (<see cref="ApprovalRequestResult.Problems"/>).</summary>
    Invalid,

    /// <summary>Feishu did not answer while the request was checked; nothing was created.</summary>
    FeishuUnavailable,
}

/// <summary>The outcome of <see cref="ApprovalService.SubmitAsync"/>: the approval (and its submission), or the problems.</summary>
/// <param name="Outcome">What became of the request.</param>
/// <param name="Approval">The approval stored under the caller and key (every outcome but Invalid and FeishuUnavailable).</param>
/// <param name="Submission">Where its create stands (Created, Submitting, Repeated).</param>
/// <param name="Duplicate">Whether the stored approval answers an earlier identical request.</param>
/// <param name="Problems">What is wrong with the request (Invalid).</param>
internal sealed record ApprovalRequestResult(
    ApprovalRequestOutcome Outcome,
    ApprovalRow? Approval = null,
    ApprovalSubmission? Submission = null,
    bool Duplicate = false,
    IReadOnlyList<ApprovalProblem>? Problems = null)
{
    /// <summary>What is wrong with the request (empty unless <see cref="ApprovalRequestOutcome.Invalid"/>).</summary>
    public IReadOnlyList<ApprovalProblem> Problems { get; } = Problems ?? [];

    public static ApprovalRequestResult Invalid(IReadOnlyList<ApprovalProblem> problems) => new(ApprovalRequestOutcome.Invalid, Problems: problems);
}

/// <summary>An approval as its caller may see it: the row, its history (for a single approval), where its create stands.</summary>
internal sealed record ApprovalDetails(ApprovalRow Approval, IReadOnlyList<ApprovalTransitionRow>? History, ApprovalSubmission? Submission);

/// <summary>A page of approvals; <see cref="Next"/> is the <c>before</c> of the next page (null on the last).</summary>
internal sealed record ApprovalPage(IReadOnlyList<ApprovalDetails> Items, string? Next);

/// <summary>What became of a withdrawal.</summary>
internal enum ApprovalCancelOutcome
{
    /// <summary>Withdrawn (or Feishu had ended it meanwhile): the approval as it now stands.</summary>
    Cancelled,

    /// <summary>No approval of the caller's has the id.</summary>
    NotFound,

    /// <summary>Only a pending approval can be withdrawn (<see cref="ApprovalCancelResult.Status"/> says where it is).</summary>
    NotPending,

    /// <summary>Feishu refused the withdrawal (<see cref="ApprovalCancelResult.Refusal"/>).</summary>
    Refused,

    /// <summary>Feishu did not answer; the approval may or may not be withdrawn.</summary>
    FeishuUnavailable,
}

/// <summary>The outcome of <see cref="ApprovalService.CancelAsync"/>.</summary>
internal sealed record ApprovalCancelResult(ApprovalCancelOutcome Outcome, ApprovalDetails? Approval = null, ApprovalState Status = default, FeishuFailure? Refusal = null);
