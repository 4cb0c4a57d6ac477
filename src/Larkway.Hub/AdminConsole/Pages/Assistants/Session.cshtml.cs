using Larkway.Hub.Assistants.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>One session's turns, oldest first: the question as stored (masked), the answer as shown, how it went and its feedback.</summary>
internal sealed class AssistantSessionModel(AssistantConsoleQueries queries) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Name { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public long Id { get; set; }

    public AssistantSessionRow? Session { get; private set; }

    public IReadOnlyList<AssistantTurnView> Turns { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (await queries.SessionAsync(Name, Id, HttpContext.RequestAborted).ConfigureAwait(false) is not { } found)
        {
            return NotFound();
        }

        (Session, Turns) = found;
        await ConsolePeople.LoadAsync(HttpContext, Turns.Select(t => t.PersonId).Concat(Turns.SelectMany(t => t.Feedback.Select(f => f.User))).Append(Session.PersonId)).ConfigureAwait(false);
        return Page();
    }

    /// <summary>A feedback value as people say it.</summary>
    public static string FeedbackLabel(string value) => value switch
    {
        AssistantConsoleQueries.Helpful => "helpful",
        AssistantConsoleQueries.NotHelpful => "not helpful",
        AssistantConsoleQueries.Regenerate => "regenerate",
        _ => value,
    };
}
