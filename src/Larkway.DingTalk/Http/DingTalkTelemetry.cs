using System.Diagnostics.Metrics;
using Larkway.Shared.Clients;

namespace Larkway.DingTalk.Http;

/// <summary>
/// Traces and metrics of DingTalk calls (<c>larkway.dingtalk.*</c>, tagged <c>dingtalk.app_key</c> and
/// <c>dingtalk.code</c>) on the <c>Larkway</c> meter and activity source. Names are documented in docs/metrics.md.
/// </summary>
internal sealed class DingTalkTelemetry(IMeterFactory? meterFactory, string appKey) : ApiTelemetry(meterFactory, appKey, Names)
{
    private static readonly ApiTelemetryNames Names = new("DingTalk", "dingtalk", "dingtalk.app_key", static failure => (failure as DingTalkApiException)?.Code);
}
