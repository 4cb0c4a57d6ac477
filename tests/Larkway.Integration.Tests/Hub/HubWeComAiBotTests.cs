using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Hub.WeCom.AiBot;
using Larkway.Integration.Tests.WeCom.AiBot;
using Larkway.WeCom.AiBot;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using EmulatorAiBot = Larkway.Emulator.WeCom.AiBot.AiBotOptions;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// A WeCom app with its AI bot stored in one Hub (SQLite), against the Emulator's AI bot over the real wire: the fields
/// validated with what to fix and the secret never shown; the Hub holds the bot's long connection, a user's message is
/// stored once and answered by the bot framework with a stream reply by the message's req_id; another connection taking
/// the bot over is not fought, and saving the app takes it back.
/// </summary>
public sealed class HubWeComAiBotTests
{
    [Fact]
    public async Task The_AI_bots_card_runs_the_bots_card_action_when_pressed_and_the_card_reads_its_answer()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        using var control = new AiBotControl(emulator.BaseUrl);
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook");
        await HubWeComAiBot.AddAppAndConnectAsync(hub, emulator);

        // /card: the bot's sample card, a template card marked as the bot's by its task_id.
        await control.MessageAsync("/card");
        JsonElement card = default;
        await HubSandbox.WaitUntilAsync(() => (card = BotCards(control).FirstOrDefault()).ValueKind == JsonValueKind.Object, "the bot's card", seconds: 60);
        var template = card.GetProperty("card");
        template.GetProperty("task_id").GetString()!.ShouldStartWith("lwbot_");
        var key = template.GetProperty("button_list").EnumerateArray().Single().GetProperty("key").GetString()!;

        // Alice presses it: the bot's card action runs (Acknowledge) and the card she sees reads its answer.
        await control.ClickAsync(card.GetProperty("id").GetString()!, key);
        var id = card.GetProperty("id").GetString()!;
        await HubSandbox.WaitUntilAsync(() => Title(control, id) == "Acknowledged", "the card reading the action's answer", seconds: 60);
        var updated = BotCards(control).Single().GetProperty("card");
        updated.GetProperty("sub_title_text").GetString().ShouldBe("Acknowledged by alice.");
        var done = updated.GetProperty("button_list").EnumerateArray().ShouldHaveSingleItem();
        done.GetProperty("text").GetString().ShouldBe("Acknowledged");

        // Its one button now reads the outcome and does nothing: a press runs no action again.
        await control.ClickAsync(id, done.GetProperty("key").GetString()!);
        using var admin = HubWeComAiBot.Admin(hub);
        await HubSandbox.WaitUntilAsync(() => CardEventsDone(admin) == 2, "the second press handled", seconds: 60);
        BotCards(control).Single().GetProperty("card").GetProperty("main_title").GetProperty("title").GetString().ShouldBe("Acknowledged");
    }

    private static int CardEventsDone(HttpClient admin) =>
        admin.GetFromJsonAsync<JsonElement>("/api/v1/events?type=wecom.aibot.event.template_card_event").GetAwaiter().GetResult()
            .GetProperty("items").EnumerateArray().Count(e => e.GetProperty("status").GetString() == "done");

    private static List<JsonElement> BotCards(AiBotControl control) =>
        [.. control.ConversationMessagesAsync($"{EmulatorAiBot.DefaultBotId}/single/alice").GetAwaiter().GetResult().GetProperty("items").EnumerateArray()
            .Where(m => m.GetProperty("from").GetString() == "bot" && m.GetProperty("msg_type").GetString() == "template_card").Select(m => m.Clone())];

    private static string? Title(AiBotControl control, string messageId) =>
        BotCards(control).Single(m => m.GetProperty("id").GetString() == messageId).GetProperty("card") is var c && c.TryGetProperty("main_title", out var title)
            ? title.GetProperty("title").GetString()
            : null;

    [Fact]
    public async Task A_users_message_to_the_AI_bot_reaches_the_Hub_and_the_bot_answers_by_req_id_and_a_takeover_is_not_fought()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        using var control = new AiBotControl(emulator.BaseUrl);
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook");
        using var admin = HubWeComAiBot.Admin(hub);

        // The fields are checked, each problem naming the field and what to fix.
        var onFeishu = new Dictionary<string, object?> { ["name"] = "fs-bot", ["app_id"] = "cli_a1b2c3d4e5f60001", ["app_secret"] = "s", ["ai_bot_id"] = "b" };
        (await ErrorFieldsAsync(await admin.PostAsJsonAsync("/api/v1/apps", onFeishu))).ShouldContain("ai_bot_id");
        var noSecret = HubWeComAiBot.AppBody(emulator, "wc-nosecret");
        noSecret.Remove("ai_bot_secret");
        (await ErrorFieldsAsync(await admin.PostAsJsonAsync("/api/v1/apps", noSecret))).ShouldBe(["ai_bot_secret"]);
        var httpUrl = HubWeComAiBot.AppBody(emulator, "wc-badurl");
        httpUrl["ai_bot_url"] = "http://example.com/ws";
        (await ErrorFieldsAsync(await admin.PostAsJsonAsync("/api/v1/apps", httpUrl))).ShouldBe(["ai_bot_url"]);

        using (var added = await admin.PostAsJsonAsync("/api/v1/apps", HubWeComAiBot.AppBody(emulator)))
        {
            var text = await added.Content.ReadAsStringAsync();
            added.StatusCode.ShouldBe(HttpStatusCode.Created, text);
            text.ShouldNotContain(EmulatorAiBot.DefaultSecret, customMessage: "secrets are never shown");
            var app = JsonDocument.Parse(text).RootElement;
            app.GetProperty("ai_bot_id").GetString().ShouldBe(EmulatorAiBot.DefaultBotId);
            app.GetProperty("ai_bot_secret_set").GetBoolean().ShouldBeTrue();
        }

        // Issue 41 §4: the bot's secret goes to ai_bot_url when it subscribes, so a new URL needs the secret again.
        (await ErrorFieldsAsync(await admin.PatchAsJsonAsync($"/api/v1/apps/{HubWeComAiBot.AppName}", new { ai_bot_url = "wss://bot.example.com/ws" }))).ShouldBe(["ai_bot_secret"]);

        await HubSandbox.WaitUntilAsync(() => HubWeComAiBot.Duty(hub)?.IsConnected == true && HubWeComAiBot.OpenConnections(control).Count == 1, "the Hub's AI bot connection", seconds: 60);
        var states = hub.Host.Services.GetRequiredService<WeComAiBotStates>();
        (await states.OfAsync(HubWeComAiBot.AppName, EmulatorAiBot.DefaultBotId, CancellationToken.None)).Condition.ShouldBe(Larkway.Hub.Apps.Connections.LongConnectionCondition.Connected);

        // A user writes; the bot framework answers (/echo) with a finished stream under the message's req_id.
        var sent = await control.MessageAsync("/echo hello from the AI bot");
        sent.GetProperty("delivery").GetString().ShouldBe("connection");
        await HubSandbox.WaitUntilAsync(() => HubWeComAiBot.Replies(control).Contains("hello from the AI bot"), "the bot's answer", seconds: 30);
        await HubSandbox.WaitUntilAsync(
            () => HubWeComAiBot.EventsAsync(admin, "wecom.aibot.message.text").GetAwaiter().GetResult() is [var only] && string.Equals(only.GetProperty("status").GetString(), "done", StringComparison.OrdinalIgnoreCase),
            "the message stored once and done", seconds: 30);
        var events = await HubWeComAiBot.EventsAsync(admin, "wecom.aibot.message.text");
        events.Count.ShouldBe(1);
        events[0].GetProperty("transport").GetString().ShouldBe("wecom_aibot");

        // Dave opens the bot's single chat: the bot welcomes him (within WeCom's 5 s for enter_chat), as it greets a Feishu chat,
        // in a one-to-one chat's words: no "mention me", and not the app's internal name (WeCom gives no display name).
        await control.EnterChatAsync("dave");
        await HubSandbox.WaitUntilAsync(() => Shown(control, "dave").Contains("Send /help to see what I can do", StringComparison.Ordinal), "the welcome in Dave's chat", seconds: 30);
        Shown(control, "dave").ShouldNotContain(HubWeComAiBot.AppName);
        Shown(control, "dave").ShouldNotContain("Mention", Case.Insensitive);
        (await HubWeComAiBot.EventsAsync(admin, "wecom.aibot.event.enter_chat")).Count.ShouldBe(1);

        // Another connection subscribes for the bot (someone else's process): WeCom tells the Hub, which stays off.
        var holderConnection = HubWeComAiBot.OpenConnections(control).Single();
        var intruder = new WeComAiBotClient(
            new WeComAiBotOptions { BotId = EmulatorAiBot.DefaultBotId, Secret = EmulatorAiBot.DefaultSecret, WebSocketUrl = HubWeComAiBot.WebSocketUrl(emulator) },
            (_, _) => ValueTask.CompletedTask);
        await using (intruder)
        {
            await intruder.StartAsync();
            await HubSandbox.WaitUntilAsync(() => HubWeComAiBot.Duty(hub)?.IsTakenOver == true, "the Hub to see the takeover", seconds: 30);
            await HubSandbox.WaitUntilAsync(
                () => states.OfAsync(HubWeComAiBot.AppName, EmulatorAiBot.DefaultBotId, CancellationToken.None).GetAwaiter().GetResult().Reason == WeComAiBotStatus.TakenOver,
                "the takeover in the bot's state", seconds: 30);
            for (var sample = 0; sample < 12; sample++)
            {
                await Task.Delay(250);
                intruder.State.ShouldBe(WeComAiBotConnectionState.Connected, "the Hub took the bot back");
            }

            HubWeComAiBot.OpenConnections(control).ShouldNotContain(holderConnection);
            await HubSandbox.WaitUntilAsync(() => hub.Api.GetStringAsync("/readyz").GetAwaiter().GetResult().Contains($"{HubWeComAiBot.AppName}: AI bot taken over", StringComparison.Ordinal), "readiness to name the takeover", seconds: 30);
            await intruder.StopAsync();
        }

        // Saving the app takes the bot back; the user is answered again.
        using (var saved = await admin.PatchAsJsonAsync($"/api/v1/apps/{HubWeComAiBot.AppName}", new { enabled = true }))
        {
            saved.EnsureSuccessStatusCode();
        }

        await HubSandbox.WaitUntilAsync(() => HubWeComAiBot.Duty(hub)?.IsConnected == true, "the Hub to reconnect after the app was saved", seconds: 60);
        await control.MessageAsync("/echo back again");
        await HubSandbox.WaitUntilAsync(() => HubWeComAiBot.Replies(control).Contains("back again"), "the answer after reconnecting", seconds: 30);
    }

    /// <summary>Everything the user's single chat with the bot shows (a welcome is a text message, not a finished stream).</summary>
    private static string Shown(AiBotControl control, string user)
    {
        var id = $"{EmulatorAiBot.DefaultBotId}/single/{user}";
        if (!control.ConversationsAsync().GetAwaiter().GetResult().Any(c => c.GetProperty("id").GetString() == id))
        {
            return "";
        }

        var page = control.ConversationMessagesAsync(id).GetAwaiter().GetResult();
        return string.Join("\n", page.GetProperty("items").EnumerateArray()
            .Select(m => m.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : c.ToString()));
    }

    private static async Task<IReadOnlyList<string>> ErrorFieldsAsync(HttpResponseMessage response)
    {
        using (response)
        {
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            return [.. problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()!)];
        }
    }
}
