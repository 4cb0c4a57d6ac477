using System.Text.RegularExpressions;

namespace Larkway.Channels.Masking.Detectors;

/// <summary>
/// Bank card numbers: 13–19 digits that pass the Luhn check, written together or in groups of four (the last group
/// shorter) or 4-6-5 / 4-6-4, with spaces or dashes (one kind per number), ASCII or full-width, whose issuer prefix and
/// length agree with a scheme cards in China carry (UnionPay 62, Visa 4, Mastercard 51–55 and 2221–2720, American Express
/// 34/37, JCB 3528–3589, Diners Club, Discover, domestic 95): millisecond timestamps and most ids start otherwise. Not a
/// resident id number (nor an 18-digit run shaped like one), not glued to letters or a longer number, not an amount, and
/// not right after an order/tracking/transaction label (<c>订单号</c>, <c>order no.</c>…), where a
/// Luhn-valid number is a coincidence one time in ten. Display form: <c>****1234</c>.
/// </summary>
public sealed partial class BankCardDetector : PiiDetector
{
    private static readonly string[] NotCardLabels =
        ["订单", "单号", "流水", "交易号", "运单", "快递", "工单", "发票", "票号", "编号", "order", "tracking", "invoice", "ticket", "txn", "transaction"];

    private readonly bool _legacyIds;

    /// <summary>Creates the detector, named <see cref="PiiDetectorNames.BankCard"/> with the label <c>CARD</c>.</summary>
    /// <param name="includeLegacyIds">Whether a number that is a legacy 15-digit resident id is left to the id detector too.</param>
    public BankCardDetector(bool includeLegacyIds = true)
        : base(PiiDetectorNames.BankCard, "CARD")
    {
        _legacyIds = includeLegacyIds;
    }

    /// <inheritdoc />
    public override int PendingStart(ReadOnlySpan<char> text) => DigitText.PendingStart(text);

    [GeneratedRegex(
        """(?<![0-9０-９A-Za-zＡ-Ｚａ-ｚ_])(?:[0-9０-９]{13,19}|[0-9０-９]{4}(?<s>[ \-])[0-9０-９]{4}(?:\k<s>[0-9０-９]{4}){1,2}(?:\k<s>[0-9０-９]{1,4})?|[0-9０-９]{4}(?<t>[ \-])[0-9０-９]{6}\k<t>[0-9０-９]{4,5})(?![0-9０-９A-Za-zＡ-Ｚａ-ｚ_])""",
        RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <inheritdoc />
    public override void Find(ReadOnlySpan<char> text, List<PiiSpan> found)
    {
        ArgumentNullException.ThrowIfNull(found);
        var scanned = 0;
        foreach (var (runStart, runEnd) in new DigitRuns(text, 13))
        {
            // The pattern runs around the run only: from 5 characters before it (a "(+86) " prefix, the lookbehind) to 2
            // after it (a check character X, the lookahead); a match is taken once.
            var window = text[..Math.Min(text.Length, runEnd + 2)];
            foreach (var m in Pattern().EnumerateMatches(window, Math.Max(scanned, runStart - 5)))
            {
                scanned = m.Index + m.Length;
                var start = m.Index;
                var end = m.Index + m.Length;
                var value = text[start..end];
                var digits = DigitText.CountDigits(value);
                var grouped = digits != value.Length;
                if (digits is >= 13 and <= 19 && DigitText.LuhnValid(value) && IssuerTakesLength(value, digits)
                    && !(grouped ? ContinuesGroups(text, start, end) : LooksLikeResidentId(value))
                    && !DigitText.IsPartOfLargerNumber(text, start, end) && !AfterNotCardLabel(text, start))
                {
                    found.Add(new PiiSpan(start, m.Length));
                }
            }
        }
    }

    /// <inheritdoc />
    public override string Normalize(ReadOnlySpan<char> value) => DigitText.Canonical(value);

    /// <inheritdoc />
    public override string DisplayMask(ReadOnlySpan<char> value) => string.Concat("****", Normalize(value).AsSpan()[^4..]);

    // The issuer ranges of the schemes cards in China carry, each with the lengths it issues: a number is a card only when
    // its prefix and length agree, which keeps random record ids of card length out nine times in ten more.
    private static bool IssuerTakesLength(ReadOnlySpan<char> value, int length)
    {
        Span<int> prefix = stackalloc int[4];
        var n = 0;
        foreach (var c in value)
        {
            if (DigitText.IsDigit(c))
            {
                prefix[n++] = DigitText.Value(c);
                if (n == 4)
                {
                    break;
                }
            }
        }

        var two = (prefix[0] * 10) + prefix[1];
        var three = (two * 10) + prefix[2];
        var four = (three * 10) + prefix[3];
        return prefix[0] switch
        {
            4 => length is 13 or 16 or 19,                                              // Visa
            5 => two is >= 51 and <= 55 && length == 16,                                // Mastercard
            2 => four is >= 2221 and <= 2720 && length == 16,                           // Mastercard 2-series
            3 when two is 34 or 37 => length == 15,                                     // American Express
            3 when four is >= 3528 and <= 3589 => length is >= 16 and <= 19,            // JCB
            3 when three is >= 300 and <= 305 || two is 36 or 38 or 39 => length is 14 or 16, // Diners Club
            6 when two == 62 => length is >= 16 and <= 19,                              // UnionPay
            6 when four == 6011 || three is >= 644 and <= 649 || two == 65 => length is >= 16 and <= 19, // Discover
            9 when two == 95 => length is >= 16 and <= 19,                              // domestic cards before UnionPay (9558…)
            _ => false,
        };
    }

    // A run of 18 that has a resident id's division code and birth year is an id number (a mistyped one when its check
    // character is wrong: that is the id detector's call, not a card); so is a valid legacy 15-digit one.
    private bool LooksLikeResidentId(ReadOnlySpan<char> value)
    {
        if (value.Length == 18)
        {
            var canonical = DigitText.Canonical(value);
            var year = ((canonical[6] - '0') * 1000) + ((canonical[7] - '0') * 100) + ((canonical[8] - '0') * 10) + (canonical[9] - '0');
            return ResidentIdNumber.HasDivisionShape(canonical) && year is >= 1800 and <= 2099;
        }

        return value.Length == 15 && ResidentIdNumber.IsValid(DigitText.Canonical(value), _legacyIds);
    }

    // A grouped number that goes on (" 1234" after it, or "1234 " before it) is a piece of a longer grouped run.
    private static bool ContinuesGroups(ReadOnlySpan<char> text, int start, int end) =>
        (end + 1 < text.Length && text[end] is ' ' or '-' && DigitText.IsDigit(text[end + 1]))
        || (start >= 2 && text[start - 1] is ' ' or '-' && DigitText.IsDigit(text[start - 2]));

    private static bool AfterNotCardLabel(ReadOnlySpan<char> text, int start)
    {
        var from = Math.Max(0, start - 16);
        var before = text[from..start];
        foreach (var label in NotCardLabels)
        {
            if (before.Contains(label, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
