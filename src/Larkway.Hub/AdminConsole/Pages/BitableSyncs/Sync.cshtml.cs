using System.Globalization;
using System.Text.Json;
using Larkway.Hub.BitableSync;
using Larkway.Hub.Platform.Audit;
using Larkway.Hub.Platform.Http;
using Microsoft.AspNetCore.Mvc;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>
/// One Bitable sync: its definition and status (last pass, lag, rows each way, paused columns), pause, resume and run now,
/// the dry run (what a full diff would do, nothing written), held conflicts with both sides and a button per side, dead
/// letters with Feishu's code and a retry, and the history of passes. Every action is audited.
/// </summary>
internal sealed class BitableSyncModel(BitableSyncService syncs, BitableSyncStore store, IAuditLog audit) : ConsolePageModel(audit)
{
    /// <summary>Conflicts and dead letters a page shows.</summary>
    public const int PageSize = 50;

    [FromRoute]
    public string Id { get; set; } = "";

    /// <summary>The conflicts page starts after this id (the previous page's last).</summary>
    [FromQuery(Name = "conflictsAfter")]
    public long? ConflictsAfter { get; set; }

    /// <summary>The dead letters page starts after this id.</summary>
    [FromQuery(Name = "lettersAfter")]
    public long? LettersAfter { get; set; }

    public int ConflictsTotal { get; private set; }

    public long? ConflictsNext { get; private set; }

    public int DeadLettersTotal { get; private set; }

    public long? LettersNext { get; private set; }

    public BitableSyncRow? Sync { get; private set; }

    public SyncMapping? Mapping { get; private set; }

    public IReadOnlyList<SchemaProblem> SchemaProblems { get; private set; } = [];

    public IReadOnlyList<BitableSyncConflictRow> Conflicts { get; private set; } = [];

    public IReadOnlyList<BitableSyncDeadLetterRow> DeadLetters { get; private set; } = [];

    public IReadOnlyList<BitableSyncPassRow> Passes { get; private set; } = [];

    public SyncDryRun? DryRun { get; private set; }

    public string? DryRunProblem { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await LoadAsync().ConfigureAwait(false))
        {
            return NotFound();
        }

        // Just created or edited: its dry run, once.
        if (TempData[BitableSyncEditModel.DryRunAfterSave] is string saved && saved == Id)
        {
            await RunDryRunAsync().ConfigureAwait(false);
        }

        return Page();
    }

    public async Task<IActionResult> OnPostPauseAsync() => await ActAsync("bitable_sync.pause", async ct => await syncs.PauseAsync(Id, ct).ConfigureAwait(false) is not null, "Paused: no pass runs until it is resumed.").ConfigureAwait(false);

    public async Task<IActionResult> OnPostResumeAsync() => await ActAsync("bitable_sync.resume", async ct => await syncs.ResumeAsync(Id, ct).ConfigureAwait(false) is not null, "Resumed: a full diff runs now.").ConfigureAwait(false);

    public async Task<IActionResult> OnPostRunAsync()
    {
        var result = await syncs.RunNowAsync(Id, full: false, HttpContext.RequestAborted).ConfigureAwait(false);
        if (result.NotFound)
        {
            return NotFound();
        }

        if (result.Problems is { Count: > 0 } problems)
        {
            Flash(problems[0].Message);
        }
        else
        {
            await AuditAsync("bitable_sync.run", Id).ConfigureAwait(false);
            Flash("A pass runs now; reload to see it in the history.");
        }

        return RedirectToPage();
    }

    /// <summary>The dry run, shown on this page (nothing is written, so it is a post only to keep crawlers off it).</summary>
    public async Task<IActionResult> OnPostDryRunAsync()
    {
        if (!await LoadAsync().ConfigureAwait(false))
        {
            return NotFound();
        }

        await RunDryRunAsync().ConfigureAwait(false);
        return Page();
    }

    private async Task RunDryRunAsync()
    {
        var result = await syncs.DryRunAsync(Id, 20, HttpContext.RequestAborted).ConfigureAwait(false);
        DryRun = result.Value;
        if (DryRun is not null)
        {
            await ConsolePeople.LoadAsync(HttpContext, DryRunValues.People(DryRun)).ConfigureAwait(false);
        }

        DryRunProblem = result.Problems is { Count: > 0 } p ? string.Join(" ", p.Select(x => x.Message)) : null;
    }

    public async Task<IActionResult> OnPostResolveAsync(long conflict, string side)
    {
        if (side is not ("database" or "bitable"))
        {
            Flash("Pick the database's or Bitable's side.");
            return RedirectToPage();
        }

        if (await syncs.ResolveConflictAsync(Id, conflict, side, HttpContext.RequestAborted).ConfigureAwait(false))
        {
            await AuditAsync("bitable_sync.conflict.resolve", Id, Details(("conflict", conflict.ToString(CultureInfo.InvariantCulture)), ("side", side))).ConfigureAwait(false);
            Flash(side == "database" ? "The database's row will be written to Bitable by the next pass." : "Bitable's record will be written to the database by the next pass.");
        }
        else
        {
            Flash("That conflict was already resolved.");
        }

        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRetryAsync(long? letter)
    {
        var count = await syncs.RetryDeadLettersAsync(Id, letter, HttpContext.RequestAborted).ConfigureAwait(false);
        await AuditAsync("bitable_sync.dead_letters.retry", Id, Details(("count", count.ToString(CultureInfo.InvariantCulture)))).ConfigureAwait(false);
        Flash(count == 0 ? "Nothing to retry." : $"{count} row(s) will be tried again by the next pass.");
        return RedirectToPage();
    }

    private async Task<IActionResult> ActAsync(string action, Func<CancellationToken, Task<bool>> act, string done)
    {
        if (!await act(HttpContext.RequestAborted).ConfigureAwait(false))
        {
            return NotFound();
        }

        await AuditAsync(action, Id).ConfigureAwait(false);
        Flash(done);
        return RedirectToPage();
    }

    private async Task<bool> LoadAsync()
    {
        var cancellationToken = HttpContext.RequestAborted;
        Sync = await syncs.GetAsync(Id, cancellationToken).ConfigureAwait(false);
        if (Sync is null)
        {
            return false;
        }

        Mapping = SyncMapping.FromJson(Sync.MappingJson);
        SchemaProblems = Sync.SchemaProblemsJson is null ? [] : JsonSerializer.Deserialize(Sync.SchemaProblemsJson, SyncMappingJsonContext.Default.ListSchemaProblem) ?? [];
        // One page each, read as a page: a sync with thousands of refused rows still answers a small page.
        var conflicts = await store.ConflictsPageAsync(Id, openOnly: true, ConflictsAfter, PageSize, cancellationToken).ConfigureAwait(false);
        (Conflicts, ConflictsTotal, ConflictsNext) = (conflicts.Items, conflicts.Total, conflicts.Next);
        var letters = await store.DeadLettersPageAsync(Id, LettersAfter, PageSize, cancellationToken).ConfigureAwait(false);
        (DeadLetters, DeadLettersTotal, LettersNext) = (letters.Items, letters.Total, letters.Next);
        Passes = await store.PassesAsync(Id, before: null, 20, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>What a row's decision means, as the dry run shows it.</summary>
    public static string ActionText(RowAction action) => action switch
    {
        RowAction.CreateRecord => "add to Bitable",
        RowAction.UpdateRecord => "update in Bitable",
        RowAction.DeleteRecord => "delete in Bitable",
        RowAction.UpsertRow => "write to the database",
        RowAction.DeleteRow => "delete in the database",
        RowAction.MapOnly => "link (both sides agree)",
        RowAction.Hold => "hold for review",
        RowAction.Tombstone => "leave deleted (deletes are off)",
        _ => "nothing",
    };

    /// <summary>The dry run's counts, e.g. "3 add to Bitable, 1 write to the database".</summary>
    public static string ActionsText(IReadOnlyDictionary<string, int> actions) => actions.Count == 0
        ? "Nothing to do: both sides agree."
        : string.Join(", ", actions.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Value} × {(WireName<RowAction>.TryParseExact(a.Key, out var action) ? ActionText(action) : a.Key)}"));

    /// <summary>A side's values (JSON by column) for the conflicts table.</summary>
    public static IReadOnlyDictionary<string, string?> Values(string? json) =>
        json is null ? new Dictionary<string, string?>() : JsonSerializer.Deserialize(json, SyncMappingJsonContext.Default.DictionaryStringString) ?? [];
}
