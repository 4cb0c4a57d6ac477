using System.Text;

namespace Larkway.Emulator.Platform;

/// <summary>A page of items and the cursor that continues after it (reference §1.4).</summary>
internal sealed record Page<T>(IReadOnlyList<T> Items, bool HasMore, string? PageToken);

/// <summary>
/// Keyset paging: a token names the sort key of the last item returned, so pages stay stable while
/// items are added or removed elsewhere in the list (an offset would skip or repeat items).
/// </summary>
internal static class Paging
{
    /// <param name="scope">What the listing is (container, sort order); a token from another scope is refused.</param>
    public static Page<T> Slice<T>(IReadOnlyList<T> sorted, Func<T, string> key, bool descending, string? pageToken, int pageSize, string scope, int invalidCode)
    {
        var start = 0;
        if (pageToken is not null)
        {
            var cursor = Decode(pageToken, scope) ?? throw ApiErrorException.BadRequest(invalidCode, "invalid request: page_token is invalid (or the sort order changed between pages)");
            start = StartAfter(sorted, key, descending, cursor);
        }

        var items = sorted.Skip(start).Take(pageSize).ToList();
        var hasMore = start + items.Count < sorted.Count;
        return new Page<T>(items, hasMore, hasMore ? Encode(scope, key(items[^1])) : null);
    }

    /// <summary>
    /// Just after the cursor's item; when that item is gone, after the first key past the cursor. The exact match first lets
    /// a listing in another order (a tree level by level) page by its own order, as long as its keys are unique.
    /// </summary>
    private static int StartAfter<T>(IReadOnlyList<T> sorted, Func<T, string> key, bool descending, string cursor)
    {
        for (var i = 0; i < sorted.Count; i++)
        {
            if (key(sorted[i]) == cursor)
            {
                return i + 1;
            }
        }

        for (var i = 0; i < sorted.Count; i++)
        {
            var comparison = string.CompareOrdinal(key(sorted[i]), cursor);
            if (descending ? comparison < 0 : comparison > 0)
            {
                return i;
            }
        }

        return sorted.Count;
    }

    private static string Encode(string scope, string cursor) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes("v1|" + scope + "|" + cursor)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string? Decode(string token, string scope)
    {
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(base64));
            var prefix = "v1|" + scope + "|";
            return text.StartsWith(prefix, StringComparison.Ordinal) ? text[prefix.Length..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
