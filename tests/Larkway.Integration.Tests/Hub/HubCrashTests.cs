using System.Net;
using Larkway.Emulator.Hosting;
using Larkway.Hub.Tests.TestSupport;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// The Hub killed with SIGKILL after acknowledging events, then started again on the same database (SQLite or
/// PostgreSQL): everything acknowledged is handled, and handled once.
/// </summary>
public abstract class HubCrashTests
{
    private const string AdminKey = "crash-test-admin-key";

    /// <summary>The storage settings (provider and connection string) of a new, empty database.</summary>
    protected abstract Task<Dictionary<string, string>> NewDatabaseAsync();

    private static Dictionary<string, string> Environment(EmulatorServer emulator, Dictionary<string, string> storage, bool processor) => new(HubProcess.AgainstEmulator(emulator, storage, AdminKey))
    {
        ["Larkway__Inbox__ProcessorEnabled"] = processor ? "true" : "false",

        // Short leases, so the restarted Hub takes back what the killed one had claimed.
        ["Larkway__Inbox__LeaseDuration"] = "00:00:02",
        ["Larkway__Inbox__PollInterval"] = "00:00:00.200",
    };

    private static async Task<List<string>> PostMessagesAsync(EmulatorServer emulator, int count)
    {
        using var control = new HttpClient { BaseAddress = emulator.BaseUrl };
        var ids = new List<string>();
        for (var i = 1; i <= count; i++)
        {
            using var response = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(control,
                $"/_emulator/apps/{emulator.State.Apps[0].AppId}/p2p-messages",
                new { sender = "bob@example.com", msg_type = "text", content = new { text = $"/echo crash {i}" } });
            response.EnsureSuccessStatusCode();
            using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            ids.Add(body.RootElement.GetProperty("data").GetProperty("message_id").GetString()!);
        }

        return ids;
    }

    private static async Task DeliverAllAsync(EmulatorServer emulator, HubProcess hub, IReadOnlyList<string> messageIds)
    {
        using var http = new HttpClient { BaseAddress = hub.BaseUrl };
        var player = new FeishuPlayer(http, HubSandbox.ExternalEncryptKey, HubSandbox.ExternalVerificationToken, emulator.State.Apps[0].AppId);
        var deliveries = messageIds.Select(async (id, i) =>
        {
            var message = emulator.State.FindMessage(id)!;
            var body = FeishuPlayer.ReceiveEvent(message, emulator.State.FindChat(message.ChatId)!, $"ev_crash_{i}", player.Verification, player.AppId, emulator.State.Tenant.TenantKey);
            using var response = await player.DeliverAsync(body);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        });
        await Task.WhenAll(deliveries);
    }

    private static void AssertOneAnswerEach(EmulatorServer emulator, IReadOnlyList<string> messageIds)
    {
        var chatId = emulator.State.FindMessage(messageIds[0])!.ChatId;
        var answers = emulator.State.MessagesIn(chatId).Where(m => m.Sender.SenderType == "app").Select(m => m.Content).ToList();
        Assert.Equal(messageIds.Count, answers.Count);
        for (var i = 1; i <= messageIds.Count; i++)
        {
            var expected = $"\"crash {i}\"";
            Assert.Single(answers, a => a.Contains(expected, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Events_acknowledged_but_not_yet_handled_when_the_Hub_is_killed_are_handled_after_restart()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        var database = await NewDatabaseAsync();
        var messages = await PostMessagesAsync(emulator, 10);

        await using (var first = await HubProcess.StartAsync(Environment(emulator, database, processor: false)))
        {
            await DeliverAllAsync(emulator, first, messages);
            await first.KillAsync();
        }

        Assert.DoesNotContain(emulator.State.MessagesIn(emulator.State.FindMessage(messages[0])!.ChatId), m => m.Sender.SenderType == "app");
        await using var second = await HubProcess.StartAsync(Environment(emulator, database, processor: true));
        await AdminApi.WaitAllDoneAsync(second.BaseUrl, AdminKey, messages.Count);

        AssertOneAnswerEach(emulator, messages);
    }

    [Fact]
    public async Task A_Hub_killed_while_handling_a_burst_answers_every_message_exactly_once_after_restart()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0, EnforceRateLimits = false });
        var database = await NewDatabaseAsync();
        var messages = await PostMessagesAsync(emulator, 30);

        await using (var first = await HubProcess.StartAsync(Environment(emulator, database, processor: true)))
        {
            await DeliverAllAsync(emulator, first, messages);
            await first.KillAsync();
        }

        await using var second = await HubProcess.StartAsync(Environment(emulator, database, processor: true));
        await AdminApi.WaitAllDoneAsync(second.BaseUrl, AdminKey, messages.Count);

        AssertOneAnswerEach(emulator, messages);
    }
}

public sealed class SqliteHubCrashTests : HubCrashTests
{
    protected override Task<Dictionary<string, string>> NewDatabaseAsync() => Task.FromResult(HubStorage.NewSqlite("larkway-crash-"));
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresHubCrashTests(PostgresCluster cluster) : HubCrashTests
{
    protected override Task<Dictionary<string, string>> NewDatabaseAsync() => HubStorage.NewPostgresAsync(cluster);
}
