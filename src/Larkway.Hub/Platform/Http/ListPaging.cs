using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Larkway.Hub.Platform.Http;

/// <summary>
/// The query of one page of an admin list whose rows have <c>prefix</c> + 32 hex digit ids: <c>limit</c> (a default
/// and a maximum) and <c>after</c> (the <c>next</c> of the previous page), checked together so one 400 names every
/// problem. The answer is <c>{"items": […], "next": id or null}</c>; the rows are read as limit + 1, the extra one
/// saying that another page follows.
/// </summary>
internal readonly record struct ListPaging(int Limit, string? After)
{
    /// <summary>The query, or the 400 that names what to fix.</summary>
    public static (ListPaging Paging, ProblemHttpResult? Refused) Read(string? limit, string? after, int defaultLimit, int maxLimit, string idPrefix)
    {
        var problems = new List<(string Field, string Message)>();
        var take = ReadLimit(limit, defaultLimit, maxLimit, problems);
        if (after is not null && !PageCursor.IsHexId(after, idPrefix))
        {
            problems.Add(("after", $"The `next` of the previous page (an id: {idPrefix} and 32 hex digits)."));
        }

        return problems.Count == 0 ? (new(take, after), null) : (default, Invalid(problems));
    }

    /// <summary>A list's <c>limit</c>: <paramref name="defaultLimit"/> when absent; a problem named <c>limit</c> when it is no whole number from 1 to <paramref name="maxLimit"/>.</summary>
    public static int ReadLimit(string? limit, int defaultLimit, int maxLimit, List<(string Field, string Message)> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (limit is null)
        {
            return defaultLimit;
        }

        if (int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var take) && take >= 1 && take <= maxLimit)
        {
            return take;
        }

        problems.Add(("limit", string.Create(CultureInfo.InvariantCulture, $"A whole number from 1 to {maxLimit} (default {defaultLimit}).")));
        return defaultLimit;
    }

    /// <summary>The 400 for a cursor of the right form that names no row of the list (a page no one handed out).</summary>
    public static ProblemHttpResult UnknownCursor(string after) => Invalid([("after", $"No row of this list has the id '{after}': pass the `next` of the previous page, or leave `after` out to start at the first page.")]);

    /// <summary>The page's rows and its <c>next</c> from <paramref name="rows"/> read as <see cref="Limit"/> + 1.</summary>
    public (T[] Items, string? Next) Page<T>(IReadOnlyList<T> rows, Func<T, string> id) =>
        rows.Count > Limit ? ([.. rows.Take(Limit)], id(rows[Limit - 1])) : ([.. rows], null);

    private static ProblemHttpResult Invalid(IReadOnlyList<(string Field, string Message)> problems) =>
        FieldProblems.Result(StatusCodes.Status400BadRequest, "Invalid list query", problems);
}
