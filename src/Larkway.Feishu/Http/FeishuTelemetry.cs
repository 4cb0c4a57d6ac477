using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace Larkway.Feishu.Http;

/// <summary>
/// One app's traces and metrics on the <c>Larkway</c> meter and activity source. The meter comes from
/// <see cref="IMeterFactory"/> under DI (one per container) or is owned by a client built without DI.
/// Instrument and tag names are documented in docs/metrics.md and kept stable.
/// </summary>
/// <remarks>
/// When nobody listens, a call costs a check per instrument and no allocation: activity names and
/// tag lists are built only for a listener.
/// </remarks>
internal sealed class FeishuTelemetry : IDisposable
{
    public const string Name = "Larkway";

    /// <summary>Traces of Open Platform calls. Immutable, hence shared (activity sources have no factory).</summary>
    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Meter? _ownedMeter;
    private readonly string _appId;
    private readonly string _serverAddress;
    private readonly int _serverPort;
    private readonly Counter<long> _calls;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _tokenLookups;
    private readonly Counter<long> _tokenRequests;
    private readonly Counter<long> _tokenFailures;

    public FeishuTelemetry(IMeterFactory? meterFactory, string appId, Uri baseUrl)
    {
        _appId = appId;
        _serverAddress = baseUrl.Host;
        _serverPort = baseUrl.Port;
        var meter = meterFactory?.Create(Name) ?? (_ownedMeter = new Meter(Name));
        _calls = meter.CreateCounter<long>("larkway.feishu.calls", "{call}", "Open Platform calls, by path template and code.");
        _duration = meter.CreateHistogram<double>("larkway.feishu.call.duration", "s", "Duration of Open Platform calls, retries included.");
        _tokenLookups = meter.CreateCounter<long>("larkway.feishu.token.cache.lookups", "{lookup}",
            "Tenant/app access tokens asked of the client's cache, by result: a hit is a fresh cached token, a miss waits for a fetch.");
        _tokenRequests = meter.CreateCounter<long>("larkway.feishu.token.requests", "{request}",
            "Fetches of tenant/app access tokens from the auth endpoint, by outcome.");
        _tokenFailures = meter.CreateCounter<long>("larkway.feishu.token.failures", "{failure}",
            "Failed fetches of tenant/app access tokens, by code.");
    }

    /// <summary>Starts a call's activity, or returns null when no one listens (without building its name).</summary>
    public Activity? StartCall(HttpMethod method, string pathTemplate)
    {
        if (!ActivitySource.HasListeners())
        {
            return null;
        }

        var activity = ActivitySource.StartActivity($"Feishu {method.Method} {pathTemplate}", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("http.request.method", method.Method);
            activity.SetTag("url.template", pathTemplate);
            activity.SetTag("server.address", _serverAddress);
            activity.SetTag("server.port", _serverPort);
            activity.SetTag("feishu.app_id", _appId);
        }

        return activity;
    }

    /// <summary>Records a finished call (<paramref name="failure"/> null when it succeeded) and sets its activity's outcome.</summary>
    public void EndCall(Activity? activity, HttpMethod method, string pathTemplate, TimeSpan duration, Exception? failure)
    {
        int? code = failure is null ? 0 : (failure as FeishuApiException)?.Code;
        SetOutcome(activity, code, failure);
        if (!_calls.Enabled && !_duration.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { "feishu.app_id", _appId },
            { "http.request.method", method.Method },
            { "url.template", pathTemplate },
            { "server.address", _serverAddress },
            { "server.port", _serverPort },
        };
        if (code is { } known)
        {
            tags.Add("feishu.code", known);
        }

        if (failure is not null)
        {
            tags.Add("error.type", ErrorType(failure));
        }

        _calls.Add(1, tags);
        _duration.Record(duration.TotalSeconds, tags);
    }

    /// <summary>Counts one look-up of a cached tenant/app token.</summary>
    public void TokenLookup(FeishuAuth kind, bool hit)
    {
        if (_tokenLookups.Enabled)
        {
            _tokenLookups.Add(1, new KeyValuePair<string, object?>("feishu.app_id", _appId), new KeyValuePair<string, object?>("feishu.token.kind", Kind(kind)),
                new KeyValuePair<string, object?>("feishu.token.cache.result", hit ? "hit" : "miss"));
        }
    }

    /// <summary>Starts the activity of a token fetch: a child of the call that found the cache cold or stale.</summary>
    public Activity? StartTokenFetch(FeishuAuth kind, string path)
    {
        if (!ActivitySource.HasListeners())
        {
            return null;
        }

        var activity = ActivitySource.StartActivity($"Feishu POST {path}", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("http.request.method", "POST");
            activity.SetTag("url.template", path);
            activity.SetTag("server.address", _serverAddress);
            activity.SetTag("server.port", _serverPort);
            activity.SetTag("feishu.app_id", _appId);
            activity.SetTag("feishu.token.kind", Kind(kind));
        }

        return activity;
    }

    /// <summary>Counts a finished token fetch (<paramref name="failure"/> null when it succeeded) and sets its activity's outcome.</summary>
    public void EndTokenFetch(Activity? activity, FeishuAuth kind, Exception? failure)
    {
        int? code = failure is null ? 0 : (failure as FeishuApiException)?.Code;
        SetOutcome(activity, code, failure);
        if (_tokenRequests.Enabled)
        {
            _tokenRequests.Add(1, new KeyValuePair<string, object?>("feishu.app_id", _appId), new KeyValuePair<string, object?>("feishu.token.kind", Kind(kind)),
                new KeyValuePair<string, object?>("feishu.token.outcome", failure is null ? "success" : "failure"));
        }

        if (failure is not null && _tokenFailures.Enabled)
        {
            var tags = new TagList
            {
                { "feishu.app_id", _appId },
                { "feishu.token.kind", Kind(kind) },
                { "error.type", ErrorType(failure) },
            };
            if (code is { } known)
            {
                tags.Add("feishu.code", known);
            }

            _tokenFailures.Add(1, tags);
        }
    }

    public void Dispose() => _ownedMeter?.Dispose();

    private static void SetOutcome(Activity? activity, int? code, Exception? failure)
    {
        if (activity is null)
        {
            return;
        }

        if (code is { } known)
        {
            activity.SetTag("feishu.code", known);
        }

        if (failure is null)
        {
            activity.SetStatus(ActivityStatusCode.Ok);
            return;
        }

        activity.SetTag("error.type", ErrorType(failure));
        activity.SetStatus(ActivityStatusCode.Error, failure.Message);
    }

    // OpenTelemetry's error.type: a low-cardinality class of error. An API error's code is one (and the
    // client's own failures have negative codes: -2 network, -3 timeout); anything else is its type name.
    private static string ErrorType(Exception failure) =>
        failure is FeishuApiException api ? api.Code.ToString(CultureInfo.InvariantCulture) : failure.GetType().FullName ?? failure.GetType().Name;

    private static string Kind(FeishuAuth kind) => kind == FeishuAuth.App ? "app" : "tenant";
}
