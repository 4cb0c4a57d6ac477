namespace Larkway.Hub.Platform.OpenApi;

/// <summary>
/// How every refusal of the Hub's API reads (<c>application/problem+json</c>, RFC 9457): what went wrong and, for a
/// request with problems in its fields, each of them by field. An answer may add members of its own (a conflicting
/// notification's <c>notification_id</c>, a platform's <c>error</c>), which the schema allows.
/// </summary>
/// <param name="Type">A URI naming the kind of problem, when there is one.</param>
/// <param name="Title">A short summary, the same for every problem of its kind.</param>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Detail">What happened and what to do, in a sentence or two.</param>
/// <param name="Errors">Each problem of the request by the field it is in, all at once.</param>
public sealed record HubProblemDto(
    string? Type,
    string Title,
    int Status,
    string? Detail,
    IReadOnlyList<HubFieldProblemDto>? Errors);

/// <summary>One problem of a request, by the field it is in (<c>recipients[1].email</c>, <c>body</c>, a query parameter).</summary>
/// <param name="Field">Where: a member path of the body, or the name of a query parameter or header.</param>
/// <param name="Message">What is wrong there and what to send instead.</param>
public sealed record HubFieldProblemDto(string Field, string Message);
