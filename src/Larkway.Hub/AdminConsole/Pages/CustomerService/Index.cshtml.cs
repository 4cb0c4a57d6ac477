using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>Customer service: the accounts the Hub serves, how their pulls stand, and the customers' sessions.</summary>
internal sealed class CustomerServiceIndexModel(ICustomerServiceConsole? source = null, ICustomerServiceAccounts? accounts = null) : PageModel
{
    /// <summary>Sessions listed.</summary>
    public const int SessionLimit = 200;

    /// <summary>False when no room serves customers in this Hub.</summary>
    public bool Served => source is not null;

    /// <summary>True when accounts can be added and changed here.</summary>
    public bool CanAdd => accounts is not null;

    public IReadOnlyList<CustomerServiceAccountView> Accounts { get; private set; } = [];

    public IReadOnlyList<CustomerServiceSessionView> Sessions { get; private set; } = [];

    public async Task OnGetAsync()
    {
        if (source is null)
        {
            return;
        }

        Accounts = await source.AccountsAsync(HttpContext.RequestAborted).ConfigureAwait(false);
        Sessions = await source.SessionsAsync(SessionLimit, HttpContext.RequestAborted).ConfigureAwait(false);
    }
}
