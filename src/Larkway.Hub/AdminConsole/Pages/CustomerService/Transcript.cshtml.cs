using Larkway.Hub.WeCom.CustomerService;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>One customer's conversation with an account: every message and event, masked for display.</summary>
internal sealed class CustomerServiceTranscriptModel(KfConsoleQueries queries) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string App { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string OpenKfId { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string Customer { get; set; } = "";

    public KfSessionRow? Session { get; private set; }

    public IReadOnlyList<KfTranscriptLine> Lines { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        Session = await queries.SessionAsync(App, OpenKfId, Customer, HttpContext.RequestAborted).ConfigureAwait(false);
        if (Session is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }

        Lines = await queries.TranscriptAsync(App, OpenKfId, Customer, HttpContext.RequestAborted).ConfigureAwait(false);
        return Page();
    }

    /// <summary>Who wrote a line, in words.</summary>
    public static string Who(KfTranscriptLine line) => line.Origin switch
    {
        KfOrigins.Customer => "Customer",
        KfOrigins.Hub => "Assistant",
        KfOrigins.Receptionist => line.Who ?? "Receptionist",
        _ => "WeCom",
    };

    /// <summary>What the Hub did with a customer's message, in words.</summary>
    public static string? Did(KfTranscriptLine line) => line.Origin != KfOrigins.Customer ? null : line.Route switch
    {
        KfRoutes.Assistant => "answered by the assistant",
        KfRoutes.Handover => "asked for a person: handed over",
        KfRoutes.People => "left to people",
        KfRoutes.History => "history (from before the account was added)",
        KfRoutes.Unanswered => "not answered (account off, or no assistant)",
        KfRoutes.Waiting => "waiting",
        _ => null,
    };
}
