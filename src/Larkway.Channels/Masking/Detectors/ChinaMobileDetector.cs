using System.Text.RegularExpressions;

namespace Larkway.Channels.Masking.Detectors;

/// <summary>
/// Mainland China mobile numbers: 11 digits <c>1[3-9]x xxxx xxxx</c>, written together or grouped 3-4-4 with spaces or
/// dashes (one kind per number), optionally after <c>+86</c>, <c>0086</c>, <c>86</c> or <c>(+86)</c>; ASCII or full-width
/// digits. Not when glued to letters or a longer number (an order number, a timestamp, a decimal amount), after a
/// currency sign or before <c>元</c>. Found inside links too (host, path, query, fragment). Display form: <c>138****5678</c> (a country code kept as written).
/// </summary>
public sealed partial class ChinaMobileDetector : PiiDetector
{
    /// <summary>Creates the detector, named <see cref="PiiDetectorNames.ChinaMobile"/> with the label <c>PHONE</c>.</summary>
    public ChinaMobileDetector()
        : base(PiiDetectorNames.ChinaMobile, "PHONE")
    {
    }

    /// <inheritdoc />
    public override int PendingStart(ReadOnlySpan<char> text) => DigitText.PendingStart(text);

    // The lookbehind keeps a match from starting inside a word or a digit run; the lookahead from ending inside one.
    [GeneratedRegex(
        """(?<![0-9０-９A-Za-zＡ-Ｚａ-ｚ_+＋])(?:(?:[+＋]|00)?86[ \-]?|[(（][+＋]?86[)）] ?)?[1１][3-9３-９][0-9０-９](?:[0-9０-９]{8}|(?<s>[ \-])[0-9０-９]{4}\k<s>[0-9０-９]{4})(?![0-9０-９A-Za-zＡ-Ｚａ-ｚ_])""",
        RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <inheritdoc />
    public override void Find(ReadOnlySpan<char> text, List<PiiSpan> found)
    {
        ArgumentNullException.ThrowIfNull(found);
        var scanned = 0;
        foreach (var (runStart, runEnd) in new DigitRuns(text, 11))
        {
            // The pattern runs around the run only: from 5 characters before it (a "(+86) " prefix, the lookbehind) to 2
            // after it (a check character X, the lookahead); a match is taken once.
            var window = text[..Math.Min(text.Length, runEnd + 2)];
            foreach (var m in Pattern().EnumerateMatches(window, Math.Max(scanned, runStart - 5)))
            {
                scanned = m.Index + m.Length;
                if (!DigitText.IsPartOfLargerNumber(text, m.Index, m.Index + m.Length))
                {
                    found.Add(new PiiSpan(m.Index, m.Length));
                }
            }
        }
    }

    /// <inheritdoc />
    public override string Normalize(ReadOnlySpan<char> value)
    {
        var digits = DigitText.Canonical(value);
        return digits.Length > 11 ? digits[^11..] : digits;
    }

    /// <inheritdoc />
    public override string DisplayMask(ReadOnlySpan<char> value)
    {
        var digits = Normalize(value);
        var prefix = value[..FirstNumberDigit(value)].ToString();
        return string.Concat(prefix, digits.AsSpan(0, 3), "****", digits.AsSpan(7, 4));
    }

    // Where the 11 digits of the number start: the 11th digit counted from the end.
    private static int FirstNumberDigit(ReadOnlySpan<char> value)
    {
        var seen = 0;
        for (var i = value.Length - 1; i >= 0; i--)
        {
            if (DigitText.IsDigit(value[i]) && ++seen == 11)
            {
                return i;
            }
        }

        return 0;
    }
}
