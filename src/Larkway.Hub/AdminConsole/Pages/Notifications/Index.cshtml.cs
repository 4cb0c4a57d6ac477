using Larkway.Hub.Notifications;
using Larkway.Hub.Platform.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Larkway.Hub.AdminConsole.Pages;

internal sealed class NotificationsIndexModel(ConsoleQueries queries, Larkway.Hub.Apps.HubPlatforms platforms) : PageModel
{
    public static IReadOnlyList<string> StatusNames => WireName<NotificationDeliveryStatus>.All;

    [BindProperty(SupportsGet = true)]
    public string? Type { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    public string? Problem { get; private set; }

    public IReadOnlyList<NotificationListRow> Rows { get; private set; } = [];

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
        var clicks = await queries.LastClicksAsync([.. rows.Select(r => r.Notification.Id)], HttpContext.RequestAborted).ConfigureAwait(false);
        Rows = [.. rows.Select(r => NotificationListRow.Of(NotificationWire.ToDto(r.Notification, r.Deliveries), r.Notification.Caller, clicks.GetValueOrDefault(r.Notification.Id), platforms))];
        await ConsolePeople.LoadAsync(HttpContext, Rows.SelectMany(r => r.Dto.Recipients).Where(r => r.Type != "chat_id").Select(r => r.Value)).ConfigureAwait(false);
    }
}

/// <summary>
/// A notification as the list shows it: where each recipient goes (the platform as the registry names it, and the app that
/// sends), the decision its card recorded, and its last click, so two notifications to one person on two platforms differ.
/// </summary>
internal sealed record NotificationListRow(
    NotificationDto Dto,
    string Caller,
    IReadOnlyList<NotificationListRecipient> Recipients,
    IReadOnlyList<string> Platforms,
    IReadOnlyList<string> Apps,
    NotificationActionRow? LastClick)
{
    /// <summary>Whether the recipients go through more than one platform or app: then each recipient line names its own.</summary>
    public bool Mixed => Platforms.Count > 1 || Apps.Count > 1;

    public static NotificationListRow Of(NotificationDto dto, string caller, NotificationActionRow? lastClick, Larkway.Hub.Apps.HubPlatforms platforms)
    {
        var recipients = dto.Recipients.Select(r => new NotificationListRecipient(r, platforms.ConsoleName(r.Platform), r.App ?? dto.App)).ToList();
        return new(dto, caller, recipients,
            [.. recipients.Select(r => r.Platform).Distinct(StringComparer.Ordinal)],
            [.. recipients.Select(r => r.App).DefaultIfEmpty(dto.App).Distinct(StringComparer.Ordinal)],
            lastClick);
    }
}

/// <summary>One recipient in the list: its delivery, the platform's console name and the app that sends to it.</summary>
internal sealed record NotificationListRecipient(NotificationRecipientDto Delivery, string Platform, string App);
