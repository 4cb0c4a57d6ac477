using System.Net;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Hub.Assistants.Storage;
using Larkway.Hub.Tests.TestSupport;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>
/// Two Hubs on one PostgreSQL database both receive the same Feishu message (Feishu may deliver an event to any replica
/// behind the load balancer, and again under a new event id): the question becomes one turn, one card, one backend call.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class HubAssistantReplicaTests(PostgresCluster cluster)
{
    [Fact]
    public async Task The_same_message_delivered_to_two_replicas_is_answered_once()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        var data = Directory.CreateTempSubdirectory("larkway-hub-asst-replicas-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["Larkway:Storage:Provider"] = "Postgres",
            ["Larkway:Storage:ConnectionString"] = await cluster.CreateDatabaseAsync(),
        };
        await using var first = await HubSandbox.StartAgainstAsync(emulator, "webhook", settings, data);
        await using var second = await HubSandbox.StartAgainstAsync(emulator, "webhook", settings, data);
        using var driver = new AssistantDriver(first, emulator.BaseUrl);
        await driver.CreateAsync("helpdesk", ["default"]);
        await driver.SetAiAsync(new { tokens_per_second = 100, answer_words = 20 });

        var question = await first.SayToBotAsync("Which replica answers me?");
        var message = emulator.State.FindMessage(question)!;
        var chat = emulator.State.FindChat(message.ChatId)!;
        var players = new[] { first, second }.Select(h => new FeishuPlayer(h.Api, HubSandbox.ExternalEncryptKey, HubSandbox.ExternalVerificationToken, h.Host.Settings.AppId!)).ToList();
        var deliveries = await Task.WhenAll(players.Select((p, i) => p.DeliverAsync(
            FeishuPlayer.ReceiveEvent(message, chat, $"ev_asst_replica_{i}", p.Verification, p.AppId, emulator.State.Tenant.TenantKey))));
        deliveries.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK);

        var turn = (await driver.EndedTurnsAsync(1)).Single();
        await AdminApi.WaitAllDoneAsync(first.Host.BaseUrl, HubSandbox.AdminKey, 1);
        await AdminApi.WaitAllDoneAsync(second.Host.BaseUrl, HubSandbox.AdminKey, 1);
        turn.Status.ShouldBe(AssistantTurnStatus.Answered, turn.LastError);
        (await driver.TurnsAsync()).Count.ShouldBe(1);
        first.BotCardsInChatOf(question).ShouldHaveSingleItem().ParentId.ShouldBe(question);
        var requests = JsonDocument.Parse(await driver.AiRequestsAsync()).RootElement;
        (requests.TryGetProperty("data", out var body) ? body : requests).GetProperty("items").EnumerateArray()
            .Count(r => r.GetProperty("operation").GetString() == "chat").ShouldBe(1);
        var (streaming, answer, _) = await driver.CardAsync(turn.ReplyHandle!);
        streaming.ShouldBeFalse();
        answer.ShouldStartWith("You asked: Which replica answers me?");
    }
}
