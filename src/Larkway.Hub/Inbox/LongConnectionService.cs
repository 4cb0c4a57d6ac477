using System.Diagnostics.Metrics;
using Larkway.Feishu.Events.Ingest;
using Larkway.Feishu.Events.LongConnection;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Configuration;
using Larkway.Hub.Platform.Leases;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Inbox;

/// <summary>
/// Holds Feishu's long connection in long-connection mode, feeding the same sink (dedupe → inbox) as the webhook —
/// on one replica only: the connection runs while this replica holds the lease <c>long-connection/{app id}</c>
/// (<see cref="SingletonDuty"/>); the others stand by and one takes over when the holder stops or dies. A fatal
/// error (bad credentials, connection limit) ends the duty on this replica and is logged with what to fix; the lease
/// is released, so another replica tries (and, with the same configuration, stops the same way). The rest of the
/// Hub keeps serving.
/// </summary>
internal sealed partial class LongConnectionService(
    HubSettings settings,
    IFeishuEventSink sink,
    LeaseStore leases,
    IOptions<LeaseOptions> leaseOptions,
    TimeProvider time,
    IMeterFactory meterFactory,
    ILoggerFactory loggerFactory)
    : SingletonDuty(LeaseNameOf(settings), leases, leaseOptions, time, loggerFactory.CreateLogger<LongConnectionService>())
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<LongConnectionService>();

    /// <summary>One long connection per Feishu app among all replicas: the lease is named after the app id.</summary>
    public static string LeaseNameOf(HubSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return "long-connection/" + settings.AppId;
    }

    protected override async Task RunDutyAsync(CancellationToken cancellationToken)
    {
        var options = new FeishuLongConnectionOptions
        {
            AppId = settings.AppId!,
            AppSecret = settings.AppSecret!,
            AppName = HubApp.AppName,
            VerificationToken = settings.VerificationToken,
            TimeProvider = Time,
            MeterFactory = meterFactory, // one set of connection instruments per container, across lease runs
        };
        if (settings.BaseUrl is not null)
        {
            options.BaseUrl = settings.BaseUrl;
        }

        await using var client = new FeishuLongConnectionClient(options, sink, loggerFactory);
        try
        {
            await client.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (FeishuLongConnectionException ex)
        {
            LogFatal(_logger, ex, ex.Message);
        }
    }

    [LoggerMessage(EventId = LogEvents.LongConnectionServiceFatal, Level = LogLevel.Critical, Message = "The Feishu long connection stopped for good: {Reason}. Events are not being received; fix the cause and restart the Hub.")]
    private static partial void LogFatal(ILogger logger, Exception exception, string reason);
}
