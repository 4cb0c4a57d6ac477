namespace Larkway.Hub.BitableSync;

/// <summary>A page of a list: its rows, how many there are in all, and the id to ask the next page after (null on the last).</summary>
internal sealed record SyncPage<T>(IReadOnlyList<T> Items, int Total, long? Next)
{
    /// <summary>The page from <paramref name="rows"/> read as <paramref name="take"/> + 1 (the extra row says another page follows).</summary>
    public static SyncPage<T> Of(IReadOnlyList<T> rows, int take, int total, Func<T, long> id) =>
        rows.Count > take ? new([.. rows.Take(take)], total, id(rows[take - 1])) : new(rows, total, null);
}
