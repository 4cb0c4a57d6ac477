using System.Text.Json;
using Larkway.Hub.Platform.Http;

namespace Larkway.Hub.Approvals;

/// <summary>
/// Where the approvals room meets one platform's approvals: supplied by that platform's room as a piece of its unit
/// (<c>.Supply&lt;IApprovalPlatform, …&gt;()</c>). The room keeps the requests, the store, the submit queue, the
/// transitions, the callbacks and the cards; the piece only reads and acts on the platform, and answers in the room's
/// records (<see cref="ApprovalDefinitionShape"/>, <see cref="ApprovalSnapshot"/>). A failure the platform (or the way
/// to it) reports is classified by <see cref="Failure"/>; anything else is a bug and surfaces.
/// </summary>
/// <remarks>
/// <paramref name="app"/> arguments are Hub app names as the approval stores them (<c>""</c>: the default app).
/// </remarks>
internal interface IApprovalPlatform
{
    /// <summary>
    /// The notification recipient type of an approver's id (<c>open_id</c>, <c>dingtalk_userid</c>, <c>wecom_userid</c>):
    /// approvers' cards and reminders are notifications to it.
    /// </summary>
    string RecipientType { get; }

    /// <summary>
    /// The platform's own names for a person's id an approval request may use besides <c>email</c> and <c>person_id</c>
    /// (Feishu: <c>open_id</c>, <c>user_id</c>; DingTalk and WeCom: <c>user_id</c>), the first being the one tasks name.
    /// </summary>
    IReadOnlyList<string> PersonIdTypes { get; }

    /// <summary>
    /// True when the platform lets an app decide a task for its approver (<see cref="DecideAsync"/>), so an approver's
    /// card carries Approve and Reject; false when people decide only in the platform's own approval page, and the
    /// card links there (<see cref="PageUrl"/>).
    /// </summary>
    bool DecidesFromCards { get; }

    /// <summary>
    /// True for the platform the approvals API spoke for alone before it spoke for every platform: its answers and callbacks
    /// keep the deprecated names clients of that time read (<c>approval_code</c>, <c>open_id</c>, <c>approver_open_id</c>,
    /// <c>operator_open_id</c>, <c>feishu_code</c>…) beside the neutral ones. False for every other platform.
    /// </summary>
    bool KeepsDeprecatedNames => false;

    /// <summary>True when an approver's card can mention the applicant by their id (Feishu's <c>&lt;at id&gt;</c>); else the card names them as the request did.</summary>
    bool MentionsInCards => false;

    /// <summary>The inbox event types that say one of the platform's instances or tasks changed.</summary>
    IReadOnlySet<string> EventTypes { get; }

    /// <summary>The definition (its fields and nodes), to check a request before anything is created.</summary>
    Task<ApprovalDefinitionShape> ReadDefinitionAsync(string app, string definition, CancellationToken cancellationToken);

    /// <summary>
    /// Makes sure the definition's events reach the Hub before an instance of it is created (Feishu's subscription);
    /// a failure is the piece's to log, never the create's.
    /// </summary>
    Task PrepareAsync(string app, string definition, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Each email's id on the platform as <paramref name="app"/> sees people (the id tasks name), null when the platform
    /// finds nobody or cannot look people up by email (then the directory is asked).
    /// </summary>
    Task<IReadOnlyDictionary<string, string?>> FindByEmailAsync(string app, IReadOnlyCollection<string> emails, CancellationToken cancellationToken);

    /// <summary>Creates the instance and returns its id on the platform.</summary>
    Task<string> CreateAsync(string app, ApprovalCreate create, CancellationToken cancellationToken);

    /// <summary>
    /// The instance an earlier attempt of <paramref name="create"/> made although its answer was lost, or null when
    /// there is none. Asked before a create is tried again: a platform whose create takes an idempotency key (Feishu's
    /// uuid) answers null, since its create is safe to repeat; the others list the definition's instances since
    /// <see cref="ApprovalCreate.FirstAttemptAt"/> and match the applicant and the form, skipping those in
    /// <see cref="ApprovalCreate.Taken"/> (another approval's, however alike).
    /// </summary>
    Task<string?> FindCreatedAsync(string app, ApprovalCreate create, CancellationToken cancellationToken);

    /// <summary>The instance as the platform reports it now.</summary>
    Task<ApprovalSnapshot> ReadAsync(string app, string instance, CancellationToken cancellationToken);

    /// <summary>Approves or rejects a task for its approver (only where <see cref="DecidesFromCards"/>).</summary>
    Task DecideAsync(string app, ApprovalDecision decision, CancellationToken cancellationToken);

    /// <summary>Withdraws (or terminates) a pending instance on behalf of its applicant.</summary>
    Task CancelAsync(string app, ApprovalCancel cancel, CancellationToken cancellationToken);

    /// <summary>What a failed call means to the room; null for an exception that is no platform's failure (a bug: let it surface).</summary>
    ApprovalCallFailure? Failure(Exception exception);

    /// <summary>The instance an event of <see cref="EventTypes"/> names (its data as the inbox stores it), or null.</summary>
    string? InstanceOf(string eventType, JsonElement data);

    /// <summary>Where the approver opens the instance in the platform's own approval pages; null when the platform has no link.</summary>
    string? PageUrl(string app, string instance) => null;
}

/// <summary>A create as the room hands it to the platform: everything resolved and checked.</summary>
/// <param name="ApprovalId">The Hub's id of the approval.</param>
/// <param name="Definition">The definition (Feishu's approval code, DingTalk's process code, WeCom's template id).</param>
/// <param name="Applicant">The applicant's id on the platform, as tasks name people.</param>
/// <param name="Form">The form's values as the caller sent them: a JSON object by field id or name.</param>
/// <param name="FirstAttemptAt">When the first attempt to create it started (the earliest an instance of it can have been made).</param>
internal sealed record ApprovalCreate(string ApprovalId, string Definition, string Applicant, JsonElement Form, DateTimeOffset FirstAttemptAt)
{
    /// <summary>The approval's idempotency key, the same on every attempt, for a platform whose create takes one (Feishu's uuid).</summary>
    public string Key { get; init; } = "";

    /// <summary>The applicant's id as the caller named it, when the platform takes another kind (Feishu's <c>user_id</c>); null otherwise.</summary>
    public string? ApplicantUserId { get; init; }

    /// <summary>The applicant's department, when they are in several.</summary>
    public string? DepartmentId { get; init; }

    /// <summary>The instance's title, where the platform shows one.</summary>
    public string? Title { get; init; }

    /// <summary>The approvers picked for self-select nodes: node key → the people as the request named them, resolved.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<ApprovalPerson>>? Approvers { get; init; }

    /// <summary>
    /// Instances other approvals hold (set when a lost create is searched for): never adopted, since two approvals with
    /// the same applicant, definition and form made at the same moment each have their own instance.
    /// </summary>
    public IReadOnlySet<string> Taken { get; init; } = new HashSet<string>();
}

/// <summary>A decision on a task, made for its approver.</summary>
/// <param name="Definition">The instance's definition.</param>
/// <param name="Instance">The instance.</param>
/// <param name="TaskId">The task.</param>
/// <param name="Approver">The approver's id on the platform (the one the task names).</param>
/// <param name="Approve">Approve, or reject.</param>
/// <param name="Comment">What the approver wrote.</param>
internal sealed record ApprovalDecision(string Definition, string Instance, string TaskId, string Approver, bool Approve, string? Comment);

/// <summary>A withdrawal on behalf of the applicant.</summary>
/// <param name="Definition">The instance's definition.</param>
/// <param name="Instance">The instance.</param>
/// <param name="Applicant">The applicant's id on the platform.</param>
/// <param name="ApplicantUserId">The applicant's id as the caller named it, when the platform takes another kind; null otherwise.</param>
internal sealed record ApprovalCancel(string Definition, string Instance, string Applicant, string? ApplicantUserId = null);

/// <summary>What a failed platform call means to the approvals.</summary>
/// <param name="Failure">What the platform said, in the shape every platform's failure has.</param>
/// <param name="Transient">True when the same call may pass later (the platform was slow, throttled, unreachable).</param>
/// <param name="Kind">What the room does about it.</param>
internal sealed record ApprovalCallFailure(PlatformFailure Failure, bool Transient, ApprovalFailureKind Kind = ApprovalFailureKind.Other);

/// <summary>Failures the room treats apart from the rest.</summary>
internal enum ApprovalFailureKind
{
    /// <summary>Any other failure.</summary>
    Other,

    /// <summary>The task is no longer the approver's to decide: decided, transferred or gone (a decision made elsewhere).</summary>
    TaskNotPending,

    /// <summary>The definition does not exist (or the app cannot see it).</summary>
    UnknownDefinition,

    /// <summary>The instance can no longer be withdrawn (it ended, or was terminated on the platform).</summary>
    NotCancellable,
}

/// <summary>A definition as the room checks a request against it: its name, its nodes, and its form's check.</summary>
internal abstract class ApprovalDefinitionShape
{
    /// <summary>The definition's code as the request names it.</summary>
    public required string Code { get; init; }

    /// <summary>The definition's name, when the platform gives one.</summary>
    public string? Name { get; init; }

    /// <summary>The approval's nodes whose approvers matter to a request (self-select ones at least).</summary>
    public IReadOnlyList<ApprovalNodeShape> Nodes { get; init; } = [];

    /// <summary>Most values a form of this definition takes (the platform's component limit).</summary>
    public int? MaxFields { get; init; }

    /// <summary>Checks a form's values (a JSON object by field id or name); problems name the field as <c>form.…</c>.</summary>
    public abstract ApprovalFormCheck CheckForm(JsonElement form);
}

/// <summary>One node of a definition.</summary>
/// <param name="Keys">The names a request may give it by (Feishu's custom node id and node id; the others' node id).</param>
/// <param name="Name">The node's name.</param>
/// <param name="ChoosesApprovers">True when the submitter picks its approvers.</param>
/// <param name="TakesSeveral">True when it takes several approvers.</param>
internal sealed record ApprovalNodeShape(IReadOnlyList<string> Keys, string Name, bool ChoosesApprovers, bool TakesSeveral);

/// <summary>What a definition says about a form: its problems, and the form as people read it (labels, option texts).</summary>
internal sealed record ApprovalFormCheck(IReadOnlyList<ApprovalProblem> Problems, IReadOnlyList<ApprovalFormLine> Display);
