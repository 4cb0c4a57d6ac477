using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Hub.Assistants.Storage;
using Larkway.Integration.Tests.Hub.Assistants;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// A Feishu app added at run time that chose the long connection: the Hub (in webhook mode for its own app) connects for
/// it without a restart, its messages reach the assistant on that app and a card click on the answer is answered in the
/// long connection's ack; turned off, the connection is closed; a non-Feishu app asking for it is refused naming the field.
/// </summary>
public sealed class HubStoredAppLongConnectionTests
{
    private const string AppId = "cli_lc_second_0001";
    private const string AppSecret = "lc-second-secret";

    [Fact]
    public async Task A_Feishu_app_added_at_run_time_with_the_long_connection_gets_its_messages_and_clicks_over_it_and_disconnects_when_turned_off()
    {
        var seed = Path.Combine(Path.GetTempPath(), $"larkway-lc-seed-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(seed, JsonSerializer.Serialize(new
        {
            users = new object[] { new { name = "Alice Chen", email = "alice@example.com" } },
            apps = new object[] { new { app_id = AppId, app_secret = AppSecret, bot_name = "Socket Bot" } },
        }));
        var options = new EmulatorOptions { Port = 0, SeedFile = seed, EnforceRateLimits = false };
        options.LongConnection.ReconnectNonceSeconds = 1;
        options.LongConnection.ReconnectIntervalSeconds = 1;
        await using var emulator = await EmulatorServer.StartAsync(options);
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook");
        using var driver = new AssistantDriver(hub, emulator.BaseUrl);
        using var admin = new HttpClient { BaseAddress = hub.Api.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", HubSandbox.AdminKey);
        (await hub.Control.PutAsJsonAsync($"/_emulator/apps/{AppId}/event-subscription", new { mode = "long-connection" })).EnsureSuccessStatusCode();

        // Only Feishu apps choose: a DingTalk app asking for it is told which field to leave out.
        using (var refused = await admin.PostAsJsonAsync("/api/v1/apps", new { name = "dt-lc", platform = "dingtalk", app_id = "dingabc", app_secret = "s", long_connection = true }))
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await refused.Content.ReadAsStringAsync()).ShouldContain("long_connection");
        }

        using (var added = await admin.PostAsJsonAsync("/api/v1/apps", new { name = "socket", app_id = AppId, app_secret = AppSecret, base_url = emulator.BaseUrl.ToString(), long_connection = true }))
        {
            added.StatusCode.ShouldBe(HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
            (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("long_connection").GetBoolean().ShouldBeTrue();
        }

        await HubSandbox.WaitUntilAsync(() => Connections(hub) == 1, "the Hub's long connection for the stored app", 60);
        await driver.CreateAsync("socket-helper", ["socket"]);
        await driver.SetAiAsync(new { tokens_per_second = 200, answer_words = 10 });

        // A message over the socket: answered by the assistant on that app.
        using var sent = await hub.Control.PostAsJsonAsync($"/_emulator/apps/{AppId}/p2p-messages",
            new { sender = "alice@example.com", msg_type = "text", content = new { text = "Is the socket up?" } });
        sent.EnsureSuccessStatusCode();
        var question = (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetProperty("message_id").GetString()!;
        var turn = (await driver.EndedTurnsAsync(1, 60)).Single();
        turn.App.ShouldBe("socket");
        turn.Status.ShouldBe(AssistantTurnStatus.Answered, turn.LastError);

        // The answer card's Helpful, clicked: answered in the long connection's ack.
        var card = emulator.State.MessagesIn(emulator.State.FindMessage(question)!.ChatId).Single(m => m.Sender.SenderType == "app");
        var clicked = await hub.ClickAsync(card.MessageId, new { action = "assistant.feedback", feedback = "helpful", answer_id = $"turn-{turn.Id}" });
        clicked.GetProperty("target").GetString().ShouldBe("long-connection");
        clicked.GetRawText().ShouldContain("glad it helped");
        (await driver.FeedbackAsync()).ShouldHaveSingleItem().Value.ShouldBe("helpful");

        // Turned off: the connection is closed without a restart.
        using (var off = await admin.PatchAsJsonAsync("/api/v1/apps/socket", new { long_connection = false }))
        {
            off.StatusCode.ShouldBe(HttpStatusCode.OK, await off.Content.ReadAsStringAsync());
        }

        await HubSandbox.WaitUntilAsync(() => Connections(hub) == 0, "the stored app's long connection closed", 60);
    }

    /// <summary>The open long connections the Emulator has for the stored app.</summary>
    private static int Connections(HubSandbox hub)
    {
        var page = hub.Control.GetFromJsonAsync<JsonElement>("/_emulator/long-connection").GetAwaiter().GetResult();
        return page.GetProperty("data").GetProperty("items").EnumerateArray()
            .Where(a => a.GetProperty("app_id").GetString() == AppId)
            .Sum(a => a.GetProperty("connections").GetArrayLength());
    }
}
