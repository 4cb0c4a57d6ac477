using Larkway.Hub.Directory;
using Larkway.Hub.Directory.Links;
using Larkway.Hub.Notifications.Routing;

namespace Larkway.Hub.DingTalk;

/// <summary>
/// A person on DingTalk: their account linked under the sending app, else the userid the directory synced from that app,
/// else their mobile number, which DingTalk's contacts look up at the first send (DingTalk finds no one by email).
/// </summary>
internal sealed class DingTalkPersonAddressing : IPersonAddressing
{
    public bool HasDefaultApp => false;

    public PersonRoute? Route(PersonRow person, string? app, PersonAddressBook book) =>
        book.Links.FirstOrDefault() is { } linked ? new(Apps.HubAppPlatform.DingTalk, app, "dingtalk_userid", linked.UserId)
        : book.DirectoryId is { Length: > 0 } userId ? new(Apps.HubAppPlatform.DingTalk, app, "dingtalk_userid", userId)
        : person.Mobile is { Length: > 0 } mobile ? new(Apps.HubAppPlatform.DingTalk, app, "dingtalk_mobile", mobile)
        : null;
}
