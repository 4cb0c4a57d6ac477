using System.Diagnostics.Metrics;
using Larkway.Shared.Clients;

namespace Larkway.WeCom.Http;

/// <summary>
/// Traces and metrics of WeCom calls (<c>larkway.wecom.*</c>, tagged <c>wecom.app</c> and <c>wecom.code</c>) on the
/// <c>Larkway</c> meter and activity source. Names are documented in docs/metrics.md.
/// </summary>
internal sealed class WeComTelemetry(IMeterFactory? meterFactory, string app) : ApiTelemetry(meterFactory, app, Names)
{
    private static readonly ApiTelemetryNames Names = new("WeCom", "wecom", "wecom.app", static failure => (failure as WeComApiException)?.Code);
}
