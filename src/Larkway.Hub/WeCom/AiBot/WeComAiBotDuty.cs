using Larkway.Hub.Apps;
using Larkway.Hub.Inbox;
using Larkway.Hub.Platform;
using Larkway.Hub.Apps.Connections;
using Larkway.WeCom;
using Larkway.WeCom.AiBot;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.WeCom.AiBot;

/// <summary>
/// Holds one WeCom AI bot's long connection on exactly one replica: the lease <c>wecom-aibot/{BotId}</c>
/// (<see cref="LongConnectionDuty"/>), taken <em>before</em> connecting — WeCom keeps one connection per bot and a second
/// subscribe takes the bot from the first, so two replicas connecting would kick each other. Every message and event is
/// stored in the inbox (deduplicated by msgid) and answered here, over this connection, by its req_id
/// (<see cref="WeComAiBotIngest"/>). Started and stopped by <see cref="WeComAiBotSupervisor"/>.
/// </summary>
/// <remarks>
/// When WeCom says another connection took the bot (<c>disconnected_event</c>: someone outside this deployment subscribed
/// with the same bot id), the holder does not fight back: it keeps the lease (so no other replica subscribes either),
/// stays unconnected and says so (<see cref="WeComAiBotStatus.TakenOver"/>), until the app is saved again or this
/// replica stops. Otherwise, as every long connection: a holder that cannot connect keeps the lease and retries with
/// back-off, says so after <see cref="LongConnectionDuty.DownAfter"/>, and hands the lease over after
/// <see cref="HubAppsOptions.StreamHandOverAfter"/>.
/// </remarks>
internal sealed partial class WeComAiBotDuty(
    StoredApp app, WeComAiBotIngest ingest, WeComAiBotConnections connections, LongConnectionServices services, WeComAiBotStatus? status = null)
    : LongConnectionDuty(app, Connection, services, services.LoggerFactory.CreateLogger<WeComAiBotDuty>(), status)
{
    /// <summary>A WeCom AI bot's long connection: one per bot id among all replicas (and all apps naming the bot).</summary>
    public static readonly LongConnectionKind Connection = new(
        "WeCom", "AI bot connection", a => a.HasAiBot() ? a.AiBotId : null, "wecom-aibot/",
        "messages to their AI bots are not received and the bots cannot answer. Check the bot id and secret (console → Apps → Edit), and that no other connection took the bot.");

    private readonly ILogger _logger = services.LoggerFactory.CreateLogger<WeComAiBotDuty>();
    private volatile WeComAiBotClient? _client;
    private volatile System.Runtime.CompilerServices.StrongBox<DateTimeOffset>? _takenOverAt;

    /// <summary>The bot's id.</summary>
    public string BotId => App.AiBotId!;

    /// <summary>Whether another connection took the bot from this holder (it does not take it back).</summary>
    public bool IsTakenOver => IsHolding && _takenOverAt is not null;

    /// <summary>One long connection per AI bot among all replicas (and all apps naming the bot).</summary>
    public static string LeaseNameOf(string botId) => Connection.LeaseNameOf(botId);

    /// <summary>The client options of a stored app's AI bot.</summary>
    internal static WeComAiBotOptions OptionsOf(StoredApp app) => new()
    {
        BotId = app.AiBotId ?? "",
        Secret = app.AiBotSecret ?? "",
        WebSocketUrl = app.AiBotUrl is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : WeComBaseUrls.AiBotWebSocket,
    };

    protected override bool IsOpen => _client?.IsConnected == true;

    protected override (DateTimeOffset Since, string Reason)? StandingDown =>
        _takenOverAt is { } at ? (at.Value, WeComAiBotStatus.TakenOver) : null;

    protected override Task RunDutyAsync(CancellationToken cancellationToken)
    {
        _takenOverAt = null;
        return base.RunDutyAsync(cancellationToken);
    }

    /// <summary>
    /// Holds the client until WeCom takes the bot away or refuses it on a reconnect (it reconnects by itself otherwise).
    /// Taken over, it is not fought over: taking the bot back would take it from the other connection, which would take
    /// it back… The lease stays here so no other replica subscribes either; saving the app starts a new duty.
    /// </summary>
    protected override async Task<bool> HoldConnectionAsync(CancellationToken cancellationToken)
    {
        var ended = new TaskCompletionSource<WeComAiBotConnectionState>(TaskCreationOptions.RunContinuationsAsynchronously);
        var client = new WeComAiBotClient(OptionsOf(App), (callback, ct) => ingest.ReceiveAsync(App, callback, ct), Services.LoggerFactory, Time, Services.MeterFactory);
        client.StateChanged += (_, change) =>
        {
            if (change.Current is WeComAiBotConnectionState.TakenOver or WeComAiBotConnectionState.AuthenticationFailed or WeComAiBotConnectionState.Stopped)
            {
                ended.TrySetResult(change.Current);
            }
        };
        WeComAiBotConnectionState end;
        await using (client.ConfigureAwait(false))
        {
            try
            {
                await client.StartAsync(cancellationToken).ConfigureAwait(false);
                _client = client;
                connections.Set(BotId, client);
                end = await ended.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                connections.Remove(BotId, client);
                _client = null;
                await client.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        if (end == WeComAiBotConnectionState.TakenOver)
        {
            _takenOverAt = new(Time.GetUtcNow());
            LogTakenOver(_logger, App.Name, BotId);
            await Task.Delay(Timeout.InfiniteTimeSpan, Time, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    protected override void OnStartFailed(Exception exception) =>
        LogStartFailed(_logger, App.Name, BotId, (exception as WeComApiException)?.Code ?? exception.GetType().Name);

    [LoggerMessage(EventId = LogEvents.WeComAiBotStartFailed, Level = LogLevel.Warning, Message = "WeCom app '{AppName}': the long connection of AI bot {BotId} could not be opened ({Code}); trying again. Check the bot id and secret.")]
    private static partial void LogStartFailed(ILogger logger, string appName, string botId, string code);

    [LoggerMessage(EventId = LogEvents.WeComAiBotTakenOver, Level = LogLevel.Error, Message = "WeCom app '{AppName}': another connection subscribed for AI bot {BotId} and WeCom closed this one. The Hub does not take it back (that would start a fight); stop the other connection, then save the app to reconnect.")]
    private static partial void LogTakenOver(ILogger logger, string appName, string botId);
}
