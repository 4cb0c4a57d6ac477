using System.Text;
using System.Text.RegularExpressions;

namespace Larkway.Hub.Notifications.Cards;

/// <summary>
/// Feishu card text (lark_md, the markdown component, plain_text) as DingTalk markdown and as plain text (WeCom's
/// markdown takes the same subset: headings, bold, links, quotes). DingTalk's
/// markdown is a subset — headings, bold, italic, links, images, lists, quotes — so colours, tags, strikethrough, code and
/// tables become their text. Only links and images this converter writes itself survive: their address must be http(s)
/// (or, for a link, a scheme the channel's room accepts, e.g. DingTalk's own pages), and everything else has each
/// <c>]</c> broken off, so no text — a supplier's name, a forged <c>[x](javascript:…)</c> — can turn into a link the
/// platform's renderer would make.
/// </summary>
internal static partial class LarkMarkdown
{
    /// <summary>Shown where a Feishu image was: its key cannot be loaded outside Feishu.</summary>
    public static string ImagePlaceholder(string platform) => $"[image not shown on {platform}]";

    /// <summary>Breaks link syntax after a <c>]</c> without showing anything.</summary>
    private const char Breaker = '\u200B';

    /// <summary>The schemes besides http(s) when the channel names none.</summary>
    private static readonly IReadOnlySet<string> NoSchemes = new HashSet<string>(StringComparer.Ordinal);

    // Every pattern runs without backtracking: card text is data, and data must not buy time with its shape.
    [GeneratedRegex(@"<br\s*/?>", RegexOptions.IgnoreCase | RegexOptions.NonBacktracking)]
    private static partial Regex LineBreakTag();

    [GeneratedRegex(@"<at\b[^<>]*>([^<>]*)</at>", RegexOptions.IgnoreCase | RegexOptions.NonBacktracking)]
    private static partial Regex Mention();

    [GeneratedRegex(@"<(https?://[^<>\s]+)>", RegexOptions.IgnoreCase | RegexOptions.NonBacktracking)]
    private static partial Regex AutoLink();

    [GeneratedRegex(@"</?[A-Za-z][^<>]*>", RegexOptions.NonBacktracking)]
    private static partial Regex AnyTag();

    // [text](url) and ![alt](src); text without brackets, an address without spaces and with parentheses one deep, balanced.
    [GeneratedRegex(@"(!?)\[([^\[\]\r\n]*)\]\(((?:[^()\s]|\([^()\s]*\))*)\)", RegexOptions.NonBacktracking)]
    private static partial Regex Link();

    [GeneratedRegex(@"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$", RegexOptions.NonBacktracking)]
    private static partial Regex TableDivider();

    /// <summary>The text as DingTalk markdown and as plain text; what could not come through is added to <paramref name="fallbacks"/>.</summary>
    /// <param name="linkSchemes">The schemes besides http(s) a link may have: the channel's room gives them (none: http(s) only).</param>
    public static (string Markdown, string Plain) Convert(string text, string path, List<CardFallback> fallbacks, string platform = CardContent.DingTalk, IReadOnlySet<string>? linkSchemes = null)
    {
        text = LineBreakTag().Replace(text.Replace("\r\n", "\n", StringComparison.Ordinal), "\n");
        text = Mention().Replace(text, match =>
        {
            var name = match.Groups[1].Value.Trim();
            fallbacks.Add(new(CardFallbackKind.MentionNotShown, path, $"A Feishu mention is plain text on {platform}."));
            return name.Length > 0 ? "@" + name : "@…";
        });
        text = AutoLink().Replace(text, match => $"[{match.Groups[1].Value}]({match.Groups[1].Value})");
        text = AnyTag().Replace(text, "");

        var markdown = new StringBuilder();
        var plain = new StringBuilder();
        var inCode = false;
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd();
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inCode = !inCode;
                continue; // DingTalk has no code blocks: their lines stay, the fences go
            }

            if (!inCode && IsRule(line))
            {
                AppendLine(markdown, "", plain, "");
                AppendLine(markdown, Separator, plain, PlainSeparator);
                AppendLine(markdown, "", plain, "");
                continue;
            }

            if (!inCode && line.Contains('|', StringComparison.Ordinal))
            {
                if (TableDivider().IsMatch(line))
                {
                    continue;
                }

                line = TableRow(line);
            }

            var (markdownLine, plainLine) = ConvertLine(line, path, fallbacks, platform, linkSchemes ?? NoSchemes);
            AppendLine(markdown, markdownLine, plain, plainLine);
        }

        return (markdown.ToString().Trim('\n'), plain.ToString().Trim('\n'));
    }

    /// <summary>A separator between parts of a message (Feishu's hr), blank lines around it so it never underlines a heading.</summary>
    public const string Separator = "---";

    /// <summary>The separator in plain text.</summary>
    public const string PlainSeparator = "——————";

    /// <summary>Plain text for a place where markdown is not wanted (a title): the converted text on one line.</summary>
    public static string ToPlainLine(string text, string path, List<CardFallback> fallbacks, string platform = CardContent.DingTalk, IReadOnlySet<string>? linkSchemes = null) =>
        string.Join(' ', Convert(text, path, fallbacks, platform, linkSchemes).Plain.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static void AppendLine(StringBuilder markdown, string md, StringBuilder plain, string text)
    {
        // DingTalk wants two spaces before a line break inside a paragraph; a blank line stays a paragraph break.
        if (markdown.Length > 0)
        {
            markdown.Append(md.Length == 0 || markdown[^1] == '\n' ? "\n" : "  \n");
        }

        markdown.Append(md);
        if (plain.Length > 0)
        {
            plain.Append('\n');
        }

        plain.Append(text);
    }

    /// <summary>A thematic break: three or more of one of - * _ and nothing else but spaces.</summary>
    private static bool IsRule(string line)
    {
        var trimmed = line.Trim();
        if (trimmed.Length < 3 || trimmed[0] is not ('-' or '*' or '_'))
        {
            return false;
        }

        var mark = trimmed[0];
        return trimmed.All(c => c == mark || c == ' ') && trimmed.Count(c => c == mark) >= 3;
    }

    private static string TableRow(string line)
    {
        var cells = line.Trim().Trim('|').Split('|', StringSplitOptions.TrimEntries);
        return string.Join(" · ", cells);
    }

    private static (string Markdown, string Plain) ConvertLine(string line, string path, List<CardFallback> fallbacks, string platform, IReadOnlySet<string> linkSchemes)
    {
        var markdown = new StringBuilder(line.Length);
        var plain = new StringBuilder(line.Length);
        var at = 0;
        foreach (Match match in Link().Matches(line))
        {
            AppendText(markdown, plain, line[at..match.Index]);
            at = match.Index + match.Length;
            var isImage = match.Groups[1].Length > 0;
            var label = Clean(match.Groups[2].Value);
            var address = match.Groups[3].Value;
            if (isImage)
            {
                if (IsWebAddress(address))
                {
                    markdown.Append("![").Append(label).Append("](").Append(address).Append(')');
                    plain.Append(label.Length > 0 ? label + " " : "").Append(address);
                }
                else
                {
                    fallbacks.Add(new(CardFallbackKind.ImageNotShown, path, $"A Feishu image key cannot be shown on {platform}."));
                    AppendText(markdown, plain, ImagePlaceholder(platform)); // its ']' broken off too: text after it must not make it a link
                }

                continue;
            }

            if (IsLinkAddress(address, linkSchemes))
            {
                markdown.Append('[').Append(label).Append("](").Append(address).Append(')');
                plain.Append(label.Length > 0 && label != address ? $"{label} ({address})" : address);
            }
            else
            {
                fallbacks.Add(new(CardFallbackKind.UnsafeLinkRemoved, path, "A link that is not http(s) kept its text only."));
                AppendText(markdown, plain, match.Groups[2].Value);
            }
        }

        AppendText(markdown, plain, line[at..]);
        return (markdown.ToString(), plain.ToString());
    }

    /// <summary>Text that is not a link this converter wrote: every <c>]</c> broken off so nothing in it can form one.</summary>
    private static void AppendText(StringBuilder markdown, StringBuilder plain, string text)
    {
        // DingTalk shows strikethrough and code marks as they are: they go, the text stays.
        foreach (var c in text.Replace("~~", "", StringComparison.Ordinal).Replace("`", "", StringComparison.Ordinal))
        {
            markdown.Append(c);
            if (c == ']')
            {
                markdown.Append(Breaker);
            }
        }

        plain.Append(StripFormatting(text));
    }

    /// <summary>Link text: no brackets (the pattern allows none) and no formatting that could unbalance the line.</summary>
    private static string Clean(string label) => label.Replace("`", "", StringComparison.Ordinal).Trim();

    private static string StripFormatting(string text)
    {
        var trimmed = text.TrimStart();
        if (trimmed.StartsWith('#'))
        {
            text = trimmed.TrimStart('#').TrimStart();
        }

        return text.Replace("**", "", StringComparison.Ordinal).Replace("~~", "", StringComparison.Ordinal)
            .Replace("__", "", StringComparison.Ordinal).Replace("`", "", StringComparison.Ordinal);
    }

    /// <summary>An absolute http(s) address: what an image or a shortened message may point at.</summary>
    public static bool IsWebAddress(string address) =>
        Uri.TryCreate(address, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && !address.Contains('"', StringComparison.Ordinal) && !address.Contains('<', StringComparison.Ordinal);

    /// <summary>A link the channel may open: http(s), or one of the schemes its room accepts.</summary>
    private static bool IsLinkAddress(string address, IReadOnlySet<string> linkSchemes) =>
        IsWebAddress(address) || (Uri.TryCreate(address, UriKind.Absolute, out var uri) && linkSchemes.Contains(uri.Scheme));
}
