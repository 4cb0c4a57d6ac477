using System.Net;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Hub.Assistants.Routing;
using Larkway.Hub.Assistants.Storage;
using Larkway.Hub.Inbox;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>
/// An assistant's group modes on the configured Feishu app, whose bot answers groups only when @-mentioned
/// (<c>Larkway:Bot:GroupsRequireMention</c>, on by default) and whose inbox stores such messages Done at ingest: group mode
/// <c>all</c> and <c>answer_at_all</c> still get the messages they answer, and the default mention mode still does not.
/// </summary>
public sealed class HubAssistantGroupModeTests
{
    [Fact]
    public async Task Group_mode_all_and_answer_at_all_get_unmentioned_group_messages_while_mention_mode_ignores_them()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });

        // A long cache lifetime: the triage's view must follow each change made through the API, not the clock.
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", new Dictionary<string, string?> { ["Larkway:Assistants:DefinitionCacheLifetime"] = "00:10:00" });
        using var driver = new AssistantDriver(hub, emulator.BaseUrl);
        await driver.CreateAsync("helpdesk", ["default"]);
        await driver.SetAiAsync(new { tokens_per_second = 200, answer_words = 10 });
        var appId = hub.Host.Settings.AppId!;
        var player = new FeishuPlayer(hub.Api, HubSandbox.ExternalEncryptKey, HubSandbox.ExternalVerificationToken, appId);
        var group = emulator.State.Chats.First(c => c.ChatMode == "group" && c.HasBot(appId));
        var reach = hub.Host.Services.GetRequiredService<AssistantGroupReach>();
        var delivered = 0;

        async Task<string> SayInGroupAsync(string text)
        {
            var id = await driver.PostInGroupAsync(group, text);
            var envelope = AssistantDriver.GroupEnvelope(emulator, emulator.State.FindMessage(id)!, group, player, $"ev_group_{++delivered}");
            using var response = await player.DeliverAsync(envelope.ToJsonString());
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            return id;
        }

        // The bot learns its open_id from a first message it handles; only then does the triage judge mentions.
        var mentioned = await SayInGroupAsync($"<at user_id=\"{appId}\"></at> where is the travel form?");
        await driver.EndedTurnsAsync(1);

        // Mention mode (the default): a message without the mention is nobody's, dropped at ingest as before.
        await reach.LoadAsync(CancellationToken.None);
        var ignoredInMentionMode = await SayInGroupAsync("where is the VPN guide?");

        await driver.PatchAsync("helpdesk", new { policy = new { groups = new { mode = "all" }, unknown_users = "guest" } });
        await reach.LoadAsync(CancellationToken.None);
        var takenInAllMode = await SayInGroupAsync("who approves travel?");
        await driver.EndedTurnsAsync(2);

        await driver.PatchAsync("helpdesk", new { policy = new { groups = new { mode = "mention", answer_at_all = true }, unknown_users = "guest" } });
        await reach.LoadAsync(CancellationToken.None);
        var atAll = await SayInGroupAsync("<at user_id=\"all\"></at> is the canteen open today?");
        emulator.State.FindMessage(atAll)!.Content.ShouldContain("@_all", Case.Sensitive, "Feishu writes @all as @_all in the text");
        var ignoredAtAllMode = await SayInGroupAsync("thanks, all");

        var turns = await driver.EndedTurnsAsync(3);
        await AdminApi.WaitAllDoneAsync(hub.Host.BaseUrl, HubSandbox.AdminKey, delivered);
        turns = await driver.TurnsAsync();
        turns.Select(t => t.MessageId).ShouldBe([mentioned, takenInAllMode, atAll], "each taken message is one question, in order, and no other");
        turns.ShouldAllBe(t => t.Status == AssistantTurnStatus.Answered);

        // One answer each, never two, and none to the messages no mode took.
        var answers = emulator.State.MessagesIn(group.ChatId).Where(m => m.Sender.SenderType == "app").Select(m => m.ParentId).ToList();
        answers.ShouldBe([mentioned, takenInAllMode, atAll], ignoreOrder: true);
        answers.ShouldNotContain(ignoredInMentionMode);
        answers.ShouldNotContain(ignoredAtAllMode);
        JsonDocument.Parse(await driver.AiRequestsAsync()).RootElement.GetProperty("items").GetArrayLength().ShouldBe(3);

        // The two messages nothing takes were settled at ingest, never claimed: the bot's triage still works beside an assistant.
        var factory = hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var settledAtIngest = await db.InboxEvents.AsNoTracking()
            .CountAsync(e => e.EventType == "im.message.receive_v1" && e.State == WorkState.Done && e.Attempts == 0);
        settledAtIngest.ShouldBe(2);
    }
}
