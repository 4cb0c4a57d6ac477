using Larkway.Hub.Apps;
using Larkway.Hub.Assistants.Configuration;
using Larkway.Hub.Assistants.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>An assistant's sessions, newest first, filtered by platform, person and the status of their last turn; older pages by cursor.</summary>
internal sealed class AssistantConversationsModel(AssistantService assistants, AssistantConsoleQueries queries, HubPlatforms platforms) : PageModel
{
    /// <summary>Sessions per page.</summary>
    public const int PageSize = 50;

    /// <summary>The platforms a turn comes from, with their names: those the rooms registered.</summary>
    public IReadOnlyList<(string Value, string Label)> PlatformChoices => [.. platforms.All.Select(p => (p.Name, p.ConsoleName))];

    [BindProperty(SupportsGet = true)]
    public string Name { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? Platform { get; set; }

    /// <summary>A person (<c>per_…</c>) or a sender's platform id.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Person { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    /// <summary>Show sessions older than this id (the "Older" link's cursor).</summary>
    [BindProperty(SupportsGet = true)]
    public long? Before { get; set; }

    public AssistantInfo? Assistant { get; private set; }

    public string? Problem { get; private set; }

    /// <summary>The cursor of the next (older) page, or null on the last.</summary>
    public long? Next { get; private set; }

    public IReadOnlyList<AssistantSessionSummary> Sessions { get; private set; } = [];

    /// <summary>How many of its turns are in no session (refused before one started, or waiting).</summary>
    public int TurnsWithoutSession { get; private set; }

    public bool Filtered => !string.IsNullOrEmpty(Platform) || !string.IsNullOrEmpty(Person) || !string.IsNullOrEmpty(Status);

    public async Task<IActionResult> OnGetAsync()
    {
        var cancellationToken = HttpContext.RequestAborted;
        Assistant = await assistants.GetAsync(Name, cancellationToken).ConfigureAwait(false);
        if (Assistant is null)
        {
            return NotFound();
        }

        TurnsWithoutSession = await queries.TurnsWithoutSessionCountAsync(Name, cancellationToken).ConfigureAwait(false);
        var platform = string.IsNullOrWhiteSpace(Platform) ? null : Platform.Trim();
        var status = string.IsNullOrWhiteSpace(Status) ? null : Status.Trim();
        var person = string.IsNullOrWhiteSpace(Person) ? null : Person.Trim();
        if (platform is not null && PlatformChoices.All(p => p.Value != platform))
        {
            Problem = $"Unknown platform '{platform}'; pick one of: {string.Join(", ", PlatformChoices.Select(p => p.Value))}.";
        }
        else if (status is not null && !AssistantTurnStatus.All.Contains(status))
        {
            Problem = $"Unknown status '{status}'; pick one of: {string.Join(", ", AssistantTurnStatus.All)}.";
        }
        else if (person is { Length: > 320 })
        {
            Problem = "The person is longer than 320 characters; give a per_… id or a platform user id.";
        }
        else
        {
            Problem = BeforeProblem(this);
        }

        if (Problem is not null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        // One more than shown tells whether an older page exists, so the last page never links to an empty one.
        var rows = await queries.SessionsAsync(Name, platform, person, status, Before, PageSize + 1, cancellationToken).ConfigureAwait(false);
        Sessions = rows.Count > PageSize ? [.. rows.Take(PageSize)] : rows;
        Next = rows.Count > PageSize ? Sessions[^1].Session.Id : null;
        await ConsolePeople.LoadAsync(HttpContext, Sessions.Select(s => s.Session.PersonId)).ConfigureAwait(false);
        return Page();
    }

    /// <summary>
    /// What is wrong with the page's <c>before</c> cursor, or null: one that is not a whole number fails to bind and would
    /// otherwise leave <see cref="Before"/> null, showing the newest page as if it had been asked for.
    /// </summary>
    internal static string? BeforeProblem(PageModel page) =>
        page.ModelState.TryGetValue("Before", out var entry) && entry.Errors.Count > 0
            ? $"'{Short(entry.AttemptedValue, 40)}' is not a page position: follow the Older link, or start again from the newest."
            : null;

    /// <summary>A platform as the console writes it.</summary>
    public string PlatformLabel(string platform) => platforms.ConsoleName(platform);

    /// <summary>A text cut to <paramref name="length"/> characters for a list.</summary>
    public static string Short(string? text, int length = 90) =>
        text is null ? "" : text.Length <= length ? text : text[..length].TrimEnd() + "…";
}
