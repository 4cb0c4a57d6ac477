using System.Text.RegularExpressions;

namespace Larkway.Feishu.Docs;

/// <summary>The kinds of Feishu document a link can point at.</summary>
public enum FeishuDocKind
{
    /// <summary>A docx document (<c>/docx/…</c>).</summary>
    Docx,
    /// <summary>A wiki node (<c>/wiki/…</c>): resolve it to find what it holds.</summary>
    Wiki,
    /// <summary>An old-style document (<c>/docs/…</c>).</summary>
    Doc,
    /// <summary>A sheet (<c>/sheets/…</c>).</summary>
    Sheet,
    /// <summary>A base (<c>/base/…</c>).</summary>
    Base,
    /// <summary>An uploaded file (<c>/file/…</c>).</summary>
    File,
    /// <summary>Slides (<c>/slides/…</c>).</summary>
    Slides,
    /// <summary>A mind note (<c>/mindnotes/…</c>).</summary>
    Mindnote,
    /// <summary>A folder (<c>/drive/folder/…</c>).</summary>
    Folder,
    /// <summary>A whiteboard (<c>/board/…</c>).</summary>
    Board,
}

/// <summary>A link to a Feishu document found in a message.</summary>
/// <param name="Kind">What it points at.</param>
/// <param name="Token">The token in the link: a document id, a wiki node token, a folder token.</param>
/// <param name="Url">The link as written, without its query and fragment.</param>
public sealed record FeishuDocLink(FeishuDocKind Kind, string Token, string Url)
{
    /// <summary>
    /// Whether its text can be read: docx documents, and wiki nodes (when the node holds a docx document). Sheets, bases,
    /// files, slides, mind notes, folders, boards and old-style documents cannot.
    /// </summary>
    public bool IsReadable => Kind is FeishuDocKind.Docx or FeishuDocKind.Wiki;

    /// <summary>The kind as a person says it ("a sheet", "an old-style document").</summary>
    public string KindName => FeishuDocLinks.Name(Kind);
}

/// <summary>
/// Finds links to Feishu documents in a message's text — plain or rich text, Markdown, or JSON with escaped slashes — on
/// <c>feishu.cn</c>, <c>larksuite.com</c> and <c>larkoffice.com</c> (any tenant sub-domain) and on hosts the caller adds.
/// </summary>
public static partial class FeishuDocLinks
{
    private static readonly string[] KnownHosts = ["feishu.cn", "larksuite.com", "larkoffice.com"];

    /// <summary>The document links in <paramref name="text"/>, each once, in order.</summary>
    /// <param name="text">A message's text or its content JSON.</param>
    /// <param name="extraHosts">Hosts to accept beside Feishu's (an Emulator's, say), exactly or as a parent domain.</param>
    public static IReadOnlyList<FeishuDocLink> Find(string? text, IEnumerable<string>? extraHosts = null)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        var hosts = extraHosts is null ? KnownHosts : [.. KnownHosts, .. extraHosts.Where(h => !string.IsNullOrWhiteSpace(h)).Select(h => h.Trim().ToLowerInvariant())];
        var found = new List<FeishuDocLink>();
        foreach (Match match in UrlPattern().Matches(text.Replace("\\/", "/", StringComparison.Ordinal)))
        {
            if (TryParse(match.Value, hosts, out var link) && !found.Any(f => f.Kind == link.Kind && f.Token == link.Token))
            {
                found.Add(link);
            }
        }

        return found;
    }

    /// <summary>Reads one link; false when it is not a link to a Feishu document.</summary>
    public static bool TryParse(string? url, out FeishuDocLink link) => TryParse(url, KnownHosts, out link);

    private static bool TryParse(string? url, IReadOnlyList<string> hosts, out FeishuDocLink link)
    {
        link = null!;
        if (!Uri.TryCreate(url?.TrimEnd('.', ',', ';', ':', '!', '?', '。', '，'), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || !hosts.Any(h => uri.Host.Equals(h, StringComparison.OrdinalIgnoreCase) || uri.Host.EndsWith("." + h, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        (FeishuDocKind Kind, string Token)? found = segments switch
        {
            ["drive", "folder", var token, ..] => (FeishuDocKind.Folder, token),
            ["wiki", "settings", ..] => null,
            [var kind, var token, ..] when KindOf(kind) is { } k => (k, token),
            _ => null,
        };
        if (found is not { } f || !TokenPattern().IsMatch(f.Token))
        {
            return false;
        }

        link = new FeishuDocLink(f.Kind, f.Token, uri.GetLeftPart(UriPartial.Path));
        return true;
    }

    internal static string Name(FeishuDocKind kind) => kind == FeishuDocKind.Slides ? Noun(kind) : (Noun(kind)[0] is 'a' or 'o' ? "an " : "a ") + Noun(kind);

    /// <summary>A kind as a person names it, without an article ("sheet", "old-style document").</summary>
    public static string Noun(FeishuDocKind kind) => kind switch
    {
        FeishuDocKind.Docx => "document",
        FeishuDocKind.Wiki => "wiki page",
        FeishuDocKind.Doc => "old-style document",
        FeishuDocKind.Sheet => "sheet",
        FeishuDocKind.Base => "base",
        FeishuDocKind.File => "file",
        FeishuDocKind.Slides => "slides",
        FeishuDocKind.Mindnote => "mind note",
        FeishuDocKind.Folder => "folder",
        FeishuDocKind.Board => "whiteboard",
        _ => "document",
    };

    /// <summary>
    /// The kind an <c>obj_type</c> of the Drive and wiki APIs names (<c>docx</c>, <c>doc</c>, <c>sheet</c>, <c>bitable</c>,
    /// <c>mindnote</c>, <c>file</c>, <c>slides</c>, <c>wiki</c>, <c>folder</c>); null for one Feishu adds later.
    /// </summary>
    public static FeishuDocKind? KindOfObjType(string? objType) => objType switch
    {
        "docx" => FeishuDocKind.Docx,
        "doc" => FeishuDocKind.Doc,
        "sheet" => FeishuDocKind.Sheet,
        "bitable" => FeishuDocKind.Base,
        "mindnote" => FeishuDocKind.Mindnote,
        "file" => FeishuDocKind.File,
        "slides" => FeishuDocKind.Slides,
        "wiki" => FeishuDocKind.Wiki,
        "folder" => FeishuDocKind.Folder,
        _ => null,
    };

    private static FeishuDocKind? KindOf(string segment) => segment switch
    {
        "docx" => FeishuDocKind.Docx,
        "wiki" => FeishuDocKind.Wiki,
        "docs" or "doc" => FeishuDocKind.Doc,
        "sheets" or "sheet" => FeishuDocKind.Sheet,
        "base" => FeishuDocKind.Base,
        "file" => FeishuDocKind.File,
        "slides" => FeishuDocKind.Slides,
        "mindnotes" or "mindnote" => FeishuDocKind.Mindnote,
        "board" => FeishuDocKind.Board,
        _ => null,
    };

    // ASCII URL characters only: a link written inside Chinese text ends at the first CJK character or punctuation.
    [GeneratedRegex("""https?://[A-Za-z0-9\-._~:/?#@!$&*+,;=%]+""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UrlPattern();

    // Feishu's tokens are letters and digits (27 today; older ones carry a prefix such as doxcn).
    [GeneratedRegex("^[A-Za-z0-9]{8,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex TokenPattern();
}
