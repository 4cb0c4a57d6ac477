using System.Net;
using System.Text.RegularExpressions;

namespace Larkway.Emulator.Web;

/// <summary>HTML helpers: everything user-supplied goes through <see cref="Encode"/> first.</summary>
internal static partial class Html
{
    public static string Encode(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

    /// <summary>Only http(s) and mailto links are rendered as links; anything else (javascript:) is dropped.</summary>
    public static string? SafeUrl(string? url) =>
        url is not null && (url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase))
            ? url
            : null;

    public static string Link(string text, string? url) =>
        SafeUrl(url) is { } safe ? $"<a href=\"{Encode(safe)}\" rel=\"noopener noreferrer\" target=\"_blank\">{text}</a>" : text;

    public static string ResourceUrl(string key) => "/_emulator/resources/" + Uri.EscapeDataString(key);

    /// <summary>
    /// The small Markdown subset cards use (bold, italic, strike, code, links, &lt;at&gt;, line breaks), and HTML
    /// character references shown as their characters (Feishu's documented escapes). The text is encoded first, so the
    /// patterns only ever add markup of our own.
    /// </summary>
    /// <param name="names">Names mentions as the Feishu client does; without it (previews) a mention shows its id.</param>
    public static string Markdown(string? markdown, PersonNames? names = null)
    {
        // Character references (&#42;) show as their characters, never as syntax (CharacterReferences).
        var references = CharacterReferences.Protect(markdown);
        var html = Encode(references.Text);
        html = MdLink().Replace(html, m => Link(m.Groups[1].Value, WebUtility.HtmlDecode(references.Restore(m.Groups[2].Value))));
        html = MdBold().Replace(html, "<strong>$1</strong>");
        html = MdStrike().Replace(html, "<del>$1</del>");
        html = MdItalic().Replace(html, "<em>$1</em>");
        html = MdCode().Replace(html, m => "<code>" + references.AsWritten(m.Groups[1].Value) + "</code>");
        html = EncodedAt().Replace(html, m => Mentions(WebUtility.HtmlDecode(m.Groups["value"].Value), m.Groups["inner"].Value, names));
        return references.Restore(html.Replace("\n", "<br>", StringComparison.Ordinal));
    }

    /// <summary>
    /// One <c>&lt;at&gt;</c> as the client shows it: <c>id=all</c> is everyone; other ids (open_id, user_id, union_id,
    /// email; several with <c>ids=a,b</c>) are each the person's name. An id nobody has keeps the tag's own text, else the id.
    /// </summary>
    private static string Mentions(string value, string innerHtml, PersonNames? names)
    {
        if (value == "all")
        {
            return "<span class=\"mention\">@所有人</span>";
        }

        var ids = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join(" ", ids.Select(id => "<span class=\"mention\">@"
            + (names?.Of(id) is { } name ? Encode(name) : ids.Length == 1 && innerHtml.Length > 0 ? innerHtml : Encode(id))
            + "</span>"));
    }

    [GeneratedRegex(@"\[([^\]\n]+)\]\(([^)\s]+)\)")]
    private static partial Regex MdLink();

    [GeneratedRegex(@"\*\*(.+?)\*\*")]
    private static partial Regex MdBold();

    [GeneratedRegex(@"~~(.+?)~~")]
    private static partial Regex MdStrike();

    [GeneratedRegex(@"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")]
    private static partial Regex MdItalic();

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex MdCode();

    // <at id=ou_…></at>, <at user_id="ou_…">Name</at>, <at email=a@b.c></at>, <at ids=a,b></at> — after encoding.
    [GeneratedRegex("&lt;at\\s+(?:ids?|user_id|open_id|email)\\s*=\\s*(?:&quot;|&#39;)?(?<value>[^\\s&]+?)(?:&quot;|&#39;)?\\s*&gt;(?<inner>.*?)&lt;/at&gt;", RegexOptions.IgnoreCase)]
    private static partial Regex EncodedAt();
}
