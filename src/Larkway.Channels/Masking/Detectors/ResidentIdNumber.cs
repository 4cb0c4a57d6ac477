namespace Larkway.Channels.Masking.Detectors;

/// <summary>
/// The rules of a resident identity number (GB 11643-1999): 18 characters — a 6-digit administrative division code
/// (GB/T 2260), the birth date <c>YYYYMMDD</c>, a 3-digit sequence and an ISO 7064 MOD 11-2 check character (<c>0</c>–<c>9</c>
/// or <c>X</c>) — or the legacy 15 digits (division code, <c>YYMMDD</c> in the 1900s, sequence; no check character).
/// </summary>
internal static class ResidentIdNumber
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckCharacters = "10X98765432";

    /// <summary>The ISO 7064 MOD 11-2 check character of the first 17 digits of <paramref name="canonical"/> (ASCII digits).</summary>
    public static char CheckCharacter(ReadOnlySpan<char> canonical)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (canonical[i] - '0') * Weights[i];
        }

        return CheckCharacters[sum % 11];
    }

    /// <summary>Whether <paramref name="canonical"/> (ASCII digits, upper-case <c>X</c>) is a well-formed resident id number.</summary>
    public static bool IsValid(ReadOnlySpan<char> canonical, bool allowLegacy)
    {
        if (canonical.Length == 18)
        {
            for (var i = 0; i < 17; i++)
            {
                if (canonical[i] is < '0' or > '9')
                {
                    return false;
                }
            }

            return HasDivisionShape(canonical)
                && IsRealDate(Number(canonical.Slice(6, 4)), Number(canonical.Slice(10, 2)), Number(canonical.Slice(12, 2)))
                && CheckCharacter(canonical) == canonical[17];
        }

        if (canonical.Length == 15 && allowLegacy)
        {
            foreach (var c in canonical)
            {
                if (c is < '0' or > '9')
                {
                    return false;
                }
            }

            return HasDivisionShape(canonical)
                && IsRealDate(1900 + Number(canonical.Slice(6, 2)), Number(canonical.Slice(8, 2)), Number(canonical.Slice(10, 2)));
        }

        return false;
    }

    /// <summary>
    /// The shape of a GB/T 2260 division code: a province code that exists (11–15, 21–23, 31–37, 41–46, 50–54, 61–65, and
    /// 71, 81, 82, 83 for Taiwan, Hong Kong and Macao residents) and, inside the mainland provinces, a prefecture part that is
    /// not <c>00</c>.
    /// </summary>
    public static bool HasDivisionShape(ReadOnlySpan<char> canonical)
    {
        var province = Number(canonical[..2]);
        var mainland = province is (>= 11 and <= 15) or (>= 21 and <= 23) or (>= 31 and <= 37) or (>= 41 and <= 46)
            or (>= 50 and <= 54) or (>= 61 and <= 65);
        if (mainland)
        {
            return Number(canonical.Slice(2, 2)) != 0;
        }

        return province is 71 or 81 or 82 or 83;
    }

    /// <summary>
    /// Whether the date exists on the calendar, from 1900 to 2099. Decision: no "not in the future" check — masking stays
    /// the same whatever the clock says, and a number that passes every other rule is masked anyway.
    /// </summary>
    public static bool IsRealDate(int year, int month, int day) =>
        year is >= 1900 and <= 2099 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);

    private static int Number(ReadOnlySpan<char> digits)
    {
        var n = 0;
        foreach (var c in digits)
        {
            n = (n * 10) + (c - '0');
        }

        return n;
    }
}
