using System.Globalization;
using System.Net.Http.Json;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.State;

namespace Larkway.Bench.Assistant;

/// <summary>
/// What else a Hub is doing while one person asks: other people asking in their own chats without pause (answers streaming
/// the whole time), read receipts of the bot's replies (events nothing answers), and a stored app disabled while its events
/// are still retrying (its bot's replies failed, then the app was removed). Runs until disposed.
/// </summary>
internal sealed class BackgroundLoad : IAsyncDisposable
{
    /// <summary>The stored app disabled with its events retrying.</summary>
    public const string DisabledApp = "ghost";

    private const string GhostApp = DisabledApp;
    private const int GhostMessages = 20;
    private const string ReplyEndpoint = "POST /open-apis/im/v1/messages/{message_id}/reply";

    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private int _asked;
    private int _receipts;

    /// <summary>Questions the other people asked while it ran.</summary>
    public int Asked => Volatile.Read(ref _asked);

    /// <summary>Read receipts sent while it ran.</summary>
    public int Receipts => Volatile.Read(ref _receipts);

    /// <summary>
    /// Starts it: <paramref name="askers"/> ask one question after another in their own chats, each next one once the last
    /// ended; the first of them also reads every reply (a read receipt a second or so); the disabled app's events are left
    /// retrying before this returns.
    /// </summary>
    public static async Task<BackgroundLoad> StartAsync(
        EmulatorServer emulator, HttpClient control, HttpClient admin, Uri hubUrl, string secret, TurnReader turns, IReadOnlyList<EmulatorUser> askers)
    {
        var load = new BackgroundLoad();
        await load.LeaveDisabledAppRetryingAsync(emulator, control, admin, hubUrl, secret, askers[0]);
        foreach (var (asker, index) in askers.Select((a, i) => (a, i)))
        {
            load._loops.Add(Task.Run(() => load.AskLoopAsync(control, emulator, turns, asker, index)));
        }

        load._loops.Add(Task.Run(() => load.ReadReceiptsAsync(control, emulator, askers)));
        return load;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_loops);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AskLoopAsync(HttpClient control, EmulatorServer emulator, TurnReader turns, EmulatorUser asker, int index)
    {
        var token = _stop.Token;
        for (var n = 1; !token.IsCancellationRequested; n++)
        {
            var asked = await AssistantBenchmark.AskAsync(control, emulator, asker, string.Create(CultureInfo.InvariantCulture, $"Background {index + 1}.{n}: how do I reset my password?"));
            Interlocked.Increment(ref _asked);
            await turns.WaitEndedAsync([asked.MessageId], TimeSpan.FromMinutes(5), token);
        }
    }

    private async Task ReadReceiptsAsync(HttpClient control, EmulatorServer emulator, IReadOnlyList<EmulatorUser> readers)
    {
        var token = _stop.Token;
        var appId = emulator.State.Apps[0].AppId;
        var read = new HashSet<string>(StringComparer.Ordinal);
        while (!token.IsCancellationRequested)
        {
            foreach (var reader in readers)
            {
                var chat = emulator.State.OpenDirectChat(appId, reader.OpenId);
                foreach (var message in emulator.State.MessagesIn(chat.ChatId).Where(m => m.Sender.SenderType == "app" && read.Add(m.MessageId)))
                {
                    using var response = await control.PostAsJsonAsync($"/_emulator/messages/{message.MessageId}/read", new { open_id = reader.OpenId }, token);
                    Interlocked.Increment(ref _receipts);
                }
            }

            await Task.Delay(500, token);
        }
    }

    /// <summary>
    /// A second Feishu app stored in the Hub, with an assistant of its own: a person sends its bot <c>/new</c> 20 times, and
    /// every reply fails (the Emulator answers the reply endpoint with HTTP 500 meanwhile, as during an outage), so each
    /// event fails its first handling; then the app is disabled, and the events go on retrying against it (their next attempts
    /// fail on the disabled app; a disabled app's events are dead-lettered at once, so they would not stay). The fault is disarmed once every event has failed, before the
    /// measured questions: it never touches them.
    /// </summary>
    /// <remarks>
    /// Why the assistant and the fault: an app added at run time has no bot, so without an assistant its messages are done at
    /// their first handling whatever its secret (a wrong secret only makes the bot's identity unknown, and the handler then
    /// leaves the message alone); and a handling that already holds the app's client when the app is disabled still ends
    /// well. Only a handling that fails, with the app disabled before its retry, leaves the events retrying.
    /// </remarks>
    private async Task LeaveDisabledAppRetryingAsync(EmulatorServer emulator, HttpClient control, HttpClient admin, Uri hubUrl, string secret, EmulatorUser writer)
    {
        var ghost = emulator.State.AddApp(new EmulatorApp("cli_ghost0000000001", "the-real-secret-0001", "Ghost bot", "ou_ghostbot00000000000000000000001"));
        using (var created = await admin.PostAsJsonAsync("/api/v1/apps", new
        {
            name = GhostApp,
            app_id = ghost.AppId,
            app_secret = ghost.AppSecret,
            encrypt_key = secret,
            verification_token = secret,
            base_url = emulator.BaseUrl.ToString(),
        }))
        {
            await AssistantBenchmark.EnsureAsync(created, "POST /api/v1/apps (the app to disable)");
        }

        using (var assistant = await admin.PostAsJsonAsync("/api/v1/assistants", new
        {
            name = "ghost-helper",
            backend = "dify",
            base_url = new Uri(emulator.BaseUrl, "dify/v1").ToString(),
            api_key = AssistantBenchmark.DifyKey,
            apps = new[] { GhostApp },
            policy = new { unknown_users = "guest" },
        }))
        {
            await AssistantBenchmark.EnsureAsync(assistant, "POST /api/v1/assistants (the disabled app's)");
        }

        using (var subscribed = await control.PutAsJsonAsync($"/_emulator/apps/{ghost.AppId}/event-subscription",
            new { url = new Uri(hubUrl, $"/feishu/apps/{GhostApp}/events").ToString(), encrypt_key = secret, verification_token = secret }))
        {
            await AssistantBenchmark.EnsureAsync(subscribed, "the disabled app's event subscription");
        }

        using (var armed = await control.PostAsJsonAsync("/_emulator/faults", new { endpoint = ReplyEndpoint, count = 100_000, kind = "server_error" }))
        {
            await AssistantBenchmark.EnsureAsync(armed, "the reply fault");
        }

        for (var i = 0; i < GhostMessages; i++)
        {
            using var sent = await control.PostAsJsonAsync($"/_emulator/apps/{ghost.AppId}/p2p-messages",
                new { sender = writer.Email, msg_type = "text", content = new { text = "/new" } });
            await AssistantBenchmark.EnsureAsync(sent, "a message to the disabled app's bot");
        }

        // Every event in its first handling (or past it) before the app goes; each fails, on the fault or on the missing app.
        await WaitForGhostAsync(admin, events => events.Count == GhostMessages && events.All(e => e.Attempts >= 1), "every message of the app to disable taken once");
        using (var disabled = await admin.PatchAsJsonAsync($"/api/v1/apps/{GhostApp}", new { enabled = false }))
        {
            await AssistantBenchmark.EnsureAsync(disabled, "PATCH /api/v1/apps/ghost {\"enabled\":false}");
        }

        await WaitForGhostAsync(admin, events => events.Count == GhostMessages && events.All(e => e.Status == "failed"), "every message of the disabled app failed and waiting for a retry");
        (await control.DeleteAsync("/_emulator/faults")).EnsureSuccessStatusCode();
    }

    private static async Task WaitForGhostAsync(HttpClient admin, Func<IReadOnlyList<InboxEventRow>, bool> done, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var events = (await InboxEvents.ListAsync(admin, "im.message.receive_v1")).Where(e => e.App == GhostApp).ToList();
            if (done(events))
            {
                return;
            }

            if (clock.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException($"not within 2 minutes: {what} (the app's events: {string.Join(", ", events.Select(e => $"{e.Status}/{e.Attempts}"))})");
            }

            await Task.Delay(100);
        }
    }
}
