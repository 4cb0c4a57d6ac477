using System.Globalization;
using Microsoft.AspNetCore.Html;

namespace Larkway.Hub.AdminConsole;

/// <summary>Small pieces of markup the console's pages share. Text is always HTML-encoded.</summary>
internal static class ConsoleHtml
{
    /// <summary>
    /// A dotted name (a notification type, an event type) as code that may wrap only after its dots
    /// (<c>purchase_order.<wbr>created</c>), never inside a word: see <c>code.name</c> in console.css.
    /// </summary>
    public static IHtmlContent Name(string? name)
    {
        var html = new HtmlContentBuilder().AppendHtml("<code class=\"name\">");
        var parts = (name ?? "").Split('.');
        for (var i = 0; i < parts.Length; i++)
        {
            html.Append(parts[i]);
            if (i < parts.Length - 1)
            {
                html.AppendHtml(".<wbr>");
            }
        }

        return html.AppendHtml("</code>");
    }

    /// <summary>
    /// An id (<c>ou_…</c>, <c>ntf_…</c>, a message id) as code, whole in its title: in a table a long one shows its start
    /// on one line and ends in an ellipsis (<c>code.id</c> in console.css), its text still whole to select, copy and find;
    /// nothing for none, so an empty cell shows no empty box.
    /// </summary>
    public static IHtmlContent Id(string? id) =>
        string.IsNullOrEmpty(id)
            ? HtmlString.Empty
            : new HtmlContentBuilder().AppendHtml("<code class=\"id\" title=\"").Append(id).AppendHtml("\">").Append(id).AppendHtml("</code>");

    /// <summary>
    /// A URL (an events or callback URL to paste, a base URL, a webhook's endpoint) on one line, never broken inside: a long
    /// one shows cut with an ellipsis and scrolls sideways in its box (<c>.url-box</c> in console.css), its tooltip is the
    /// whole URL, and a Copy button console.js reveals copies it whole. The
    /// text stays selectable without script. <paramref name="kind"/> adds a class a page or test finds it by
    /// (<c>events-url</c>); <paramref name="id"/> an element id. Nothing for none.
    /// </summary>
    public static IHtmlContent Url(string? url, string? kind = null, string? id = null)
    {
        if (string.IsNullOrEmpty(url))
        {
            return HtmlString.Empty;
        }

        var html = new HtmlContentBuilder().AppendHtml("<span class=\"url-box\"><code class=\"url");
        if (!string.IsNullOrEmpty(kind))
        {
            html.AppendHtml(" ").Append(kind);
        }

        html.AppendHtml("\"");
        if (!string.IsNullOrEmpty(id))
        {
            html.AppendHtml(" id=\"").Append(id).AppendHtml("\"");
        }

        // The whole URL as its tooltip, since a long one shows cut with an ellipsis (it scrolls: by keyboard, focused, or trackpad).
        return html.AppendHtml(" tabindex=\"0\" title=\"").Append(url).AppendHtml("\">").Append(url)
            .AppendHtml("</code><button type=\"button\" class=\"copy\" title=\"Copy the URL\" hidden>Copy</button></span>");
    }

    /// <inheritdoc cref="Url(string?, string?, string?)"/>
    public static IHtmlContent Url(Uri? url, string? kind = null, string? id = null) => Url(url?.ToString(), kind, id);

    /// <summary>
    /// Beside URLs to paste into a platform's developer console: when they are on a loopback address (the sandbox, or a Hub
    /// reached as 127.0.0.1 with no public URL set), a note that the platform cannot reach them and which setting gives the
    /// Hub its public address; nothing otherwise.
    /// </summary>
    public static IHtmlContent LoopbackNote(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.IsLoopback
            ? new HtmlContentBuilder().AppendHtml("<span class=\"loopback-note\">").Append(uri.Host)
                .AppendHtml(" is this machine: the sandbox's Emulator reaches it, a real platform cannot. Set <code class=\"setting\">LARKWAY_PUBLIC_URL</code> to the address it reaches the Hub at.</span>")
            : HtmlString.Empty;

    /// <summary>A stored comma-separated list of names (a key's allowed types, a subscription's event types), each as <see cref="Name"/>.</summary>
    public static IHtmlContent Names(string? commaSeparated)
    {
        var html = new HtmlContentBuilder();
        foreach (var name in (commaSeparated ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (html.Count > 0)
            {
                html.Append(", ");
            }

            html.AppendHtml(Name(name));
        }

        return html;
    }

    /// <summary>How long something took, roughly: <c>0.4 s</c>, <c>12 s</c>, <c>3 min</c>, <c>5 h</c>, <c>2 d</c>.</summary>
    public static string Duration(TimeSpan span) => span switch
    {
        { TotalSeconds: < 10 } => Math.Max(0, span.TotalSeconds).ToString("0.#", CultureInfo.InvariantCulture) + " s",
        { TotalMinutes: < 1 } => ((int)span.TotalSeconds).ToString(CultureInfo.InvariantCulture) + " s",
        { TotalHours: < 1 } => ((int)span.TotalMinutes).ToString(CultureInfo.InvariantCulture) + " min",
        { TotalDays: < 2 } => ((int)span.TotalHours).ToString(CultureInfo.InvariantCulture) + " h",
        _ => ((int)span.TotalDays).ToString(CultureInfo.InvariantCulture) + " d",
    };

    /// <summary>A time as the console shows them (UTC, <c>2026-11-22 03:40:12Z</c>); empty for none.</summary>
    public static string Time(DateTimeOffset? at) => at?.ToString("u", CultureInfo.InvariantCulture) ?? "";
}
