using System.Text.RegularExpressions;

namespace Larkway.Channels.Masking.Detectors;

/// <summary>
/// Resident identity card numbers (GB 11643): 18 characters whose ISO 7064 MOD 11-2 check character (<c>0</c>–<c>9</c>,
/// <c>X</c>) is right, whose division code has a real province (GB/T 2260) and whose birth date exists — 18 random digits
/// are not masked — and, unless turned off, legacy 15-digit numbers with a real division code and a real 19xx date. ASCII
/// or full-width characters; not glued to letters or a longer number; inside links too. Display form:
/// <c>1101**********1234</c> (the province and prefecture and the last four kept; the county and the birth date are not).
/// </summary>
public sealed partial class ResidentIdDetector : PiiDetector
{
    private readonly bool _legacy;

    /// <summary>Creates the detector, named <see cref="PiiDetectorNames.ResidentId"/> with the label <c>ID</c>.</summary>
    /// <param name="includeLegacy">Whether legacy 15-digit numbers (first-generation cards, before 2004) are found too.</param>
    public ResidentIdDetector(bool includeLegacy = true)
        : base(PiiDetectorNames.ResidentId, "ID")
    {
        _legacy = includeLegacy;
    }

    /// <inheritdoc />
    public override int PendingStart(ReadOnlySpan<char> text) => DigitText.PendingStart(text);

    [GeneratedRegex(
        """(?<![0-9０-９A-Za-zＡ-Ｚａ-ｚ_])[0-9０-９]{15}(?:[0-9０-９]{2}[0-9０-９XxＸｘ])?(?![0-9０-９A-Za-zＡ-Ｚａ-ｚ_])""",
        RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <inheritdoc />
    public override void Find(ReadOnlySpan<char> text, List<PiiSpan> found)
    {
        ArgumentNullException.ThrowIfNull(found);
        Span<char> canonical = stackalloc char[18];
        var scanned = 0;
        foreach (var (runStart, runEnd) in new DigitRuns(text, 15))
        {
            // The pattern runs around the run only: from 5 characters before it (a "(+86) " prefix, the lookbehind) to 2
            // after it (a check character X, the lookahead); a match is taken once.
            var window = text[..Math.Min(text.Length, runEnd + 2)];
            foreach (var m in Pattern().EnumerateMatches(window, Math.Max(scanned, runStart - 5)))
            {
                scanned = m.Index + m.Length;
                var value = text.Slice(m.Index, m.Length);
                for (var i = 0; i < value.Length; i++)
                {
                    var c = value[i];
                    canonical[i] = DigitText.IsDigit(c) ? (char)('0' + DigitText.Value(c)) : 'X';
                }

                if (ResidentIdNumber.IsValid(canonical[..value.Length], _legacy) && !DigitText.IsPartOfLargerNumber(text, m.Index, m.Index + m.Length))
                {
                    found.Add(new PiiSpan(m.Index, m.Length));
                }
            }
        }
    }

    /// <inheritdoc />
    public override string Normalize(ReadOnlySpan<char> value) => DigitText.Canonical(value);

    /// <inheritdoc />
    public override string DisplayMask(ReadOnlySpan<char> value)
    {
        var id = Normalize(value);
        return string.Concat(id.AsSpan(0, 4), new string('*', id.Length - 8), id.AsSpan(id.Length - 4));
    }
}
