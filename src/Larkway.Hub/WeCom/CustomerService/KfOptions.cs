using System.ComponentModel.DataAnnotations;
using Larkway.Hub.Platform.Queue;

namespace Larkway.Hub.WeCom.CustomerService;

/// <summary>How the Hub pulls WeCom customer-service messages, bound from <c>Larkway:WeCom:CustomerService</c>.</summary>
public sealed class KfOptions : IQueueOptions, IValidatableObject
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Larkway:WeCom:CustomerService";

    /// <summary>Whether this process pulls (a replica may leave it to others). Default true.</summary>
    public bool WorkerEnabled { get; set; } = true;

    /// <summary>Accounts claimed at once. Default 8.</summary>
    public int BatchSize { get; set; } = 8;

    /// <summary>Accounts pulled at once. Default 4.</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>How long a pull holds its account before another process may take it over. Default 1 min.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often an idle worker looks for accounts to pull. Default 1 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Attempts at a pull that fails before it waits for the next callback. Default 8.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Waits between attempts; the last repeats. Default 1 s, 5 s, 30 s, 2 min, 10 min.</summary>
    public IList<TimeSpan>? RetryDelays { get; set; }

    /// <summary>Items asked for per <c>sync_msg</c> call, 1–1,000 (WeCom's maximum, and the default).</summary>
    public int PageSize { get; set; } = Larkway.WeCom.CustomerService.WeComCustomerServiceClient.MaxSyncLimit;

    /// <summary>Customers of one account whose pulled messages are acted on at once (each customer's in order). Default 8.</summary>
    public int ActConcurrency { get; set; } = 8;

    /// <summary>Pages one claim pulls before it gives the worker to other accounts (it continues from its cursor). Default 20.</summary>
    public int PagesPerClaim { get; set; } = 20;

    /// <summary>
    /// What a backend writes in an answer to hand the customer to people (its prompt or workflow says when); the Hub
    /// removes it, sends the rest, and hands over. Default <c>[[handover]]</c>; empty: backends cannot hand over.
    /// </summary>
    public string HandoverSignal { get; set; } = "[[handover]]";

    /// <summary>
    /// How often every served account is pulled even without a callback (and once when a replica takes the job, as after
    /// a restart): messages whose callback was lost are answered within this. Default 5 min; at least 10 s.
    /// </summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(5);

    internal static readonly TimeSpan[] DefaultRetryDelays =
        [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10)];

    /// <inheritdoc />
    public RetrySchedule Retry => new(RetryDelays is { Count: > 0 } d ? [.. d] : DefaultRetryDelays, MaxAttempts);

    /// <summary>Each setting's accepted range.</summary>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        foreach (var problem in QueueOptionsRules.Validate(SectionName, this, MaxAttempts, RetryDelays))
        {
            yield return problem;
        }

        if (LeaseDuration < TimeSpan.FromSeconds(10))
        {
            yield return new($"{SectionName}:LeaseDuration must be at least 10 s (longer than one sync_msg call with its retries).", [nameof(LeaseDuration)]);
        }

        if (PageSize is < 1 or > Larkway.WeCom.CustomerService.WeComCustomerServiceClient.MaxSyncLimit)
        {
            yield return new($"{SectionName}:PageSize must be from 1 to {Larkway.WeCom.CustomerService.WeComCustomerServiceClient.MaxSyncLimit} (WeCom's largest sync_msg page).", [nameof(PageSize)]);
        }

        if (HandoverSignal is { Length: > 64 } || (HandoverSignal is { Length: > 0 } && string.IsNullOrWhiteSpace(HandoverSignal)))
        {
            yield return new($"{SectionName}:HandoverSignal must be 1–64 characters that an answer would not hold by chance (default [[handover]]), or empty for none.", [nameof(HandoverSignal)]);
        }

        if (ActConcurrency is < 1 or > 64)
        {
            yield return new($"{SectionName}:ActConcurrency must be from 1 to 64.", [nameof(ActConcurrency)]);
        }

        if (SweepInterval < TimeSpan.FromSeconds(10))
        {
            yield return new($"{SectionName}:SweepInterval must be at least 10 s (each sweep is a sync_msg call per account).", [nameof(SweepInterval)]);
        }

        if (PagesPerClaim is < 1 or > 1000)
        {
            yield return new($"{SectionName}:PagesPerClaim must be from 1 to 1000.", [nameof(PagesPerClaim)]);
        }
    }
}
