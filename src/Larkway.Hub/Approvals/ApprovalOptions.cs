using System.ComponentModel.DataAnnotations;
using Larkway.Hub.Platform.Queue;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Approvals;

/// <summary>The approval bridge's settings, bound from <c>Larkway:Approvals</c>.</summary>
public sealed class ApprovalOptions : IQueueOptions, IValidatableObject
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Larkway:Approvals";

    /// <summary>Whether this process retries instance creates that failed transiently. Default true.</summary>
    public bool SubmitterEnabled { get; set; } = true;

    /// <summary>Creates claimed at once by the submitter. Default 8.</summary>
    public int BatchSize { get; set; } = 8;

    /// <summary>Creates run at once by the submitter. Default 4.</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>How long a create attempt is held before another process may take it over. Default 1 min.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often an idle submitter looks for due retries. Default 1 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Create attempts before the approval is failed. Default 10.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>Waits between create attempts; the last repeats. Default 10 s, 30 s, 2 min, 10 min, 30 min, 1 h.</summary>
    public IList<TimeSpan>? RetryDelays { get; set; }

    /// <summary>How long a fetched approval definition (its form widgets) is reused per app and code. Default 5 min.</summary>
    public TimeSpan DefinitionCacheLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Whether this process competes to run reconciliation (one replica runs it at a time). Default true.</summary>
    public bool ReconcileEnabled { get; set; } = true;

    /// <summary>How often reconciliation looks for approvals to read again. Default 1 min.</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// An open approval not read from Feishu for this long is read again by reconciliation (a missed event delays its
    /// outcome by at most about this much). Longer-pending approvals are read less often: a sixth of their age, up to
    /// <see cref="MaxSyncAge"/>. Default 10 min.
    /// </summary>
    public TimeSpan SyncAge { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The longest wait between reads of a long-pending approval. Default 6 h.</summary>
    public TimeSpan MaxSyncAge { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Approvals read per reconciliation round (the rest wait for the next). Default 50.</summary>
    public int ReconcileBatchSize { get; set; } = 50;

    /// <summary>
    /// How long after an approval ends Feishu may still revert or delete it (Feishu's <c>revert_interval</c>, 31 days by
    /// default): reconciliation keeps reading approved and rejected approvals this long, then stops. Zero: never. Default 31 days.
    /// </summary>
    public TimeSpan RevertWindow { get; set; } = TimeSpan.FromDays(31);

    /// <summary>
    /// The longest wait between two reads of an ended approval inside <see cref="RevertWindow"/>; the waits start at
    /// <see cref="SyncAge"/> and double. Default 1 day.
    /// </summary>
    public TimeSpan MaxRevertSyncAge { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Ended approvals read per reconciliation run at most, so the revert checks never flood Feishu. Default 20.</summary>
    public int RevertCheckBatchSize { get; set; } = 20;

    /// <summary>Whether approvers get an approval card (Approve / Reject) for each pending task. Default true.</summary>
    public bool CardsEnabled { get; set; } = true;

    /// <summary>Whether this process competes to send reminders (one replica sends them at a time). Default true.</summary>
    public bool RemindersEnabled { get; set; } = true;

    /// <summary>A task pending this long gets its first reminder. Default 4 h.</summary>
    public TimeSpan ReminderAfter { get; set; } = TimeSpan.FromHours(4);

    /// <summary>The least time between two reminders of one task. Default 1 day.</summary>
    public TimeSpan ReminderEvery { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Reminders per task at most (0: none). Default 3.</summary>
    public int MaxReminders { get; set; } = 3;

    /// <summary>How often the reminder job looks for tasks due a reminder. Default 5 min.</summary>
    public TimeSpan ReminderCheckInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Hub-level definition names, each mapped per app to that app's platform definition (Feishu's approval code, DingTalk's
    /// process code, WeCom's template id): <c>Larkway:Approvals:Definitions:payment:dingtalk-main = PROC-…</c>, the default
    /// app as <c>default</c>. A request's <c>definition</c> that is such a name is sent as the code of its app; anything
    /// else is taken as the platform's own code. Empty by default.
    /// </summary>
    public Dictionary<string, Dictionary<string, string>> Definitions { get; } = new(StringComparer.Ordinal);

    /// <summary>The app's key under a definition name (the default app's is <c>default</c>).</summary>
    internal const string DefaultAppKey = "default";

    /// <summary>
    /// The platform code a request's <paramref name="definition"/> stands for under <paramref name="app"/>: the mapped
    /// code when it is a Hub-level name, else itself; null (and <paramref name="problem"/>) for a name with no code for
    /// the app.
    /// </summary>
    internal string? DefinitionFor(string definition, string? app, out string? problem)
    {
        problem = null;
        if (!Definitions.TryGetValue(definition, out var codes))
        {
            return definition;
        }

        var key = string.IsNullOrEmpty(app) ? DefaultAppKey : app;
        if (codes.TryGetValue(key, out var code) && !string.IsNullOrWhiteSpace(code))
        {
            return code.Trim();
        }

        problem = $"The definition '{definition}' is a Hub-level name with no code for the app '{key}' (it has one for {string.Join(", ", codes.Keys.Order(StringComparer.Ordinal))}): "
            + $"set {SectionName}:Definitions:{definition}:{key} to the app's definition, or send the platform's own code.";
        return null;
    }

    internal static readonly TimeSpan[] DefaultRetryDelays =
        [TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1)];

    /// <inheritdoc />
    public RetrySchedule Retry => new(RetryDelays is { Count: > 0 } d ? [.. d] : DefaultRetryDelays, MaxAttempts);

    bool IQueueOptions.WorkerEnabled => SubmitterEnabled;

    /// <summary>When an approval created at <paramref name="createdAt"/> and read at <paramref name="now"/> is due to be read again.</summary>
    internal DateTimeOffset NextSync(DateTimeOffset createdAt, DateTimeOffset now)
    {
        var age = now - createdAt;
        var wait = age / 6;
        wait = wait < SyncAge ? SyncAge : wait > MaxSyncAge ? MaxSyncAge : wait;
        return now + wait;
    }

    /// <summary>
    /// When an approval that ended at <paramref name="endedAt"/> and was read at <paramref name="now"/> is read again for a
    /// revert or delete: waits of its time since ending (at least <see cref="SyncAge"/>, at most <see cref="MaxRevertSyncAge"/>),
    /// so about doubling; one last read at the window's end; null once the window has passed.
    /// </summary>
    internal DateTimeOffset? NextRevertCheck(DateTimeOffset endedAt, DateTimeOffset now)
    {
        var closes = endedAt + RevertWindow;
        if (now >= closes)
        {
            return null;
        }

        var wait = now - endedAt;
        wait = wait < SyncAge ? SyncAge : wait > MaxRevertSyncAge ? MaxRevertSyncAge : wait;
        var next = now + wait;
        return next < closes ? next : closes;
    }

    /// <summary>Each setting's accepted range, and the rules that relate settings.</summary>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        foreach (var problem in QueueOptionsRules.Validate(SectionName, this, MaxAttempts, RetryDelays))
        {
            yield return problem;
        }

        foreach (var (name, codes) in Definitions)
        {
            if (string.IsNullOrWhiteSpace(name) || name.Length > ApprovalLimits.MaxIdLength || codes.Count == 0
                || codes.Values.Any(c => string.IsNullOrWhiteSpace(c) || c.Trim().Length > ApprovalLimits.MaxIdLength))
            {
                yield return new($"{SectionName}:Definitions:{name} must map at least one app to its definition code, each 1–{ApprovalLimits.MaxIdLength} characters "
                    + $"({SectionName}:Definitions:{name}:<app> = <code>, the default app as '{DefaultAppKey}').", [nameof(Definitions)]);
            }
        }

        if (LeaseDuration < TimeSpan.FromSeconds(1))
        {
            yield return new("Larkway:Approvals:LeaseDuration must be at least 1 s (longer than one create with its retries).", [nameof(LeaseDuration)]);
        }

        if (ReconcileBatchSize < 1)
        {
            yield return new("Larkway:Approvals:ReconcileBatchSize must be at least 1.", [nameof(ReconcileBatchSize)]);
        }

        if (!(RevertCheckBatchSize is >= 1 and <= 500))
        {
            yield return new("Larkway:Approvals:RevertCheckBatchSize must be from 1 to 500 (ended approvals read per reconciliation run).", [nameof(RevertCheckBatchSize)]);
        }

        if (!(MaxReminders is >= 0 and <= 100))
        {
            yield return new("Larkway:Approvals:MaxReminders must be from 0 to 100.", [nameof(MaxReminders)]);
        }

        if (DefinitionCacheLifetime < TimeSpan.Zero)
        {
            yield return new("Larkway:Approvals:DefinitionCacheLifetime must not be negative.", [nameof(DefinitionCacheLifetime)]);
        }

        if (ReconcileInterval <= TimeSpan.Zero)
        {
            yield return new("Larkway:Approvals:ReconcileInterval must be positive.", [nameof(ReconcileInterval)]);
        }

        if (!(SyncAge > TimeSpan.Zero && MaxSyncAge >= SyncAge))
        {
            yield return new("Larkway:Approvals:SyncAge must be positive and MaxSyncAge at least as long.", [nameof(SyncAge)]);
        }

        if (!(RevertWindow >= TimeSpan.Zero && RevertWindow <= TimeSpan.FromDays(366)))
        {
            yield return new("Larkway:Approvals:RevertWindow must be from 0 (no revert checks) to 366 days (Feishu's revert_interval; default 31 days).", [nameof(RevertWindow)]);
        }

        if (MaxRevertSyncAge < SyncAge)
        {
            yield return new("Larkway:Approvals:MaxRevertSyncAge must be at least SyncAge.", [nameof(MaxRevertSyncAge)]);
        }

        if (ReminderAfter <= TimeSpan.Zero)
        {
            yield return new("Larkway:Approvals:ReminderAfter must be positive (how long a task waits before its first reminder).", [nameof(ReminderAfter)]);
        }

        if (ReminderEvery <= TimeSpan.Zero)
        {
            yield return new("Larkway:Approvals:ReminderEvery must be positive (the least time between two reminders of a task).", [nameof(ReminderEvery)]);
        }

        if (ReminderCheckInterval <= TimeSpan.Zero)
        {
            yield return new("Larkway:Approvals:ReminderCheckInterval must be positive.", [nameof(ReminderCheckInterval)]);
        }
    }
}

/// <summary>Checks <see cref="ApprovalOptions"/> at start (source-generated; the rules are the options' own Validate).</summary>
[OptionsValidator]
internal sealed partial class ApprovalOptionsValidator : IValidateOptions<ApprovalOptions>;
