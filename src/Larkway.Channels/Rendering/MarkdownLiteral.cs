using System.Buffers;
using System.Globalization;
using System.Text;

namespace Larkway.Channels.Rendering;

/// <summary>
/// Writes what the masker inserts into an answer so that a platform's markdown shows it as written: the stars of a
/// display form such as <c>159****4321</c> are otherwise read as bold or italic marks (and eaten). Each character the
/// masker brings that markdown reads as syntax — the stars of display forms, the brackets and underscore of placeholders
/// and redactions (<c>[PHONE_1]</c>) — becomes a numeric character reference (<c>*</c> → <c>&amp;#42;</c>), which markdown
/// shows as the character itself and never as syntax. Characters a display form keeps from the value as written (a
/// <c>+86-</c> prefix, an email's first letter and domain) stay as they are: the text around them may already have
/// been shown with them, and they render as the answer wrote them. Inside code (a fenced block or an open code span) a
/// reference would show as written, so there nothing is changed.
/// </summary>
public static class MarkdownLiteral
{
    // What the masker itself writes that markdown reads as syntax; nothing of a value as written is among them.
    private static readonly SearchValues<char> Inserted = SearchValues.Create("*[]_");

    /// <summary>
    /// <paramref name="replacement"/> (a display form, placeholder or redaction) with each of its stars, brackets and
    /// underscores as a numeric character reference; as it is when <paramref name="textBefore"/> ends inside code (see
    /// <see cref="EndsInCode"/>). Matches <see cref="Masking.ReplacementLiteral"/>.
    /// </summary>
    /// <param name="replacement">What the masker puts in place of a value.</param>
    /// <param name="textBefore">The markdown before it.</param>
    public static string MaskedValue(string replacement, ReadOnlySpan<char> textBefore)
    {
        ArgumentNullException.ThrowIfNull(replacement);
        var next = replacement.AsSpan().IndexOfAny(Inserted);
        if (next < 0 || EndsInCode(textBefore))
        {
            return replacement;
        }

        var written = new StringBuilder(replacement.Length + 16);
        var from = 0;
        while (next >= 0)
        {
            written.Append(replacement, from, next - from)
                .Append("&#").Append(((int)replacement[next]).ToString(CultureInfo.InvariantCulture)).Append(';');
            from = next + 1;
            var rest = replacement.AsSpan(from).IndexOfAny(Inserted);
            next = rest < 0 ? -1 : from + rest;
        }

        return written.Append(replacement, from, replacement.Length - from).ToString();
    }

    /// <summary>
    /// Whether markdown <paramref name="text"/> ends inside code: inside a fenced code block (a line of three or more
    /// <c>`</c> or <c>~</c> opens one, a line of the same marker at least as long closes it), or inside a code span opened on
    /// its last line and not closed yet (a run of backticks closed by a run of the same length). Judged from the text
    /// before a position only, so the answer for a position never changes as the text grows.
    /// </summary>
    /// <param name="text">The markdown so far.</param>
    public static bool EndsInCode(ReadOnlySpan<char> text)
    {
        var fence = 0;
        var marker = '\0';
        var lineStart = 0;
        int newline;
        while ((newline = text[lineStart..].IndexOf('\n')) >= 0)
        {
            var (lineMarker, length, bare) = FenceOf(text.Slice(lineStart, newline));
            if (fence == 0 && length >= 3)
            {
                (fence, marker) = (length, lineMarker);
            }
            else if (fence > 0 && lineMarker == marker && length >= fence && bare)
            {
                fence = 0;
            }

            lineStart += newline + 1;
        }

        return fence > 0 || InCodeSpan(text[lineStart..]);
    }

    // A fence line: up to three spaces, then three or more of one marker; "bare" when nothing but white space follows.
    private static (char Marker, int Length, bool Bare) FenceOf(ReadOnlySpan<char> line)
    {
        var indent = 0;
        while (indent < line.Length && indent < 4 && line[indent] == ' ')
        {
            indent++;
        }

        if (indent > 3 || indent >= line.Length || line[indent] is not ('`' or '~'))
        {
            return ('\0', 0, false);
        }

        var marker = line[indent];
        var length = 0;
        while (indent + length < line.Length && line[indent + length] == marker)
        {
            length++;
        }

        return length >= 3 ? (marker, length, line[(indent + length)..].IsWhiteSpace()) : ('\0', 0, false);
    }

    private static bool InCodeSpan(ReadOnlySpan<char> line)
    {
        var open = 0;
        var i = 0;
        while (i < line.Length)
        {
            if (open == 0 && line[i] == '\\')
            {
                // An escaped backtick outside code opens nothing.
                i += 2;
                continue;
            }

            if (line[i] != '`')
            {
                i++;
                continue;
            }

            var run = 0;
            while (i < line.Length && line[i] == '`')
            {
                run++;
                i++;
            }

            open = open == 0 ? run : run == open ? 0 : open;
        }

        return open > 0;
    }
}
