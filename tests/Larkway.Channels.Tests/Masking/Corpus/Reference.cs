namespace Larkway.Channels.Tests.Masking.Corpus;

/// <summary>
/// The test side's own arithmetic for the corpus generator (GB 11643 check characters, Luhn check digits), written from
/// the standards rather than from the library so that a mistake in one does not hide in the other.
/// </summary>
internal static class Reference
{
    public static char IdCheckCharacter(string first17)
    {
        // ISO 7064 MOD 11-2: weight of position i (1-based from the right, check = 1) is 2^(i-1) mod 11.
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var weight = 1;
            for (var k = 0; k < 17 - i; k++)
            {
                weight = weight * 2 % 11;
            }

            sum += (first17[i] - '0') * weight;
        }

        var check = (12 - (sum % 11)) % 11;
        return check == 10 ? 'X' : (char)('0' + check);
    }

    public static char LuhnCheckDigit(string payload)
    {
        for (var d = 0; d <= 9; d++)
        {
            if (LuhnSum(payload + (char)('0' + d)) % 10 == 0)
            {
                return (char)('0' + d);
            }
        }

        throw new InvalidOperationException("unreachable");
    }

    public static bool LuhnValid(string digits) => LuhnSum(digits) % 10 == 0;

    private static int LuhnSum(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                d = d * 2 is var x && x > 9 ? x - 9 : x;
            }

            sum += d;
        }

        return sum;
    }
}
