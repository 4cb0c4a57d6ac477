using Larkway.Hub.Directory;
using Larkway.Hub.Directory.Links;
using Larkway.Hub.Notifications.Routing;

namespace Larkway.Hub.Feishu;

/// <summary>
/// A person on Feishu: the directory's own platform, so their open_id under the sending app when the directory has
/// it, else their email (a work one if that is all), else their user_id. The default app always sends here.
/// </summary>
internal sealed class FeishuPersonAddressing : IPersonAddressing
{
    public string Platform => Apps.HubAppPlatform.Feishu;

    public bool HasDefaultApp => true;

    public PersonRoute? Route(PersonRow person, string? app, PersonAddressBook book) =>
        book.DirectoryId is { } openId ? new(Platform, app, "open_id", openId)
        : person.Email is { Length: > 0 } email ? new(Platform, app, "email", email.ToLowerInvariant())
        : person.EnterpriseEmail is { Length: > 0 } work ? new(Platform, app, "email", work.ToLowerInvariant())
        : person.UserId is { Length: > 0 } userId ? new(Platform, app, "user_id", userId)
        : null;
}
