using System.Text;
using System.Text.Json;
using Larkway.Hub.Apps;
using Larkway.Hub.Notifications;
using Larkway.Hub.Platform.Http;

namespace Larkway.Hub.Approvals;

/// <summary>An approval as a caller asked for it, checked field by field before anything is looked up or stored.</summary>
/// <param name="IdempotencyKey">The caller's key (body or <c>Idempotency-Key</c> header).</param>
/// <param name="Definition">The definition's code on the app's platform.</param>
/// <param name="ApplicantType"><c>email</c>, <c>person_id</c>, or one of the platform's id types (<c>open_id</c>, <c>user_id</c>).</param>
/// <param name="Applicant">The applicant (emails lower-cased).</param>
/// <param name="Form">The form values, a JSON object by widget id or custom id.</param>
/// <param name="RequestHash">The request's meaning, to tell a retry from a different request under the same key.</param>
public sealed record ApprovalRequest(
    string IdempotencyKey,
    string Definition,
    string ApplicantType,
    string Applicant,
    string Form,
    string RequestHash)
{
    /// <summary>The approvers the submitter picks for self-select nodes: node (custom node id or node id) → people.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<ApprovalPerson>>? Approvers { get; init; }

    /// <summary>The definition's name when the approval was accepted (what the approver's card calls it without a title).</summary>
    public string? ApprovalName { get; init; }

    /// <summary>The form as people read it (<see cref="ApprovalFormDisplay"/>, stored JSON), set once checked against the definition.</summary>
    public string? FormDisplay { get; init; }

    /// <summary>The applicant's department, when they are in several.</summary>
    public string? DepartmentId { get; init; }

    /// <summary>The instance title.</summary>
    public string? Title { get; init; }

    /// <summary>The stored app (null: the default app).</summary>
    public string? App { get; init; }

    /// <summary>The business system's own id, echoed back.</summary>
    public string? Reference { get; init; }

    /// <summary>The notification whose card asked for it (a card action, never the API).</summary>
    public string? NotificationId { get; init; }

    /// <summary>Ways to name a person: the Hub's (<c>email</c>, <c>person_id</c>) and the platforms' ids (which one the app's platform takes is checked later).</summary>
    public static readonly IReadOnlyList<string> ApplicantTypes = ["email", "person_id", "open_id", "user_id"];

    /// <summary>The members an approval request takes: <see cref="ApprovalCreateBody"/>'s, which the OpenAPI document describes.</summary>
    internal static JsonShape Shape => JsonShape.For(Microsoft.AspNetCore.Builder.HubApprovalsJsonContext.Default.ApprovalCreateBody);

    private static readonly HashSet<string> Fields = new(Shape.Known, StringComparer.Ordinal);

    /// <summary>
    /// Parses and checks a body; every problem is reported with its field and what to do, so a caller fixes them all
    /// at once. Null is returned with at least one problem. The form's values are checked against the definition later.
    /// </summary>
    public static ApprovalRequest? Parse(ReadOnlySpan<byte> body, string? idempotencyHeader, List<ApprovalProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (!JsonBody.TryReadObject(body, "definition, applicant, form and idempotency_key", out var root, out var problem))
        {
            problems.Add(new("body", problem));
            return null;
        }

        foreach (var field in root.EnumerateObject().Where(f => !Fields.Contains(f.Name)))
        {
            problems.Add(new(field.Name, "Not a field of an approval request (fields: " + string.Join(", ", Fields.Order(StringComparer.Ordinal)) + ")."));
        }

        var key = ParseIdempotencyKey(root, idempotencyHeader, problems);
        var code = ParseDefinition(root, problems);
        var (applicantType, applicant) = ParseApplicant(root, problems);
        var approvers = ApprovalApprovers.Parse(root, problems);
        var department = String(root, "department_id", ApprovalLimits.MaxIdLength, required: false, problems);
        var title = String(root, "title", ApprovalLimits.MaxTitleLength, required: false, problems);
        var reference = String(root, "reference", ApprovalLimits.MaxReferenceLength, required: false, problems);
        var app = String(root, "app", HubAppValidation.MaxNameLength, required: false, problems);
        if (app is not null && HubAppRegistry.IsDefault(app))
        {
            app = null;
        }
        else if (app is not null && !HubAppValidation.IsValidName(app))
        {
            problems.Add(new("app", "Must be the name of an app added to the Hub (GET /api/v1/apps lists them), or leave it out for the default app."));
        }

        string? form = null;
        if (!root.TryGetProperty("form", out var formElement) || formElement.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new("form", "Required: an object of the form's values by widget id or custom id, e.g. {\"reason\": \"Team offsite\", \"amount\": 1200}."));
        }
        else if (Encoding.UTF8.GetByteCount(formElement.GetRawText()) > ApprovalLimits.MaxFormBytes)
        {
            problems.Add(new("form", $"At most {ApprovalLimits.MaxFormBytes / 1024} KB of values."));
        }
        else
        {
            form = formElement.GetRawText();
        }

        if (problems.Count > 0)
        {
            return null;
        }

        return new ApprovalRequest(key!, code!, applicantType!, applicant!, form!, NotificationRequest.Hash(root))
        {
            Approvers = approvers,
            DepartmentId = department,
            Title = title,
            App = app,
            Reference = reference,
        };
    }

    /// <summary><c>definition</c>, or its deprecated name <c>approval_code</c> (the same value when both are sent).</summary>
    private static string? ParseDefinition(JsonElement root, List<ApprovalProblem> problems)
    {
        var definition = String(root, "definition", ApprovalLimits.MaxCodeLength, required: false, problems);
        var code = String(root, "approval_code", ApprovalLimits.MaxCodeLength, required: false, problems);
        if (definition is not null && code is not null && !string.Equals(definition, code, StringComparison.Ordinal))
        {
            problems.Add(new("definition", "definition and approval_code (its deprecated name) differ; send definition alone."));
            return null;
        }

        if ((definition ?? code) is { } given)
        {
            return given;
        }

        if (!problems.Any(p => p.Field is "definition" or "approval_code"))
        {
            problems.Add(new("definition", "Required: the approval definition on the app's platform — Feishu's approval code, DingTalk's process code (PROC-…), WeCom's template id."));
        }

        return null;
    }

    private static string? ParseIdempotencyKey(JsonElement root, string? header, List<ApprovalProblem> problems)
    {
        var bodyKey = String(root, "idempotency_key", int.MaxValue, required: false, problems);
        if (header is not null && bodyKey is not null && !string.Equals(header, bodyKey, StringComparison.Ordinal))
        {
            problems.Add(new("idempotency_key", "The Idempotency-Key header and the body's idempotency_key differ; send one, or the same value in both."));
            return null;
        }

        var key = header ?? bodyKey;
        if (string.IsNullOrWhiteSpace(key))
        {
            problems.Add(new("idempotency_key", "Required: a key unique to this approval (e.g. 'po-4711-approval'), in the body or the Idempotency-Key header. The same key again returns the same approval instead of creating a second."));
            return null;
        }

        if (key.Length > ApprovalLimits.MaxIdempotencyKeyLength)
        {
            problems.Add(new("idempotency_key", $"At most {ApprovalLimits.MaxIdempotencyKeyLength} characters."));
            return null;
        }

        return key;
    }

    private static (string? Type, string? Value) ParseApplicant(JsonElement root, List<ApprovalProblem> problems)
    {
        const string Hint = "Required: an object with one of email, person_id, open_id or user_id, e.g. {\"email\": \"alice@example.com\"}.";
        if (!root.TryGetProperty("applicant", out var applicant) || applicant.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new("applicant", Hint));
            return (null, null);
        }

        var person = ApprovalApprovers.ReadPerson(applicant, "applicant", allowPlainEmail: false, problems);
        return (person?.Type, person?.Value);
    }

    private static string? String(JsonElement root, string name, int maxLength, bool required, List<ApprovalProblem> problems)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                problems.Add(new(name, "Required: a non-empty string."));
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String || (required && string.IsNullOrWhiteSpace(value.GetString())))
        {
            problems.Add(new(name, required ? "Required: a non-empty string." : "Must be a string."));
            return null;
        }

        var text = value.GetString()!;
        if (text.Length > maxLength)
        {
            problems.Add(new(name, $"At most {maxLength} characters."));
            return null;
        }

        return text;
    }
}

/// <summary>One thing wrong with a request: the field (a JSON path such as <c>form.amount</c>) and what to do.</summary>
public sealed record ApprovalProblem(string Field, string Message);
