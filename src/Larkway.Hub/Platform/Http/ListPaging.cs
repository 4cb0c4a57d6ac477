using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Larkway.Hub.Platform.Http;

/// <summary>
/// The query of one page of any Hub list: <c>limit</c> (a default and a maximum) and <c>after</c> (the <c>next</c> of
/// the previous page), checked together so one 400 names every problem. Every list answers
/// <c>{"items": […], "next": cursor or null}</c> (<see cref="ListPage{T}"/>); the rows are read as limit + 1 in an order
/// a row never leaves (keyset, never OFFSET), the extra one saying that another page follows.
/// </summary>
internal readonly record struct ListPaging(int Limit, string? After)
{
    /// <summary>The query parameter that carries the cursor, on every list.</summary>
    public const string CursorParameter = "after";

    /// <summary>The query of a list whose rows have <paramref name="idPrefix"/> + 32 hex digit ids, or the 400 that names what to fix.</summary>
    public static (ListPaging Paging, ProblemHttpResult? Refused) Read(string? limit, string? after, int defaultLimit, int maxLimit, string idPrefix) =>
        Read(limit, after, defaultLimit, maxLimit, ListCursor.HexId(idPrefix));

    /// <summary>The query of a list whose cursors are <paramref name="cursor"/>'s, or the 400 that names what to fix.</summary>
    /// <param name="cursorName">The parameter the cursor came in (see <see cref="Cursor"/>), named by the 400.</param>
    public static (ListPaging Paging, ProblemHttpResult? Refused) Read(string? limit, string? after, int defaultLimit, int maxLimit, ListCursor cursor, string cursorName = CursorParameter)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        var problems = new List<(string Field, string Message)>();
        var take = ReadLimit(limit, defaultLimit, maxLimit, problems);
        if (after is not null && !cursor.Fits(after))
        {
            problems.Add((cursorName, $"The `next` of the previous page ({cursor.Shape})."));
        }

        return problems.Count == 0 ? (new(take, after), null) : (default, Invalid(problems));
    }

    /// <summary>
    /// The cursor in <paramref name="query"/>: <c>after</c>, or <c>before</c> — what the newest-first lists (notifications,
    /// approvals, inbox events) called it before every list answered alike, still read so callers written then keep
    /// paging — with the name a 400 should blame.
    /// </summary>
    public static (string Name, string? Value) Cursor(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return query[CursorParameter].ToString() is { Length: > 0 } after ? (CursorParameter, after)
            : query["before"].ToString() is { Length: > 0 } before ? ("before", before)
            : (CursorParameter, null);
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

    /// <summary>The answer for <paramref name="rows"/> read as <see cref="Limit"/> + 1, each shown as <paramref name="dto"/>.</summary>
    public ListPage<TDto> Answer<TRow, TDto>(IReadOnlyList<TRow> rows, Func<TRow, string> cursor, Func<TRow, TDto> dto)
    {
        var (items, next) = Page(rows, cursor);
        return new([.. items.Select(dto)], next);
    }

    private static ProblemHttpResult Invalid(IReadOnlyList<(string Field, string Message)> problems) =>
        FieldProblems.Result(StatusCodes.Status400BadRequest, "Invalid list query", problems);
}

/// <summary>What a list's cursor looks like: checked before it reaches a query, so a made-up one is a 400 naming <c>after</c>.</summary>
/// <param name="Fits">True for a cursor this list could have handed out.</param>
/// <param name="Shape">What a cursor is, for the 400 ("a webhook id: whk_ and 32 hex digits").</param>
internal sealed record ListCursor(Func<string, bool> Fits, string Shape)
{
    /// <summary>Ids of the form <paramref name="prefix"/> and 32 lower-case hex digits.</summary>
    public static ListCursor HexId(string prefix) => new(c => PageCursor.IsHexId(c, prefix), $"an id: {prefix} and 32 hex digits");

    /// <summary>Whole-number ids (deliveries, events, passes).</summary>
    public static ListCursor Number { get; } = new(c => long.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1, "a whole number from 1");

    /// <summary>Names that <paramref name="valid"/> accepts, described as <paramref name="shape"/>.</summary>
    public static ListCursor Name(Func<string, bool> valid, string shape) => new(valid, shape);
}

/// <summary>One page of a list, as every Hub list answers: the items, and the <c>after</c> of the next page (null on the last).</summary>
public sealed record ListPage<T>(T[] Items, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Next);
