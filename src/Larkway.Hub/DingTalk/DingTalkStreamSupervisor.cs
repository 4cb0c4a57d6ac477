using Larkway.Hub.Apps;
using Larkway.Hub.Platform;
using Larkway.Hub.Apps.Connections;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.DingTalk;

/// <summary>Keeps one <see cref="DingTalkStreamDuty"/> per enabled DingTalk app on every replica (<see cref="StoredAppDuties{TDuty}"/>).</summary>
internal sealed partial class DingTalkStreamSupervisor(HubAppRegistry apps, DingTalkIngest ingest, LongConnectionServices services, DingTalkStreamStatus? status = null)
    : StoredAppDuties<DingTalkStreamDuty>(apps, services.AppsOptions, services.Time)
{
    private readonly ILogger _logger = services.LoggerFactory.CreateLogger<DingTalkStreamSupervisor>();

    protected override bool Wants(StoredApp app) => app.IsDingTalk();

    protected override DingTalkStreamDuty Create(StoredApp app) =>
        new(app, ingest, services, status);

    protected override void LogFailed(Exception exception) => LogFailed(_logger, exception);

    [LoggerMessage(EventId = LogEvents.DingTalkStreamSupervisorFailed, Level = LogLevel.Error, Message = "Could not bring the DingTalk Stream connections in line with the stored apps; trying again at the next refresh.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
