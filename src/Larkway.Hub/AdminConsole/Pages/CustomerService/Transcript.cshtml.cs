using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>One customer's conversation with an account: every message and event, masked for display.</summary>
internal sealed class CustomerServiceTranscriptModel(ICustomerServiceConsole? source = null) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string App { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string OpenKfId { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string Customer { get; set; } = "";

    public CustomerServiceSessionView? Session { get; private set; }

    public IReadOnlyList<CustomerServiceLineView> Lines { get; private set; } = [];

    public int TranscriptLines => source?.TranscriptLines ?? 0;

    public async Task<IActionResult> OnGetAsync()
    {
        Session = source is null ? null : await source.SessionAsync(App, OpenKfId, Customer, HttpContext.RequestAborted).ConfigureAwait(false);
        if (Session is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }

        Lines = await source!.TranscriptAsync(App, OpenKfId, Customer, HttpContext.RequestAborted).ConfigureAwait(false);
        return Page();
    }
}
