using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Larkway.DingTalk.Http;

/// <summary>
/// Traces and metrics of DingTalk calls on the <c>Larkway</c> meter and activity source (beside Feishu's
/// <c>larkway.feishu.*</c>). Names are documented in docs/metrics.md. When nobody listens, a call costs a check per
/// instrument.
/// </summary>
internal sealed class DingTalkTelemetry : IDisposable
{
    public const string Name = "Larkway";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Meter? _ownedMeter;
    private readonly string _appKey;
    private readonly Counter<long> _calls;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _tokenRequests;

    public DingTalkTelemetry(IMeterFactory? meterFactory, string appKey)
    {
        _appKey = appKey;
        var meter = meterFactory?.Create(Name) ?? (_ownedMeter = new Meter(Name));
        _calls = meter.CreateCounter<long>("larkway.dingtalk.calls", "{call}", "DingTalk API calls, by path template and code.");
        _duration = meter.CreateHistogram<double>("larkway.dingtalk.call.duration", "s", "Duration of DingTalk API calls, retries included.");
        _tokenRequests = meter.CreateCounter<long>("larkway.dingtalk.token.requests", "{request}", "Fetches of DingTalk app access tokens, by kind and outcome.");
    }

    public Activity? StartCall(HttpMethod method, string pathTemplate)
    {
        if (!ActivitySource.HasListeners())
        {
            return null;
        }

        var activity = ActivitySource.StartActivity($"DingTalk {method.Method} {pathTemplate}", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("http.request.method", method.Method);
            activity.SetTag("url.template", pathTemplate);
            activity.SetTag("dingtalk.app_key", _appKey);
        }

        return activity;
    }

    public void EndCall(Activity? activity, HttpMethod method, string pathTemplate, TimeSpan duration, Exception? failure)
    {
        var code = failure is null ? "0" : (failure as DingTalkApiException)?.Code;
        if (activity is not null)
        {
            if (code is not null)
            {
                activity.SetTag("dingtalk.code", code);
            }

            if (failure is not null)
            {
                activity.SetStatus(ActivityStatusCode.Error, failure.Message);
                activity.SetTag("error.type", ErrorType(failure));
            }
        }

        if (!_calls.Enabled && !_duration.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { "dingtalk.app_key", _appKey },
            { "http.request.method", method.Method },
            { "url.template", pathTemplate },
        };
        if (code is not null)
        {
            tags.Add("dingtalk.code", code);
        }

        if (failure is not null)
        {
            tags.Add("error.type", ErrorType(failure));
        }

        _calls.Add(1, tags);
        _duration.Record(duration.TotalSeconds, tags);
    }

    public void TokenRequested(string kind, Exception? failure)
    {
        if (_tokenRequests.Enabled)
        {
            _tokenRequests.Add(1, new KeyValuePair<string, object?>("dingtalk.app_key", _appKey), new KeyValuePair<string, object?>("dingtalk.token.kind", kind),
                new KeyValuePair<string, object?>("dingtalk.token.outcome", failure is null ? "success" : (failure as DingTalkApiException)?.Code ?? failure.GetType().Name));
        }
    }

    private static string ErrorType(Exception failure) => failure is DingTalkApiException api ? api.Code : failure.GetType().FullName ?? "exception";

    public void Dispose() => _ownedMeter?.Dispose();
}
