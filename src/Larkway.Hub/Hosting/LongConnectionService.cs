using Larkway.Feishu.Events.Ingest;
using Larkway.Feishu.Events.LongConnection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Hosting;

/// <summary>
/// Holds Feishu's long connection in long-connection mode, feeding the same sink (dedupe → inbox) as
/// the webhook. A fatal error (bad credentials, connection limit) stops the service and is logged
/// with what to fix; the rest of the Hub keeps serving.
/// </summary>
internal sealed partial class LongConnectionService(
    HubSettings settings,
    IFeishuEventSink sink,
    TimeProvider time,
    ILoggerFactory loggerFactory) : BackgroundService
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<LongConnectionService>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = new FeishuLongConnectionOptions
        {
            AppId = settings.AppId!,
            AppSecret = settings.AppSecret!,
            AppName = HubApp.AppName,
            VerificationToken = settings.VerificationToken,
            TimeProvider = time,
        };
        if (settings.BaseUrl is not null)
        {
            options.BaseUrl = settings.BaseUrl;
        }

        await using var client = new FeishuLongConnectionClient(options, sink, loggerFactory);
        try
        {
            await client.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (FeishuLongConnectionException ex)
        {
            LogFatal(_logger, ex, ex.Message);
        }
    }

    [LoggerMessage(EventId = 4301, Level = LogLevel.Critical, Message = "The Feishu long connection stopped for good: {Reason}. Events are not being received; fix the cause and restart the Hub.")]
    private static partial void LogFatal(ILogger logger, Exception exception, string reason);
}
