using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Shouldly;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// A changed notification of a DingTalk app without a card template, against the Emulator's DingTalk: the app robot's
/// messages cannot be edited, so each recipient gets the change as a new message and keeps the one they had.
/// </summary>
public sealed class HubDingTalkNotificationChangeTests
{
    [Fact]
    public async Task A_changed_notification_of_an_app_without_a_card_template_reaches_each_recipient_again_as_a_new_DingTalk_message()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook");
        using var admin = HubDingTalkTests.Admin(hub);
        await HubDingTalkTests.AddAppAsync(admin, emulator);

        using var queued = await admin.PostAsJsonAsync("/api/v1/notifications", new
        {
            type = "po",
            idempotency_key = "dt-change-1",
            app = HubDingTalkTests.AppName,
            card = Card("PO-7 needs approval", "Amount 100"),
            recipients = new[] { new { dingtalk_userid = "alice" }, new { dingtalk_userid = "bob" } },
        });
        queued.StatusCode.ShouldBe(HttpStatusCode.Accepted, await queued.Content.ReadAsStringAsync());
        var id = (await queued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await HubSandbox.WaitUntilAsync(() => HubDingTalkTests.Status(admin, id) == "sent", "both deliveries sent", seconds: 60);
        var first = MessageIds(admin, id);
        foreach (var person in new[] { "alice", "bob" })
        {
            (await MessagesOfAsync(hub, person, "PO-7")).Count.ShouldBe(1);
        }

        using (var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/notifications/{id}") { Content = JsonContent.Create(new { card = Card("PO-7 needs approval (amount changed)", "Amount 120") }) })
        using (var changed = await admin.SendAsync(request))
        {
            changed.StatusCode.ShouldBe(HttpStatusCode.Accepted, await changed.Content.ReadAsStringAsync());
        }

        // Each recipient gets the change as a second message; the first stays as it was sent (DingTalk cannot edit it).
        await HubSandbox.WaitUntilAsync(
            () => new[] { "alice", "bob" }.All(p => MessagesOfAsync(hub, p, "PO-7").GetAwaiter().GetResult().Count == 2) && HubDingTalkTests.Status(admin, id) == "sent",
            "the change sent to both as a new message", seconds: 60);
        foreach (var person in new[] { "alice", "bob" })
        {
            var messages = await MessagesOfAsync(hub, person, "PO-7");
            var texts = messages.Select(m => m.GetProperty("msgParam").GetRawText()).ToList();
            texts[0].ShouldNotContain("amount changed");
            texts[0].ShouldContain("Amount 100");
            texts[1].ShouldContain("amount changed");
            texts[1].ShouldContain("Amount 120");
            messages.ShouldAllBe(m => !m.GetProperty("recalled").GetBoolean());
        }

        // The status names the new messages: a later recall or change acts on what the recipient last got.
        var second = MessageIds(admin, id);
        second.Keys.ShouldBe(first.Keys, ignoreOrder: true);
        foreach (var (recipient, messageId) in second)
        {
            messageId.ShouldNotBe(first[recipient], $"{recipient}'s delivery names the new message");
        }
    }

    private static object Card(string title, string text) => new
    {
        header = new { title = new { tag = "plain_text", content = title } },
        elements = new object[]
        {
            new { tag = "div", text = new { tag = "lark_md", content = text } },
            new { tag = "action", actions = new object[] { new { tag = "button", text = new { tag = "plain_text", content = "Approve" }, value = new { action = "approve" } } } },
        },
    };

    /// <summary>The person's robot messages whose parameters mention <paramref name="marker"/>, oldest first.</summary>
    private static async Task<List<JsonElement>> MessagesOfAsync(HubSandbox hub, string person, string marker) =>
        [.. (await HubDingTalkTests.RobotMessagesAsync(hub, person))
            .Where(m => m.GetProperty("msgParam").GetRawText().Contains(marker, StringComparison.Ordinal))];

    private static Dictionary<string, string> MessageIds(HttpClient admin, string id) =>
        admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{id}").GetAwaiter().GetResult().GetProperty("recipients").EnumerateArray()
            .ToDictionary(r => r.GetProperty("value").GetString()!, r => r.GetProperty("message_id").GetString()!);
}
