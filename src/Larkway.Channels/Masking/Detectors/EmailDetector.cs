using System.Text.RegularExpressions;

namespace Larkway.Channels.Masking.Detectors;

/// <summary>
/// Email addresses, a pragmatic subset of RFC 5322's <c>addr-spec</c>: a dot-atom local part of the characters addresses
/// really use (letters, digits and <c>_%+'-</c>, dots between; the rarer atext characters such as <c>/=?</c> are left out,
/// since in chat text they belong to URLs) and a domain of DNS labels ending in a letter-only top-level label or an
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
        """(?<![A-Za-z0-9._%+'\-])[A-Za-z0-9_%+'\-]+(?:\.[A-Za-z0-9_%+'\-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9\-]{1,59})(?![A-Za-z0-9_\-]|\.[A-Za-z0-9])""",
        RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <inheritdoc />
    public override void Find(ReadOnlySpan<char> text, List<PiiSpan> found)
    {
        ArgumentNullException.ThrowIfNull(found);
        var scanned = 0;
        var at = text.IndexOf('@');
        while (at >= 0)
        {
            // The pattern runs around each '@' only: from the start of the word before it to the end of the domain after it.
            var start = at;
            while (start > scanned && IsLocalOrDot(text[start - 1]))
            {
                start--;
            }

            var end = at + 1;
            while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '.' or '-' or '_'))
            {
                end++;
            }

            foreach (var m in Pattern().EnumerateMatches(text[..Math.Min(text.Length, end + 1)], start))
            {
                scanned = m.Index + m.Length;
                if (m.Length <= 254)
                {
                    found.Add(new PiiSpan(m.Index, m.Length));
                }
            }

            var next = text[(at + 1)..].IndexOf('@');
            at = next < 0 ? -1 : at + 1 + next;
        }
    }

    /// <inheritdoc />
    /// <remarks>The trailing run of the characters an address is written with: a local part may still be waiting for its <c>@</c>.</remarks>
    public override int PendingStart(ReadOnlySpan<char> text)
    {
        var start = text.Length;
        while (start > 0 && (IsLocalOrDot(text[start - 1]) || text[start - 1] == '@'))
        {
            start--;
        }

        return start;
    }

    private static bool IsLocalOrDot(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '%' or '+' or '\'' or '-';

    /// <inheritdoc />
    public override string Normalize(ReadOnlySpan<char> value) => value.ToString().ToLowerInvariant();

    /// <inheritdoc />
    public override string DisplayMask(ReadOnlySpan<char> value)
    {
        var at = value.LastIndexOf('@');
        return string.Concat(value[..1], "***", value[at..]);
    }
}
