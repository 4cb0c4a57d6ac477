using Larkway.Hub.Apps;
using Larkway.Hub.Platform;
using Larkway.Hub.Apps.Connections;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.WeCom.AiBot;

/// <summary>Keeps one <see cref="WeComAiBotDuty"/> per enabled WeCom app with an AI bot on every replica (<see cref="StoredAppDuties{TDuty}"/>).</summary>
internal sealed partial class WeComAiBotSupervisor(
    HubAppRegistry apps, WeComAiBotIngest ingest, WeComAiBotConnections connections, LongConnectionServices services, WeComAiBotStatus? status = null)
    : StoredAppDuties<WeComAiBotDuty>(apps, services.AppsOptions, services.Time)
{
    private readonly ILogger _logger = services.LoggerFactory.CreateLogger<WeComAiBotSupervisor>();

    protected override bool Wants(StoredApp app) => app.HasAiBot();

    protected override WeComAiBotDuty Create(StoredApp app) =>
        new(app, ingest, connections, services, status);

    protected override void LogFailed(Exception exception) => LogFailed(_logger, exception);

    [LoggerMessage(EventId = LogEvents.WeComAiBotSupervisorFailed, Level = LogLevel.Error, Message = "Could not bring the WeCom AI bot connections in line with the stored apps; trying again at the next refresh.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
