using Larkway.Hub.Directory;
using Larkway.Hub.Directory.Links;
using Larkway.Hub.Notifications.Routing;

namespace Larkway.Hub.Feishu;

/// <summary>
/// A person on Feishu: the directory's own platform, so their open_id under the sending app when the directory has
/// it, else their email (a work one if that is all), else their user_id. The default app, when the Hub has one, always
/// sends here.
/// </summary>
internal sealed class FeishuPersonAddressing(Apps.HubAppRegistry apps) : IPersonAddressing
{
    public bool HasDefaultApp => apps.HasDefaultApp;

    public PersonRoute? Route(PersonRow person, string? app, PersonAddressBook book) =>
        book.DirectoryId is { } openId ? new(Apps.HubAppPlatform.Feishu, app, "open_id", openId)
        : person.Email is { Length: > 0 } email ? new(Apps.HubAppPlatform.Feishu, app, "email", email.ToLowerInvariant())
        : person.EnterpriseEmail is { Length: > 0 } work ? new(Apps.HubAppPlatform.Feishu, app, "email", work.ToLowerInvariant())
        : person.UserId is { Length: > 0 } userId ? new(Apps.HubAppPlatform.Feishu, app, "user_id", userId)
        : null;
}
