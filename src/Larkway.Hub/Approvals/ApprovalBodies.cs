using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.Seed;
using Larkway.Hub.Platform.OpenApi;

namespace Larkway.Hub.Approvals;

/// <summary>
/// The body of <c>POST /api/v1/approvals</c>: the members <see cref="ApprovalRequest.Parse"/> reads. The parser's list of
/// accepted fields is this type's (<see cref="ApprovalRequest.Shape"/>), so a member added here is one the API takes, and
/// the OpenAPI document describes the body from it.
/// </summary>
public sealed record ApprovalCreateBody(
    [property: Description("Required: the approval definition on the app's platform — Feishu's approval code, DingTalk's process code (PROC-…), WeCom's template id.")] string? Definition,
    [property: Description("Deprecated: definition, under its Feishu name (the same value when both are sent).")] string? ApprovalCode,
    [property: Required, Description("Who asks: an object with exactly one of email, person_id, or the platform's user_id (Feishu also open_id).")] ApprovalPersonBody Applicant,
    [property: Required, JsonKind(JsonValueKind.Object), Description("The form's values by field id or label: text as strings, numbers as numbers, amounts as a number or {\"value\", \"currency\"}, dates as \"2026-12-01\" or RFC 3339 strings, periods as {\"start\", \"end\"}, options by their value or text, several options as arrays, detail tables as arrays of row objects, attachments as arrays of the platform's file ids.")] JsonElement Form,
    [property: Description("For a definition with self-select nodes: each node (its id) to its approvers, each an email or an object with exactly one of email, person_id, user_id or (Feishu) open_id; at most 50 per node.")] IReadOnlyDictionary<string, IReadOnlyList<JsonElement>>? Approvers,
    [property: Description("The applicant's department, when they are in several.")] string? DepartmentId,
    [property: Description("The approval's title, where the platform shows one.")] string? Title,
    [property: Description("The app that submits it, of any platform with approvals (GET /api/v1/apps); leave it out for the default app.")] string? App,
    [property: Description("Your own id for it (e.g. PO-4711), echoed in every answer and callback and searchable with GET /api/v1/approvals?reference=.")] string? Reference,
    [property: Description("Unique to this approval (e.g. po-4711-approval); the same key again answers the first approval instead of creating a second. Or send it in the Idempotency-Key header.")] string? IdempotencyKey)
{
    /// <summary>
    /// The body the OpenAPI document shows as the example: Alice asks for a payment on the sandbox's Payment definition
    /// (its form: amount, reason, payment method), as docs/hub-approvals.md sends it.
    /// </summary>
    public static JsonObject Example => new()
    {
        ["definition"] = DefaultApprovals.PaymentCode,
        ["applicant"] = new JsonObject { ["email"] = "alice@example.com" },
        ["form"] = new JsonObject
        {
            ["amount"] = new JsonObject { ["value"] = 1200, ["currency"] = "CNY" },
            ["reason"] = "Team offsite",
            ["method"] = "bank",
        },
        ["reference"] = "PO-4711",
        ["idempotency_key"] = "po-4711-approval",
    };
}

/// <summary>A person named by exactly one of their email, their directory person, or an id of theirs on the approval's platform.</summary>
/// <param name="Email">The person's email address.</param>
/// <param name="PersonId">The person in the Hub's directory (GET /api/v1/people).</param>
/// <param name="OpenId">Feishu only: the person's open_id (ou_…) under the approval's app.</param>
/// <param name="UserId">The person's user id on the platform (Feishu's user_id, DingTalk's and WeCom's userid).</param>
public sealed record ApprovalPersonBody(
    [property: Description("The person's email address.")] string? Email,
    [property: Description("The person in the Hub's directory (GET /api/v1/people).")] string? PersonId,
    [property: Description("Feishu only: the person's open_id (ou_…) under the approval's app.")] string? OpenId,
    [property: Description("The person's user id on the platform (Feishu's user_id, DingTalk's and WeCom's userid).")] string? UserId);

/// <summary>The 422 of a create the platform refused: the problem, the stored (failed) approval and what the platform said.</summary>
/// <param name="Type">A URI naming the kind of problem.</param>
/// <param name="Title">A short summary.</param>
/// <param name="Status">422.</param>
/// <param name="Detail">What the platform said and what to do.</param>
/// <param name="ApprovalId">The approval, stored as failed.</param>
/// <param name="Error">What the platform answered, in the shape every platform's failure has.</param>
/// <param name="FeishuCode">Deprecated, Feishu approvals only: <c>error.code</c>.</param>
/// <param name="FeishuMessage">Deprecated, Feishu approvals only: <c>error.message</c>.</param>
/// <param name="LogId">Deprecated, Feishu approvals only: <c>error.request_id</c>.</param>
/// <param name="Duplicate">True when this answers a repeat of the request that was refused.</param>
public sealed record ApprovalRefusedProblemDto(
    string? Type,
    [property: Description("A short summary.")] string Title,
    int Status,
    string? Detail,
    [property: Description("The approval, stored as failed.")] string ApprovalId,
    [property: Description("What the platform answered, in the shape every platform's failure has.")] Larkway.Hub.Platform.Http.PlatformFailureDto? Error,
    [property: Description("Deprecated, Feishu approvals only: error.code.")] int? FeishuCode,
    [property: Description("Deprecated, Feishu approvals only: error.message.")] string? FeishuMessage,
    [property: Description("Deprecated, Feishu approvals only: error.request_id.")] string? LogId,
    [property: Description("True when this answers a repeat of the request that was refused.")] bool Duplicate);
