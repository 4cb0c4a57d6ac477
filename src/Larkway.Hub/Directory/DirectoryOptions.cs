using System.ComponentModel.DataAnnotations;
using Larkway.Feishu.Contact;
using Larkway.Hub.Platform.Queue;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Directory;

/// <summary>The directory's settings, bound from <c>Larkway:Directory</c>.</summary>
public sealed class DirectoryOptions : IQueueOptions, IValidatableObject
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Larkway:Directory";

    /// <summary>
    /// The app whose contact API reads the directory and whose contact events keep it current (<c>default</c> or empty: the
    /// default app; else a stored app's name). Other apps of the tenant only link their open_ids to its people. Default: the default app.
    /// </summary>
    public string App { get; set; } = "";

    /// <summary>
    /// Apps on other platforms whose contacts the directory also reads, after <see cref="App"/>'s and in this order (a
    /// company on two or three platforms): a person found there by an email or mobile number the directory already has is
    /// that person (two candidates are held for an administrator), anyone else is added. Each person's fields come from
    /// the first of these apps they are on; a department of one of them is kept as <c>{app}:{id}</c>. Empty (the
    /// default): the directory reads <see cref="App"/> alone.
    /// </summary>
    public IList<string> AlsoFrom { get; set; } = [];

    /// <summary>
    /// The tenant the directory belongs to. Empty (the default): learned from the app's events and sign-ins; until then the
    /// directory is kept under <c>app:{app}</c> and moved to the tenant's key when it is learned.
    /// </summary>
    public string TenantKey { get; set; } = "";

    /// <summary>Whether this process reads sync pages (a replica may leave them to others). Default true.</summary>
    public bool WorkerEnabled { get; set; } = true;

    /// <summary>Pages claimed at once. Default 8.</summary>
    public int BatchSize { get; set; } = 8;

    /// <summary>Pages read at once. Default 4.</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>How long a page is held before another process may take it over. Default 1 min.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often an idle worker looks for pages. Default 1 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Attempts at a page before it fails for good (and the run is incomplete). Default 8.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Waits between attempts at a page; the last repeats. Default 2 s, 10 s, 30 s, 2 min, 10 min.</summary>
    public IList<TimeSpan>? RetryDelays { get; set; }

    /// <summary>Users and departments per page, 1–50 (Feishu's maximum, and the default).</summary>
    public int PageSize { get; set; } = UsersClient.MaxDepartmentPageSize;

    /// <summary>Contact API calls per second from this process, 1–50 (Feishu's limit for these endpoints, and the default).</summary>
    public int CallsPerSecond { get; set; } = 50;

    /// <summary>Contact API calls per minute from this process, 1–1,000 (Feishu's limit, and the default).</summary>
    public int CallsPerMinute { get; set; } = 1000;

    /// <summary>Whether this process competes to run the nightly reconciliation (one replica runs it). Default true.</summary>
    public bool ReconcileEnabled { get; set; } = true;

    /// <summary>Time between two reconciliations (counted from the last run's start, kept in the database). Default 1 day.</summary>
    public TimeSpan ReconcileEvery { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often the reconciliation job looks whether one is due. Default 10 min.</summary>
    public TimeSpan ReconcileCheckInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Whether a Hub whose directory was never synced starts a full sync by itself (on the reconciliation's schedule). Default true.</summary>
    public bool SyncWhenEmpty { get; set; } = true;

    internal static readonly TimeSpan[] DefaultRetryDelays =
        [TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10)];

    /// <inheritdoc />
    public RetrySchedule Retry => new(RetryDelays is { Count: > 0 } d ? [.. d] : DefaultRetryDelays, MaxAttempts);

    /// <summary>The directory app's name as the database knows it (<c>""</c> for the default app).</summary>
    internal string AppName => Apps.HubAppRegistry.IsDefault(App) ? "" : App.Trim();

    /// <summary>The apps the directory reads, in order: <see cref="App"/> first, then <see cref="AlsoFrom"/>.</summary>
    internal DirectorySourceOrder Sources => new([AppName, .. AlsoFrom.Select(a => Apps.HubAppRegistry.IsDefault(a) ? "" : a.Trim()).Where(a => a != AppName).Distinct(StringComparer.Ordinal)]);

    /// <summary>Each setting's accepted range.</summary>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        foreach (var problem in QueueOptionsRules.Validate(SectionName, this, MaxAttempts, RetryDelays))
        {
            yield return problem;
        }

        if (LeaseDuration < TimeSpan.FromSeconds(5))
        {
            yield return new($"{SectionName}:LeaseDuration must be at least 5 s (longer than one page read with its retries).", [nameof(LeaseDuration)]);
        }

        if (PageSize is < 1 or > UsersClient.MaxDepartmentPageSize)
        {
            yield return new($"{SectionName}:PageSize must be from 1 to {UsersClient.MaxDepartmentPageSize} (Feishu's largest page).", [nameof(PageSize)]);
        }

        if (CallsPerSecond is < 1 or > 50)
        {
            yield return new($"{SectionName}:CallsPerSecond must be from 1 to 50 (Feishu allows 50 a second on the contact reads).", [nameof(CallsPerSecond)]);
        }

        if (CallsPerMinute < CallsPerSecond || CallsPerMinute > 1000)
        {
            yield return new($"{SectionName}:CallsPerMinute must be from CallsPerSecond to 1000 (Feishu allows 1,000 a minute on the contact reads).", [nameof(CallsPerMinute)]);
        }

        if (ReconcileEvery < TimeSpan.FromMinutes(5))
        {
            yield return new($"{SectionName}:ReconcileEvery must be at least 5 min (a reconciliation reads the whole directory).", [nameof(ReconcileEvery)]);
        }

        if (ReconcileCheckInterval < TimeSpan.FromSeconds(1) || ReconcileCheckInterval > ReconcileEvery)
        {
            yield return new($"{SectionName}:ReconcileCheckInterval must be from 1 s to ReconcileEvery.", [nameof(ReconcileCheckInterval)]);
        }

        if (App.Length > 40)
        {
            yield return new($"{SectionName}:App must name an app (at most 40 characters), or be empty for the default app.", [nameof(App)]);
        }

        var also = AlsoFrom.Select(a => a.Trim()).ToList();
        if (also.Count > 4 || also.Any(a => a.Length is 0 or > 40 || a.Contains(':', StringComparison.Ordinal)))
        {
            yield return new($"{SectionName}:AlsoFrom must name at most 4 apps (each a stored app's name, at most 40 characters), or be empty to read {SectionName}:App alone.", [nameof(AlsoFrom)]);
        }
        else if (also.Any(a => string.Equals(Apps.HubAppRegistry.IsDefault(a) ? "" : a, AppName, StringComparison.Ordinal)) || also.Distinct(StringComparer.Ordinal).Count() != also.Count)
        {
            yield return new($"{SectionName}:AlsoFrom must name each app once, and not {SectionName}:App itself (it is read first anyway).", [nameof(AlsoFrom)]);
        }

        if (TenantKey.Length > 64)
        {
            yield return new($"{SectionName}:TenantKey must be at most 64 characters, or empty to learn it from the app's events.", [nameof(TenantKey)]);
        }
    }
}

/// <summary>Checks <see cref="DirectoryOptions"/> at start.</summary>
[OptionsValidator]
internal sealed partial class DirectoryOptionsValidator : IValidateOptions<DirectoryOptions>;
