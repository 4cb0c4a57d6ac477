using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.Seed;
using Larkway.Emulator.State;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// The sandbox across a restart: the Emulator's state file lies beside the Hub's database, so the approval the Hub is
/// waiting on and the card it sent are still in "Feishu" afterwards and still work; a broken file is set aside.
/// </summary>
public sealed class HubSandboxRestartTests
{
    private const string Bob = "bob@example.com";

    [Fact]
    public async Task A_pending_approval_and_its_card_survive_a_restart_and_the_card_still_decides_it()
    {
        var data = Directory.CreateTempSubdirectory("larkway-hub-restart-").FullName;
        string approvalId, instance, cardId, directChat;
        int chats;
        await using (var first = await HubSandbox.StartAsync(dataDirectory: data))
        {
            first.Emulator.StateFile.ShouldBe(Path.Combine(data, "emulator-state.json"));
            using var client = Client(first);
            using var created = await client.PostAsJsonAsync("/api/v1/approvals", new
            {
                approval_code = DefaultApprovals.PaymentCode,
                applicant = new { email = "alice@example.com" },
                form = new { amount = new { value = 1200, currency = "CNY" }, reason = "Team offsite", method = "bank" },
                reference = "PO-RESTART",
                idempotency_key = "restart-1",
            });
            var text = await created.Content.ReadAsStringAsync();
            created.StatusCode.ShouldBe(HttpStatusCode.Created, text);
            using var body = JsonDocument.Parse(text);
            approvalId = body.RootElement.GetProperty("id").GetString()!;
            instance = body.RootElement.GetProperty("instance_code").GetString()!;

            await HubSandbox.WaitUntilAsync(() => CardsOf(first, approvalId).Count == 1, "the approval card to Bob");
            var card = CardsOf(first, approvalId).Single();
            (cardId, directChat) = (card.MessageId, card.ChatId);
            chats = first.State.Chats.Count;
        }

        File.Exists(Path.Combine(data, "emulator-state.json")).ShouldBeTrue();
        await using var second = await HubSandbox.StartAsync(dataDirectory: data);

        // The same Feishu: no second set of direct chats, the card where it was, the instance still waiting for Bob.
        second.State.Chats.Count.ShouldBe(chats);
        second.State.FindMessage(cardId)!.ChatId.ShouldBe(directChat);
        second.Emulator.Approvals.Read(() => second.Emulator.Approvals.Instance(instance).Status).ShouldBe("PENDING");

        // Bob rejects from the card sent before the restart: the Hub records it and the instance ends.
        // On a busy machine the first click after a start may outlast the inline answer (an empty answer, or the toast
        // saying Feishu is slow and to click again): Bob clicks again, as the toast says, until the card answers.
        string? toast = null;
        for (var attempt = 0; attempt < 5 && toast is not ("Rejected." or "This was already decided; the card shows where it stands."); attempt++)
        {
            var answer = await second.ClickAsync(cardId, RejectValue(second.State.FindMessage(cardId)!), Bob);
            toast = answer.TryGetProperty("toast", out var shown) ? shown.GetProperty("content").GetString() : null;
        }

        toast.ShouldBeOneOf("Rejected.", "This was already decided; the card shows where it stands.");
        using var client2 = Client(second);
        await HubSandbox.WaitUntilAsync(() => Status(client2, approvalId) == "rejected", "the approval rejected after the restart");
        second.Emulator.Approvals.Read(() => second.Emulator.Approvals.Instance(instance).Status).ShouldBe("REJECTED");
    }

    [Fact]
    public async Task A_state_file_that_cannot_be_read_is_set_aside_and_the_sandbox_starts_fresh()
    {
        var data = Directory.CreateTempSubdirectory("larkway-hub-corrupt-").FullName;
        await File.WriteAllTextAsync(Path.Combine(data, "emulator-state.json"), "{\"format\":\"larkway-emulator-state\",");

        await using var hub = await HubSandbox.StartAsync(dataDirectory: data);

        hub.State.Users.Count.ShouldBe(4);
        var aside = Directory.GetFiles(data, "emulator-state.json.corrupt-*").ShouldHaveSingleItem();
        (await File.ReadAllTextAsync(aside)).ShouldBe("{\"format\":\"larkway-emulator-state\",");
    }

    [Fact]
    public async Task Off_keeps_the_sandbox_in_memory()
    {
        var data = Directory.CreateTempSubdirectory("larkway-hub-memory-").FullName;

        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?> { ["LARKWAY_EMULATOR_STATE_FILE"] = "off" }, dataDirectory: data);

        hub.Emulator.StateFile.ShouldBeNull();
        Directory.GetFiles(data, "emulator-state*").ShouldBeEmpty();
    }

    private static List<EmulatorMessage> CardsOf(HubSandbox hub, string approvalId)
    {
        var bob = hub.State.FindUser("email", Bob)!.OpenId;
        return [.. hub.State.Chats.Where(c => c.ChatMode == "p2p" && c.HasMember(bob))
            .SelectMany(c => hub.State.MessagesIn(c.ChatId))
            .Where(m => m.MsgType == "interactive" && m.SendContent.Contains(approvalId, StringComparison.Ordinal))];
    }

    private static JsonNode RejectValue(EmulatorMessage card) =>
        HubApprovalCardsTests.Buttons(card).Single(b => b["text"]?["content"]?.GetValue<string>() == "Reject")["value"]!.DeepClone();

    private static string? Status(HttpClient client, string id) =>
        client.GetFromJsonAsync<JsonElement>($"/api/v1/approvals/{id}").GetAwaiter().GetResult().GetProperty("status").GetString();

    private static HttpClient Client(HubSandbox hub)
    {
        var client = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        return client;
    }
}
