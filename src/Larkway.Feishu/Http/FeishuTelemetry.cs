using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Larkway.Feishu.Http;

/// <summary>
/// The <c>Larkway</c> meter and activity source. The meter comes from <see cref="IMeterFactory"/>
/// under DI (one per container) or is owned by a client built without DI.
/// </summary>
internal sealed class FeishuTelemetry : IDisposable
{
    public const string Name = "Larkway";

    /// <summary>Traces of Open Platform calls. Immutable, hence shared (activity sources have no factory).</summary>
    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Meter? _ownedMeter;
    private readonly Counter<long> _calls;
    private readonly Histogram<double> _duration;

    public FeishuTelemetry(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(Name) ?? (_ownedMeter = new Meter(Name));
        _calls = meter.CreateCounter<long>("larkway.feishu.calls", "{call}", "Open Platform calls, by path template and code.");
        _duration = meter.CreateHistogram<double>("larkway.feishu.call.duration", "s", "Duration of Open Platform calls, retries included.");
    }

    public void RecordCall(string appId, string method, string pathTemplate, int? code, TimeSpan duration)
    {
        var tags = new TagList
        {
            { "feishu.app_id", appId },
            { "http.request.method", method },
            { "url.template", pathTemplate },
            { "feishu.code", code },
        };
        _calls.Add(1, tags);
        _duration.Record(duration.TotalSeconds, tags);
    }

    public void Dispose() => _ownedMeter?.Dispose();
}
