using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Larkway.Channels.Backends.Internal;

/// <summary>
/// Metrics and traces of AI backend calls on the <c>Larkway</c> meter and activity source (<c>larkway.assistant.*</c>,
/// tagged <c>assistant.backend</c> — the configured name — and <c>assistant.backend.type</c> — dify, openai). Names are
/// documented in src/Larkway.Channels/README.md. When nobody listens, a call costs a check per instrument.
/// </summary>
internal sealed class BackendTelemetry : IDisposable
{
    public const string MeterName = "Larkway";

    public static readonly ActivitySource ActivitySource = new(MeterName);

    private readonly Meter? _ownedMeter;
    private readonly KeyValuePair<string, object?> _backend;
    private readonly KeyValuePair<string, object?> _type;
    private readonly Counter<long> _calls;
    private readonly Counter<long> _errors;
    private readonly Histogram<double> _firstToken;
    private readonly Histogram<double> _duration;

    public BackendTelemetry(IMeterFactory? meterFactory, string backendName, string backendType)
    {
        _ownedMeter = meterFactory is null ? new Meter(MeterName) : null;
        var meter = _ownedMeter ?? meterFactory!.Create(MeterName);
        _backend = new("assistant.backend", backendName);
        _type = new("assistant.backend.type", backendType);
        _calls = meter.CreateCounter<long>("larkway.assistant.calls", "{call}", "AI backend calls (questions asked), by outcome: completed, failed, cancelled.");
        _errors = meter.CreateCounter<long>("larkway.assistant.errors", "{error}", "AI backend failures, by kind and code; retried ones are tagged assistant.retried=true.");
        _firstToken = meter.CreateHistogram<double>("larkway.assistant.time_to_first_token", "s", "Time from asking to the first visible output (text, replaced answer or agent step), retries included.");
        _duration = meter.CreateHistogram<double>("larkway.assistant.duration", "s", "Time from asking to the end of the answer (completed, failed or cancelled), retries included.");
    }

    public Activity? StartCall(string backendName, string backendType)
    {
        if (!ActivitySource.HasListeners())
        {
            return null;
        }

        var activity = ActivitySource.StartActivity($"Assistant {backendType} stream", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(_backend.Key, backendName);
            activity.SetTag(_type.Key, backendType);
        }

        return activity;
    }

    public void FirstToken(TimeSpan elapsed)
    {
        if (_firstToken.Enabled)
        {
            _firstToken.Record(elapsed.TotalSeconds, _backend, _type);
        }
    }

    public void Error(AssistantFailure failure, bool retried)
    {
        if (_errors.Enabled)
        {
            _errors.Add(1, _backend, _type, new("assistant.error.kind", KindTag(failure.Kind)), new("assistant.error.code", failure.Code), new("assistant.retried", retried));
        }
    }

    public void Ended(Activity? activity, string outcome, TimeSpan elapsed, AssistantFailure? failure)
    {
        if (activity is not null)
        {
            activity.SetTag("assistant.outcome", outcome);
            if (failure is not null)
            {
                activity.SetStatus(ActivityStatusCode.Error, failure.Code);
                activity.SetTag("error.type", KindTag(failure.Kind));
            }

            activity.Dispose();
        }

        var outcomeTag = new KeyValuePair<string, object?>("assistant.outcome", outcome);
        if (_calls.Enabled)
        {
            _calls.Add(1, _backend, _type, outcomeTag);
        }

        if (_duration.Enabled)
        {
            _duration.Record(elapsed.TotalSeconds, _backend, _type, outcomeTag);
        }
    }

    public static string KindTag(AssistantFailureKind kind) => kind switch
    {
        AssistantFailureKind.Unavailable => "unavailable",
        AssistantFailureKind.Timeout => "timeout",
        AssistantFailureKind.RateLimited => "rate_limited",
        AssistantFailureKind.Refused => "refused",
        AssistantFailureKind.ConversationNotFound => "conversation_not_found",
        AssistantFailureKind.ContentFiltered => "content_filtered",
        AssistantFailureKind.FileRefused => "file_refused",
        _ => "other",
    };

    public void Dispose() => _ownedMeter?.Dispose();
}
