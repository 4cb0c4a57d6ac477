using Larkway.Hub.Platform.Audit;
using Microsoft.AspNetCore.Mvc;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>Adds a customer-service account to an app: its first pull takes what the platform keeps in as history.</summary>
internal sealed class CustomerServiceNewModel(IAuditLog audit, ICustomerServiceAccounts? accounts = null) : CustomerServiceAccountPage(accounts, audit)
{
    [BindProperty]
    public string App { get; set; } = "";

    [BindProperty]
    public string Account { get; set; } = "";

    public IReadOnlyList<string> AppChoices { get; private set; } = [];

    public override bool IsNew => true;

    public async Task<IActionResult> OnGetAsync()
    {
        if (Accounts is null)
        {
            return NotFound();
        }

        AppChoices = await Accounts.AppsAsync(HttpContext.RequestAborted).ConfigureAwait(false);
        App = AppChoices.FirstOrDefault() ?? "";
        Form = CustomerServiceAccountForm.From(Accounts.Defaults);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (Accounts is null)
        {
            return NotFound();
        }

        (App, Account) = (App.Trim(), Account.Trim());
        AppChoices = await Accounts.AppsAsync(HttpContext.RequestAborted).ConfigureAwait(false);
        if (Account.Length > 0 && await Accounts.SettingsAsync(App, Account, HttpContext.RequestAborted).ConfigureAwait(false) is not null)
        {
            // Adding never changes an account already served (a typo would overwrite its settings).
            Problems.Add(("account", $"{Account} is served on {App} already: edit it from the Customer service page."));
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        if (!await SaveAsync(App, Account).ConfigureAwait(false))
        {
            return Page();
        }

        Flash($"{Account} added to {App}: the Hub pulls its messages now. What WeCom kept from before is stored as history, not answered.");
        return Redirect("/console/customer-service");
    }
}
