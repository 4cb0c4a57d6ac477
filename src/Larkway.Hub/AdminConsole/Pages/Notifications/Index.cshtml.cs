using Larkway.Hub.Notifications;
using Larkway.Hub.Platform.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Larkway.Hub.AdminConsole.Pages;

internal sealed class NotificationsIndexModel(ConsoleQueries queries) : PageModel
{
    public static IReadOnlyList<string> StatusNames => WireName<NotificationDeliveryStatus>.All;

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
            if (!WireName<NotificationDeliveryStatus>.TryParseAs<Platform.Queue.WorkState>(Status, NotificationWire.Status, out var match))
            {
                Problem = $"Unknown status '{Status}'; pick one of: {string.Join(", ", StatusNames)}.";
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            status = match;
        }

        var rows = await queries.NotificationsAsync(Type?.Trim(), status, 200, HttpContext.RequestAborted).ConfigureAwait(false);
        Rows = [.. rows.Select(r => (NotificationWire.ToDto(r.Notification, r.Deliveries), r.Notification.Caller))];
        await ConsolePeople.LoadAsync(HttpContext, Rows.SelectMany(r => r.Dto.Recipients).Where(r => r.Type != "chat_id").Select(r => r.Value)).ConfigureAwait(false);
    }
}
