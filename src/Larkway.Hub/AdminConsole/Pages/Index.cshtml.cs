using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Larkway.Hub.AdminConsole.Pages;

internal sealed class IndexModel(ConsoleQueries queries) : PageModel
{
    public DashboardCounts? Counts { get; private set; }

    public async Task OnGetAsync() => Counts = await queries.CountsAsync(HttpContext.RequestAborted).ConfigureAwait(false);
}
