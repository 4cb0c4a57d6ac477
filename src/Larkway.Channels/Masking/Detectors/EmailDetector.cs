using System.Text.RegularExpressions;

namespace Larkway.Channels.Masking.Detectors;

/// <summary>
/// Email addresses, a pragmatic subset of RFC 5322's <c>addr-spec</c>: a dot-atom local part (letters, digits and
/// <c>!#$%&amp;'*+/=?^_`{|}~-</c>, dots between) and a domain of DNS labels ending in a letter-only top-level label or an
/// <c>xn--</c> one; no quoted local parts, comments or address literals. Found inside URLs too (<c>mailto:</c>, query
/// strings). Display form: <c>a***@example.com</c>.
/// </summary>
public sealed partial class EmailDetector : PiiDetector
{
    /// <summary>Creates the detector, named <see cref="PiiDetectorNames.Email"/> with the label <c>EMAIL</c>.</summary>
    public EmailDetector()
        : base(PiiDetectorNames.Email, "EMAIL")
    {
    }

    // The lookbehind starts a match only at the start of a local part, which keeps the scan linear.
    [GeneratedRegex(
        """(?<![A-Za-z0-9!#$%&'*+/=?^_`{|}~.\-])[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9\-]{1,59})(?![A-Za-z0-9_\-]|\.[A-Za-z0-9])""",
        RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <inheritdoc />
    public override void Find(ReadOnlySpan<char> text, List<PiiSpan> found)
    {
        ArgumentNullException.ThrowIfNull(found);
        if (!text.Contains('@'))
        {
            return;
        }

        foreach (var m in Pattern().EnumerateMatches(text))
        {
            if (m.Length <= 254)
            {
                found.Add(new PiiSpan(m.Index, m.Length));
            }
        }
    }

    /// <inheritdoc />
    public override string Normalize(ReadOnlySpan<char> value) => value.ToString().ToLowerInvariant();

    /// <inheritdoc />
    public override string DisplayMask(ReadOnlySpan<char> value)
    {
        var at = value.LastIndexOf('@');
        return string.Concat(value[..1], "***", value[at..]);
    }
}
