using Larkway.Hub.Platform.Audit;
using Microsoft.AspNetCore.Mvc;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>A served account's settings: who answers, the welcome, end and hand-over messages, and what hands a customer to people.</summary>
internal sealed class CustomerServiceAccountModel(IAuditLog audit, ICustomerServiceAccounts? accounts = null) : CustomerServiceAccountPage(accounts, audit)
{
    [BindProperty(SupportsGet = true)]
    public string App { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string Account { get; set; } = "";

    public override bool IsNew => false;

    public async Task<IActionResult> OnGetAsync()
    {
        if (Accounts is null || await Accounts.SettingsAsync(App, Account, HttpContext.RequestAborted).ConfigureAwait(false) is not { } settings)
        {
            return NotFound();
        }

        Form = CustomerServiceAccountForm.From(settings);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (Accounts is null || await Accounts.SettingsAsync(App, Account, HttpContext.RequestAborted).ConfigureAwait(false) is null)
        {
            return NotFound();
        }

        if (!await SaveAsync(App, Account).ConfigureAwait(false))
        {
            return Page();
        }

        Flash($"{Account} saved.");
        return Redirect("/console/customer-service");
    }
}
