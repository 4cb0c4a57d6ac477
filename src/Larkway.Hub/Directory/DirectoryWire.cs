using System.Text.Json.Serialization;
using Larkway.Hub.Apps;

namespace Larkway.Hub.Directory;

/// <summary>A person as the directory API, the console and the webhooks show them; the mobile number masked unless revealed to the admin key.</summary>
public sealed record PersonDto(
    string Id,
    string Name,
    string? EnName,
    PersonStatus Status,
    string? UnionId,
    string? UserId,
    IReadOnlyDictionary<string, string> OpenIds,
    string? Email,
    string? EnterpriseEmail,
    string? Mobile,
    string? EmployeeNo,
    string? AvatarUrl,
    DepartmentRefDto[] Departments,
    LeaderDto? Leader,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The history, newest first (a single person only).</summary>
    public DirectoryChangeDto[]? History { get; init; }

    /// <summary>The platform the person prefers for notifications (feishu, dingtalk, wecom); absent: the directory's order.</summary>
    public string? PreferredPlatform { get; init; }

    /// <summary>The person's DingTalk and WeCom accounts (a single person only).</summary>
    public Links.PersonLinkDto[]? Links { get; init; }
}

/// <summary>A department a person is in: its id, name and path (names from the first level down).</summary>
public sealed record DepartmentRefDto(string Id, string? Name, string? Path)
{
    internal static DepartmentRefDto Of(DepartmentRow row) => new(row.OpenDepartmentId, row.Name, row.PathNames);

    internal static DepartmentRefDto Unknown(string id) => new(id, id == "0" ? "(root)" : null, null);
}

/// <summary>A leader: their open_id under the directory's app, and their person id and name when the directory has them.</summary>
public sealed record LeaderDto(string OpenId, string? Id, string? Name);

/// <summary>A department.</summary>
public sealed record DepartmentDto(
    string Id,
    string? DepartmentId,
    string Name,
    string ParentId,
    string Path,
    string[] PathIds,
    LeaderDto? Leader,
    DepartmentStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>Direct members in the directory (lists and single departments).</summary>
    public int? Members { get; init; }

    /// <summary>The history, newest first (a single department only).</summary>
    public DirectoryChangeDto[]? History { get; init; }
}

/// <summary>
/// One field's change. Both sides are always shown, null included (the API's one exception to leaving nulls out): a
/// null <c>old</c> is a field set for the first time, a null <c>new</c> a field cleared.
/// </summary>
public sealed record FieldChangeDto(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Old,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? New);

/// <summary>One entry of a person's or department's history.</summary>
public sealed record DirectoryChangeDto(long Id, DirectoryChangeKind Kind, IReadOnlyDictionary<string, FieldChangeDto> Fields, DirectorySource Source, string? SourceRef, DateTimeOffset At);

/// <summary>A page of people; <c>next</c> is the <c>after</c> of the next page (null on the last).</summary>
public sealed record PersonListDto(PersonDto[] Items, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Next);

/// <summary>A page of departments.</summary>
public sealed record DepartmentListDto(DepartmentDto[] Items, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Next);

/// <summary>A sync run with its problems.</summary>
public sealed record DirectorySyncRunDto(
    string Id,
    DirectorySyncKind Kind,
    DirectorySyncStatus Status,
    string App,
    string Trigger,
    bool? AllMembers,
    int ApiCalls,
    int FailedPages,
    int Departments,
    int People,
    int Created,
    int Updated,
    int Deactivated,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    double? DurationSeconds,
    DirectoryProblemDto[] Problems);

/// <summary>A problem a run found and what to do about it.</summary>
public sealed record DirectoryProblemDto(DirectoryProblemKind Kind, string Subject, string Detail, DateTimeOffset At);

/// <summary>A page of runs, newest first; <see cref="Next"/> (absent on the last page) is the <c>after</c> of the next one.</summary>
public sealed record DirectorySyncListDto(DirectorySyncRunDto[] Items, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Next);

/// <summary>
/// A directory webhook's body: <c>{"id","type","created_at","app","source","person"|"department","changes"}</c> — the same
/// top-level fields as forwarded Feishu events and approval callbacks.
/// </summary>
public sealed record DirectoryWebhookDto(
    string Id,
    string Type,
    DateTimeOffset CreatedAt,
    string App,
    DirectorySource Source,
    PersonDto? Person,
    DepartmentDto? Department,
    IReadOnlyDictionary<string, FieldChangeDto> Changes);

/// <summary>Source-generated JSON for the directory's API and webhooks.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PersonDto))]
[JsonSerializable(typeof(PersonListDto))]
[JsonSerializable(typeof(DepartmentDto))]
[JsonSerializable(typeof(DepartmentListDto))]
[JsonSerializable(typeof(DirectorySyncRunDto))]
[JsonSerializable(typeof(DirectorySyncListDto))]
[JsonSerializable(typeof(DirectoryWebhookDto))]
internal sealed partial class DirectoryJsonContext : JsonSerializerContext;

/// <summary>Rows to wire shapes.</summary>
internal static class DirectoryWire
{
    /// <summary>A person; <paramref name="revealMobile"/> only for the admin key's explicit request.</summary>
    public static PersonDto Person(PersonRow p, IEnumerable<PersonAppIdRow> openIds, DepartmentRefDto[] departments, LeaderDto? leader, bool revealMobile) => new(
        p.Id,
        p.Name,
        p.EnName,
        p.Status,
        p.UnionId,
        p.UserId,
        openIds.ToDictionary(a => HubAppService.NameOnWire(a.App), a => a.OpenId, StringComparer.Ordinal),
        p.Email,
        p.EnterpriseEmail,
        revealMobile ? p.Mobile : MobileMask.Mask(p.Mobile),
        p.EmployeeNo,
        p.AvatarUrl,
        departments,
        leader,
        p.CreatedAt,
        p.UpdatedAt)
    {
        PreferredPlatform = p.PreferredPlatform,
    };

    /// <summary>A department.</summary>
    public static DepartmentDto Department(DepartmentRow d, LeaderDto? leader) => new(
        d.OpenDepartmentId,
        d.DepartmentId,
        d.Name,
        d.ParentId,
        d.PathNames,
        d.Path.Split('/', StringSplitOptions.RemoveEmptyEntries),
        leader ?? (d.LeaderOpenId is { } open ? new LeaderDto(open, null, null) : null),
        d.Status,
        d.CreatedAt,
        d.UpdatedAt);

    /// <summary>A history entry.</summary>
    public static DirectoryChangeDto Change(DirectoryChangeRow c) => new(
        c.Id,
        c.Kind,
        DirectoryRules.FromJson(c.Fields).ToDictionary(f => f.Key, f => new FieldChangeDto(f.Value.Old, f.Value.New), StringComparer.Ordinal),
        c.Source,
        c.SourceRef,
        c.At);

    /// <summary>A run and its problems.</summary>
    public static DirectorySyncRunDto Run(DirectorySyncRunRow r, IEnumerable<DirectorySyncProblemRow> problems) => new(
        r.Id,
        r.Kind,
        r.Status,
        HubAppService.NameOnWire(r.App),
        r.Trigger,
        r.AllMembers,
        r.ApiCalls,
        r.FailedPages,
        r.Departments,
        r.People,
        r.Created,
        r.Updated,
        r.Deactivated,
        r.StartedAt,
        r.FinishedAt,
        r.FinishedAt is { } end ? Math.Round((end - r.StartedAt).TotalSeconds, 3) : null,
        [.. problems.Select(p => new DirectoryProblemDto(p.Kind, p.Subject, p.Detail, p.At))]);
}
