using Larkway.Hub.Platform.Audit;
using Microsoft.AspNetCore.Mvc;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>Asks before the Hub stops serving an account (its stored messages and sessions go with it; nothing changes on the platform).</summary>
internal sealed class CustomerServiceRemoveModel(IAuditLog audit, ICustomerServiceAccounts? accounts = null) : ConsolePageModel(audit)
{
    [BindProperty(SupportsGet = true)]
    public string App { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string Account { get; set; } = "";

    public async Task<IActionResult> OnGetAsync() =>
        accounts is not null && await accounts.SettingsAsync(App, Account, HttpContext.RequestAborted).ConfigureAwait(false) is not null ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync()
    {
        if (accounts is null || !await accounts.RemoveAsync(App, Account, HttpContext.RequestAborted).ConfigureAwait(false))
        {
            return NotFound();
        }

        await AuditAsync($"{accounts.AuditPrefix}.delete", $"{App}/{Account}").ConfigureAwait(false);
        Flash($"{Account} is no longer served; its stored messages and sessions were deleted.");
        return Redirect("/console/customer-service");
    }
}
