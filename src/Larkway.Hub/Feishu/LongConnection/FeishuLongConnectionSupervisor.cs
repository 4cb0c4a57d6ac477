using Larkway.Feishu.Events.Ingest;
using Larkway.Hub.Apps;
using Larkway.Hub.Apps.Connections;
using Larkway.Hub.Platform;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Feishu.LongConnection;

/// <summary>
/// Keeps one <see cref="FeishuLongConnectionDuty"/> per enabled Feishu app added at run time that chose the long
/// connection (<see cref="StoredApp.LongConnection"/>), on every replica (<see cref="StoredAppDuties{TDuty}"/>): per app,
/// only the holder of the lease <c>long-connection/{app id}</c> connects, and a changed app reconnects with what it has now.
/// </summary>
internal sealed partial class FeishuLongConnectionSupervisor(HubAppRegistry apps, IFeishuEventSink sink, LongConnectionServices services, FeishuLongConnectionStatus? status = null)
    : StoredAppDuties<FeishuLongConnectionDuty>(apps, services.AppsOptions, services.Time)
{
    private readonly ILogger _logger = services.LoggerFactory.CreateLogger<FeishuLongConnectionSupervisor>();

    /// <summary>True for a stored Feishu app whose events come over the long connection.</summary>
    public static bool HoldsFor(StoredApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.IsFeishu && app.LongConnection;
    }

    protected override bool Wants(StoredApp app) => HoldsFor(app);

    protected override FeishuLongConnectionDuty Create(StoredApp app) => new(app, sink, services, status);

    protected override void LogFailed(Exception exception) => LogFailed(_logger, exception);

    [LoggerMessage(EventId = LogEvents.FeishuLongConnectionSupervisorFailed, Level = LogLevel.Error, Message = "Could not bring the Feishu long connections in line with the stored apps; trying again at the next refresh.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
