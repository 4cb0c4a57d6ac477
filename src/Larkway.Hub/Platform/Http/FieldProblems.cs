using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Larkway.Hub.Platform.Http;

/// <summary>
/// How every Hub API answers a request with something wrong in its fields: one problem whose <c>detail</c> names them
/// all ("field: message …") and whose <c>errors</c> holds each as {field, message}, so a caller can show them by field.
/// </summary>
internal static class FieldProblems
{
    /// <summary>The problem for <paramref name="problems"/>, with any <paramref name="more"/> members beside <c>errors</c>.</summary>
    public static ProblemHttpResult Result(int status, string title, IEnumerable<(string Field, string Message)> problems, IReadOnlyDictionary<string, object?>? more = null)
    {
        var list = problems.ToList();
        return TypedResults.Problem(
            statusCode: status,
            title: title,
            detail: string.Join(" ", list.Select(p => $"{p.Field}: {p.Message}")),
            extensions: Extensions(list, more));
    }

    /// <summary>The <c>errors</c> member (and any <paramref name="more"/>) of a problem whose detail is written otherwise.</summary>
    public static Dictionary<string, object?> Extensions(IEnumerable<(string Field, string Message)> problems, IReadOnlyDictionary<string, object?>? more = null) =>
        new(more ?? new Dictionary<string, object?>(), StringComparer.Ordinal)
        {
            ["errors"] = problems.Select(p => new Dictionary<string, string>(StringComparer.Ordinal) { ["field"] = p.Field, ["message"] = p.Message }).ToArray(),
        };
}
