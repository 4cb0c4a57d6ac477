using System.Text.Json;
using System.Text.Json.Serialization;
using Larkway.Hub.Approvals;
using Larkway.Hub.Apps;
using Larkway.Hub.Platform.Audit;
using Larkway.Hub.Platform.Auth;
using Larkway.Hub.Platform.Http;
using Larkway.Hub.Platform.OpenApi;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the approvals API.</summary>
public static class HubApprovalsEndpointRouteBuilderExtensions
{
    /// <summary>Most approvals a list returns.</summary>
    public const int MaxListLimit = 200;

    /// <summary>
    /// Maps <c>POST /api/v1/approvals</c>, <c>GET /api/v1/approvals[?reference=&amp;status=&amp;platform=&amp;limit=&amp;after=]</c>,
    /// <c>GET /api/v1/approvals/{id}</c> and <c>POST /api/v1/approvals/{id}/cancel</c> (an API key or the admin key; a key
    /// sees only its own approvals). Needs <c>AddHubApprovals</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapHubApprovalsApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var approvals = endpoints.MapGroup("/api/v1/approvals").WithTags("Approvals");
        approvals.RequireHubCaller();
        approvals.MapPost("", CreateAsync).WithName("CreateApproval")
            .WithSummary("Request an approval")
            .WithDescription("Creates an approval on the platform of the app named (Feishu, DingTalk or WeCom; the default app when none) for an applicant, once per idempotency key, "
                + "after checking the form against the platform's definition: "
                + "201 once the platform created it, 202 while it is still being submitted (the platform was slow or unavailable; the Hub keeps trying and never creates it twice, follow it with GET /api/v1/approvals/{id}), "
                + "200 with the first one for a repeat of the same request (duplicate true). 409 when the key was used for a different request (approval_id names it); "
                + "422 when the platform refused to create it (error says why; the approval is stored as failed, send a new request with a new key). "
                + "503 when the platform did not answer the checks: nothing was created, send the same request again.")
            .ReadsJson<ApprovalCreateBody>(example: ApprovalCreateBody.Example)
            .Header("Idempotency-Key", "The approval's idempotency key, instead of the body's idempotency_key (or the same value in both).")
            .Answers<ApprovalDto>(StatusCodes.Status201Created, StatusCodes.Status202Accepted, StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status409Conflict)
            .Refuses<ApprovalRefusedProblemDto>(StatusCodes.Status422UnprocessableEntity);
        approvals.MapGet("", ListAsync).WithName("ListApprovals")
            .WithSummary("List approvals")
            .WithDescription("The caller's approvals (every caller's for the admin key), newest first, without their history.")
            .Query<string>("reference", "Only the approvals with this reference (your own id).")
            .Query<ApprovalState>("status", "Only approvals in this state.")
            .Query<string>("platform", "Only approvals on this platform, named as approvals name it (their `platform`): one of the platforms with approvals in this Hub.")
            .Paged(ApprovalService.DefaultListLimit, MaxListLimit)
            .Answers<ApprovalListDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status400BadRequest);
        approvals.MapGet("/{id}", GetAsync).WithName("GetApproval")
            .WithSummary("Get an approval")
            .WithDescription("Where the approval stands on its platform: its tasks and their approvers, and its history of decisions. Another key's approval is not found.")
            .Answers<ApprovalDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status404NotFound);
        approvals.MapPost("/{id}/cancel", CancelAsync).WithName("CancelApproval")
            .WithSummary("Withdraw an approval")
            .WithDescription("Withdraws a pending approval on behalf of its applicant and answers it with status canceled. "
                + "409 when it is no longer pending or the platform refused the withdrawal (error says why); 503 when the platform did not answer (safe to repeat).")
            .Answers<ApprovalDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        return endpoints;
    }

    /// <summary>A member without a value is left out, as in every answer of the API (a problem's extras are written as given).</summary>
    private static Dictionary<string, object?> WithoutNulls(Dictionary<string, object?> members) =>
        members.Where(m => m.Value is not null).ToDictionary(StringComparer.Ordinal);

    private static async Task<Results<JsonHttpResult<ApprovalDto>, ProblemHttpResult>> CreateAsync(
        HttpContext http, [FromServices] ApprovalService approvals, [FromServices] ApprovalPlatforms platforms, CancellationToken cancellationToken)
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

        var result = await approvals.SubmitAsync(request, HubCaller.Of(http.User), cancellationToken).ConfigureAwait(false);
        return Answer(result, platforms);
    }

    /// <summary>
    /// 201 with the approval once the platform created its instance, 202 while it is still being submitted, 200 for a repeat
    /// of an earlier request, 422 for a create the platform refused (with its code and message), 409 for a key reused for
    /// another request, 400 for an invalid request, 503 when the platform did not answer the checks.
    /// </summary>
    private static Results<JsonHttpResult<ApprovalDto>, ProblemHttpResult> Answer(ApprovalRequestResult result, ApprovalPlatforms platforms) => result switch
    {
        { Outcome: ApprovalRequestOutcome.KeyReused, Approval: { } reused } => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Idempotency key already used",
            detail: $"The key '{reused.IdempotencyKey}' was used for a different approval ({reused.Id}). Use a new key for a new approval; resend the identical request to get the original.",
            extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["approval_id"] = reused.Id }),
        { Outcome: ApprovalRequestOutcome.Refused, Approval: { } refused } => Refused(refused, result.Duplicate, platforms.KeepsDeprecatedNames(refused.Platform)),
        { Approval: { } stored } => TypedResults.Json(
            ApprovalWire.ToDto(new ApprovalDetails(stored, null, result.Submission, result.Persons), platforms.KeepsDeprecatedNames(stored.Platform)) with { Duplicate = result.Duplicate },
            HubApprovalsJsonContext.Default.ApprovalDto,
            statusCode: result.Outcome switch
            {
                ApprovalRequestOutcome.Repeated => StatusCodes.Status200OK,
                ApprovalRequestOutcome.Submitting => StatusCodes.Status202Accepted,
                _ => StatusCodes.Status201Created,
            }),
        { Outcome: ApprovalRequestOutcome.PlatformUnavailable } => TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: $"{result.Platform} unavailable",
            detail: $"{result.Platform} did not answer while the request was checked; nothing was created. Send the same request again (same idempotency key) in a moment."),
        _ => Invalid(result.Problems),
    };

    /// <summary>
    /// The 422 of a refused create: the failure in the shape every platform's has, and — where the platform keeps the
    /// deprecated names (<see cref="IApprovalPlatform.KeepsDeprecatedNames"/>) — <c>feishu_code</c>, <c>feishu_message</c> and <c>log_id</c>.
    /// </summary>
    private static ProblemHttpResult Refused(ApprovalRow refused, bool duplicate, bool deprecatedNames)
    {
        var error = ApprovalWire.Failure(refused);
        var display = HubAppPlatform.Display(refused.Platform);
        var feishu = deprecatedNames;
        var reference = error?.RequestId is { } requestId ? $", request id {requestId}" : "";
        return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: $"{display} refused the approval",
            detail: $"{display} did not create the instance: {refused.ErrorMessage} (code {ErrorCodeText(error)}{reference}). Fix the cause and send a new request with a new idempotency key.",
            extensions: WithoutNulls(new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["approval_id"] = refused.Id,
                ["error"] = error is null ? null : FailureMembers.Of(error),
                ["feishu_code"] = feishu ? refused.ErrorCode : null,
                ["feishu_message"] = feishu ? refused.ErrorMessage : null,
                ["log_id"] = feishu ? refused.LogId : null,
                ["duplicate"] = duplicate,
            }));
    }

    private static string ErrorCodeText(PlatformFailureDto? error) => error?.Code.ValueKind switch
    {
        JsonValueKind.String => error.Code.GetString()!,
        JsonValueKind.Number => error.Code.GetRawText(),
        _ => "none",
    };

    private static async Task<Results<JsonHttpResult<ApprovalDto>, ProblemHttpResult>> GetAsync(
        HttpContext http, string id, [FromServices] ApprovalService approvals, [FromServices] ApprovalPlatforms platforms, CancellationToken cancellationToken) =>
        await approvals.GetAsync(id, HubCaller.Of(http.User), cancellationToken).ConfigureAwait(false) is { } found
            ? TypedResults.Json(ApprovalWire.ToDto(found, platforms.KeepsDeprecatedNames(found.Approval.Platform)), HubApprovalsJsonContext.Default.ApprovalDto)
            : NotFound(id);

    private static async Task<Results<JsonHttpResult<ApprovalListDto>, ProblemHttpResult>> ListAsync(
        HttpContext http, [FromServices] ApprovalService approvals, [FromServices] ApprovalPlatforms platforms, string? reference, string? status, string? platform, string? limit, CancellationToken cancellationToken)
    {
        var problems = new List<ApprovalProblem>();
        var state = status is null ? null : ApprovalTransitions.Parse(status);
        if (status is not null && state is null)
        {
            problems.Add(new("status", "One of " + WireName<ApprovalState>.Choices + "."));
        }

        if (platform is not null && platforms.Find(platform) is null)
        {
            problems.Add(new("platform", "One of " + string.Join(", ", platforms.All.Select(p => p.Platform)) + " (the platforms with approvals in this Hub, as an approval's `platform` names them)."));
        }

        var limitProblems = new List<(string Field, string Message)>();
        var take = ListPaging.ReadLimit(limit, ApprovalService.DefaultListLimit, MaxListLimit, limitProblems);
        problems.AddRange(limitProblems.Select(p => new ApprovalProblem(p.Field, p.Message)));
        var (cursorName, before) = ListPaging.Cursor(http.Request.Query);
        if (before is not null && !PageCursor.IsHexId(before, "apr_"))
        {
            problems.Add(new(cursorName, "The `next` of the previous page (an approval id, apr_ and 32 hex digits)."));
        }

        if (problems.Count > 0)
        {
            return Invalid(problems);
        }

        var page = await approvals.ListAsync(HubCaller.Of(http.User), reference, state, before, take, cancellationToken, platform).ConfigureAwait(false);
        return TypedResults.Json(
            new ApprovalListDto([.. page.Items.Select(a => ApprovalWire.ToDto(a, platforms.KeepsDeprecatedNames(a.Approval.Platform)))], page.Next),
            HubApprovalsJsonContext.Default.ApprovalListDto);
    }

    private static async Task<Results<JsonHttpResult<ApprovalDto>, ProblemHttpResult>> CancelAsync(
        HttpContext http, string id, [FromServices] ApprovalService approvals, [FromServices] ApprovalPlatforms platforms, CancellationToken cancellationToken)
    {
        var cancelled = await approvals.CancelAsync(id, HubCaller.Of(http.User), cancellationToken).ConfigureAwait(false);
        switch (cancelled)
        {
            case { Outcome: ApprovalCancelOutcome.Cancelled, Approval: { } approval }:
                await ApiAudit.WriteAsync(http, "approval.cancel", id, ("reference", approval.Approval.Reference)).ConfigureAwait(false);
                return TypedResults.Json(ApprovalWire.ToDto(approval, platforms.KeepsDeprecatedNames(approval.Approval.Platform)), HubApprovalsJsonContext.Default.ApprovalDto);
            case { Outcome: ApprovalCancelOutcome.NotPending }:
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not pending",
                    detail: $"Approval {id} is {ApprovalTransitions.WireName(cancelled.Status)}; only a pending approval can be withdrawn.");
            case { Outcome: ApprovalCancelOutcome.Refused, Refusal: { } refusal }:
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"{HubAppPlatform.Display(refusal.Platform)} refused the withdrawal",
                    detail: $"{refusal.Message} (code {refusal.CodeText}{(refusal.RequestId is { } rid ? $", request id {rid}" : "")}). The approval is {ApprovalTransitions.WireName(cancelled.Status)}.",
                    extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["error"] = FailureMembers.Of(refusal.ToDto()), ["status"] = ApprovalTransitions.WireName(cancelled.Status) });
            case { Outcome: ApprovalCancelOutcome.PlatformUnavailable, Refusal: { } unanswered }:
                return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: $"{HubAppPlatform.Display(unanswered.Platform)} unavailable",
                    detail: $"{HubAppPlatform.Display(unanswered.Platform)} did not answer; the approval may or may not be withdrawn. Send the cancel again in a moment (it is safe to repeat).");
            default:
                return NotFound(id);
        }
    }

    private static ProblemHttpResult Invalid(IReadOnlyList<ApprovalProblem> problems) =>
        FieldProblems.Result(StatusCodes.Status400BadRequest, "Invalid approval", problems.Select(p => (p.Field, p.Message)));

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Approval not found", detail: $"No approval '{id}' was created with this key.");
}

/// <summary>An approval: where it stands on its platform, its tasks, and (for a single approval) its history.</summary>
public sealed record ApprovalDto(
    string Id,
    ApprovalState Status,
    string App,
    [property: System.ComponentModel.Description("The platform of the app: feishu, dingtalk or wecom.")] string Platform,
    [property: System.ComponentModel.Description("The definition on the platform (Feishu's approval code, DingTalk's process code, WeCom's template id).")] string Definition,
    [property: System.ComponentModel.Description("The platform's id of the instance (Feishu's instance code, DingTalk's process instance id, WeCom's sp_no).")] string? InstanceCode,
    string? Reference,
    ApprovalApplicantDto Applicant,
    string? DepartmentId,
    string? Title,
    [property: JsonKind(JsonValueKind.Object), System.ComponentModel.Description("The form's values as they were sent.")] JsonElement Form,
    ApprovalTaskDto[] Tasks,
    ApprovalTransitionDto[]? History,
    PlatformFailureDto? Error,
    int Attempts,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SyncedAt,
    bool? Duplicate = null)
{
    /// <summary>Deprecated: <c>definition</c>, under its Feishu name.</summary>
    [System.ComponentModel.Description("Deprecated: definition.")]
    public string? ApprovalCode { get; init; }

    /// <summary>The notification whose card opened it (a card's "Request approval" button), if any.</summary>
    public string? NotificationId { get; init; }

    /// <summary>The approvers picked for self-select nodes (node → people, each with their id on the platform when known), if any.</summary>
    public IReadOnlyDictionary<string, ApprovalPersonDto[]>? Approvers { get; init; }
}

/// <summary>A person as the request named them, and their id on the approval's platform when known.</summary>
public sealed record ApprovalPersonDto(string Type, string Value, string? UserId)
{
    /// <summary>Deprecated (Feishu approvals only): <c>user_id</c>, under Feishu's name.</summary>
    [System.ComponentModel.Description("Deprecated, Feishu approvals only: user_id.")]
    public string? OpenId { get; init; }
}

/// <summary>The applicant as named, their id on the approval's platform when known, and their directory person.</summary>
public sealed record ApprovalApplicantDto(string Type, string Value, string? UserId, string? PersonId)
{
    /// <summary>Deprecated (Feishu approvals only): <c>user_id</c>, under Feishu's name.</summary>
    [System.ComponentModel.Description("Deprecated, Feishu approvals only: user_id.")]
    public string? OpenId { get; init; }
}

/// <summary>A person on a platform: their id there and, when the directory knows them, their directory person.</summary>
public sealed record ApprovalUserDto(
    [property: System.ComponentModel.Description("feishu, dingtalk or wecom.")] string Platform,
    [property: System.ComponentModel.Description("Their id on the platform under the approval's app (Feishu's open_id, DingTalk's and WeCom's userid).")] string UserId,
    [property: System.ComponentModel.Description("Their directory person (GET /api/v1/people/{id}), when known.")] string? PersonId);

/// <summary>One task: the approver, the node, its status.</summary>
public sealed record ApprovalTaskDto(string Id, ApprovalUserDto? Approver, string? NodeId, string? NodeName, string Status, string? Comment)
{
    /// <summary>Deprecated (Feishu approvals only): <c>approver.user_id</c>.</summary>
    [System.ComponentModel.Description("Deprecated, Feishu approvals only: approver.user_id.")]
    public string? ApproverOpenId { get; init; }
}

/// <summary>One transition of the history.</summary>
public sealed record ApprovalTransitionDto(
    int Sequence, string Type, string Status, ApprovalTransitionTaskDto? Task, ApprovalUserDto? Operator, string? Comment, string Source, DateTimeOffset At)
{
    /// <summary>Deprecated (Feishu approvals only): <c>operator.user_id</c>.</summary>
    [System.ComponentModel.Description("Deprecated, Feishu approvals only: operator.user_id.")]
    public string? OperatorOpenId { get; init; }
}

/// <summary>The task a transition concerns.</summary>
public sealed record ApprovalTransitionTaskDto(string Id, string? Status, string? NodeName);

/// <summary>A page of approvals; <c>next</c> is the <c>after</c> of the next page (null on the last).</summary>
public sealed record ApprovalListDto(ApprovalDto[] Items, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Next);

/// <summary>Source-generated JSON for the approvals API.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ApprovalDto))]
[JsonSerializable(typeof(ApprovalListDto))]
[JsonSerializable(typeof(ApprovalCreateBody))]
internal sealed partial class HubApprovalsJsonContext : JsonSerializerContext;

/// <summary>Rows to wire shapes.</summary>
internal static class ApprovalWire
{
    /// <summary>The platform's refusal of the approval's create (or its last failed attempt), in the shape every platform's failure has; null without one.</summary>
    public static PlatformFailureDto? Failure(ApprovalRow row) =>
        PlatformFailure.Read(HubAppPlatform.Of(row.Platform), row.ErrorCodeText, row.ErrorCode, row.ErrorMessage, row.LogId)?.ToDto();

    public static ApprovalDto ToDto(ApprovalDetails details, bool deprecatedNames)
    {
        ArgumentNullException.ThrowIfNull(details);
        var row = details.Approval;
        var platform = HubAppPlatform.Of(row.Platform);
        var feishu = deprecatedNames;
        var app = row.App ?? "";
        ApprovalUserDto? User(string? userId) => userId is null ? null
            : new ApprovalUserDto(platform, userId, details.Persons?.GetValueOrDefault((platform, app, userId)));

        using var form = JsonDocument.Parse(row.Form);
        var tasks = JsonSerializer.Deserialize(row.Tasks, ApprovalStorageJsonContext.Default.ApprovalTaskSnapshotArray) ?? [];
        return new ApprovalDto(
            row.Id,
            row.Status,
            HubAppService.NameOnWire(row.App),
            platform,
            row.Definition,
            row.InstanceCode,
            row.Reference,
            new ApprovalApplicantDto(row.ApplicantType, row.Applicant, row.ApplicantUserId, row.ApplicantPersonId) { OpenId = feishu ? row.ApplicantUserId : null },
            row.DepartmentId,
            row.Title,
            form.RootElement.Clone(),
            [.. tasks.Select(t => new ApprovalTaskDto(t.Id, User(t.UserId), t.NodeId, t.NodeName, t.Status.ToLowerInvariant(), t.Comment) { ApproverOpenId = feishu ? t.UserId : null })],
            details.History is null ? null : [.. details.History.Select(h => ToDto(h, User(h.OperatorUserId), feishu))],
            Failure(row),
            details.Submission?.Attempts ?? 0,
            row.Status == ApprovalState.Submitting ? details.Submission?.NextAttemptAt : null,
            row.CreatedAt,
            row.SyncedAt)
        {
            ApprovalCode = feishu ? row.Definition : null,
            NotificationId = row.NotificationId,
            Approvers = ApprovalApprovers.Deserialize(row.Approvers)?.ToDictionary(
                kv => kv.Key, kv => kv.Value.Select(p => new ApprovalPersonDto(p.Type, p.Value, p.UserId) { OpenId = feishu ? p.UserId : null }).ToArray(), StringComparer.Ordinal),
        };
    }

    private static ApprovalTransitionDto ToDto(ApprovalTransitionRow t, ApprovalUserDto? actor, bool feishu) => new(
        t.Sequence,
        t.EventType,
        t.Status,
        t.TaskId is null ? null : new ApprovalTransitionTaskDto(t.TaskId, t.TaskStatus?.ToLowerInvariant(), t.NodeName),
        actor,
        t.Comment,
        t.Source,
        t.At)
    {
        OperatorOpenId = feishu ? t.OperatorUserId : null,
    };
}
