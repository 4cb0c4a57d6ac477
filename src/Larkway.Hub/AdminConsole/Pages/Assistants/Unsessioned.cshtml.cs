using Larkway.Hub.Assistants.Configuration;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>An assistant's turns in no session (refused before one started, or still queued), newest first; older pages by cursor.</summary>
internal sealed class AssistantUnsessionedModel(AssistantService assistants, AssistantConsoleQueries queries) : PageModel
{
    /// <summary>Turns per page.</summary>
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)]
    public string Name { get; set; } = "";

    /// <summary>Show turns older than this id (the "Older" link's cursor).</summary>
    [BindProperty(SupportsGet = true)]
    public long? Before { get; set; }

    public AssistantInfo? Assistant { get; private set; }

    public string? Problem { get; private set; }

    public int Total { get; private set; }

    public long? Next { get; private set; }

    public IReadOnlyList<AssistantTurnView> Turns { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        var cancellationToken = HttpContext.RequestAborted;
        Assistant = await assistants.GetAsync(Name, cancellationToken).ConfigureAwait(false);
        if (Assistant is null)
        {
            return NotFound();
        }

        Problem = AssistantConversationsModel.BeforeProblem(this);
        if (Problem is not null)
        {
            Total = await queries.TurnsWithoutSessionCountAsync(Name, cancellationToken).ConfigureAwait(false);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var (rows, total) = await queries.TurnsWithoutSessionAsync(Name, Before, PageSize + 1, cancellationToken).ConfigureAwait(false);
        Total = total;
        Turns = rows.Count > PageSize ? [.. rows.Take(PageSize)] : rows;
        Next = rows.Count > PageSize ? Turns[^1].Id : null;
        await ConsolePeople.LoadAsync(HttpContext, Turns.Select(t => t.PersonId).Concat(Turns.SelectMany(t => t.Feedback.Select(f => f.User)))).ConfigureAwait(false);
        return Page();
    }
}
