using Larkway.Hub.BitableSync;
using Larkway.Hub.Platform.Audit;
using Microsoft.AspNetCore.Mvc;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>
/// A new sync, or a change to one: the form is checked by <see cref="BitableSyncService"/> against the live table and base,
/// each problem shown beside its field; saved, the sync page opens with its dry run (a new sync is paused until resumed).
/// </summary>
internal sealed class BitableSyncEditModel(BitableSyncService syncs, IAuditLog audit) : ConsolePageModel(audit)
{
    /// <summary>Set by the sync page after a save: run the dry run once on the next view.</summary>
    public const string DryRunAfterSave = "bitable-sync-dry-run";

    [FromRoute]
    public string? Id { get; set; }

    [BindProperty]
    public BitableSyncForm Form { get; set; } = new();

    /// <summary>The sync being edited (null for a new one).</summary>
    public BitableSyncRow? Sync { get; private set; }

    /// <summary>Problems by form field ("name", "columns", …), each in words that say what to change.</summary>
    public ILookup<string, string> Problems { get; private set; } = Array.Empty<(string, string)>().ToLookup(p => p.Item1, p => p.Item2);

    public bool IsNew => Id is null;

    public async Task<IActionResult> OnGetAsync()
    {
        if (IsNew)
        {
            return Page();
        }

        Sync = await syncs.GetAsync(Id!, HttpContext.RequestAborted).ConfigureAwait(false);
        if (Sync is null)
        {
            return NotFound();
        }

        Form = BitableSyncForm.From(Sync);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var cancellationToken = HttpContext.RequestAborted;
        if (!IsNew)
        {
            Sync = await syncs.GetAsync(Id!, cancellationToken).ConfigureAwait(false);
            if (Sync is null)
            {
                return NotFound();
            }
        }

        var (input, problems) = Form.ToInput();
        SyncResult<BitableSyncRow>? result = null;
        if (input is not null)
        {
            result = IsNew ? await syncs.CreateAsync(input, cancellationToken).ConfigureAwait(false) : await syncs.EditAsync(Id!, input, cancellationToken).ConfigureAwait(false);
            if (result.NotFound)
            {
                return NotFound();
            }

            problems = [.. result.Problems ?? []];
        }

        if (result?.Value is not { } saved)
        {
            Problems = problems.ToLookup(p => BitableSyncForm.FieldOf(p.Field), p => p.Message);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        await AuditAsync(IsNew ? "bitable_sync.create" : "bitable_sync.update", saved.Id, Details(("name", saved.Name), ("table", saved.TableName))).ConfigureAwait(false);
        Flash(IsNew ? $"{saved.Name} created, paused. The dry run below shows what resuming would do." : $"{saved.Name} saved. The dry run below shows what the next full pass would do.");
        TempData[DryRunAfterSave] = saved.Id;
        return Redirect("/console/bitable-syncs/" + saved.Id);
    }

    /// <summary>The problems for one form field, as the form shows them under it.</summary>
    public IEnumerable<string> ProblemsOf(string field) => Problems[field];
}
