namespace Larkway.Hub.Webhooks;

/// <summary>
/// Which event types a subscription receives: exact names (<c>im.message.receive_v1</c>), families
/// (<c>im.message.*</c>: every type starting with <c>im.message.</c>) or <c>*</c> (everything, unknown types too).
/// Card actions are <c>card.action.trigger</c> (and <c>card.action.legacy</c> for old-style callbacks).
/// </summary>
public static class WebhookEventFilter
{
    /// <summary>Longest pattern accepted.</summary>
    public const int MaxPatternLength = 128;

    /// <summary>True when any of <paramref name="patterns"/> matches <paramref name="eventType"/>.</summary>
    public static bool Matches(IEnumerable<string> patterns, string eventType)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        ArgumentNullException.ThrowIfNull(eventType);
        foreach (var pattern in patterns)
        {
            if (pattern == "*" || string.Equals(pattern, eventType, StringComparison.Ordinal)
                || (pattern.EndsWith(".*", StringComparison.Ordinal) && eventType.StartsWith(pattern[..^1], StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The patterns of a stored, comma-separated list.</summary>
    public static string[] Split(string stored) =>
        (stored ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>True for <c>*</c>, an exact type name, or <c>prefix.*</c> (letters, digits, <c>. _ -</c>; a star only at the end after a dot).</summary>
    public static bool IsValidPattern(string pattern)
    {
        if (pattern == "*")
        {
            return true;
        }

        if (string.IsNullOrEmpty(pattern) || pattern.Length > MaxPatternLength)
        {
            return false;
        }

        var name = pattern.EndsWith(".*", StringComparison.Ordinal) ? pattern[..^2] : pattern;
        return name.Length > 0 && name[0] != '.' && name[^1] != '.' && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
    }
}
