namespace Larkway.Channels.Masking.Detectors;

/// <summary>
/// Digits as people type them: ASCII or full-width (<c>０</c>–<c>９</c>, which Chinese input methods produce), with the
/// checks shared by the number detectors.
/// </summary>
internal static class DigitText
{
    public static readonly System.Buffers.SearchValues<char> Digits = System.Buffers.SearchValues.Create("0123456789０１２３４５６７８９");

    public static bool IsDigit(char c) => c is (>= '0' and <= '9') or (>= '０' and <= '９');

    public static int Value(char c) => c <= '9' ? c - '0' : c - '０';

    /// <summary>A letter, digit or <c>_</c> (ASCII or full-width): a character that glues onto a number, making it part of a longer token.</summary>
    public static bool IsWordChar(char c) =>
        c is (>= '0' and <= '9') or (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or '_'
            or (>= '０' and <= '９') or (>= 'Ａ' and <= 'Ｚ') or (>= 'ａ' and <= 'ｚ');

    /// <summary>
    /// The start of the trailing run of characters a number is written with (digits, <c>X</c>, spaces, dashes, dots, colons,
    /// <c>+</c> and brackets) when it holds a digit: a number still being written may grow there, and what follows it
    /// decides whether it is one (a longer run, a letter, <c>元</c>). The text's length when it ends otherwise.
    /// </summary>
    public static int PendingStart(ReadOnlySpan<char> text)
    {
        var start = text.Length;
        var digit = false;
        while (start > 0 && IsNumberChar(text[start - 1]))
        {
            start--;
            digit |= IsDigit(text[start]);
        }

        return digit ? start : text.Length;
    }

    private static bool IsNumberChar(char c) =>
        IsDigit(c) || c is 'X' or 'x' or 'Ｘ' or 'ｘ' or ' ' or '-' or '.' or '．' or ':' or '+' or '＋' or '(' or ')' or '（' or '）';

    /// <summary>The digits of <paramref name="value"/> in ASCII, separators dropped; an <c>X</c> check character kept upper-case.</summary>
    public static string Canonical(ReadOnlySpan<char> value)
    {
        Span<char> buffer = value.Length <= 64 ? stackalloc char[value.Length] : new char[value.Length];
        var n = 0;
        foreach (var c in value)
        {
            if (IsDigit(c))
            {
                buffer[n++] = (char)('0' + Value(c));
            }
            else if (c is 'X' or 'x' or 'Ｘ' or 'ｘ')
            {
                buffer[n++] = 'X';
            }
        }

        return new string(buffer[..n]);
    }

    /// <summary>How many digits <paramref name="value"/> holds.</summary>
    public static int CountDigits(ReadOnlySpan<char> value)
    {
        var n = 0;
        foreach (var c in value)
        {
            if (IsDigit(c))
            {
                n++;
            }
        }

        return n;
    }

    /// <summary>
    /// Whether the number at <paramref name="start"/>..<paramref name="end"/> is only a piece of a longer number: glued to
    /// another digit run by a decimal point, a dash or a colon (a comma is a list: <c>13812345678,13912345678</c> is two) — <c>2023-13812345678</c>,
    /// <c>13812345678.50</c>, <c>10:13812345678</c> —, or part of an amount (a currency sign before it, <c>元</c> after it).
    /// </summary>
    public static bool IsPartOfLargerNumber(ReadOnlySpan<char> text, int start, int end)
    {
        if (start >= 2 && text[start - 1] is '.' or '-' or ':' or '．' && IsDigit(text[start - 2]))
        {
            return true;
        }

        if (end + 1 < text.Length && text[end] is '.' or '-' or ':' or '．' && IsDigit(text[end + 1]))
        {
            return true;
        }

        var before = start - 1;
        while (before >= 0 && text[before] == ' ')
        {
            before--;
        }

        if (before >= 0 && text[before] is '¥' or '￥' or '$' or '€' or '£' or '＄')
        {
            return true;
        }

        var after = end;
        while (after < text.Length && text[after] == ' ')
        {
            after++;
        }

        return after < text.Length && text[after] is '元' or '圆' or '块';
    }

    /// <summary>The Luhn check (ISO/IEC 7812-1) over the digits of <paramref name="value"/>.</summary>
    public static bool LuhnValid(ReadOnlySpan<char> value)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = value.Length - 1; i >= 0; i--)
        {
            if (!IsDigit(value[i]))
            {
                continue;
            }

            var d = Value(value[i]);
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return sum % 10 == 0;
    }
}
