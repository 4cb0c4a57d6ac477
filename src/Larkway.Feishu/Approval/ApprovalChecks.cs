namespace Larkway.Feishu.Approval;

/// <summary>Argument checks of the approval client that say what to fix (nothing is sent when one fails).</summary>
internal static class ApprovalChecks
{
    public static string Required(string? value, string name, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{name} is empty; give {what}.", name);
        }

        return value.Trim();
    }

    public static IReadOnlyList<string> Ids(IEnumerable<string>? ids, string name, int max)
    {
        var list = ids?.Select(i => i?.Trim() ?? "").ToArray() ?? [];
        if (list.Length == 0)
        {
            throw new ArgumentException($"{name} is empty; give at least one id.", name);
        }

        var empty = Array.FindIndex(list, string.IsNullOrEmpty);
        if (empty >= 0)
        {
            throw new ArgumentException($"{name}[{empty}] is empty; remove it or give an id.", name);
        }

        if (list.Length > max)
        {
            throw new ArgumentException($"{name} has {list.Length} ids; Feishu takes at most {max}.", name);
        }

        return list;
    }

    public static void Window(DateTimeOffset from, DateTimeOffset to, string name, TimeSpan? max = null)
    {
        if (to < from)
        {
            throw new ArgumentException($"{name}: the end ({to:O}) is before the start ({from:O}); swap them.", name);
        }

        if (max is { } limit && to - from > limit)
        {
            throw new ArgumentException($"{name}: the window is {(to - from).TotalDays:0.##} days; Feishu searches at most {limit.TotalDays:0} days at a time. Split it.", name);
        }
    }
}
