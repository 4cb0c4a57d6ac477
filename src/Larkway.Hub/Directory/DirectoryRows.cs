using System.Text.Json.Serialization;
using Larkway.Hub.Platform.Http;

namespace Larkway.Hub.Directory;

/// <summary>Whether a department still exists.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<DepartmentStatus>))]
public enum DepartmentStatus
{
    /// <summary>Exists.</summary>
    Active,

    /// <summary>Deleted in Feishu (kept for history and the people's former departments).</summary>
    Deleted,
}

/// <summary>
/// One department of a tenant (<c>directory_departments</c>), keyed by its open_department_id (the id contact events
/// carry), with its custom department_id, its place in the tree and its leader.
/// </summary>
public sealed class DepartmentRow
{
    /// <summary>The Feishu tenant.</summary>
    public string TenantKey { get; set; } = "";

    /// <summary>open_department_id (<c>od-…</c>), the department's id everywhere in the Hub.</summary>
    public string OpenDepartmentId { get; set; } = "";

    /// <summary>The tenant's custom department_id, null without it.</summary>
    public string? DepartmentId { get; set; }

    /// <summary>The name.</summary>
    public string Name { get; set; } = "";

    /// <summary>The parent's open_department_id; <c>0</c> for a first-level department.</summary>
    public string ParentId { get; set; } = "0";

    /// <summary>The open_department_ids from the first level down to this one, separated by <c>/</c>.</summary>
    public string Path { get; set; } = "";

    /// <summary>The names along <see cref="Path"/>, separated by <c> / </c>.</summary>
    public string PathNames { get; set; } = "";

    /// <summary>The leader's open_id under the directory's app, null when none.</summary>
    public string? LeaderOpenId { get; set; }

    /// <summary>Feishu's sort order among siblings.</summary>
    public long? Order { get; set; }

    /// <summary>Active or deleted.</summary>
    public DepartmentStatus Status { get; set; }

    /// <summary>When each field was last set (see <see cref="PersonRow.FieldTimes"/>).</summary>
    public string? FieldTimes { get; set; }

    /// <summary>The sync run that last saw it.</summary>
    public string? LastSyncRunId { get; set; }

    /// <summary>When the Hub first saw it.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When anything about it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A person's membership of a department (<c>directory_memberships</c>): a person in several departments is one person with several rows.</summary>
public sealed class MembershipRow
{
    /// <summary>The person.</summary>
    public string PersonId { get; set; } = "";

    /// <summary>The department's open_department_id (<c>0</c>: the tenant's root).</summary>
    public string DepartmentId { get; set; } = "";

    /// <summary>The tenant.</summary>
    public string TenantKey { get; set; } = "";

    /// <summary>The sync run that last confirmed it; null when an event wrote it.</summary>
    public string? LastSyncRunId { get; set; }
}

/// <summary>What a change did to a person or a department.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<DirectoryChangeKind>))]
public enum DirectoryChangeKind
{
    /// <summary>First seen.</summary>
    Created,

    /// <summary>Fields changed.</summary>
    Updated,

    /// <summary>A person who was active is now frozen or resigned.</summary>
    Deactivated,

    /// <summary>A frozen or resigned person is active again (unfrozen, rehired).</summary>
    Reactivated,

    /// <summary>A department was deleted.</summary>
    Deleted,
}

/// <summary>Where a change came from.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<DirectorySource>))]
public enum DirectorySource
{
    /// <summary>A full sync (started by an administrator or at first start).</summary>
    FullSync,

    /// <summary>A contact event.</summary>
    Event,

    /// <summary>The nightly reconciliation.</summary>
    Reconciliation,

    /// <summary>A partial resync after the app's contact scope changed.</summary>
    ScopeSync,

    /// <summary>A person of the directory app who signed in before a sync reached them, read from its contacts then.</summary>
    SignIn,
}

/// <summary>
/// One entry of the history (<c>directory_changes</c>): who (the person or department), what (the fields, old and new;
/// mobile numbers masked), when and from where (a sync run or an event).
/// </summary>
public sealed class DirectoryChangeRow
{
    /// <summary>Ascending id; the webhook's event id is built from it.</summary>
    public long Id { get; set; }

    /// <summary>The tenant.</summary>
    public string TenantKey { get; set; } = "";

    /// <summary>The person's id (<c>per_…</c>), or null for a department's change.</summary>
    public string? PersonId { get; set; }

    /// <summary>The department's open_department_id, or null for a person's change.</summary>
    public string? DepartmentId { get; set; }

    /// <summary>What happened.</summary>
    public DirectoryChangeKind Kind { get; set; }

    /// <summary>The changed fields as JSON <c>{"field":{"old":…,"new":…}}</c>; mobile numbers masked.</summary>
    public string Fields { get; set; } = "{}";

    /// <summary>Sync, event or reconciliation.</summary>
    public DirectorySource Source { get; set; }

    /// <summary>The sync run's id or the event's id.</summary>
    public string? SourceRef { get; set; }

    /// <summary>When recorded.</summary>
    public DateTimeOffset At { get; set; }
}

/// <summary>What a sync run reads.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<DirectorySyncKind>))]
public enum DirectorySyncKind
{
    /// <summary>Everything in the contact scope.</summary>
    Full,

    /// <summary>Everything, as the nightly job that heals lost events and reports what the app cannot see.</summary>
    Reconciliation,

    /// <summary>Only what a contact scope change added.</summary>
    Scope,
}

/// <summary>Where a sync run stands.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<DirectorySyncStatus>))]
public enum DirectorySyncStatus
{
    /// <summary>Pages are still being read.</summary>
    Running,

    /// <summary>Every page was read.</summary>
    Completed,

    /// <summary>Finished, but some pages failed for good: nobody was marked gone, see the problems.</summary>
    Incomplete,
}

/// <summary>
/// A sync run (<c>directory_sync_runs</c>): its pages are items of the Hub's queue (<c>directory.sync</c>), each carrying
/// the page token it reads next, so a run the Hub stopped in resumes where it was; the counters add up as pages finish.
/// </summary>
public sealed class DirectorySyncRunRow
{
    /// <summary><c>dsr_…</c>.</summary>
    public string Id { get; set; } = "";

    /// <summary>The app that reads the directory (<c>""</c>: the default app).</summary>
    public string App { get; set; } = "";

    /// <summary>The tenant written to.</summary>
    public string TenantKey { get; set; } = "";

    /// <summary>Full, reconciliation or scope.</summary>
    public DirectorySyncKind Kind { get; set; }

    /// <summary>Who started it: <c>api</c>, <c>console</c>, <c>schedule</c>, <c>scope_event</c>, <c>contact_event</c>.</summary>
    public string Trigger { get; set; } = "";

    /// <summary>Running, completed or incomplete.</summary>
    public DirectorySyncStatus Status { get; set; }

    /// <summary>Whether the app's contact scope is every member (the root department was readable): only then are people a complete run did not see marked resigned.</summary>
    public bool? AllMembers { get; set; }

    /// <summary>Calls made to Feishu's contact API.</summary>
    public int ApiCalls { get; set; }

    /// <summary>Pages that failed for good (dead-lettered).</summary>
    public int FailedPages { get; set; }

    /// <summary>Departments read.</summary>
    public int Departments { get; set; }

    /// <summary>Distinct people read.</summary>
    public int People { get; set; }

    /// <summary>People added to the directory.</summary>
    public int Created { get; set; }

    /// <summary>People whose fields changed.</summary>
    public int Updated { get; set; }

    /// <summary>People marked frozen or resigned (by what was read, or because a complete run did not see them).</summary>
    public int Deactivated { get; set; }

    /// <summary>Problems found.</summary>
    public int Problems { get; set; }

    /// <summary>When started.</summary>
    public DateTimeOffset StartedAt { get; set; }

    /// <summary>When the last page was done, or null while running.</summary>
    public DateTimeOffset? FinishedAt { get; set; }
}

/// <summary>What a sync found that the app cannot see or could not read.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<DirectoryProblemKind>))]
public enum DirectoryProblemKind
{
    /// <summary>A field nobody had: the app lacks the field's scope (the subject names the scope).</summary>
    MissingFieldScope,

    /// <summary>A department people belong to that the app cannot read.</summary>
    DepartmentOutOfScope,

    /// <summary>The contact scope is not every member (the root is unreadable): people not seen are not marked gone.</summary>
    PartialScope,

    /// <summary>A page failed for good; the run is incomplete.</summary>
    PageFailed,

    /// <summary>Departments or users went out of the app's contact scope (a scope event); their people are kept as they were.</summary>
    RemovedFromScope,
}

/// <summary>A problem a run found (<c>directory_sync_problems</c>), shown in the console and the API and counted in the metrics.</summary>
public sealed class DirectorySyncProblemRow
{
    /// <summary>Ascending id.</summary>
    public long Id { get; set; }

    /// <summary>The run.</summary>
    public string RunId { get; set; } = "";

    /// <summary>What kind of problem.</summary>
    public DirectoryProblemKind Kind { get; set; }

    /// <summary>What it is about (a scope name, a department id, a page), unique per run and kind.</summary>
    public string Subject { get; set; } = "";

    /// <summary>What happened and what to do about it.</summary>
    public string Detail { get; set; } = "";

    /// <summary>When found.</summary>
    public DateTimeOffset At { get; set; }
}
