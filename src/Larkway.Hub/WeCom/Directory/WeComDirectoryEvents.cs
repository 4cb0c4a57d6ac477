using System.Globalization;
using System.Text.Json;
using Larkway.Hub.Directory;
using Larkway.Hub.Inbox;
using Larkway.WeCom.Callbacks;

namespace Larkway.Hub.WeCom.Directory;

/// <summary>
/// WeCom's contact callbacks (<c>change_contact</c>) as the directory reads them: a member created, updated or deleted and a
/// department created, updated or deleted, with the fields WeCom sent (<see cref="WeComContactMapping.OfEvent"/>). The
/// stored callback (its XML as JSON) is read back through WeCom's library (<see cref="WeComChangeContactEvent"/>). Tag
/// changes (<c>update_tag</c>) are no directory change. When it happened: the callback's <c>CreateTime</c> (seconds).
/// </summary>
internal sealed class WeComDirectoryEvents : IDirectoryEvents
{
    /// <summary>The inbox type of a contact callback.</summary>
    public const string EventType = WeComIngest.EventTypePrefix + "change_contact";

    /// <summary>The ChangeTypes read as contact events.</summary>
    public static readonly IReadOnlySet<string> ChangeTypes = new HashSet<string>(
        [WeComContactMapping.CreateUser, WeComContactMapping.UpdateUser, WeComContactMapping.DeleteUser,
         WeComContactMapping.CreateParty, WeComContactMapping.UpdateParty, WeComContactMapping.DeleteParty], StringComparer.Ordinal);

    /// <inheritdoc />
    public DirectoryEventHead? Head(InboxEventContext context)
    {
        if (context?.EventType != EventType || context.Event.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var changeType = WeComCallbackJson.Str(context.Event, "ChangeType") ?? "";
        var isContact = ChangeTypes.Contains(changeType);
        return new DirectoryEventHead(
            "change_contact." + (changeType.Length <= 40 ? changeType : changeType[..40]),
            isContact,
            isContact ? WeComCallbackJson.Str(context.Event, "ToUserName") is { Length: > 0 } corp ? corp : null : null,
            long.TryParse(WeComCallbackJson.Str(context.Event, "CreateTime"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and < 253_402_300_800
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null,
            context.EventId);
    }

    /// <inheritdoc />
    public DirectoryChange? Change(InboxEventContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.EventType != EventType || context.Event.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return WeComCallbackMessage.Parse(WeComCallbackJson.ToXml(context.Event)) is WeComChangeContactEvent e ? WeComContactMapping.OfEvent(e) : null;
    }
}
