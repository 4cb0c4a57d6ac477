namespace Larkway.Hub.Platform.Http;

/// <summary>Parses the APIs' snake_case enum names back to the enum.</summary>
internal static class WireNames
{
    /// <summary>Accepts the wire name (<c>dead_letter</c>) or the enum name (<c>DeadLetter</c>), any case.</summary>
    public static bool TryParse<TEnum>(string value, Func<TEnum, string> wireName, out TEnum parsed)
        where TEnum : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (string.Equals(value, wireName(candidate), StringComparison.OrdinalIgnoreCase)
                || string.Equals(value, candidate.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                parsed = candidate;
                return true;
            }
        }

        parsed = default;
        return false;
    }
}
