using System.Diagnostics.Metrics;
using Larkway.Hub.Apps;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Leases;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.DingTalk;

/// <summary>Keeps one <see cref="DingTalkStreamDuty"/> per enabled DingTalk app on every replica (<see cref="StoredAppDuties{TDuty}"/>).</summary>
internal sealed partial class DingTalkStreamSupervisor(
    HubAppRegistry apps,
    DingTalkIngest ingest,
    LeaseStore leases,
    IOptions<LeaseOptions> leaseOptions,
    IOptions<HubAppsOptions> appsOptions,
    TimeProvider time,
    ILoggerFactory loggerFactory,
    IMeterFactory? meterFactory = null,
    DingTalkStreamStatus? status = null) : StoredAppDuties<DingTalkStreamDuty>(apps, appsOptions, time)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<DingTalkStreamSupervisor>();

    protected override bool Wants(StoredApp app) => app.IsDingTalk;

    protected override DingTalkStreamDuty Create(StoredApp app) =>
        new(app, ingest, leases, leaseOptions, Time, meterFactory, loggerFactory, status, AppsOptions);

    protected override void LogFailed(Exception exception) => LogFailed(_logger, exception);

    [LoggerMessage(EventId = LogEvents.DingTalkStreamSupervisorFailed, Level = LogLevel.Error, Message = "Could not bring the DingTalk Stream connections in line with the stored apps; trying again at the next refresh.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
