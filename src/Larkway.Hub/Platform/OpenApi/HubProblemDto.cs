namespace Larkway.Hub.Platform.OpenApi;

/// <summary>
/// How every refusal of the Hub's API reads (<c>application/problem+json</c>, RFC 9457): what went wrong and, for a
/// request with problems in its fields, each of them by field. Some refusals add a member that names what they are
/// about; each is listed here, with when it comes.
/// </summary>
/// <param name="Type">A URI naming the kind of problem, when there is one.</param>
/// <param name="Title">A short summary, the same for every problem of its kind.</param>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Detail">What happened and what to do, in a sentence or two.</param>
/// <param name="Errors">Each problem of the request by the field it is in, all at once.</param>
/// <param name="Parameter">The query parameter that is wrong, for a refused query.</param>
/// <param name="NotificationId">On 409 for a reused idempotency key: the notification that holds the key.</param>
/// <param name="ApprovalId">On 409 for a reused idempotency key, and on 422: the approval it is about.</param>
/// <param name="RunId">On 409 while a directory sync runs: the run under way.</param>
/// <param name="Error">When a platform refused or did not answer: what it said.</param>
/// <param name="Card">On the 400 of a notification type's preview: the card as rendered from the data sent, beside what is wrong with it.</param>
public sealed record HubProblemDto(
    string? Type,
    string Title,
    int Status,
    string? Detail,
    IReadOnlyList<HubFieldProblemDto>? Errors,
    string? Parameter = null,
    string? NotificationId = null,
    string? ApprovalId = null,
    string? RunId = null,
    Larkway.Hub.Platform.Http.PlatformFailureDto? Error = null,
    [property: JsonKind(System.Text.Json.JsonValueKind.Object), System.ComponentModel.Description("On the 400 of a notification type's preview: the card as rendered from the data sent, beside what is wrong with it.")] System.Text.Json.JsonElement? Card = null);

/// <summary>One problem of a request, by the field it is in (<c>recipients[1].email</c>, <c>body</c>, a query parameter).</summary>
/// <param name="Field">Where: a member path of the body, or the name of a query parameter or header.</param>
/// <param name="Message">What is wrong there and what to send instead.</param>
public sealed record HubFieldProblemDto(string Field, string Message);
