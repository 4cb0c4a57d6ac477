using System.Text;

namespace Larkway.Channels.Masking;

/// <summary>
/// Links in text people read, and how one that holds a masked value is shown: masked and not clickable. A masked link
/// points nowhere (or somewhere else), so it is written so that no platform's markdown or linkifier makes a link of it:
/// its <c>://</c> becomes <c>[:]//</c> and each dot <c>[.]</c> (the "defanged" form security reports use), a markdown
/// link's <c>](</c> gets a space (<c>] (</c>, no inline link in any markdown), and an autolink's angle brackets go. Feishu,
/// DingTalk and WeCom all turn a bare <c>https://…</c> or <c>www.…</c> into a link, and DingTalk's markdown has no code
/// span to hide one in; a linkifier needs a scheme's <c>://</c> or a dotted host name, and the defanged form has neither.
/// </summary>
internal static class InertLinks
{
    // What a scheme keeps when written inert: its letters, digits, '+' and '-' (a dot in it becomes "[.]").
    private static readonly System.Buffers.SearchValues<char> SchemeKept =
        System.Buffers.SearchValues.Create("+-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>
    /// The URLs in <paramref name="text"/>: a scheme and <c>://</c>, or <c>www.</c>, then printable ASCII up to a space, a
    /// quote or an angle bracket (chat text glues Chinese straight after links, and that ends them too).
    /// </summary>
    public static List<PiiSpan> Find(string text)
    {
        var urls = new List<PiiSpan>();
        var from = 0;
        while (from < text.Length)
        {
            var scheme = text.IndexOf("://", from, StringComparison.Ordinal);
            var www = IndexOfWww(text, from);
            if (scheme < 0 && www < 0)
            {
                break;
            }

            int start;
            if (scheme >= 0 && (www < 0 || scheme < www))
            {
                start = scheme;
                while (start > 0 && (char.IsAsciiLetterOrDigit(text[start - 1]) || text[start - 1] is '+' or '.' or '-'))
                {
                    start--;
                }

                if (start == scheme)
                {
                    from = scheme + 3;
                    continue;
                }
            }
            else
            {
                start = www;
            }

            var end = start;
            while (end < text.Length && IsUrlChar(text[end]))
            {
                end++;
            }

            urls.Add(new PiiSpan(start, end - start));
            from = Math.Max(end, start + 3);
        }

        return urls;
    }

    /// <summary>
    /// Where the end of <paramref name="text"/>, still being written, may hold a link that would be written differently once
    /// a value turns up in it: from the first character inert writing changes or drops — the <c>:</c> of a scheme's
    /// <c>://</c> (or a trailing <c>:</c> that may become one), the dot of <c>www.</c>, the <c>(</c> of a markdown link's
    /// <c>](</c>, an autolink's <c>&lt;</c> — within the trailing run of URL characters. A scheme's letters
    /// (<c>https</c>, <c>www</c>) and a word stay as they are, so they show as they come.
    /// </summary>
    public static int PendingStart(ReadOnlySpan<char> text)
    {
        var run = text.Length;
        while (run > 0 && IsUrlChar(text[run - 1]))
        {
            run--;
        }

        if (run > 0 && text[run - 1] == '<')
        {
            return run - 1;
        }

        var tail = text[run..];
        var hold = text.Length;
        if (tail.IndexOf("](", StringComparison.Ordinal) is var markdown and >= 0)
        {
            hold = run + markdown + 1;
        }

        if (tail.IndexOf("://", StringComparison.Ordinal) is var scheme and >= 0)
        {
            hold = Math.Min(hold, SchemeChange(text, run, run + scheme));
        }
        else if (tail.EndsWith(":", StringComparison.Ordinal) || tail.EndsWith(":/", StringComparison.Ordinal))
        {
            hold = Math.Min(hold, SchemeChange(text, run, text.LastIndexOf(':')));
        }

        var www = IndexOfWww(tail);
        return www >= 0 ? Math.Min(hold, run + www + 3) : hold;
    }

    // The first character of a scheme ending at "separator" that inert writing changes: a dot in it ("a.b://"), else the ':'.
    private static int SchemeChange(ReadOnlySpan<char> text, int run, int separator)
    {
        var start = separator;
        while (start > run && (char.IsAsciiLetterOrDigit(text[start - 1]) || text[start - 1] is '+' or '.' or '-'))
        {
            start--;
        }

        var changed = text[start..separator].IndexOfAnyExcept(SchemeKept);
        return changed < 0 ? separator : start + changed;
    }

    /// <summary>
    /// The part of <paramref name="text"/> that showing <paramref name="url"/> inert replaces: the URL without what a
    /// linkifier leaves out of one at its end (closing punctuation, an unbalanced <c>)</c> such as a markdown link's, emphasis
    /// marks), stretched over any value that runs past it, with a markdown link's <c>](</c> or an autolink's angle brackets.
    /// </summary>
    public static Region RegionOf(string text, PiiSpan url, int valuesStart, int valuesEnd)
    {
        var start = Math.Min(url.Start, valuesStart);
        var end = Math.Max(TrimmedEnd(text, url), valuesEnd);
        if (start >= 2 && text[start - 2] == ']' && text[start - 1] == '(')
        {
            return new Region(start - 2, start, end, end, "] (");
        }

        if (start >= 1 && text[start - 1] == '<')
        {
            return new Region(start - 1, start, end, end < text.Length && text[end] == '>' ? end + 1 : end, "");
        }

        return new Region(start, start, end, end, "");
    }

    /// <summary><paramref name="url"/> (already masked) in its defanged form: <c>[:]//</c> for <c>://</c>, <c>[.]</c> for each dot.</summary>
    public static string Defang(string url)
    {
        var written = new StringBuilder(url.Length + 16);
        for (var i = 0; i < url.Length; i++)
        {
            if (url[i] == ':' && i + 2 < url.Length && url[i + 1] == '/' && url[i + 2] == '/')
            {
                written.Append("[:]//");
                i += 2;
            }
            else if (url[i] == '.')
            {
                written.Append("[.]");
            }
            else
            {
                written.Append(url[i]);
            }
        }

        return written.ToString();
    }

    private static bool IsUrlChar(char c) => c is > ' ' and <= '~' and not ('"' or '<' or '>');

    // GFM's autolinks leave trailing punctuation and an unbalanced ")" out of a link; markdown's emphasis marks are not the
    // link's either.
    private static int TrimmedEnd(string text, PiiSpan url)
    {
        var end = url.Start + url.Length;
        var open = 0;
        for (var i = url.Start; i < end; i++)
        {
            open += text[i] == '(' ? 1 : text[i] == ')' ? -1 : 0;
        }

        while (end > url.Start)
        {
            var last = text[end - 1];
            if (last is '.' or ',' or ';' or ':' or '!' or '?' or '\'' or '*' or '_' or '~')
            {
                end--;
            }
            else if (last == ')' && open < 0)
            {
                open++;
                end--;
            }
            else
            {
                break;
            }
        }

        return end;
    }

    // "www." or "WWW." (ordinal searches are vectorised; an ignore-case one over a whole message is not).
    private static int IndexOfWww(string text, int from)
    {
        var found = IndexOfWww(text.AsSpan(from));
        return found < 0 ? -1 : from + found;
    }

    private static int IndexOfWww(ReadOnlySpan<char> text)
    {
        var lower = text.IndexOf("www.", StringComparison.Ordinal);
        var upper = text.IndexOf("WWW.", StringComparison.Ordinal);
        return lower < 0 ? upper : upper < 0 ? lower : Math.Min(lower, upper);
    }

    /// <summary>
    /// What an inert link replaces (<paramref name="Start"/> to <paramref name="End"/>): the link itself
    /// (<paramref name="BodyStart"/> to <paramref name="BodyEnd"/>, written defanged) and the markdown around it, of which
    /// <paramref name="Lead"/> is written before the link and nothing after it.
    /// </summary>
    public readonly record struct Region(int Start, int BodyStart, int BodyEnd, int End, string Lead);
}
