using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Larkway.WeCom.Http;

/// <summary>
/// Traces and metrics of WeCom calls on the <c>Larkway</c> meter and activity source (beside Feishu's
/// <c>larkway.feishu.*</c>). Names are documented in docs/metrics.md. When nobody listens, a call costs a check per
/// instrument.
/// </summary>
internal sealed class WeComTelemetry : IDisposable
{
    public const string Name = "Larkway";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Meter? _ownedMeter;
    private readonly string _appId;
    private readonly Counter<long> _calls;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _tokenRequests;

    public WeComTelemetry(IMeterFactory? meterFactory, string app)
    {
        _appId = app;
        var meter = meterFactory?.Create(Name) ?? (_ownedMeter = new Meter(Name));
        _calls = meter.CreateCounter<long>("larkway.wecom.calls", "{call}", "WeCom API calls, by path template and code.");
        _duration = meter.CreateHistogram<double>("larkway.wecom.call.duration", "s", "Duration of WeCom API calls, retries included.");
        _tokenRequests = meter.CreateCounter<long>("larkway.wecom.token.requests", "{request}", "Fetches of WeCom app access tokens, by kind and outcome.");
    }

    public Activity? StartCall(HttpMethod method, string pathTemplate)
    {
        if (!ActivitySource.HasListeners())
        {
            return null;
        }

        var activity = ActivitySource.StartActivity($"WeCom {method.Method} {pathTemplate}", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("http.request.method", method.Method);
            activity.SetTag("url.template", pathTemplate);
            activity.SetTag("wecom.app", _appId);
        }

        return activity;
    }

    public void EndCall(Activity? activity, HttpMethod method, string pathTemplate, TimeSpan duration, Exception? failure)
    {
        var code = failure is null ? "0" : (failure as WeComApiException)?.Code;
        if (activity is not null)
        {
            if (code is not null)
            {
                activity.SetTag("wecom.code", code);
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
            { "wecom.app", _appId },
            { "http.request.method", method.Method },
            { "url.template", pathTemplate },
        };
        if (code is not null)
        {
            tags.Add("wecom.code", code);
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
            _tokenRequests.Add(1, new KeyValuePair<string, object?>("wecom.app", _appId), new KeyValuePair<string, object?>("wecom.token.kind", kind),
                new KeyValuePair<string, object?>("wecom.token.outcome", failure is null ? "success" : (failure as WeComApiException)?.Code ?? failure.GetType().Name));
        }
    }

    private static string ErrorType(Exception failure) => failure is WeComApiException api ? api.Code : failure.GetType().FullName ?? "exception";

    public void Dispose() => _ownedMeter?.Dispose();
}
