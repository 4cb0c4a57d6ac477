using System.Diagnostics.Metrics;
using Larkway.Hub.Apps;

namespace Larkway.Hub.Approvals;

/// <summary>
/// The approvals' instruments on the <c>Larkway</c> meter, every one tagged with the approval's <c>platform</c> as its row
/// stores it (the platform unit's name): requests by what became of their create, approvals reaching an ended status, the
/// time from accepted to the instance created, and the time from an approver acting on the platform to the callback queued.
/// </summary>
internal sealed class ApprovalTelemetry
{
    /// <summary>Outcomes of <c>larkway.hub.approvals.created</c>: the platform created the instance.</summary>
    public const string Created = "created";

    /// <summary>A retry found the instance a lost attempt had created, and took it.</summary>
    public const string Adopted = "adopted";

    /// <summary>A repeat of an earlier request, answered from the store.</summary>
    public const string Duplicate = "duplicate";

    /// <summary>The platform refused the create for good.</summary>
    public const string Refused = "refused";

    /// <summary>The create's attempts ran out.</summary>
    public const string Failed = "failed";

    private readonly Counter<long> _created;
    private readonly Counter<long> _outcomes;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _lag;

    public ApprovalTelemetry(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create("Larkway");
        _created = meter.CreateCounter<long>("larkway.hub.approvals.created", "{approval}", "Approval requests by what became of their create, by app, platform and outcome (created, adopted, duplicate, refused, failed).");
        _outcomes = meter.CreateCounter<long>("larkway.hub.approvals.outcomes", "{approval}", "Approvals reaching an ended status, by platform and status (approved, rejected, canceled, deleted, reverted, failed).");
        _duration = meter.CreateHistogram<double>(
            "larkway.hub.approvals.create.duration", "s", "From an approval accepted to its instance created on the platform, retries included, by platform.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900] });
        _lag = meter.CreateHistogram<double>(
            "larkway.hub.approvals.callback.lag", "s", "From an approver acting on the platform (the task's end time, the platform's clock) to the callback queued, by platform.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300] });
    }

    /// <summary>Counts what became of the create of <paramref name="approval"/> (one of the outcome constants).</summary>
    public void CreateEnded(ApprovalRow approval, string outcome) =>
        _created.Add(1, new("app", approval.App ?? ""), new("platform", PlatformOf(approval)), new("outcome", outcome));

    /// <summary>Records a change of <paramref name="approval"/> from <paramref name="before"/>: an ended status counted, a create timed.</summary>
    public void Changed(ApprovalState before, ApprovalRow approval, DateTimeOffset now)
    {
        if (before == approval.Status)
        {
            return;
        }

        var platform = new KeyValuePair<string, object?>("platform", PlatformOf(approval));
        if (!ApprovalTransitions.IsOpen(approval.Status))
        {
            _outcomes.Add(1, platform, new("status", ApprovalTransitions.WireName(approval.Status)));
        }

        if (before == ApprovalState.Submitting && approval.Status == ApprovalState.Pending && now >= approval.CreatedAt)
        {
            _duration.Record((now - approval.CreatedAt).TotalSeconds, platform);
        }
    }

    /// <summary>Records the lag of a callback queued for a transition an approver's action made (when the platform said when they acted).</summary>
    public void CallbackQueued(ApprovalRow approval, DateTimeOffset? acted, DateTimeOffset now)
    {
        if (acted is { } at && now >= at)
        {
            _lag.Record((now - at).TotalSeconds, new KeyValuePair<string, object?>("platform", PlatformOf(approval)));
        }
    }

    // Rows from before platforms were stored have an empty column: the default platform's, as everywhere else.
    private static string PlatformOf(ApprovalRow approval) => HubAppPlatform.Of(approval.Platform);
}
