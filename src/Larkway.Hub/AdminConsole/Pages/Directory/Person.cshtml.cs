using Larkway.Hub.Apps;
using Larkway.Hub.Directory;
using Larkway.Hub.Directory.Links;
using Larkway.Hub.Notifications.Routing;
using Larkway.Hub.Platform.Audit;
using Microsoft.AspNetCore.Mvc;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>
/// One person: their ids per app, profile (mobile masked), departments with paths, leader, history of changes with their
/// sources, and where notifications reach them (preferred platform, accounts on the other platforms, which an administrator links here).
/// </summary>
internal sealed class DirectoryPersonModel(DirectoryService directory, PersonLinkStore links, RoutingSettingsStore routing, HubAppRegistry apps, HubPlatforms platforms, PersonPlatforms personPlatforms, IAuditLog audit) : ConsolePageModel(audit)
{
    private const int MaxUserIdLength = 128;

    [BindProperty(SupportsGet = true)]
    public string Id { get; set; } = "";

    public PersonDetail Person { get; private set; } = null!;

    /// <summary>The person's accounts linked on platforms other than the directory's.</summary>
    public IReadOnlyList<PersonLinkRow> Links { get; private set; } = [];

    /// <summary>The platforms in the order a notification tries them for this person.</summary>
    public IReadOnlyList<string> Order { get; private set; } = [];

    /// <summary>The apps an account can be linked under by hand: those whose platform says so (<see cref="HubPlatformInfo.LinksPeopleByHand"/>).</summary>
    public IReadOnlyList<StoredApp> LinkableApps { get; private set; } = [];

    /// <summary>The platforms whose accounts are linked here by hand, as people write them ("DingTalk or WeCom").</summary>
    public string LinkablePlatforms => string.Join(" or ", platforms.All.Where(p => p.LinksPeopleByHand).Select(p => p.DisplayName));

    /// <summary>The platforms a person can prefer, in the registry's order, with their names as people write them.</summary>
    public PersonPlatforms PersonPlatforms => personPlatforms;

    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync().ConfigureAwait(false) ? Page() : NotFound();

    public async Task<IActionResult> OnPostPreferAsync(string? platform)
    {
        if (!await LoadAsync().ConfigureAwait(false))
        {
            return NotFound();
        }

        var value = string.IsNullOrEmpty(platform) ? null : platform;
        if (value is not null && !personPlatforms.IsKnown(value))
        {
            return Refuse($"Choose {personPlatforms.DisplayedOr}, or the directory's order.");
        }

        await links.SetPreferredPlatformAsync(Person.Person.Id, value, HttpContext.RequestAborted).ConfigureAwait(false);
        await AuditAsync("directory.person.prefer", Person.Person.Id, Details(("platform", value))).ConfigureAwait(false);
        Flash(value is null ? $"{Person.Person.Name} follows the directory's platform order." : $"Notifications reach {Person.Person.Name} on {platforms.Display(value)} first.");
        return RedirectToPage(new { id = Id });
    }

    public async Task<IActionResult> OnPostLinkAsync(string? app, string? userId)
    {
        if (!await LoadAsync().ConfigureAwait(false))
        {
            return NotFound();
        }

        var target = LinkableApps.FirstOrDefault(a => a.Name == app);
        var account = userId?.Trim();
        if (target is null)
        {
            return Refuse($"Choose the {LinkablePlatforms} app the account belongs to.");
        }

        if (string.IsNullOrEmpty(account) || account.Length > MaxUserIdLength)
        {
            return Refuse($"Enter the person's userid on {platforms.Display(target.Platform)} (at most {MaxUserIdLength} characters), as its admin console shows it.");
        }

        var outcome = await links.LinkAsync(Person.Person.Id, target.Platform, target.Name, account, PersonLinkSource.Admin, HttpContext.RequestAborted).ConfigureAwait(false);
        if (outcome == PersonLinkOutcome.TakenByOther)
        {
            var owner = await links.PersonOfAsync(target.Platform, target.Name, account, HttpContext.RequestAborted).ConfigureAwait(false);
            return Refuse($"The {platforms.Display(target.Platform)} account '{account}' is linked to another person ({owner}). Remove that link on their page first.");
        }

        await AuditAsync("directory.person.link", Person.Person.Id, Details(("platform", target.Platform), ("app", target.Name), ("user_id", account))).ConfigureAwait(false);
        Flash($"{Person.Person.Name} is linked to {platforms.Display(target.Platform)} account {account} ({target.Name}).");
        return RedirectToPage(new { id = Id });
    }

    public async Task<IActionResult> OnPostUnlinkAsync(string? platform, string? app)
    {
        if (!await LoadAsync().ConfigureAwait(false))
        {
            return NotFound();
        }

        if (platform is null || app is null || !await links.UnlinkAsync(Person.Person.Id, platform, app, HttpContext.RequestAborted).ConfigureAwait(false))
        {
            return Refuse("That link is gone already.");
        }

        await AuditAsync("directory.person.unlink", Person.Person.Id, Details(("platform", platform), ("app", app))).ConfigureAwait(false);
        Flash($"The {platforms.Display(platform)} link ({app}) was removed; the next notification looks {Person.Person.Name} up by email or mobile again.");
        return RedirectToPage(new { id = Id });
    }

    private IActionResult Refuse(string problem)
    {
        Problem = problem;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private async Task<bool> LoadAsync()
    {
        var cancellationToken = HttpContext.RequestAborted;
        if (Id.Length > 64 || await directory.GetPersonAsync(Id, cancellationToken).ConfigureAwait(false) is not { } found)
        {
            return false;
        }

        Person = found;
        Links = await links.LinksAsync(found.Person.Id, cancellationToken).ConfigureAwait(false);
        Order = (await routing.GetAsync(cancellationToken).ConfigureAwait(false)).OrderFor(found.Person.PreferredPlatform, null);
        LinkableApps = [.. (await apps.AllAsync(cancellationToken).ConfigureAwait(false)).Where(a => platforms.Find(a.Platform)?.LinksPeopleByHand == true).OrderBy(a => a.Name, StringComparer.Ordinal)];
        return true;
    }
}
