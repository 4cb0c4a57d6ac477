using Larkway.Hub.Assistants;
using Larkway.Hub.Assistants.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>
/// One session's turns, oldest first: the question as stored (masked), the answer as shown, how it went and its feedback.
/// A session retention deleted (or that never was) is a 404 that says what is kept how long.
/// </summary>
internal sealed class AssistantSessionModel(AssistantConsoleQueries queries, IOptions<AssistantOptions> options) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Name { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public long Id { get; set; }

    /// <summary>The session; null when there is none (the page says so, with a 404).</summary>
    public AssistantSessionRow? Session { get; private set; }

    public IReadOnlyList<AssistantTurnView> Turns { get; private set; } = [];

    /// <summary>How long an ended turn is kept (<c>Larkway:Assistants:TurnRetention</c>), as the console writes durations.</summary>
    public string TurnRetention => ConsoleHtml.Duration(options.Value.TurnRetention);

    /// <summary>Answered turns the session counted that are no longer kept.</summary>
    public int AnsweredNoLongerKept => Session is null ? 0 : Math.Max(0, Session.Turns - Turns.Count(t => t.Status == AssistantTurnStatus.Answered));

    public async Task<IActionResult> OnGetAsync()
    {
        if (await queries.SessionAsync(Name, Id, HttpContext.RequestAborted).ConfigureAwait(false) is not { } found)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
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
