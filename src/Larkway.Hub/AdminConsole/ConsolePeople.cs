using Larkway.Hub.Directory;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.AdminConsole;

/// <summary>
/// People as an administrator knows them: a page shows a recipient, an approver or a clicker by the name the directory
/// has for them, with the raw id (<c>ou_…</c>, <c>per_…</c>, a union_id, a user_id, an email) beside it to copy, and the id
/// alone where the directory knows no one by it. One per request: the page model hands over every id it will show
/// (<see cref="LoadAsync"/>), and they are resolved in one directory lookup, never a query per row.
/// </summary>
internal sealed class ConsolePeople(IServiceProvider services)
{
    private readonly Dictionary<string, PersonRow> _known = new(StringComparer.Ordinal);

    /// <summary>Resolves <paramref name="ids"/> (nulls and blanks skipped) in one lookup; call once per page before it renders.</summary>
    public async Task LoadAsync(IEnumerable<string?> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var wanted = ids.Where(id => !string.IsNullOrWhiteSpace(id) && !_known.ContainsKey(id!)).Select(id => id!).Distinct(StringComparer.Ordinal).ToList();

        // A Hub without the directory has no names to give: every id shows as it is.
        if (wanted.Count == 0 || services.GetService<DirectoryStore>() is not { } directory)
        {
            return;
        }

        foreach (var (id, person) in await directory.PeopleByAnyIdAsync(wanted, cancellationToken).ConfigureAwait(false))
        {
            _known[id] = person;
        }
    }

    /// <summary>The request's <see cref="ConsolePeople"/> (the one its page injects) with <paramref name="ids"/> resolved.</summary>
    public static Task LoadAsync(HttpContext http, IEnumerable<string?> ids)
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.RequestServices.GetRequiredService<ConsolePeople>().LoadAsync(ids, http.RequestAborted);
    }

    /// <summary>The person's name, or null when <paramref name="id"/> was not loaded or names no one.</summary>
    public string? NameOf(string? id) => id is not null && _known.TryGetValue(id, out var person) ? person.Name : null;

    /// <summary>
    /// <c>Name</c> followed by the id, small, as code (the id in the title too); the id alone when no name is known.
    /// Both HTML-encoded: names come from Feishu's contact data.
    /// </summary>
    public IHtmlContent Html(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return HtmlString.Empty;
        }

        if (NameOf(id) is not { Length: > 0 } name)
        {
            return ConsoleHtml.Id(id);
        }

        return new HtmlContentBuilder()
            .AppendHtml("<span class=\"person\" title=\"").Append(id).AppendHtml("\">").Append(name).AppendHtml("</span> <span class=\"sub\">")
            .AppendHtml(ConsoleHtml.Id(id)).AppendHtml("</span>");
    }

    /// <summary><see cref="Html"/> of each id of a comma-separated list (a Bitable person field's value), comma-separated.</summary>
    public IHtmlContent List(string? commaSeparated)
    {
        var html = new HtmlContentBuilder();
        foreach (var id in (commaSeparated ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (html.Count > 0)
            {
                html.Append(", ");
            }

            html.AppendHtml(Html(id));
        }

        return html;
    }
}
