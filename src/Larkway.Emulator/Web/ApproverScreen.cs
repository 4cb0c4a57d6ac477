using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Larkway.Emulator.Web;

/// <summary>
/// Building blocks of the DingTalk and WeCom approval pages, so both platforms' screens act alike: the person acting is
/// chosen with <c>?as=userid</c> (as on the Feishu approval page), decisions are plain form posts, refusals are pages
/// with a 4xx status that say why. No script.
/// </summary>
internal static class ApproverScreen
{
    public static IResult Page(string title, string body, int status = 200) =>
        Results.Content(WebEndpoints.Layout(title, body), "text/html; charset=utf-8", Encoding.UTF8, status);

    /// <summary>A refused decision or an unknown approval: what went wrong and the way back.</summary>
    public static IResult Refused(string title, string message, string back, int status) =>
        Page(title, $"<h1>{Html.Encode(title)}</h1><div class=\"flash flash-error\" role=\"alert\">{Html.Encode(message)}</div><p><a href=\"{Html.Encode(back)}\">Back</a></p>", status);

    /// <summary>The "acting as" picker: a GET of <paramref name="action"/> with <c>as</c>.</summary>
    public static void ActingAs(StringBuilder body, string action, IEnumerable<(string Id, string Name)> people, string? current)
    {
        body.Append("<form class=\"acting\" method=\"get\" action=\"").Append(Html.Encode(action)).Append("\"><label>Signed in as <select name=\"as\">");
        foreach (var (id, name) in people)
        {
            body.Append("<option value=\"").Append(Html.Encode(id)).Append('"').Append(id == current ? " selected" : string.Empty).Append('>')
                .Append(Html.Encode($"{name} ({id})")).Append("</option>");
        }

        body.Append("</select></label> <button type=\"submit\">Switch</button></form>");
    }

    /// <summary>
    /// The decision form: <paramref name="hidden"/> fields, a comment box named <paramref name="commentField"/>, and two
    /// buttons that post <paramref name="choiceField"/> = <paramref name="approve"/> or <paramref name="reject"/>.
    /// </summary>
    public static void DecideForm(StringBuilder body, string action, string prompt, IEnumerable<(string Name, string Value)> hidden, string commentField,
        string choiceField, (string Value, string Label) approve, (string Value, string Label) reject)
    {
        body.Append("<form class=\"say approval-task\" method=\"post\" action=\"").Append(Html.Encode(action)).Append("\"><p><strong>").Append(Html.Encode(prompt)).Append("</strong></p>");
        foreach (var (name, value) in hidden)
        {
            body.Append("<input type=\"hidden\" name=\"").Append(Html.Encode(name)).Append("\" value=\"").Append(Html.Encode(value)).Append("\">");
        }

        body.Append("<textarea name=\"").Append(Html.Encode(commentField)).Append("\" rows=\"2\" cols=\"60\" placeholder=\"Comment (optional)\"></textarea><br>")
            .Append("<button class=\"btn btn-primary\" type=\"submit\" name=\"").Append(Html.Encode(choiceField)).Append("\" value=\"").Append(Html.Encode(approve.Value)).Append("\">").Append(Html.Encode(approve.Label)).Append("</button>")
            .Append("<button class=\"btn btn-danger\" type=\"submit\" name=\"").Append(Html.Encode(choiceField)).Append("\" value=\"").Append(Html.Encode(reject.Value)).Append("\">").Append(Html.Encode(reject.Label)).Append("</button></form>");
    }

    /// <summary>One row of <see cref="Table"/>.</summary>
    public static IReadOnlyList<string> Row(params string[] cells) => cells;

    /// <summary>A table of text cells (each encoded).</summary>
    public static void Table(StringBuilder body, string cssClass, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        body.Append("<table class=\"").Append(cssClass).Append("\"><tr>");
        foreach (var header in headers)
        {
            body.Append("<th>").Append(Html.Encode(header)).Append("</th>");
        }

        body.Append("</tr>");
        foreach (var row in rows)
        {
            body.Append("<tr>");
            foreach (var cell in row)
            {
                body.Append("<td>").Append(Html.Encode(cell)).Append("</td>");
            }

            body.Append("</tr>");
        }

        body.Append("</table>");
    }

    /// <summary>A link list of approvals: (href, title, note) each.</summary>
    public static void Links(StringBuilder body, IReadOnlyList<(string Href, string Title, string Note)> links, string none)
    {
        if (links.Count == 0)
        {
            body.Append("<p class=\"meta\">").Append(Html.Encode(none)).Append("</p>");
            return;
        }

        body.Append("<ul class=\"approvals\">");
        foreach (var (href, title, note) in links)
        {
            body.Append("<li><a href=\"").Append(Html.Encode(href)).Append("\">").Append(Html.Encode(title)).Append("</a> <span class=\"meta\">").Append(Html.Encode(note)).Append("</span></li>");
        }

        body.Append("</ul>");
    }

    /// <summary>The form's field, or null when the post is not a form or lacks it.</summary>
    public static async Task<IFormCollection?> FormAsync(HttpContext context) =>
        context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : null;

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>A page's address with the person acting.</summary>
    public static string As(string path, string? userId) => userId is null ? path : path + "?as=" + Uri.EscapeDataString(userId);
}
