using System.Text.RegularExpressions;

namespace Larkway.Channels.Masking.Detectors;

/// <summary>
/// Bank card numbers: 13–19 digits that pass the Luhn check, written together or in groups of four (the last group
/// shorter) or 4-6-5 / 4-6-4, with spaces or dashes (one kind per number), ASCII or full-width. The issuer prefix must be
/// a payment card's (ISO/IEC 7812 major industry 3, 4, 5, 6 — UnionPay's 62 — or 9 for domestic cards, or Mastercard's
/// 2221–2720): millisecond timestamps and most ids start with 1. Not a resident id number, not glued to letters or a
/// longer number, not an amount, not inside a URL, and not right after an order/tracking/transaction label
/// (<c>订单号</c>, <c>order no.</c>…), where a Luhn-valid number is a coincidence one time in ten. Display form: <c>****1234</c>.
/// </summary>
public sealed partial class BankCardDetector : PiiDetector
{
    private static readonly string[] NotCardLabels =
        ["订单", "单号", "流水", "交易号", "运单", "快递", "工单", "发票", "票号", "编号", "order", "tracking", "invoice", "ticket", "txn", "transaction"];

    private readonly ResidentIdDetector _ids;

    /// <summary>Creates the detector, named <see cref="PiiDetectorNames.BankCard"/> with the label <c>CARD</c>.</summary>
    /// <param name="includeLegacyIds">Whether a number that is a legacy 15-digit resident id is left to the id detector too.</param>
    public BankCardDetector(bool includeLegacyIds = true)
        : base(PiiDetectorNames.BankCard, "CARD")
    {
        _ids = new ResidentIdDetector(includeLegacyIds);
    }

    /// <inheritdoc />
    public override bool SkipsUrls => true;

    [GeneratedRegex(
        """(?<![0-9０-９A-Za-zＡ-Ｚａ-ｚ_])(?:[0-9０-９]{13,19}|[0-9０-９]{4}(?<s>[ \-])[0-9０-９]{4}(?:\k<s>[0-9０-９]{4}){1,2}(?:\k<s>[0-9０-９]{1,4})?|[0-9０-９]{4}(?<t>[ \-])[0-9０-９]{6}\k<t>[0-9０-９]{4,5})(?![0-9０-９A-Za-zＡ-Ｚａ-ｚ_])""",
        RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <inheritdoc />
    public override void Find(ReadOnlySpan<char> text, List<PiiSpan> found)
    {
        ArgumentNullException.ThrowIfNull(found);
        foreach (var m in Pattern().EnumerateMatches(text))
        {
            var start = m.Index;
            var end = m.Index + m.Length;
            var value = text[start..end];
            var digits = DigitText.CountDigits(value);
            if (digits is < 13 or > 19 || !DigitText.LuhnValid(value) || !HasCardPrefix(value) || _ids.IsResidentId(value)
                || DigitText.IsPartOfLargerNumber(text, start, end) || ContinuesGroups(text, start, end, digits != value.Length)
                || AfterNotCardLabel(text, start))
            {
                continue;
            }

            found.Add(new PiiSpan(start, m.Length));
        }
    }

    /// <inheritdoc />
    public override string Normalize(ReadOnlySpan<char> value) => DigitText.Canonical(value);

    /// <inheritdoc />
    public override string DisplayMask(ReadOnlySpan<char> value) => string.Concat("****", Normalize(value).AsSpan()[^4..]);

    private static bool HasCardPrefix(ReadOnlySpan<char> value)
    {
        var d0 = DigitText.Value(value[0]);
        if (d0 is 3 or 4 or 5 or 6 or 9)
        {
            return true;
        }

        if (d0 != 2)
        {
            return false;
        }

        var prefix = (2000 + (DigitText.Value(value[1]) * 100) + (DigitText.Value(value[2]) * 10) + DigitText.Value(value[3]));
        return prefix is >= 2221 and <= 2720;
    }

    // A grouped number that goes on (" 1234" after it, or "1234 " before it) is a piece of a longer grouped run.
    private static bool ContinuesGroups(ReadOnlySpan<char> text, int start, int end, bool grouped)
    {
        if (!grouped)
        {
            return false;
        }

        return (end + 1 < text.Length && text[end] is ' ' or '-' && DigitText.IsDigit(text[end + 1]))
            || (start >= 2 && text[start - 1] is ' ' or '-' && DigitText.IsDigit(text[start - 2]));
    }

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
