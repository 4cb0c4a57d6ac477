using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Larkway.Shared.Clients;

/// <summary>
/// How one platform names its API calls' telemetry: <paramref name="Platform"/> starts span names and descriptions
/// ("WeCom"), <paramref name="Prefix"/> starts instrument and tag names (<c>larkway.{prefix}.calls</c>,
/// <c>{prefix}.code</c>), <paramref name="AppTag"/> names the app's tag, and <paramref name="CodeOf"/> reads the platform's
/// code from the library's own exception (null for any other exception).
/// </summary>
internal sealed record ApiTelemetryNames(string Platform, string Prefix, string AppTag, Func<Exception, string?> CodeOf);

/// <summary>
/// Traces and metrics of a platform's API calls on the <c>Larkway</c> meter and activity source (beside Feishu's
/// <c>larkway.feishu.*</c>): calls and their duration by path template and code, and token fetches by kind and outcome.
/// Names are documented in docs/metrics.md. When nobody listens, a call costs a check per instrument.
/// </summary>
internal abstract class ApiTelemetry : IDisposable
{
    private readonly ApiTelemetryNames _names;
    private readonly Meter? _ownedMeter;
    private readonly string _app;
    private readonly string _codeTag;
    private readonly Counter<long> _calls;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _tokenRequests;

    protected ApiTelemetry(IMeterFactory? meterFactory, string app, ApiTelemetryNames names)
    {
        _names = names;
        _app = app;
        _codeTag = names.Prefix + ".code";
        var meter = LarkwayInstruments.Meter(meterFactory, out _ownedMeter);
        _calls = meter.CreateCounter<long>($"larkway.{names.Prefix}.calls", "{call}", $"{names.Platform} API calls, by path template and code.");
        _duration = meter.CreateHistogram<double>($"larkway.{names.Prefix}.call.duration", "s", $"Duration of {names.Platform} API calls, retries included.");
        _tokenRequests = meter.CreateCounter<long>($"larkway.{names.Prefix}.token.requests", "{request}", $"Fetches of {names.Platform} app access tokens, by kind and outcome.");
    }

    public Activity? StartCall(HttpMethod method, string pathTemplate)
    {
        if (!LarkwayInstruments.ActivitySource.HasListeners())
        {
            return null;
        }

        var activity = LarkwayInstruments.ActivitySource.StartActivity($"{_names.Platform} {method.Method} {pathTemplate}", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("http.request.method", method.Method);
            activity.SetTag("url.template", pathTemplate);
            activity.SetTag(_names.AppTag, _app);
        }

        return activity;
    }

    public void EndCall(Activity? activity, HttpMethod method, string pathTemplate, TimeSpan duration, Exception? failure)
    {
        var code = failure is null ? "0" : _names.CodeOf(failure);
        if (activity is not null)
        {
            if (code is not null)
            {
                activity.SetTag(_codeTag, code);
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
            { _names.AppTag, _app },
            { "http.request.method", method.Method },
            { "url.template", pathTemplate },
        };
        if (code is not null)
        {
            tags.Add(_codeTag, code);
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
            _tokenRequests.Add(1, new KeyValuePair<string, object?>(_names.AppTag, _app), new KeyValuePair<string, object?>(_names.Prefix + ".token.kind", kind),
                new KeyValuePair<string, object?>(_names.Prefix + ".token.outcome", failure is null ? "success" : _names.CodeOf(failure) ?? failure.GetType().Name));
        }
    }

    private string ErrorType(Exception failure) => _names.CodeOf(failure) ?? failure.GetType().FullName ?? "exception";

    public void Dispose()
    {
        _ownedMeter?.Dispose();
        GC.SuppressFinalize(this);
    }
}
