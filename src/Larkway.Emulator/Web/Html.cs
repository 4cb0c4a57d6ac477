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
    /// The small Markdown subset cards use (bold, italic, strike, code, links, &lt;at&gt;, line breaks).
    /// The text is encoded first, so the patterns only ever add markup of our own.
    /// </summary>
    public static string Markdown(string? markdown)
    {
        var html = Encode(markdown);
        html = MdLink().Replace(html, m => Link(m.Groups[1].Value, WebUtility.HtmlDecode(m.Groups[2].Value)));
        html = MdBold().Replace(html, "<strong>$1</strong>");
        html = MdStrike().Replace(html, "<del>$1</del>");
        html = MdItalic().Replace(html, "<em>$1</em>");
        html = MdCode().Replace(html, "<code>$1</code>");
        html = EncodedAt().Replace(html, m => "<span class=\"mention\">@" + (m.Groups["id"].Value == "all" ? "所有人" : m.Groups["id"].Value) + "</span>");
        return html.Replace("\n", "<br>", StringComparison.Ordinal);
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

    [GeneratedRegex("&lt;at (?:user_)?id=(?:&quot;)?(?<id>[A-Za-z0-9_\\-]+)(?:&quot;)?&gt;.*?&lt;/at&gt;")]
    private static partial Regex EncodedAt();
}
