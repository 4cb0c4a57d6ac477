using System.Globalization;
using System.Text.Json;
using Larkway.Hub.Directory;
using Larkway.Hub.Inbox;

namespace Larkway.Hub.DingTalk.Directory;

/// <summary>
/// DingTalk's contact events (通讯录事件) as the directory reads them. DingTalk's events name who or what changed — a
/// <c>UserId</c> or <c>DeptId</c> list — and not how, so a user added, changed or activated and a department created or
/// changed are read again from DingTalk (<see cref="DirectoryToRead"/>: <c>user/get</c>, and the department with what is
/// below it); a user who left (<c>user_leave_org</c>) is deleted and a removed department (<c>org_dept_remove</c>) marked
/// deleted, since DingTalk no longer answers for them. The same events arrive by the HTTP event subscription (the
/// decrypted push: <c>{"EventType","TimeStamp","CorpId","UserId":[…]}</c>) and by Stream (the EVENT's <c>data</c>, the same
/// fields in lower camel case: <c>{"timeStamp","userId":[…]}</c>, the corp in the frame's <c>eventCorpId</c> header); both
/// are read, field names in either case, and the corp is the directory's tenant.
/// </summary>
internal sealed class DingTalkDirectoryEvents : IDirectoryEvents
{
    /// <summary>A user added to the org.</summary>
    public const string UserAdded = "user_add_org";

    /// <summary>A user's details changed.</summary>
    public const string UserModified = "user_modify_org";

    /// <summary>A user left the org.</summary>
    public const string UserLeft = "user_leave_org";

    /// <summary>A user who joined signed in to DingTalk for the first time (activated).</summary>
    public const string UserActivated = "user_active_org";

    /// <summary>A department created.</summary>
    public const string DepartmentCreated = "org_dept_create";

    /// <summary>A department changed.</summary>
    public const string DepartmentModified = "org_dept_modify";

    /// <summary>A department removed.</summary>
    public const string DepartmentRemoved = "org_dept_remove";

    /// <summary>The event types read as contact events.</summary>
    public static readonly IReadOnlySet<string> EventTypes = new HashSet<string>(
        [UserAdded, UserModified, UserLeft, UserActivated, DepartmentCreated, DepartmentModified, DepartmentRemoved], StringComparer.Ordinal);

    /// <inheritdoc />
    public DirectoryEventHead? Head(InboxEventContext context)
    {
        if (TypeOf(context) is not { } type)
        {
            return null;
        }

        // The corp is the tenant: the HTTP push carries it as CorpId, a Stream event in its frame's eventCorpId header (kept
        // with the stored event, read as its origin). Its time likewise: the data's TimeStamp, else the frame's eventBornTime.
        var isContact = EventTypes.Contains(type);
        var origin = context.Native<DingTalkEventOrigin>();
        return new DirectoryEventHead(type, isContact, isContact ? origin?.CorpId ?? Str(context.Event, "CorpId") : null, At(context.Event) ?? origin?.BornAt, context.EventId);
    }

    /// <inheritdoc />
    public DirectoryChange? Change(InboxEventContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return TypeOf(context) is { } type ? ChangeOf(type, context.Event) : null;
    }

    /// <summary>The change a contact event of <paramref name="type"/> with body <paramref name="body"/> makes; null when it names no one.</summary>
    internal static DirectoryChange? ChangeOf(string type, JsonElement body)
    {
        switch (type)
        {
            case UserAdded or UserModified or UserActivated:
                return Ids(body, "UserId") is { Count: > 0 } users ? new DirectoryToRead([], users) : null;
            case UserLeft:
                var left = Ids(body, "UserId");
                return left.Count switch
                {
                    0 => null,
                    1 => new DirectoryUserDeleted(left[0], []),
                    _ => new DirectoryChanges([.. left.Select(id => new DirectoryUserDeleted(id, []))]),
                };
            case DepartmentCreated or DepartmentModified:
                return Departments(body) is { Count: > 0 } departments ? new DirectoryToRead(departments, []) : null;
            case DepartmentRemoved:
                var removed = Departments(body);
                return removed.Count switch
                {
                    0 => null,
                    1 => Removed(removed[0]),
                    _ => new DirectoryChanges([.. removed.Select(Removed)]),
                };
            default:
                return null;
        }
    }

    // The removal named as the change, so it wins a tie with a read of the same millisecond.
    private static DirectoryDepartmentShown Removed(string id) =>
        new(new DirectoryDepartment(id) { Deleted = true, Changed = new HashSet<string>([DirectoryRules.Status], StringComparer.Ordinal) });

    /// <summary>The DingTalk event type of a stored event (<c>dingtalk.event.{type}</c>); null for a robot message or card callback.</summary>
    private static string? TypeOf(InboxEventContext? context) =>
        context?.EventType is { } stored && stored.StartsWith(DingTalkIngest.EventTypePrefix, StringComparison.Ordinal) && context.Event.ValueKind == JsonValueKind.Object
            ? stored[DingTalkIngest.EventTypePrefix.Length..]
            : null;

    /// <summary>The dept_ids of <c>DeptId</c> as the directory's department ids (the root 1 is <c>0</c>); ids that are not numbers are skipped.</summary>
    private static List<string> Departments(JsonElement body) =>
        [.. Ids(body, "DeptId").Select(id => long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var deptId) && deptId >= 1 ? DingTalkContactMapping.IdOf(deptId) : null)
            .OfType<string>().Distinct(StringComparer.Ordinal)];

    /// <summary>A list of ids (strings or numbers; a lone value too), the field's name in either case.</summary>
    private static List<string> Ids(JsonElement body, string name)
    {
        if (Field(body, name) is not { } value)
        {
            return [];
        }

        IEnumerable<JsonElement> items = value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : [value];
        return [.. items.Select(e => e.ValueKind switch
        {
            JsonValueKind.String => e.GetString(),
            JsonValueKind.Number => e.GetRawText(),
            _ => null,
        }).OfType<string>().Where(id => id.Length > 0).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>When DingTalk says it happened: <c>TimeStamp</c>, Unix milliseconds as text (or a number).</summary>
    private static DateTimeOffset? At(JsonElement body) => Field(body, "TimeStamp") switch
    {
        { ValueKind: JsonValueKind.String } s when long.TryParse(s.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var ms) => FromMs(ms),
        { ValueKind: JsonValueKind.Number } n when n.TryGetInt64(out var ms) => FromMs(ms),
        _ => null,
    };

    private static DateTimeOffset? FromMs(long ms) => ms is > 0 and < 253_402_300_800_000 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    private static string? Str(JsonElement body, string name) => Field(body, name) is { ValueKind: JsonValueKind.String } s && s.GetString() is { Length: > 0 } value ? value : null;

    // The HTTP push names fields UserId, Stream's data userId: either.
    private static JsonElement? Field(JsonElement body, string name)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var property in body.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }
}
