using System.Globalization;
using Larkway.Hub.Inbox;
using Larkway.Hub.Platform.Audit;
using Larkway.Hub.Platform.Http;
using Larkway.Hub.Platform.Queue;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc;

namespace Larkway.Hub.AdminConsole.Pages;

internal sealed class EventsModel(InboxStore store, InboxQueue queue, IAuditLog audit) : ConsolePageModel(audit)
{
    /// <summary>Events per page.</summary>
    public const int PageSize = 200;

    [BindProperty(SupportsGet = true)]
    public string? Type { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    /// <summary>Show events older than this id (the "Older" link's cursor).</summary>
    [BindProperty(SupportsGet = true)]
    public long? Before { get; set; }

    public string? Problem { get; private set; }

    /// <summary>How many events match the filters.</summary>
    public long Total { get; private set; }

    /// <summary>The cursor of the next (older) page, or null on the last.</summary>
    public long? Next { get; private set; }

    public IReadOnlyList<AdminEventDto> Events { get; private set; } = [];

    public async Task OnGetAsync()
    {
        WorkState? status = null;
        if (!string.IsNullOrEmpty(Status))
        {
            if (!HubAdminWire.TryParseStatus(Status, out var parsed))
            {
                Problem = $"Unknown status '{Status}'; pick one of: {WireName<InboxEventStatus>.Choices}.";
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            status = parsed;
        }

        var page = await store.ListAsync(string.IsNullOrWhiteSpace(Type) ? null : Type.Trim(), status, PageSize, Before, HttpContext.RequestAborted).ConfigureAwait(false);
        Events = [.. page.Items.Select(HubAdminWire.ToDto)];
        Total = page.Total;
        Next = page.NextBefore;
    }

    /// <summary>Puts the event back in the inbox (pending, attempts reset); its handlers are idempotent.</summary>
    public async Task<IActionResult> OnPostReplayAsync(long id)
    {
        var result = await queue.ReplayEventAsync(id, HttpContext.RequestAborted).ConfigureAwait(false);
        switch (result)
        {
            case ReplayResult.Replayed:
                await AuditAsync("event.replay", id.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
                Flash($"Event {id} queued again.");
                break;
            case ReplayResult.InProgress:
                Flash($"Event {id} is being processed right now; replay it once it is done, failed or dead-lettered.");
                break;
            default:
                return NotFound();
        }

        return RedirectToPage(new { type = Type, status = Status, before = Before });
    }
}
