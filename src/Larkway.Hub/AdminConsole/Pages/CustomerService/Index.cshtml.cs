using Larkway.Hub.WeCom.CustomerService;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>WeCom customer service: the accounts the Hub serves, how their pulls stand, and the customers' sessions.</summary>
internal sealed class CustomerServiceIndexModel(KfConsoleQueries queries) : PageModel
{
    /// <summary>Sessions listed.</summary>
    public const int SessionLimit = 200;

    public IReadOnlyList<KfAccountRow> Accounts { get; private set; } = [];

    public IReadOnlyList<KfSessionRow> Sessions { get; private set; } = [];

    public async Task OnGetAsync()
    {
        Accounts = await queries.AccountsAsync(HttpContext.RequestAborted).ConfigureAwait(false);
        Sessions = await queries.SessionsAsync(SessionLimit, HttpContext.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The console's address of a customer's transcript.</summary>
    public static string TranscriptPath(KfSessionRow s) =>
        $"/console/customer-service/{Uri.EscapeDataString(s.App)}/{Uri.EscapeDataString(s.OpenKfId)}/{Uri.EscapeDataString(s.ExternalUserId)}";
}
