using Larkway.DingTalk.Stream;
using Larkway.Hub.Apps;
using Larkway.Hub.Inbox;
using Larkway.Hub.Platform;
using Larkway.Hub.Apps.Connections;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.DingTalk;

/// <summary>
/// Holds one DingTalk app's Stream connections on exactly one replica: the lease <c>dingtalk-stream/{AppKey}</c>
/// (<see cref="LongConnectionDuty"/>). Every push is stored in the inbox before it is acked; a push the inbox could not
/// store is answered "later", so DingTalk sends it again. Started and stopped by <see cref="DingTalkStreamSupervisor"/>.
/// </summary>
internal sealed partial class DingTalkStreamDuty(StoredApp app, DingTalkIngest ingest, LongConnectionServices services, DingTalkStreamStatus? status = null)
    : LongConnectionDuty(app, Connection, services, services.LoggerFactory.CreateLogger<DingTalkStreamDuty>(), status)
{
    /// <summary>A DingTalk app's Stream connection: one set per app key among all replicas.</summary>
    public static readonly LongConnectionKind Connection = new(
        "DingTalk", "Stream connection", a => a.IsDingTalk() ? a.AppId : null, "dingtalk-stream/",
        "their robot messages are not received, and DingTalk does not send them again. Check the app with Test connection.");

    private readonly ILogger _logger = services.LoggerFactory.CreateLogger<DingTalkStreamDuty>();
    private volatile DingTalkStreamClient? _client;

    /// <summary>One Stream connection set per DingTalk app among all replicas.</summary>
    public static string LeaseNameOf(string appKey) => Connection.LeaseNameOf(appKey);

    protected override bool IsOpen => _client?.IsConnected == true;

    /// <summary>
    /// The Stream connection of a stored app: robot messages, card callbacks and every event; as many pushes handled at
    /// once as one inbox group commit takes. The handler only stores the push, so they all wait on the same flush; with
    /// the client's default (16) every commit held at most 16 pushes and the rest queued behind it, which capped a
    /// 2-core Hub near 2,500 robot messages/s with seconds of ack latency (docs/benchmarks.md, issue 29).
    /// </summary>
    internal static DingTalkStreamOptions StreamOptionsOf(StoredApp app)
    {
        var clientOptions = HubDingTalkClients.OptionsOf(app);
        var options = new DingTalkStreamOptions
        {
            AppKey = clientOptions.AppKey,
            AppSecret = clientOptions.AppSecret,
            ApiBaseUrl = clientOptions.ApiBaseUrl,
            MaxConcurrentHandlers = GroupCommitQueue<PendingAppend>.MaxBatch,
        };
        options.Subscriptions.Add(DingTalkStreamSubscription.RobotMessages);
        options.Subscriptions.Add(DingTalkStreamSubscription.CardCallbacks);
        options.Subscriptions.Add(DingTalkStreamSubscription.AllEvents);
        return options;
    }

    /// <summary>The client reconnects by itself once started, so a started client is held until the duty stops.</summary>
    protected override async Task<bool> HoldConnectionAsync(CancellationToken cancellationToken)
    {
        var client = new DingTalkStreamClient(StreamOptionsOf(App), HandleAsync, Services.LoggerFactory, Time, Services.MeterFactory);
        await using (client.ConfigureAwait(false))
        {
            try
            {
                await client.StartAsync(cancellationToken).ConfigureAwait(false);
                _client = client;
                await Task.Delay(Timeout.InfiniteTimeSpan, Time, cancellationToken).ConfigureAwait(false);
                return true;
            }
            finally
            {
                _client = null;
                await client.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    protected override void OnStartFailed(Exception exception) =>
        LogStartFailed(_logger, App.Name, (exception as Larkway.DingTalk.DingTalkApiException)?.Code ?? exception.GetType().Name);

    private async ValueTask<DingTalkStreamAck> HandleAsync(DingTalkStreamMessage message, CancellationToken cancellationToken)
    {
        try
        {
            if (message.IsRobotMessage)
            {
                // Keyed on the robot message's own msgId, not the frame's id: the same message may also come by HTTP.
                var (messageId, conversation) = RobotMessageIds(message);
                await ingest.RobotMessageAsync(App.Name, App.AppId, messageId, conversation, message.Data, DingTalkIngest.StreamTransport, cancellationToken).ConfigureAwait(false);
                return DingTalkStreamAck.Handled;
            }

            if (message.Type == "CALLBACK" && message.Topic == DingTalkStreamTopics.CardCallbacks)
            {
                // Stored for the record and the business webhooks; a notification card's press is handled from the inbox, which updates the card.
                await ingest.CardCallbackAsync(App.Name, App.AppId, message.MessageId, message.Data, cancellationToken).ConfigureAwait(false);
                return DingTalkStreamAck.Handled;
            }

            if (message.Type == "EVENT")
            {
                await ingest.StreamEventAsync(App.Name, App.AppId, message, cancellationToken).ConfigureAwait(false);
                return DingTalkStreamAck.Success;
            }

            return DingTalkStreamAck.Handled;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Nothing stored, so nothing acked: DingTalk re-sends an event answered "later".
            LogStoreFailed(_logger, ex, App.Name, message.Topic);
            return DingTalkStreamAck.Later("the Hub could not store it");
        }
    }

    /// <summary>The robot message's msgId; for data that does not parse, the frame's id (stored, then dead-lettered by the handler: re-sending would not mend it).</summary>
    private static (string MessageId, string? ConversationId) RobotMessageIds(DingTalkStreamMessage message)
    {
        try
        {
            var robot = message.ReadRobotMessage();
            return (robot.MessageId is { Length: > 0 } id ? id : message.MessageId, robot.ConversationId);
        }
        catch (System.Text.Json.JsonException)
        {
            return (message.MessageId, null);
        }
    }

    [LoggerMessage(EventId = LogEvents.DingTalkStreamStartFailed, Level = LogLevel.Warning, Message = "DingTalk app '{AppName}': the Stream connection could not be opened ({Code}); trying again. Check the app with Test connection.")]
    private static partial void LogStartFailed(ILogger logger, string appName, string code);

    [LoggerMessage(EventId = LogEvents.DingTalkStreamStoreFailed, Level = LogLevel.Error, Message = "DingTalk app '{AppName}': a push on {Topic} could not be stored; answered 'later' so DingTalk re-sends it.")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, string appName, string topic);
}
