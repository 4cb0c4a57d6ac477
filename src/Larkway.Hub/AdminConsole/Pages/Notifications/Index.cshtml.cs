using Larkway.Hub.Notifications;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Larkway.Hub.AdminConsole.Pages;

internal sealed class NotificationsIndexModel(ConsoleQueries queries) : PageModel
{
    public static readonly string[] StatusNames = [.. Enum.GetValues<Platform.Queue.WorkState>().Select(NotificationWire.Status)];

    [BindProperty(SupportsGet = true)]
    public string? Type { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    public string? Problem { get; private set; }

    public IReadOnlyList<(NotificationDto Dto, string Caller)> Rows { get; private set; } = [];

    public async Task OnGetAsync()
    {
        Platform.Queue.WorkState? status = null;
        if (!string.IsNullOrEmpty(Status))
        {
            var match = Enum.GetValues<Platform.Queue.WorkState>().Where(s => NotificationWire.Status(s) == Status).ToArray();
            if (match.Length == 0)
            {
                Problem = $"Unknown status '{Status}'; pick one of: {string.Join(", ", StatusNames)}.";
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            status = match[0];
        }

        var rows = await queries.NotificationsAsync(Type?.Trim(), status, 200, HttpContext.RequestAborted).ConfigureAwait(false);
        Rows = [.. rows.Select(r => (NotificationWire.ToDto(r.Notification, r.Deliveries), r.Notification.Caller))];
    }
}
