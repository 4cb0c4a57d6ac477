using Larkway.Hub.Platform.Audit;
using Microsoft.AspNetCore.Mvc;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>What the add and edit pages of a served account share: the form, its problems, and saving through the room.</summary>
internal abstract class CustomerServiceAccountPage(ICustomerServiceAccounts? accounts, IAuditLog audit) : ConsolePageModel(audit)
{
    protected ICustomerServiceAccounts? Accounts { get; } = accounts;

    [BindProperty]
    public CustomerServiceAccountForm Form { get; set; } = new();

    public List<(string Field, string Message)> Problems { get; } = [];

    /// <summary>Where to find an account's id, in words.</summary>
    public string AccountIdHelp => Accounts?.AccountIdHelp ?? "";

    public abstract bool IsNew { get; }

    public IEnumerable<string> ProblemsOf(string field) => Problems.Where(p => p.Field == field).Select(p => p.Message);

    /// <summary>Saves the form for <paramref name="app"/>'s <paramref name="account"/>; false (problems kept, 400) when refused.</summary>
    protected async Task<bool> SaveAsync(string app, string account)
    {
        var (settings, unreadable) = Form.Read();
        if (unreadable is { } problem)
        {
            Problems.Add(problem);
        }
        else
        {
            Problems.AddRange(await Accounts!.SaveAsync(app, account, settings!, HttpContext.RequestAborted).ConfigureAwait(false));
        }

        if (Problems.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return false;
        }

        await AuditAsync($"{Accounts!.AuditPrefix}.{(IsNew ? "create" : "update")}", $"{app}/{account}", Details(("enabled", Form.Enabled ? "true" : "false"))).ConfigureAwait(false);
        return true;
    }
}
