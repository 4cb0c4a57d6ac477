using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace Larkway.Shared.Clients;

/// <summary>
/// How one platform names its API calls' telemetry: <paramref name="Platform"/> starts span names ("WeCom"),
/// <paramref name="Prefix"/> starts instrument and tag names (<c>larkway.{prefix}.calls</c>, <c>{prefix}.code</c>),
/// <paramref name="AppTag"/> names the app's tag, and <paramref name="CodeOf"/> reads the platform's code from the
/// library's own exception (null for any other exception) as the tag's value (a string, or Feishu's number).
/// </summary>
internal sealed record ApiTelemetryNames(string Platform, string Prefix, string AppTag, Func<Exception, object?> CodeOf)
{
    /// <summary>The code tag of a call that succeeded, of the same type <see cref="CodeOf"/> gives.</summary>
    public object SuccessCode { get; init; } = "0";

    /// <summary>What the instruments' descriptions call the API ("WeCom API", "Open Platform").</summary>
    public string Api => ApiName ?? Platform + " API";

    public string? ApiName { get; init; }

    /// <summary>The description of the token fetch counter (<c>larkway.{prefix}.token.requests</c>).</summary>
    public string? TokenRequestsDescription { get; init; }
}

/// <summary>
/// Traces and metrics of a platform's API calls on the <c>Larkway</c> meter and activity source: calls and their
/// duration by path template and code, and token fetches (a span each) by kind and outcome. Each library derives its own (named by
/// its <see cref="ApiTelemetryNames"/>) and may add instruments on <see cref="Meter"/>. Names are documented in
/// docs/metrics.md. When nobody listens, a call costs a check per instrument and no allocation.
/// </summary>
internal abstract class ApiTelemetry : IDisposable
{
    private readonly ApiTelemetryNames _names;
    private readonly Meter? _ownedMeter;
    private readonly string _codeTag;
    private readonly string? _serverAddress;
    private readonly int _serverPort;
    private readonly Counter<long> _calls;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _tokenRequests;

    /// <summary>The instruments on the <c>Larkway</c> meter of <paramref name="meterFactory"/> (or an owned one), for <paramref name="app"/>, named by <paramref name="names"/>; <paramref name="server"/> is the API host for the <c>server.address</c> and <c>server.port</c> tags (null for none).</summary>
    protected ApiTelemetry(IMeterFactory? meterFactory, string app, ApiTelemetryNames names, Uri? server = null)
    {
        _names = names;
        App = app;
        _codeTag = names.Prefix + ".code";
        _serverAddress = server?.Host;
        _serverPort = server?.Port ?? 0;
        Meter = LarkwayInstruments.Meter(meterFactory, out _ownedMeter);
        _calls = Meter.CreateCounter<long>($"larkway.{names.Prefix}.calls", "{call}", $"{names.Api} calls, by path template and code.");
        _duration = Meter.CreateHistogram<double>($"larkway.{names.Prefix}.call.duration", "s", $"Duration of {names.Api} calls, retries included.");
        _tokenRequests = Meter.CreateCounter<long>($"larkway.{names.Prefix}.token.requests", "{request}",
            names.TokenRequestsDescription ?? $"Fetches of {names.Platform} app access tokens, by kind and outcome.");
    }

    /// <summary>The app's name in the app tag.</summary>
    protected string App { get; }

    /// <summary>The <c>Larkway</c> meter, for a library's own instruments.</summary>
    protected Meter Meter { get; }

    /// <summary>Starts a call's activity, or returns null when no one listens (without building its name).</summary>
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
            if (_serverAddress is not null)
            {
                activity.SetTag("server.address", _serverAddress);
                activity.SetTag("server.port", _serverPort);
            }

            activity.SetTag(_names.AppTag, App);
        }

        return activity;
    }

    /// <summary>Records a finished call (<paramref name="failure"/> null when it succeeded) and sets its activity's outcome.</summary>
    public void EndCall(Activity? activity, HttpMethod method, string pathTemplate, TimeSpan duration, Exception? failure)
    {
        var code = SetOutcome(activity, failure);
        if (!_calls.Enabled && !_duration.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { _names.AppTag, App },
            { "http.request.method", method.Method },
            { "url.template", pathTemplate },
        };
        if (_serverAddress is not null)
        {
            tags.Add("server.address", _serverAddress);
            tags.Add("server.port", _serverPort);
        }

        AddOutcome(ref tags, code, failure);
        _calls.Add(1, tags);
        _duration.Record(duration.TotalSeconds, tags);
    }

    /// <summary>
    /// Runs a token fetch as one measured unit: its span (<c>{Platform} {method} {path}</c> with <c>{prefix}.token.kind</c>;
    /// run in the execution context of the call that found the cache cold or stale, it is that call's child), then its
    /// count by kind and outcome (<see cref="EndTokenFetch"/>).
    /// </summary>
    public async Task<T> FetchTokenAsync<T, TState>(HttpMethod method, string path, string kind, TState state, Func<TState, Task<T>> fetch)
    {
        using var activity = StartCall(method, path);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(_names.Prefix + ".token.kind", kind);
        }

        Exception? failure = null;
        try
        {
            return await fetch(state).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            failure = ex;
            throw;
        }
        finally
        {
            EndTokenFetch(activity, kind, failure);
        }
    }

    /// <summary>Sets a token fetch's span outcome and counts it; a failure's outcome is its code (or exception type).</summary>
    protected virtual void EndTokenFetch(Activity? activity, string kind, Exception? failure)
    {
        SetOutcome(activity, failure);
        CountTokenRequest(kind, failure is null ? "success" : ErrorType(failure));
    }

    /// <summary>Counts a token fetch with the outcome the library names.</summary>
    protected void CountTokenRequest(string kind, string outcome)
    {
        if (_tokenRequests.Enabled)
        {
            _tokenRequests.Add(1, new KeyValuePair<string, object?>(_names.AppTag, App), new KeyValuePair<string, object?>(_names.Prefix + ".token.kind", kind),
                new KeyValuePair<string, object?>(_names.Prefix + ".token.outcome", outcome));
        }
    }

    /// <summary>
    /// Sets a finished activity's code tag and status (Ok, or Error with the failure's message and <c>error.type</c>),
    /// and returns the code (null for a failure that has none).
    /// </summary>
    protected object? SetOutcome(Activity? activity, Exception? failure)
    {
        var code = failure is null ? _names.SuccessCode : _names.CodeOf(failure);
        if (activity is null)
        {
            return code;
        }

        if (code is not null)
        {
            activity.SetTag(_codeTag, code);
        }

        if (failure is null)
        {
            activity.SetStatus(ActivityStatusCode.Ok);
            return code;
        }

        activity.SetTag("error.type", ErrorType(failure));
        activity.SetStatus(ActivityStatusCode.Error, failure.Message);
        return code;
    }

    /// <summary>Adds the code and, for a failure, <c>error.type</c> to a measurement's tags.</summary>
    protected void AddOutcome(ref TagList tags, object? code, Exception? failure)
    {
        if (code is not null)
        {
            tags.Add(_codeTag, code);
        }

        if (failure is not null)
        {
            tags.Add("error.type", ErrorType(failure));
        }
    }

    // OpenTelemetry's error.type: a low-cardinality class of error. The platform's code is one (the client's own
    // failures have codes of their own too); anything else is its type name.
    private string ErrorType(Exception failure) =>
        _names.CodeOf(failure) is { } code ? Convert.ToString(code, CultureInfo.InvariantCulture) ?? "" : failure.GetType().FullName ?? failure.GetType().Name;

    public void Dispose()
    {
        _ownedMeter?.Dispose();
        GC.SuppressFinalize(this);
    }
}
