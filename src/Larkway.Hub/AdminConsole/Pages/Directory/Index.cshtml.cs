using Larkway.Hub.Directory;
using Larkway.Hub.Directory.Links;
using Larkway.Hub.Platform.Audit;
using Larkway.Hub.Platform.Http;
using Microsoft.AspNetCore.Mvc;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>
/// The directory: people searched by name, email, department and status (mobile numbers masked), by name then id, with the
/// platforms each is reached on and their linked accounts; the last sync with what it could not see, and "Sync now" (a full
/// sync, audited; a running sync is named instead of starting a second); and the platform accounts held for an
/// administrator (several people match them), each linked to the person picked, or dismissed.
/// </summary>
internal sealed class DirectoryIndexModel(
    DirectoryService directory, PersonLinkStore links, PersonLinkConflicts conflicts, LinkConflictViews conflictViews, PersonPlatforms personPlatforms,
    Larkway.Hub.Apps.HubAppRegistry apps, IAuditLog audit) : ConsolePageModel(audit)
{
    /// <summary>People per page.</summary>
    public const int PageSize = 50;

    /// <summary>Held accounts shown at once (the API pages through all of them).</summary>
    public const int HeldShown = 20;

    /// <summary>The apps the directory reads, first to last (<c>Larkway:Directory:App</c>, then <c>AlsoFrom</c>).</summary>
    public IReadOnlyList<string> ReadsApps => directory.Apps;

    /// <summary>A person's departments as the list shows them: each path, the directory app's first, then each later app's marked with it.</summary>
    public string DepartmentsLabel(IEnumerable<DepartmentRefDto> departments) => string.Join("; ", departments
        .Select(d => (Department: d, App: directory.AppOfDepartment(d.Id)))
        .OrderBy(d => d.App is null ? 0 : 1 + ReadsApps.ToList().IndexOf(d.App))
        .Select(d => (d.Department.Path ?? d.Department.Id) + (d.App is { } app ? $" ({app})" : "")));

    /// <summary>The platform accounts waiting for an administrator, newest first (at most <see cref="HeldShown"/>).</summary>
    public IReadOnlyList<LinkConflictDto> Held { get; private set; } = [];

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Email { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Department { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public string? Problem { get; private set; }

    public string? Next { get; private set; }

    public IReadOnlyList<PersonDetail> People { get; private set; } = [];

    /// <summary>The last run, with its problems; null before the first sync.</summary>
    public RunDetail? LastRun { get; private set; }

    /// <summary>The linked accounts of the people on this page, by person id.</summary>
    public ILookup<string, PersonLinkRow> Links { get; private set; } = Array.Empty<PersonLinkRow>().ToLookup(l => l.PersonId);

    /// <summary>The person's platforms, with their names as the platform registry gives them.</summary>
    public PersonPlatforms PersonPlatforms => personPlatforms;

    /// <summary>
    /// The platforms <paramref name="person"/> is reached on, in the registry's order: those of the apps the sync gave
    /// them an id under (the default app's: <see cref="PersonPlatform.Directory"/>), then every platform they have a
    /// linked account on, with those accounts.
    /// </summary>
    public IEnumerable<(string Platform, IReadOnlyList<PersonLinkRow> Accounts)> ReachedOn(PersonDetail person)
    {
        ArgumentNullException.ThrowIfNull(person);
        var accounts = Links[person.Person.Id].ToList();
        var synced = person.OpenIds.Select(i => i.App.Length == 0 ? PersonPlatform.Directory : Larkway.Hub.Apps.HubAppPlatform.Of(apps.Find(i.App)?.Platform)).ToHashSet(StringComparer.Ordinal);
        var platforms = personPlatforms.All.Concat(synced).Concat(accounts.Select(a => a.Platform)).Distinct(StringComparer.Ordinal);
        foreach (var platform in platforms)
        {
            var here = accounts.Where(a => a.Platform == platform).ToList();
            if (here.Count > 0 || synced.Contains(platform))
            {
                yield return (platform, here);
            }
        }
    }

    /// <summary>The department the filter names, when the directory has it.</summary>
    public DepartmentDetail? DepartmentShown { get; private set; }

    public async Task OnGetAsync()
    {
        var cancellationToken = HttpContext.RequestAborted;
        LastRun = (await directory.ListRunsAsync(1, after: null, cancellationToken).ConfigureAwait(false))?.FirstOrDefault();
        Held = await conflictViews.ListAsync(PersonLinkConflictStatus.Open, before: null, HeldShown, cancellationToken).ConfigureAwait(false);
        PersonStatus? status = null;
        if (!string.IsNullOrEmpty(Status))
        {
            if (!WireName<PersonStatus>.TryParseExact(Status, out var parsed))
            {
                Problem = $"Unknown status '{Status}'; pick one of: {WireName<PersonStatus>.Choices}.";
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            status = parsed;
        }

        if (new[] { Q, Email, Department, After }.Any(v => v is { Length: > 320 }))
        {
            Problem = "A search term is longer than 320 characters; shorten it.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var department = Trim(Department);
        if (department is not null)
        {
            DepartmentShown = await directory.GetDepartmentAsync(department, cancellationToken).ConfigureAwait(false);
        }

        var rows = await directory.ListPeopleAsync(new PeopleQuery(Trim(Email), department, Trim(Q), status, Trim(After), PageSize), cancellationToken).ConfigureAwait(false);
        People = rows.Count > PageSize ? [.. rows.Take(PageSize)] : rows;
        Next = rows.Count > PageSize ? People[^1].Person.Id : null;
        Links = await links.LinksAsync([.. People.Select(p => p.Person.Id)], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>"Sync now": starts a full sync, or says which one is running.</summary>
    public async Task<IActionResult> OnPostSyncAsync()
    {
        var (run, started) = await directory.StartSyncAsync(DirectorySyncKind.Full, "console", HttpContext.RequestAborted).ConfigureAwait(false);
        if (started)
        {
            await AuditAsync("directory.sync", run.Id, Details(("kind", "full"))).ConfigureAwait(false);
            Flash($"Full sync {run.Id} started; this page shows its progress when reloaded.");
        }
        else
        {
            Flash($"Sync {run.Id} is still running (started {ConsoleHtml.Time(run.StartedAt)}); a new one can start once it ended.");
        }

        return RedirectToPage();
    }

    /// <summary>"This is …": links a held account to the person picked.</summary>
    public async Task<IActionResult> OnPostResolveAsync(long conflict, string? personId)
    {
        if (string.IsNullOrEmpty(personId))
        {
            Flash("Pick the person the account belongs to.");
            return RedirectToPage();
        }

        var outcome = await conflicts.ResolveAsync(conflict, personId, HttpContext.RequestAborted).ConfigureAwait(false);
        if (outcome == PersonLinkConflictOutcome.Done)
        {
            await AuditAsync("directory.link_conflict.resolve", conflict.ToString(System.Globalization.CultureInfo.InvariantCulture), Details(("person_id", personId))).ConfigureAwait(false);
        }

        Flash(outcome switch
        {
            PersonLinkConflictOutcome.Done => "Linked: the account is that person's now, on every page and for every notification.",
            PersonLinkConflictOutcome.TakenByOther => "The account was linked to someone else meanwhile; remove that link on their page first.",
            PersonLinkConflictOutcome.NoPerson => "That person is no longer in the directory; pick another.",
            _ => "That account was decided already.",
        });
        return RedirectToPage();
    }

    /// <summary>"None of them": leaves a held account unlinked.</summary>
    public async Task<IActionResult> OnPostDismissAsync(long conflict)
    {
        var outcome = await conflicts.DismissAsync(conflict, HttpContext.RequestAborted).ConfigureAwait(false);
        if (outcome == PersonLinkConflictOutcome.Done)
        {
            await AuditAsync("directory.link_conflict.dismiss", conflict.ToString(System.Globalization.CultureInfo.InvariantCulture), Details()).ConfigureAwait(false);
        }

        Flash(outcome == PersonLinkConflictOutcome.Done
            ? "Dismissed: the account stays unlinked (a guest to the assistant) until you link it on a person's page."
            : "That account was decided already.");
        return RedirectToPage();
    }

    private static string? Trim(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
