using Larkway.Feishu;
using Larkway.Feishu.Events.Ingest;
using Larkway.Feishu.Events.LongConnection;
using Larkway.Hub.Apps;
using Larkway.Hub.Apps.Connections;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Configuration;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Feishu.LongConnection;

/// <summary>
/// Holds a Feishu app's long connection, feeding the same sink (dedupe → inbox) as the webhooks, on one replica only: the
/// lease <c>long-connection/{app id}</c> (<see cref="LongConnectionDuty"/>, as DingTalk's Stream and WeCom's AI bot are
/// held). The deployment's app (<c>FEISHU_APP_ID</c> in long-connection mode, <see cref="ForDeployment"/>) has one for the
/// Hub's life; a stored app that chose the long connection has one from <see cref="FeishuLongConnectionSupervisor"/>,
/// started, restarted or stopped as the app changes. A holder that cannot connect (Feishu unreachable, the credentials
/// refused) keeps the lease and says so, so readiness and the alert "Long connection down" see it; after
/// <see cref="HubAppsOptions.StreamHandOverAfter"/> it hands the lease to a replica that may reach Feishu.
/// </summary>
internal sealed partial class FeishuLongConnectionDuty(StoredApp app, IFeishuEventSink sink, LongConnectionServices services, FeishuLongConnectionStatus? status = null)
    : LongConnectionDuty(app, Connection, services, services.LoggerFactory.CreateLogger<FeishuLongConnectionDuty>(), status)
{
    /// <summary>
    /// Feishu's long connection: one per app id among all replicas, under the lease name the Hub has always used
    /// (replicas of the release before this one and after it hold the same lease during a rolling upgrade).
    /// </summary>
    public static readonly LongConnectionKind Connection = new(
        "Feishu", "long connection", a => a.IsFeishu ? a.AppId : null, "long-connection/",
        "Feishu's events (messages, card clicks, approvals, contact changes) are not received. Check the app id and secret, that the app subscribes to events over the long connection, and that the Hub reaches Feishu.");

    private readonly ILogger _logger = services.LoggerFactory.CreateLogger<FeishuLongConnectionDuty>();
    private volatile FeishuLongConnectionClient? _client;

    /// <summary>The duty of the deployment's app (<c>FEISHU_APP_ID</c>), for the Hub's life.</summary>
    public static FeishuLongConnectionDuty ForDeployment(HubSettings settings, IFeishuEventSink sink, LongConnectionServices services, FeishuLongConnectionStatus? status = null) =>
        new(DeploymentApp(settings), sink, services, status);

    /// <summary>The lease of the deployment's long connection.</summary>
    public static string LeaseNameOf(HubSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Connection.LeaseNameOf(settings.AppId ?? "");
    }

    /// <summary>
    /// The deployment's Feishu app as the connection kit reads an app: named <c>default</c>, never changed while the Hub
    /// runs (its configuration is read at start), so an outage is counted from the start at the earliest.
    /// </summary>
    public static StoredApp DeploymentApp(HubSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new StoredApp(
            HubAppService.DefaultAppName,
            settings.AppId ?? throw new ArgumentException("Long-connection mode needs FEISHU_APP_ID.", nameof(settings)),
            settings.BaseUrl ?? FeishuBaseUrls.Feishu,
            settings.AppSecret ?? "",
            EncryptKey: null,
            settings.VerificationToken,
            LegacyCardCallbacks: false,
            Enabled: true,
            UpdatedAt: DateTimeOffset.MinValue,
            Error: null);
    }

    protected override bool IsOpen => _client?.State == FeishuLongConnectionState.Connected;

    /// <summary>The client reconnects by itself; it returns only when stopped, and throws when Feishu refuses it for good.</summary>
    protected override async Task<bool> HoldConnectionAsync(CancellationToken cancellationToken)
    {
        var options = new FeishuLongConnectionOptions
        {
            AppId = App.AppId,
            AppSecret = App.AppSecret,
            BaseUrl = App.BaseUrl,

            // The inbox stores a stored app's events under its name, as its webhooks would.
            AppName = App.Name == HubAppService.DefaultAppName ? HubApp.AppName : App.Name,
            VerificationToken = App.VerificationToken,
            TimeProvider = Time,
            MeterFactory = Services.MeterFactory, // one set of connection instruments per container, across lease runs
        };
        var client = new FeishuLongConnectionClient(options, sink, Services.LoggerFactory);
        await using (client.ConfigureAwait(false))
        {
            _client = client;
            try
            {
                await client.RunAsync(cancellationToken).ConfigureAwait(false);
                return client.ConnectionCount > 0;
            }
            finally
            {
                _client = null;
            }
        }
    }

    protected override void OnStartFailed(Exception exception) => LogRefused(_logger, exception, exception.Message);

    [LoggerMessage(EventId = LogEvents.FeishuLongConnectionRefused, Level = LogLevel.Error, Message = "The Feishu long connection was refused: {Reason}. Events are not being received; trying again in up to a minute. Fix the cause (a changed secret of the configured app needs a restart of the Hub; a stored app's is picked up when saved).")]
    private static partial void LogRefused(ILogger logger, Exception exception, string reason);
}
