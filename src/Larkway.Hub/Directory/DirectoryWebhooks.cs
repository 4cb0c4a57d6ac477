using System.Text.Json;
using Larkway.Hub.Apps;
using Larkway.Hub.Platform.Http;

namespace Larkway.Hub.Directory;

/// <summary>
/// The webhooks business systems receive when the directory changes, through the Webhooks room's outbox (queued in the
/// change's transaction, so once): <c>directory.person.created/updated/deactivated/reactivated</c> and
/// <c>directory.department.created/updated/deleted</c>. The id (<c>dirchg_{n}</c>) is the history entry's, the same on
/// every retry and replay; the person's <c>id</c> (<c>per_…</c>) and the department's open_department_id never change.
/// </summary>
public static class DirectoryWebhooks
{
    /// <summary>The prefix of person events; subscribe to <c>directory.person.*</c> for all.</summary>
    public const string PersonPrefix = "directory.person.";

    /// <summary>The prefix of department events.</summary>
    public const string DepartmentPrefix = "directory.department.";

    /// <summary>Every person event type.</summary>
    public static readonly IReadOnlyList<string> PersonTypes =
        [PersonPrefix + "created", PersonPrefix + "updated", PersonPrefix + "deactivated", PersonPrefix + "reactivated"];

    /// <summary>The webhook's event id of a history entry.</summary>
    public static string EventId(long changeId) => "dirchg_" + changeId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The event type of a history entry.</summary>
    public static string TypeOf(DirectoryChangeRow change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return (change.PersonId is not null ? PersonPrefix : DepartmentPrefix) + WireName<DirectoryChangeKind>.Of(change.Kind);
    }

    /// <summary>The body posted.</summary>
    internal static byte[] Payload(DirectoryChangeRow change, string app, DepartmentDto? department, PersonDto? person)
    {
        var body = new DirectoryWebhookDto(
            EventId(change.Id),
            TypeOf(change),
            change.At.ToUniversalTime(),
            HubAppService.NameOnWire(app),
            change.Source,
            person,
            department,
            DirectoryWire.Change(change).Fields);
        return JsonSerializer.SerializeToUtf8Bytes(body, DirectoryJsonContext.Default.DirectoryWebhookDto);
    }
}
