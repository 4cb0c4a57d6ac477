using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Larkway.Hub.Directory;

/// <summary>
/// A user as one read or event showed them, in the directory's terms. Null fields were not shown (no field scope, or
/// not part of the event) and leave what is stored alone; <c>""</c> clears a field.
/// </summary>
/// <param name="Id">
/// The person's id under the app that read it, the id the platform's events and messages name them by (Feishu's open_id,
/// DingTalk's and WeCom's userid); stored as the person's account under the directory's app.
/// </param>
internal sealed record DirectoryUser(string Id)
{
    public string? UnionId { get; init; }

    /// <summary>The tenant-wide id where the platform has one beside <see cref="Id"/> (Feishu's user_id); DingTalk's and WeCom's userid is both.</summary>
    public string? UserId { get; init; }

    public string? Name { get; init; }

    public string? EnName { get; init; }

    public string? Email { get; init; }

    public string? EnterpriseEmail { get; init; }

    public string? Mobile { get; init; }

    public string? EmployeeNo { get; init; }

    public string? AvatarUrl { get; init; }

    /// <summary>The leader's <see cref="Id"/>; <c>""</c> for none, null when not shown.</summary>
    public string? LeaderId { get; init; }

    /// <summary>The departments (their <see cref="DirectoryDepartment.Id"/>s); null when not shown.</summary>
    public IReadOnlyList<string>? DepartmentIds { get; init; }

    /// <summary>Active, frozen or resigned; null when not shown.</summary>
    public PersonStatus? Status { get; init; }

    /// <summary>
    /// The fields (<see cref="DirectoryRules"/>' names) this read says changed: an update event's <c>old_object</c> values
    /// that differ from its <c>object</c>. Null for reads that only show a state (sync pages, created events).
    /// </summary>
    public IReadOnlySet<string>? Changed { get; init; }
}

/// <summary>A department as one read or event showed it. Null fields were not shown.</summary>
/// <param name="Id">The department's id as the platform's events name it (Feishu's open_department_id, DingTalk's dept_id, WeCom's department id).</param>
internal sealed record DirectoryDepartment(string Id)
{
    /// <summary>A second, tenant-chosen id where the platform has one (Feishu's custom department_id).</summary>
    public string? CustomId { get; init; }

    public string? Name { get; init; }

    /// <summary>The parent's <see cref="Id"/>; <c>0</c> for a first-level department.</summary>
    public string? ParentId { get; init; }

    /// <summary>The leader's <see cref="DirectoryUser.Id"/>.</summary>
    public string? LeaderId { get; init; }

    public long? Order { get; init; }

    public bool Deleted { get; init; }

    /// <summary>The fields an update event's <c>old_object</c> says changed; null for reads that only show a state.</summary>
    public IReadOnlySet<string>? Changed { get; init; }
}

/// <summary>One field's change: its old and new value (mobile numbers already masked).</summary>
internal readonly record struct FieldChange(string? Old, string? New);

/// <summary>
/// The rules every write to the directory follows, whatever its source: each field carries the time it was last set
/// (a sync page's read time, an event's <c>create_time</c>); a value shown at an earlier time than the field's is stale
/// and ignored, so events applied twice, late or out of order never undo a newer state, and a mobile change and an
/// email change that arrive as two events both apply. A field not shown (null) is left alone. Two reads at the same
/// millisecond (Feishu's <c>create_time</c> has no finer grain) tie: the one that changed the field wins over one that
/// only showed it, so the mobile event cannot put back the email the email event of the same instant replaced.
/// </summary>
internal static class DirectoryRules
{
    public const string Departments = "departments";
    public const string Status = "status";
    public const string Mobile = "mobile";
    public const string Email = "email";

    /// <summary>The apps a person is on, among those the directory reads (a change when one of them loses the person).</summary>
    public const string Apps = "apps";

    /// <summary>The status a contact status object means: resigned or exited → resigned, frozen → frozen, else active.</summary>
    public static PersonStatus StatusOf(bool frozen, bool resigned) =>
        resigned ? PersonStatus.Resigned : frozen ? PersonStatus.Frozen : PersonStatus.Active;

    /// <summary>
    /// Applies what <paramref name="user"/> shows, as of <paramref name="at"/>, to <paramref name="person"/>; returns the
    /// fields that changed (not the departments: see <see cref="DepartmentsToApply"/>).
    /// </summary>
    public static Dictionary<string, FieldChange> Apply(PersonRow person, DirectoryUser user, DateTimeOffset at)
    {
        var times = ReadTimes(person.FieldTimes);
        var changes = new Dictionary<string, FieldChange>(StringComparer.Ordinal);
        var when = at.ToUnixTimeMilliseconds();
        var changed = user.Changed;

        person.UnionId = Set(times, changes, changed, "union_id", person.UnionId, user.UnionId, when);
        person.UserId = Set(times, changes, changed, "user_id", person.UserId, user.UserId, when);
        person.Name = Set(times, changes, changed, "name", person.Name, string.IsNullOrEmpty(user.Name) ? null : user.Name, when) ?? "";
        person.EnName = Set(times, changes, changed, "en_name", person.EnName, user.EnName, when);
        person.Email = Set(times, changes, changed, Email, person.Email, NormalizeEmail(user.Email), when);
        person.EnterpriseEmail = Set(times, changes, changed, "enterprise_email", person.EnterpriseEmail, NormalizeEmail(user.EnterpriseEmail), when);
        person.Mobile = Set(times, changes, changed, Mobile, person.Mobile, user.Mobile, when);
        person.EmployeeNo = Set(times, changes, changed, "employee_no", person.EmployeeNo, user.EmployeeNo, when);
        person.AvatarUrl = Set(times, changes, changed, "avatar_url", person.AvatarUrl, user.AvatarUrl, when);
        person.LeaderOpenId = Set(times, changes, changed, "leader", person.LeaderOpenId, user.LeaderId, when);
        var status = Set(times, changes, changed, Status, person.Status.ToString(), user.Status?.ToString(), when);
        person.Status = Enum.Parse<PersonStatus>(status ?? nameof(PersonStatus.Active));

        if (changes.Remove(Mobile, out var mobile))
        {
            changes[Mobile] = new FieldChange(MobileMask.Mask(mobile.Old), MobileMask.Mask(mobile.New));
        }

        person.FieldTimes = WriteTimes(times);
        return WireStatus(changes);
    }

    /// <summary>
    /// The departments to keep as the person's, when <paramref name="departmentIds"/> (as of <paramref name="at"/>) is not
    /// stale; null when it is, or was not shown. Records the field's time on <paramref name="person"/>, under
    /// <paramref name="field"/> (each app a directory reads keeps its own: <see cref="DirectorySourceOrder.DepartmentsField"/>).
    /// </summary>
    public static IReadOnlySet<string>? DepartmentsToApply(PersonRow person, IReadOnlyList<string>? departmentIds, DateTimeOffset at, IReadOnlySet<string>? changed, string field = Departments)
    {
        if (departmentIds is null)
        {
            return null;
        }

        var times = ReadTimes(person.FieldTimes);
        var when = at.ToUnixTimeMilliseconds();
        if (IsStale(times, changed, field, when, changedAs: Departments))
        {
            return null;
        }

        times[field] = when;
        person.FieldTimes = WriteTimes(times);
        return departmentIds.Where(d => d.Length > 0).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Applies what <paramref name="shown"/> shows, as of <paramref name="at"/>, to <paramref name="row"/>; returns the changed fields.</summary>
    public static Dictionary<string, FieldChange> Apply(DepartmentRow row, DirectoryDepartment shown, DateTimeOffset at)
    {
        var times = ReadTimes(row.FieldTimes);
        var changes = new Dictionary<string, FieldChange>(StringComparer.Ordinal);
        var when = at.ToUnixTimeMilliseconds();
        var changed = shown.Changed;
        row.DepartmentId = Set(times, changes, changed, "department_id", row.DepartmentId, shown.CustomId, when);
        row.Name = Set(times, changes, changed, "name", row.Name, string.IsNullOrEmpty(shown.Name) ? null : shown.Name, when) ?? "";
        row.ParentId = Set(times, changes, changed, "parent_id", row.ParentId, string.IsNullOrEmpty(shown.ParentId) ? null : shown.ParentId, when) ?? "0";
        row.LeaderOpenId = Set(times, changes, changed, "leader", row.LeaderOpenId, shown.LeaderId, when);
        var order = Set(times, changes, changed, "order", row.Order?.ToString(CultureInfo.InvariantCulture), shown.Order?.ToString(CultureInfo.InvariantCulture), when);
        row.Order = order is null ? null : long.Parse(order, CultureInfo.InvariantCulture);
        var status = Set(times, changes, changed, Status, row.Status.ToString(), shown.Deleted ? nameof(DepartmentStatus.Deleted) : nameof(DepartmentStatus.Active), when);
        row.Status = Enum.Parse<DepartmentStatus>(status ?? nameof(DepartmentStatus.Active));
        row.FieldTimes = WriteTimes(times);
        return WireStatus(changes);
    }

    /// <summary>A status change as the history and the webhooks show it: the wire names (<c>active</c> → <c>resigned</c>).</summary>
    private static Dictionary<string, FieldChange> WireStatus(Dictionary<string, FieldChange> changes)
    {
        if (changes.TryGetValue(Status, out var status))
        {
            changes[Status] = new FieldChange(status.Old?.ToLowerInvariant(), status.New?.ToLowerInvariant());
        }

        return changes;
    }

    /// <summary>What a person's change is: created, deactivated (active → frozen or resigned), reactivated, or updated.</summary>
    public static DirectoryChangeKind KindOf(bool created, IReadOnlyDictionary<string, FieldChange> changes)
    {
        if (created)
        {
            return DirectoryChangeKind.Created;
        }

        if (changes.TryGetValue(Status, out var status))
        {
            var wasActive = status.Old == "active";
            var isActive = status.New == "active";
            if (wasActive && !isActive)
            {
                return DirectoryChangeKind.Deactivated;
            }

            if (!wasActive && isActive)
            {
                return DirectoryChangeKind.Reactivated;
            }
        }

        return DirectoryChangeKind.Updated;
    }

    /// <summary>Emails compare case-insensitively: stored trimmed and lower-case; <c>""</c> stays a clear.</summary>
    public static string? NormalizeEmail(string? email) => email?.Trim().ToLowerInvariant();

    /// <summary>The changes as stored in the history (<c>{"field":{"old":…,"new":…}}</c>).</summary>
    public static string ToJson(IReadOnlyDictionary<string, FieldChange> changes)
    {
        var wire = changes.ToDictionary(c => c.Key, c => new FieldChangeWire(c.Value.Old, c.Value.New), StringComparer.Ordinal);
        return JsonSerializer.Serialize(wire, DirectoryRulesJsonContext.Default.DictionaryStringFieldChangeWire);
    }

    /// <summary>The changes of a stored history entry.</summary>
    public static IReadOnlyDictionary<string, FieldChange> FromJson(string json)
    {
        var wire = JsonSerializer.Deserialize(json, DirectoryRulesJsonContext.Default.DictionaryStringFieldChangeWire) ?? [];
        return wire.ToDictionary(c => c.Key, c => new FieldChange(c.Value.Old, c.Value.New), StringComparer.Ordinal);
    }

    /// <summary>Whether a value shown at <paramref name="when"/> is older than the field's, or ties with it without changing it.</summary>
    /// <remarks><paramref name="changedAs"/>: the name a read's changed fields give it, when its time is kept under another (an app's departments).</remarks>
    private static bool IsStale(Dictionary<string, long> times, IReadOnlySet<string>? changed, string field, long when, string? changedAs = null) =>
        times.TryGetValue(field, out var last) && (last > when || (last == when && changed?.Contains(changedAs ?? field) != true));

    private static string? Set(Dictionary<string, long> times, Dictionary<string, FieldChange> changes, IReadOnlySet<string>? changed, string field, string? current, string? shown, long when)
    {
        if (shown is null || IsStale(times, changed, field, when))
        {
            return current;
        }

        times[field] = when;
        var value = shown.Length == 0 ? null : shown;
        if (!string.Equals(current, value, StringComparison.Ordinal))
        {
            changes[field] = new FieldChange(string.IsNullOrEmpty(current) ? null : current, value);
        }

        return value;
    }

    private static Dictionary<string, long> ReadTimes(string? json) =>
        string.IsNullOrEmpty(json)
            ? new Dictionary<string, long>(StringComparer.Ordinal)
            : new Dictionary<string, long>(JsonSerializer.Deserialize(json, DirectoryRulesJsonContext.Default.DictionaryStringInt64) ?? [], StringComparer.Ordinal);

    private static string WriteTimes(Dictionary<string, long> times) => JsonSerializer.Serialize(times, DirectoryRulesJsonContext.Default.DictionaryStringInt64);
}

/// <summary>
/// A field change as the history stores it. Both sides are always written, null included: null is the field's
/// unset value (before a first value, after a clear), and the stored form stays the one rows already hold.
/// </summary>
internal sealed record FieldChangeWire(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Old,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? New);

/// <summary>Masks mobile numbers for every UI, API answer and log: the country code and the last four digits stay.</summary>
public static class MobileMask
{
    /// <summary><c>+8613800001234</c> → <c>+86*******1234</c>; null stays null; short numbers become all stars.</summary>
    public static string? Mask(string? mobile)
    {
        if (string.IsNullOrEmpty(mobile))
        {
            return mobile;
        }

        var keepStart = mobile.StartsWith('+') ? Math.Min(3, mobile.Length) : 0;
        var keepEnd = mobile.Length - keepStart > 6 ? 4 : 0;
        var hidden = mobile.Length - keepStart - keepEnd;
        return string.Concat(mobile.AsSpan(0, keepStart), new string('*', hidden), mobile.AsSpan(mobile.Length - keepEnd));
    }
}

/// <summary>Source-generated JSON for the rules' stored shapes.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Dictionary<string, long>))]
[JsonSerializable(typeof(Dictionary<string, FieldChangeWire>))]
internal sealed partial class DirectoryRulesJsonContext : JsonSerializerContext;
