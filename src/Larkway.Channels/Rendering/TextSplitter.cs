namespace Larkway.Channels.Rendering;

/// <summary>
/// One part of a split text: the slice of the original it carries (<see cref="Body"/>, from <see cref="Start"/>) and
/// what the splitter added around it so that a fenced code block cut in two stays a code block in both parts
/// (<see cref="Prefix"/> reopens the fence, <see cref="Suffix"/> closes it).
/// </summary>
/// <param name="Text">What to send: prefix, body, suffix.</param>
/// <param name="Start">Where the body starts in the original text.</param>
/// <param name="Body">The slice of the original text.</param>
/// <param name="Prefix">The reopened fence line (with its line break), or empty.</param>
/// <param name="Suffix">The closing fence (with the line break before it when needed), or empty.</param>
public sealed record TextPart(string Text, int Start, string Body, string Prefix, string Suffix);

/// <summary>
/// Splits a long answer into parts that each fit a platform's limit, on the safest boundary that keeps a part at
/// least half full: a paragraph break, else a line break outside code, else a line break inside a fenced code block
/// (the fence is closed at the end of the part and reopened, with its language, at the start of the next), else a
/// space, else any character boundary — never inside a surrogate pair (so never inside a UTF-8 sequence either),
/// never between <c>\r</c> and <c>\n</c>, never inside an HTML character reference (<c>&amp;#42;</c>), and never
/// inside a fence's own opening or closing line. The bodies of the
/// parts, put back together, are the original text.
/// </summary>
public static class TextSplitter
{
    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789ABCDEFabcdef");
    private static readonly System.Buffers.SearchValues<char> LettersAndDigits =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");

    /// <summary>The smallest limit the splitter takes: room for a reopened fence, its closing and some text.</summary>
    public const int MinimumLimit = 32;

    /// <summary>Splits <paramref name="text"/> into parts of at most <paramref name="limit"/> under <paramref name="measure"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The limit is below <see cref="MinimumLimit"/>.</exception>
    public static IReadOnlyList<TextPart> Split(string text, int limit, TextMeasure measure)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (limit < MinimumLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"A split limit must be at least {MinimumLimit}.");
        }

        var sums = TextMeasurer.Cumulative(text, measure);
        if (sums[text.Length] <= limit)
        {
            return [new TextPart(text, 0, text, "", "")];
        }

        var fences = FenceMap.Build(text);
        var parts = new List<TextPart>();
        var start = 0;
        while (start < text.Length)
        {
            var openAtStart = fences.OpenAt(start);
            var prefix = openAtStart is { } f ? Reopen(f, limit, measure) : "";
            var budget = limit - TextMeasurer.Measure(prefix, measure);
            if (sums[text.Length] - sums[start] <= budget)
            {
                parts.Add(new TextPart(prefix + text[start..], start, text[start..], prefix, ""));
                break;
            }

            var end = ChooseEnd(text, sums, fences, start, budget, measure);
            var suffix = Close(text, fences, end);
            var body = text[start..end];
            parts.Add(new TextPart(prefix + body + suffix, start, body, prefix, suffix));
            start = end;
        }

        return parts;
    }

    private static int ChooseEnd(string text, int[] sums, FenceMap fences, int start, int budget, TextMeasure measure)
    {
        bool Fits(int end) => end > start && fences.CanSplitAt(text, end) && !InsideReference(text, end)
            && sums[end] - sums[start] + TextMeasurer.Measure(Close(text, fences, end), measure) <= budget;

        // The furthest end the budget allows, before any closing fence: the last prefix sum within it.
        int lo = start, hi = text.Length;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo + 1) / 2);
            if (sums[mid] - sums[start] <= budget)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        var furthest = lo;
        while (furthest > start && !Fits(furthest))
        {
            furthest--;
        }

        if (furthest <= start)
        {
            throw new ArgumentOutOfRangeException(nameof(budget), budget, "The limit leaves no room for text after the fence the splitter must reopen; raise it.");
        }

        var floor = start + Math.Max(1, (furthest - start) / 2);
        Func<int, bool>[] preferences =
        [
            p => p >= 2 && text[p - 1] == '\n' && (text[p - 2] == '\n' || (text[p - 2] == '\r' && p >= 3 && text[p - 3] == '\n')) && fences.OpenAt(p) is null,
            p => text[p - 1] == '\n' && fences.OpenAt(p) is null,
            p => text[p - 1] == '\n',
            p => text[p - 1] is ' ' or '\t' || (text[p - 1] == '\u3002' || text[p - 1] == '\uFF0C'),
        ];
        foreach (var preferred in preferences)
        {
            for (var p = furthest; p >= floor; p--)
            {
                if (preferred(p) && Fits(p))
                {
                    return p;
                }
            }
        }

        return furthest;
    }

    // Inside an HTML character reference such as "&#42;" (how a masked value's stars are written for markdown): cut
    // there, neither part would show the character.
    private static bool InsideReference(string text, int position)
    {
        var from = Math.Max(0, position - 12);
        var amp = text.LastIndexOf('&', position - 1, position - from);
        if (amp < 0)
        {
            return false;
        }

        var semicolon = text.IndexOf(';', amp, Math.Min(text.Length - amp, 14));
        if (semicolon < position)
        {
            return false;
        }

        var name = text.AsSpan(amp + 1, semicolon - amp - 1);
        return name switch
        {
            ['#', 'x' or 'X', .. var hex] => hex.Length > 0 && !hex.ContainsAnyExcept(HexDigits),
            ['#', .. var digits] => digits.Length > 0 && !digits.ContainsAnyExceptInRange('0', '9'),
            [var first, _, ..] => char.IsAsciiLetter(first) && !name.ContainsAnyExcept(LettersAndDigits),
            _ => false,
        };
    }

    private static string Reopen(Fence fence, int limit, TextMeasure measure)
    {
        var line = fence.OpeningLine + "\n";
        return TextMeasurer.Measure(line, measure) <= limit / 4 ? line : new string(fence.Marker, fence.Length) + "\n";
    }

    private static string Close(string text, FenceMap fences, int end)
    {
        if (end >= text.Length || fences.OpenAt(end) is not { } fence)
        {
            return "";
        }

        var closing = new string(fence.Marker, fence.Length);
        return text[end - 1] == '\n' ? closing : "\n" + closing;
    }

    /// <summary>A fenced code block's opening: its marker character and length, and its line (language included).</summary>
    internal sealed record Fence(char Marker, int Length, string OpeningLine);

    /// <summary>Which positions of a text are inside a fenced code block, and which sit inside a fence line.</summary>
    internal sealed class FenceMap
    {
        private readonly Fence?[] _open;
        private readonly bool[] _fenceLine;

        private FenceMap(Fence?[] open, bool[] fenceLine)
        {
            _open = open;
            _fenceLine = fenceLine;
        }

        /// <summary>The fence open at <paramref name="position"/> (text before it is inside a code block), or null.</summary>
        public Fence? OpenAt(int position) => _open[position];

        /// <summary>True when a part may end at <paramref name="position"/>.</summary>
        public bool CanSplitAt(string text, int position)
        {
            if (position <= 0 || position >= text.Length)
            {
                return position == text.Length;
            }

            return !(char.IsHighSurrogate(text[position - 1]) && char.IsLowSurrogate(text[position]))
                && !(text[position - 1] == '\r' && text[position] == '\n')
                && !_fenceLine[position];
        }

        public static FenceMap Build(string text)
        {
            var open = new Fence?[text.Length + 1];
            var fenceLine = new bool[text.Length + 1];
            Fence? current = null;
            var lineStart = 0;
            while (lineStart < text.Length)
            {
                var newline = text.IndexOf('\n', lineStart);
                var lineEnd = newline < 0 ? text.Length : newline + 1;
                var line = text.AsSpan(lineStart, lineEnd - lineStart).TrimEnd("\r\n");
                var isDelimiter = false;
                Fence? after = current;
                if (current is null && Opening(line) is { } opened)
                {
                    isDelimiter = true;
                    after = opened;
                }
                else if (current is not null && Closes(line, current))
                {
                    isDelimiter = true;
                    after = null;
                }

                for (var p = lineStart; p < lineEnd; p++)
                {
                    open[p] = current;

                    // Inside the fence line itself (and at the start of a closing line) a cut would break the fence.
                    fenceLine[p] = isDelimiter && (p > lineStart || current is not null);
                }

                current = after;
                lineStart = lineEnd;
            }

            open[text.Length] = current;
            return new FenceMap(open, fenceLine);
        }

        internal static Fence? Opening(ReadOnlySpan<char> line)
        {
            var indent = line.Length - line.TrimStart(' ').Length;
            if (indent > 3)
            {
                return null;
            }

            var rest = line[indent..];
            if (rest.Length < 3 || rest[0] is not ('`' or '~'))
            {
                return null;
            }

            var marker = rest[0];
            var count = rest.Length - rest.TrimStart(marker).Length;
            if (count < 3 || (marker == '`' && rest[count..].Contains('`')))
            {
                return null;
            }

            return new Fence(marker, count, line.ToString());
        }

        private static bool Closes(ReadOnlySpan<char> line, Fence fence)
        {
            var trimmed = line.TrimStart(' ');
            if (line.Length - trimmed.Length > 3)
            {
                return false;
            }

            var count = trimmed.Length - trimmed.TrimStart(fence.Marker).Length;
            return count >= fence.Length && trimmed[count..].Trim().IsEmpty;
        }
    }
}
