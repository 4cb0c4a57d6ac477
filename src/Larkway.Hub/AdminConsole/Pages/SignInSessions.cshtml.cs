using System.Globalization;
using Larkway.Hub.Identity;
using Larkway.Hub.Identity.Clients;
using Larkway.Hub.Identity.Sessions;
using Larkway.Hub.Platform.Audit;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>The broker's live sessions: who, since when, in which apps; end one, or sign a person out everywhere.</summary>
internal sealed class SignInSessionsModel(SessionStore sessions, ClientStore clients, IAuditLog audit) : ConsolePageModel(audit)
{
    public const int Shown = 200;

    [BindProperty(SupportsGet = true)]
    public string? Person { get; set; }

    public IReadOnlyList<(SessionRow Session, string Name, IReadOnlyList<string> Apps)> Sessions { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var cancellationToken = HttpContext.RequestAborted;
        var person = Person is { Length: > 0 and <= 40 } p ? p.Trim() : null;
        var rows = await sessions.ListActiveAsync(person, after: null, Shown, cancellationToken).ConfigureAwait(false) ?? [];
        var apps = await sessions.ClientsOfAsync([.. rows.Select(r => r.Id)], cancellationToken).ConfigureAwait(false);
        var names = (await clients.ListAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(c => c.Id, c => c.Name, StringComparer.Ordinal);
        var people = HttpContext.RequestServices.GetRequiredService<ConsolePeople>();
        await people.LoadAsync(rows.Select(r => r.PersonId), cancellationToken).ConfigureAwait(false);
        Sessions = [.. rows.Select(row => (row, people.NameOf(row.PersonId) ?? "(unknown person)", (IReadOnlyList<string>)[.. apps[row.Id].Select(id => names.GetValueOrDefault(id, id))]))];
    }

    public async Task<IActionResult> OnPostEndAsync(string id)
    {
        if (id.Length > 40 || !await sessions.EndAsync(id, "admin", HttpContext.RequestAborted).ConfigureAwait(false))
        {
            return NotFound();
        }

        await AuditAsync("identity_session.end", id).ConfigureAwait(false);
        Flash($"Session {id} ended.");
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostSignOutPersonAsync(string personId)
    {
        if (personId.Length is 0 or > 40)
        {
            return NotFound();
        }

        var ended = await sessions.EndPersonAsync(personId, "admin", HttpContext.RequestAborted).ConfigureAwait(false);
        await AuditAsync("identity_person.sign_out", personId, Details(("sessions_ended", ended.ToString(CultureInfo.InvariantCulture)))).ConfigureAwait(false);
        Flash($"{personId} signed out of every app ({ended} session{(ended == 1 ? "" : "s")} ended).");
        return RedirectToPage();
    }
}
