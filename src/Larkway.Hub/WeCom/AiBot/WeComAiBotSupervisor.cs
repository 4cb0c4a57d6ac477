using System.Diagnostics.Metrics;
using Larkway.Hub.Apps;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Leases;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.WeCom.AiBot;

/// <summary>Keeps one <see cref="WeComAiBotDuty"/> per enabled WeCom app with an AI bot on every replica (<see cref="StoredAppDuties{TDuty}"/>).</summary>
internal sealed partial class WeComAiBotSupervisor(
    HubAppRegistry apps,
    WeComAiBotIngest ingest,
    WeComAiBotConnections connections,
    LeaseStore leases,
    IOptions<LeaseOptions> leaseOptions,
    IOptions<HubAppsOptions> appsOptions,
    TimeProvider time,
    ILoggerFactory loggerFactory,
    IMeterFactory? meterFactory = null,
    WeComAiBotStatus? status = null) : StoredAppDuties<WeComAiBotDuty>(apps, appsOptions, time)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<WeComAiBotSupervisor>();

    protected override bool Wants(StoredApp app) => app.HasAiBot;

    protected override WeComAiBotDuty Create(StoredApp app) =>
        new(app, ingest, connections, leases, leaseOptions, Time, meterFactory, loggerFactory, status, AppsOptions);

    protected override void LogFailed(Exception exception) => LogFailed(_logger, exception);

    [LoggerMessage(EventId = LogEvents.WeComAiBotSupervisorFailed, Level = LogLevel.Error, Message = "Could not bring the WeCom AI bot connections in line with the stored apps; trying again at the next refresh.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
