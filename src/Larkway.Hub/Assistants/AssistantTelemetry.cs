using System.Diagnostics.Metrics;

namespace Larkway.Hub.Assistants;

/// <summary>
/// The assistants' instruments on the <c>Larkway</c> meter: questions accepted, duplicates and refusals; answers by how
/// they ended; the time to the first visible text and to the last; platform updates per answer; feedback.
/// </summary>
internal sealed class AssistantTelemetry
{
    private static readonly double[] Seconds = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

    private readonly Counter<long> _questions;
    private readonly Counter<long> _answers;
    private readonly Counter<long> _feedback;
    private readonly Histogram<double> _firstText;
    private readonly Histogram<double> _lastText;
    private readonly Histogram<int> _updates;

    public AssistantTelemetry(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create("Larkway");
        _questions = meter.CreateCounter<long>("larkway.hub.assistant.questions", "{question}", "Messages that reached an assistant, by assistant, platform and outcome (accepted, duplicate, refused).");
        _answers = meter.CreateCounter<long>("larkway.hub.assistant.answers", "{answer}", "Answers that ended, by assistant, platform and status (answered, stopped, failed, interrupted) and, for failures, the backend's failure kind.");
        _feedback = meter.CreateCounter<long>("larkway.hub.assistant.feedback", "{click}", "Feedback clicks on answers, by assistant and value (helpful, not_helpful, regenerate).");
        _firstText = meter.CreateHistogram<double>("larkway.hub.assistant.first_text", "s", "From the question received to the first text of its answer shown, by assistant and platform.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Seconds });
        _lastText = meter.CreateHistogram<double>("larkway.hub.assistant.answer.duration", "s", "From the question received to its answer ended, by assistant, platform and status.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Seconds });
        _updates = meter.CreateHistogram<int>("larkway.hub.assistant.answer.updates", "{update}", "Platform updates (card updates, stream frames) per answer, by platform.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500] });
    }

    public void Accepted(string assistant, string platform) => Question(assistant, platform, "accepted");

    public void Duplicate(string assistant, string platform) => Question(assistant, platform, "duplicate");

    public void Refused(string assistant, string platform) => Question(assistant, platform, "refused");

    public void FirstText(string assistant, string platform, TimeSpan sinceReceived) =>
        _firstText.Record(Math.Max(0, sinceReceived.TotalSeconds), new("assistant", assistant), new("platform", platform));

    public void Ended(string assistant, string platform, string status, string? failureKind, TimeSpan sinceReceived, int updates)
    {
        _answers.Add(1, new("assistant", assistant), new("platform", platform), new("status", status), new("failure_kind", failureKind ?? ""));
        _lastText.Record(Math.Max(0, sinceReceived.TotalSeconds), new("assistant", assistant), new("platform", platform), new("status", status));
        _updates.Record(updates, new KeyValuePair<string, object?>("platform", platform));
    }

    public void Feedback(string assistant, string value) => _feedback.Add(1, new("assistant", assistant), new("value", value));

    private void Question(string assistant, string platform, string outcome) =>
        _questions.Add(1, new("assistant", assistant), new("platform", platform), new("outcome", outcome));
}
