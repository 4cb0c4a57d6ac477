using System.Text.Json;
using System.Text.Json.Serialization;
using Larkway.Feishu;
using Larkway.Feishu.Approval;
using Larkway.Hub.Approvals;
using Larkway.Hub.Apps;
using Larkway.Hub.Notifications;
using Larkway.Hub.Platform.Audit;
using Larkway.Hub.Platform.Auth;
using Larkway.Hub.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the approvals API.</summary>
public static class HubApprovalsEndpointRouteBuilderExtensions
{
    /// <summary>Most approvals a list returns.</summary>
    public const int MaxListLimit = 200;

    /// <summary>
    /// Maps <c>POST /api/v1/approvals</c>, <c>GET /api/v1/approvals[?reference=&amp;status=&amp;limit=&amp;before=]</c>,
    /// <c>GET /api/v1/approvals/{id}</c> and <c>POST /api/v1/approvals/{id}/cancel</c> (an API key or the admin key; a key
    /// sees only its own approvals). Needs <c>AddHubApprovals</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapHubApprovalsApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var approvals = endpoints.MapGroup("/api/v1/approvals");
        approvals.RequireHubCaller();
        approvals.MapPost("", CreateAsync).WithName("CreateApproval");
        approvals.MapGet("", ListAsync).WithName("ListApprovals");
        approvals.MapGet("/{id}", GetAsync).WithName("GetApproval");
        approvals.MapPost("/{id}/cancel", CancelAsync).WithName("CancelApproval");
        return endpoints;
    }

    private static async Task<IResult> CreateAsync(
        HttpContext http,
        [FromServices] ApprovalStore store,
        [FromServices] ApprovalDefinitions definitions,
        [FromServices] ApprovalSubmissions submissions,
        [FromServices] IRecipientResolver resolver,
        [FromServices] HubAppRegistry apps,
        CancellationToken cancellationToken)
    {
        var (body, unreadable) = await JsonBody.ReadAsync(http.Request, cancellationToken).ConfigureAwait(false);
        if (unreadable is not null)
        {
            return unreadable;
        }

        var problems = new List<ApprovalProblem>();
        var header = http.Request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } h ? h : null;
        if (ApprovalRequest.Parse(body, header, problems) is not { } request)
        {
            return Invalid(problems);
        }

        var caller = HubCaller.Of(http.User);

        // A retry is answered from the store: nothing is looked up or sent again.
        if (await store.FindExistingAsync(request, caller.Id, cancellationToken).ConfigureAwait(false) is { } earlier)
        {
            return await AnswerAsync(store, earlier, cancellationToken).ConfigureAwait(false);
        }

        if (request.App is { } appName && await HubNotificationsEndpointRouteBuilderExtensions.AppProblemAsync(apps, appName, cancellationToken).ConfigureAwait(false) is { } appProblem)
        {
            return Invalid([new(appProblem.Field, appProblem.Message)]);
        }

        var checkedRequest = await CheckAsync(request, definitions, resolver, cancellationToken).ConfigureAwait(false);
        if (checkedRequest.Error is { } error)
        {
            return error;
        }

        var created = await store.CreateAsync(request, caller.Id, checkedRequest.ApplicantOpenId, ApprovalSubmissions.InlineOwner, cancellationToken).ConfigureAwait(false);
        if (created.Status != ApprovalCreateStatus.Created)
        {
            return await AnswerAsync(store, created, cancellationToken).ConfigureAwait(false);
        }

        // Not the request's token: a caller hanging up mid-create must not leave the create half recorded.
        var submitted = await submissions.SubmitNowAsync(created, CancellationToken.None).ConfigureAwait(false);
        return await AnswerAsync(store, new ApprovalCreateResult(ApprovalCreateStatus.Created, submitted), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Everything checked before an instance is created: the applicant's email resolved, the definition fetched and the
    /// form read and validated against it. Errors are 400s naming the field (<c>form.&lt;widget&gt;</c>), or a 503 when
    /// Feishu did not answer.
    /// </summary>
    private static async Task<(string? ApplicantOpenId, IResult? Error)> CheckAsync(
        ApprovalRequest request, ApprovalDefinitions definitions, IRecipientResolver resolver, CancellationToken cancellationToken)
    {
        string? openId = request.ApplicantType == "open_id" ? request.Applicant : null;
        var asking = "applicant.email";
        try
        {
            if (request.ApplicantType == "email")
            {
                var found = await resolver.PrefetchAsync(request.App ?? "", [request.Applicant], cancellationToken).ConfigureAwait(false);
                openId = found.GetValueOrDefault(request.Applicant);
                if (openId is null)
                {
                    return (null, Invalid([new("applicant.email", $"No active Feishu user has the email '{request.Applicant}', or the app's contact scope does not include them.")]));
                }
            }

            asking = "approval_code";
            var definition = await definitions.GetAsync(request.App, request.ApprovalCode, cancellationToken).ConfigureAwait(false);
            using var form = JsonDocument.Parse(request.Form);
            if (!ApprovalForm.TryFromJson(form.RootElement, definition, out _, out var errors))
            {
                return (null, Invalid([.. errors.Select(e => new ApprovalProblem(e.WidgetId.Length == 0 ? "form" : "form." + e.WidgetId, e.Message))]));
            }
        }
        catch (FeishuApiException ex) when (!ex.IsTransient)
        {
            return (null, Invalid([new(asking, $"Feishu refused it: {ex.Msg} (code {ex.Code}, log id {ex.LogId}).")]));
        }
        catch (Exception ex) when (ApprovalBridge.Failure(ex) is not null)
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Feishu unavailable",
                detail: "Feishu did not answer while the request was checked; nothing was created. Send the same request again (same idempotency key) in a moment."));
        }

        return (openId, null);
    }

    private static async Task<IResult> GetAsync(HttpContext http, string id, [FromServices] ApprovalStore store, CancellationToken cancellationToken)
    {
        var found = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (found is not { } f || !Sees(http, f.Approval))
        {
            return NotFound(id);
        }

        var submission = await SubmissionAsync(store, f.Approval, cancellationToken).ConfigureAwait(false);
        return TypedResults.Json(ApprovalWire.ToDto(f.Approval, f.History, submission), HubApprovalsJsonContext.Default.ApprovalDto);
    }

    /// <summary>Where an approval's create stands: its attempts, and while it is submitted, its next one.</summary>
    private static async Task<ApprovalSubmission?> SubmissionAsync(ApprovalStore store, ApprovalRow approval, CancellationToken cancellationToken) =>
        (await store.SubmissionsAsync([approval.Id], cancellationToken).ConfigureAwait(false)).GetValueOrDefault(approval.Id);

    private static async Task<IResult> ListAsync(
        HttpContext http, [FromServices] ApprovalStore store, string? reference, string? status, int? limit, string? before, CancellationToken cancellationToken)
    {
        var problems = new List<ApprovalProblem>();
        var state = status is null ? null : ApprovalTransitions.Parse(status);
        if (status is not null && state is null)
        {
            problems.Add(new("status", "One of " + WireName<ApprovalState>.Choices + "."));
        }

        if (limit is < 1 or > MaxListLimit)
        {
            problems.Add(new("limit", $"From 1 to {MaxListLimit} (default 50)."));
        }

        if (problems.Count > 0)
        {
            return Invalid(problems);
        }

        var caller = HubCaller.Of(http.User);
        var rows = await store.ListAsync(caller.IsAdmin ? null : caller.Id, reference, state, before, limit ?? 50, cancellationToken).ConfigureAwait(false);
        var submissions = rows.Count == 0 ? null : await store.SubmissionsAsync([.. rows.Select(r => r.Id)], cancellationToken).ConfigureAwait(false);
        var page = new ApprovalListDto([.. rows.Select(r => ApprovalWire.ToDto(r, null, submissions?.GetValueOrDefault(r.Id)))], rows.Count == (limit ?? 50) ? rows[^1].Id : null);
        return TypedResults.Json(page, HubApprovalsJsonContext.Default.ApprovalListDto);
    }

    private static async Task<IResult> CancelAsync(HttpContext http, string id, [FromServices] ApprovalStore store, [FromServices] ApprovalBridge bridge, CancellationToken cancellationToken)
    {
        var approval = await store.FindAsync(id, cancellationToken).ConfigureAwait(false);
        if (approval is null || !Sees(http, approval))
        {
            return NotFound(id);
        }

        if (approval.Status != ApprovalState.Pending)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not pending",
                detail: $"Approval {id} is {ApprovalTransitions.WireName(approval.Status)}; only a pending approval can be withdrawn.");
        }

        try
        {
            approval = await bridge.CancelAsync(approval, cancellationToken).ConfigureAwait(false) ?? approval;
        }
        catch (FeishuApiException ex) when (!ex.IsTransient)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Feishu refused the withdrawal",
                detail: $"{ex.Msg} (code {ex.Code}, log id {ex.LogId}).");
        }
        catch (Exception ex) when (ApprovalBridge.Failure(ex) is not null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Feishu unavailable",
                detail: "Feishu did not answer; the approval may or may not be withdrawn. Send the cancel again in a moment (it is safe to repeat).");
        }

        await ApiAudit.WriteAsync(http, "approval.cancel", id, ("reference", approval.Reference)).ConfigureAwait(false);
        var found = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        var cancelled = await SubmissionAsync(store, found!.Value.Approval, cancellationToken).ConfigureAwait(false);
        return TypedResults.Json(ApprovalWire.ToDto(found.Value.Approval, found.Value.History, cancelled), HubApprovalsJsonContext.Default.ApprovalDto);
    }

    /// <summary>
    /// 201 with the approval once Feishu created its instance, 202 while it is still being submitted, 200 for a repeat of
    /// an earlier request, 422 for a create Feishu refused (with its code and message), 409 for a key reused for another request.
    /// </summary>
    private static async Task<IResult> AnswerAsync(ApprovalStore store, ApprovalCreateResult result, CancellationToken cancellationToken)
    {
        var approval = result.Approval;
        if (result.Status == ApprovalCreateStatus.KeyReused)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Idempotency key already used",
                detail: $"The key '{approval.IdempotencyKey}' was used for a different approval ({approval.Id}). Use a new key for a new approval; resend the identical request to get the original.",
                extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["approval_id"] = approval.Id });
        }

        var duplicate = result.Status == ApprovalCreateStatus.Existing;
        if (approval.Status == ApprovalState.Failed)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Feishu refused the approval",
                detail: $"Feishu did not create the instance: {approval.ErrorMessage} (code {approval.ErrorCode}, log id {approval.LogId}). Fix the cause and send a new request with a new idempotency key.",
                extensions: new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["approval_id"] = approval.Id,
                    ["status"] = "failed",
                    ["feishu_code"] = approval.ErrorCode,
                    ["feishu_message"] = approval.ErrorMessage,
                    ["log_id"] = approval.LogId,
                    ["duplicate"] = duplicate,
                });
        }

        var submission = await SubmissionAsync(store, approval, cancellationToken).ConfigureAwait(false);
        var dto = ApprovalWire.ToDto(approval, null, submission) with { Duplicate = duplicate };
        var status = duplicate ? StatusCodes.Status200OK : approval.Status == ApprovalState.Submitting ? StatusCodes.Status202Accepted : StatusCodes.Status201Created;
        return TypedResults.Json(dto, HubApprovalsJsonContext.Default.ApprovalDto, statusCode: status);
    }

    private static IResult Invalid(IReadOnlyList<ApprovalProblem> problems) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: "Invalid approval",
            detail: string.Join(" ", problems.Select(p => $"{p.Field}: {p.Message}")),
            extensions: new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["errors"] = problems.Select(p => new Dictionary<string, string>(StringComparer.Ordinal) { ["field"] = p.Field, ["message"] = p.Message }).ToArray(),
            });

    // Another caller's approval is reported as missing, not as forbidden: ids are not to be probed.
    private static bool Sees(HttpContext http, ApprovalRow approval) =>
        HubCaller.Of(http.User).Owns(approval.Caller);

    private static IResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Approval not found", detail: $"No approval '{id}' was created with this key.");
}

/// <summary>An approval: where it stands in Feishu, its tasks, and (for a single approval) its history.</summary>
public sealed record ApprovalDto(
    string Id,
    ApprovalState Status,
    string App,
    string ApprovalCode,
    string? InstanceCode,
    string? Reference,
    ApprovalApplicantDto Applicant,
    string? DepartmentId,
    string? Title,
    JsonElement Form,
    ApprovalTaskDto[] Tasks,
    ApprovalTransitionDto[]? History,
    FeishuErrorDto? Error,
    int Attempts,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SyncedAt,
    bool? Duplicate = null)
{
    /// <summary>The notification whose card opened it (a card's "Request approval" button), if any.</summary>
    public string? NotificationId { get; init; }
}

/// <summary>The applicant as named, and their open_id when known.</summary>
public sealed record ApprovalApplicantDto(string Type, string Value, string? OpenId);

/// <summary>One task: the approver, the node, its status.</summary>
public sealed record ApprovalTaskDto(string Id, string? ApproverOpenId, string? NodeId, string? NodeName, string Status, string? Comment);

/// <summary>One transition of the history.</summary>
public sealed record ApprovalTransitionDto(
    int Sequence, string Type, string Status, ApprovalTransitionTaskDto? Task, string? OperatorOpenId, string? Comment, string Source, DateTimeOffset At);

/// <summary>The task a transition concerns.</summary>
public sealed record ApprovalTransitionTaskDto(string Id, string? Status, string? NodeName);

/// <summary>Feishu's answer to a failed create (or the last failed attempt).</summary>

/// <summary>A page of approvals; <c>next</c> is the <c>before</c> of the next page (null on the last).</summary>
public sealed record ApprovalListDto(ApprovalDto[] Items, string? Next);

/// <summary>Source-generated JSON for the approvals API.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ApprovalDto))]
[JsonSerializable(typeof(ApprovalListDto))]
internal sealed partial class HubApprovalsJsonContext : JsonSerializerContext;

/// <summary>Rows to wire shapes.</summary>
internal static class ApprovalWire
{
    public static ApprovalDto ToDto(ApprovalRow row, IReadOnlyList<ApprovalTransitionRow>? history, ApprovalSubmission? submission)
    {
        using var form = JsonDocument.Parse(row.Form);
        var tasks = JsonSerializer.Deserialize(row.Tasks, ApprovalStorageJsonContext.Default.ApprovalTaskSnapshotArray) ?? [];
        return new ApprovalDto(
            row.Id,
            row.Status,
            HubAppService.NameOnWire(row.App),
            row.ApprovalCode,
            row.InstanceCode,
            row.Reference,
            new ApprovalApplicantDto(row.ApplicantType, row.Applicant, row.ApplicantOpenId),
            row.DepartmentId,
            row.Title,
            form.RootElement.Clone(),
            [.. tasks.Select(t => new ApprovalTaskDto(t.Id, t.OpenId, t.NodeId, t.NodeName, t.Status.ToLowerInvariant(), t.Comment))],
            history is null ? null : [.. history.Select(ToDto)],
            row.ErrorCode is { } code ? new FeishuErrorDto(code, row.ErrorMessage, row.LogId) : null,
            submission?.Attempts ?? 0,
            row.Status == ApprovalState.Submitting ? submission?.NextAttemptAt : null,
            row.CreatedAt,
            row.SyncedAt)
        {
            NotificationId = row.NotificationId,
        };
    }

    private static ApprovalTransitionDto ToDto(ApprovalTransitionRow t) => new(
        t.Sequence,
        t.EventType,
        t.Status,
        t.TaskId is null ? null : new ApprovalTransitionTaskDto(t.TaskId, t.TaskStatus?.ToLowerInvariant(), t.NodeName),
        t.OperatorOpenId,
        t.Comment,
        t.Source,
        t.At);
}
