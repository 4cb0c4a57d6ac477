namespace Larkway.Hub.Platform.Http;

/// <summary>
/// The cursors of the Hub's lists: the id the previous page ended with (its <c>next</c>). Checked before it reaches a
/// query, so a cursor that no page handed out is a 400 naming it, not a page that quietly starts somewhere else.
/// </summary>
internal static class PageCursor
{
    /// <summary>True when <paramref name="value"/> is an id of the form <paramref name="prefix"/> and 32 lower-case hex digits.</summary>
    public static bool IsHexId(string value, string prefix) =>
        value.Length == prefix.Length + 32
        && value.StartsWith(prefix, StringComparison.Ordinal)
        && value.AsSpan(prefix.Length).IndexOfAnyExcept("0123456789abcdef") < 0;
}
