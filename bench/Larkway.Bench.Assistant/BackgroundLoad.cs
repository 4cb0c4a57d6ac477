using System.Globalization;
using System.Net.Http.Json;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.State;
using Microsoft.Data.Sqlite;

namespace Larkway.Bench.Assistant;

/// <summary>
/// What else a Hub is doing while one person asks: other people asking in their own chats without pause (answers streaming
/// the whole time), read receipts of the bot's replies (events nothing answers), and a stored app deleted while its events
/// are still retrying (its bot's replies failed: the app's secret was wrong, then the app was removed). Runs until disposed.
/// </summary>
internal sealed class BackgroundLoad : IAsyncDisposable
{
    private const string GhostApp = "ghost";

    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private readonly string _database;
    private int _asked;
    private int _receipts;

    private BackgroundLoad(string database) => _database = database;

    /// <summary>Questions the other people asked while it ran.</summary>
    public int Asked => Volatile.Read(ref _asked);

    /// <summary>Read receipts sent while it ran.</summary>
    public int Receipts => Volatile.Read(ref _receipts);

    /// <summary>
    /// Starts it: <paramref name="askers"/> ask one question after another in their own chats, each next one once the last
    /// ended; the first of them also reads every reply (a read receipt a second or so); the deleted app's events are left
    /// retrying before this returns.
    /// </summary>
    public static async Task<BackgroundLoad> StartAsync(
        EmulatorServer emulator, HttpClient control, HttpClient admin, Uri hubUrl, string secret, TurnReader turns, string database, IReadOnlyList<EmulatorUser> askers)
    {
        var load = new BackgroundLoad(database);
        await load.LeaveDeletedAppRetryingAsync(emulator, control, admin, hubUrl, secret, askers[0]);
        foreach (var (asker, index) in askers.Select((a, i) => (a, i)))
        {
            load._loops.Add(Task.Run(() => load.AskLoopAsync(control, emulator, turns, asker, index)));
        }

        load._loops.Add(Task.Run(() => load.ReadReceiptsAsync(control, emulator, askers)));
        return load;
    }

    /// <summary>The deleted app's events still retrying or being retried (read from the Hub's database).</summary>
    public long GhostEventsRetrying()
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _database, Pooling = false, DefaultTimeout = 30 }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM inbox_events WHERE app_name = '{GhostApp}' AND status IN ('Retrying', 'InProgress', 'Pending')";
        return (long)command.ExecuteScalar()!;
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
    /// A second Feishu app stored in the Hub with a wrong secret: people write to its bot, the bot's replies fail (no token),
    /// and the events go to retrying; then the app is deleted, and its stored events go on retrying against an app that is
    /// no more.
    /// </summary>
    private async Task LeaveDeletedAppRetryingAsync(EmulatorServer emulator, HttpClient control, HttpClient admin, Uri hubUrl, string secret, EmulatorUser writer)
    {
        var ghost = emulator.State.AddApp(new EmulatorApp("cli_ghost0000000001", "the-real-secret-0001", "Ghost bot", "ou_ghostbot00000000000000000000001"));
        using (var created = await admin.PostAsJsonAsync("/api/v1/apps", new
        {
            name = GhostApp,
            app_id = ghost.AppId,
            app_secret = "a-wrong-secret",
            encrypt_key = secret,
            verification_token = secret,
            base_url = emulator.BaseUrl.ToString(),
        }))
        {
            await AssistantBenchmark.EnsureAsync(created, "POST /api/v1/apps (the app to delete)");
        }

        using (var subscribed = await control.PutAsJsonAsync($"/_emulator/apps/{ghost.AppId}/event-subscription",
            new { url = new Uri(hubUrl, $"/feishu/apps/{GhostApp}/events").ToString(), encrypt_key = secret, verification_token = secret }))
        {
            await AssistantBenchmark.EnsureAsync(subscribed, "the deleted app's event subscription");
        }

        for (var i = 0; i < 20; i++)
        {
            using var sent = await control.PostAsJsonAsync($"/_emulator/apps/{ghost.AppId}/p2p-messages",
                new { sender = writer.Email, msg_type = "text", content = new { text = "/help" } });
            await AssistantBenchmark.EnsureAsync(sent, "a message to the deleted app's bot");
        }

        // Every event stored and tried once (its reply failed) before the app goes.
        for (var i = 0; i < 600 && GhostTriedOnce() < 20; i++)
        {
            await Task.Delay(100);
        }

        using var deleted = await admin.DeleteAsync($"/api/v1/apps/{GhostApp}");
        await AssistantBenchmark.EnsureAsync(deleted, "DELETE /api/v1/apps/ghost");
    }

    private long GhostTriedOnce()
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _database, Pooling = false, DefaultTimeout = 30 }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM inbox_events WHERE app_name = '{GhostApp}' AND attempts >= 1 AND status <> 'InProgress'";
        return (long)command.ExecuteScalar()!;
    }
}
