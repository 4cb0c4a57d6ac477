namespace Larkway.Feishu.Authen;

/// <summary>Checks a list of OAuth scopes before it is sent: Feishu refuses blanks and repeats (20067) only after a round trip.</summary>
internal static class ScopeList
{
    public static IReadOnlyList<string> Check(IEnumerable<string>? scopes, string paramName)
    {
        var list = scopes?.ToArray() ?? [];
        if (Array.Find(list, s => string.IsNullOrWhiteSpace(s) || s.Contains(' ', StringComparison.Ordinal)) is { } bad)
        {
            throw new ArgumentException($"'{bad}' is not a scope: scopes are non-empty and have no spaces.", paramName);
        }

        if (list.GroupBy(s => s, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } repeated)
        {
            throw new ArgumentException($"The scope '{repeated.Key}' is given twice.", paramName);
        }

        return list;
    }

    /// <summary>The space-separated form the wire takes; null for none.</summary>
    public static string? Join(IReadOnlyList<string> scopes) => scopes.Count == 0 ? null : string.Join(' ', scopes);
}
