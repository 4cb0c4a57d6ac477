using System.Net.Http.Json;
using System.Text.Json;

namespace Larkway.Integration.Tests.Hub;

/// <summary>The README's run command on a fresh machine: the Hub with no credentials runs its bot against the embedded Emulator.</summary>
public sealed class HubSandboxTests
{
    [Fact]
    public async Task A_user_message_to_the_bot_is_answered_through_the_signed_encrypted_event_path()
    {
        await using var hub = await HubSandbox.StartAsync();

        var messageId = await hub.SayToBotAsync("/echo hello from the sandbox");

        await HubSandbox.WaitUntilAsync(() => hub.BotTextsInChatOf(messageId).Count > 0, "the bot's reply");
        Assert.Equal(["hello from the sandbox"], hub.BotTextsInChatOf(messageId));
        var attempt = Assert.Single(hub.Host.Emulator!.Deliveries.Attempts, a => a.EventType == "im.message.receive_v1");
        Assert.Equal(200, attempt.StatusCode);
    }

    [Fact]
    public async Task A_click_on_the_bots_card_is_answered_with_a_toast_and_an_updated_card()
    {
        await using var hub = await HubSandbox.StartAsync();
        var messageId = await hub.SayToBotAsync("/card");
        await HubSandbox.WaitUntilAsync(() => hub.BotCardsInChatOf(messageId).Count > 0, "the bot's card");
        var card = hub.BotCardsInChatOf(messageId)[0];

        var outcome = await hub.ClickAsync(card.MessageId, new { action = "sample.ack" });

        Assert.Equal("ok", outcome.GetProperty("status").GetString());
        Assert.Equal("Acknowledged", outcome.GetProperty("toast").GetProperty("content").GetString());
        Assert.True(outcome.GetProperty("card_updated").GetBoolean());
        Assert.Contains("Acknowledged by", hub.State.FindMessage(card.MessageId)!.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_WeCom_members_message_on_the_Emulator_is_answered_by_the_sandbox_WeCom_app_through_its_encrypted_callback()
    {
        await using var hub = await HubSandbox.StartAsync();

        // The sandbox stored the Emulator's corp as wecom-sandbox and pointed the Emulator's callback at it (WeCom's URL check passed).
        using var admin = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", HubSandbox.AdminKey);
        var app = await admin.GetFromJsonAsync<JsonElement>("/api/v1/apps/wecom-sandbox");
        Assert.Equal("wecom", app.GetProperty("platform").GetString());
        Assert.True(app.GetProperty("encrypt_key_set").GetBoolean());
        var callback = await hub.Control.GetFromJsonAsync<JsonElement>("/_emulator/wecom/callback");
        Assert.Equal(new Uri(hub.Host.BaseUrl, "/wecom/apps/wecom-sandbox/callback").AbsoluteUri, callback.GetProperty("callback").GetProperty("url").GetString());
        Assert.True(callback.GetProperty("callback").GetProperty("verified").GetBoolean());

        using var said = await hub.Control.PostAsJsonAsync("/_emulator/wecom/users/carol/say", new { text = "/echo hello from WeCom" });
        var outcome = await said.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("delivered", outcome.GetProperty("status").GetString());

        await HubSandbox.WaitUntilAsync(() => WeComReplies(hub, "carol").Any(r => r.Contains("hello from WeCom", StringComparison.Ordinal)), "the bot's answer on WeCom");
        Assert.Single(WeComReplies(hub, "carol"));
        var attempts = await hub.Control.GetFromJsonAsync<JsonElement>("/_emulator/wecom/callback/attempts");
        Assert.All(attempts.GetProperty("items").EnumerateArray(), a => Assert.Equal(200, a.GetProperty("status").GetInt32()));
    }

    [Fact]
    public async Task The_sandbox_gives_Bob_DingTalk_and_Carol_WeCom_so_one_requisition_reaches_each_on_their_platform()
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?> { ["Larkway:Sandbox:People"] = "true" });
        using var admin = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", HubSandbox.AdminKey);

        // The directory is synced from the Emulator's contacts and the two preferences set, once.
        string? Preferred(string email)
        {
            var page = admin.GetFromJsonAsync<JsonElement>("/api/v1/directory/people?email=" + Uri.EscapeDataString(email)).GetAwaiter().GetResult();
            return page.GetProperty("items").EnumerateArray().SingleOrDefault() is { ValueKind: JsonValueKind.Object } person
                && person.TryGetProperty("preferred_platform", out var platform) ? platform.GetString() : null;
        }

        await HubSandbox.WaitUntilAsync(() => Preferred("bob@example.com") == "dingtalk" && Preferred("carol@example.com") == "wecom", "the sandbox people's platforms", seconds: 120);
        Assert.Null(Preferred("alice@example.com"));

        // The banner's request: Alice and Carol named, Bob as the type's approver.
        using var queued = await admin.PostAsync("/api/v1/notifications", new StringContent(
            Larkway.Hub.Sandbox.SandboxGuide.ThreePlatformsBody(TimeProvider.System), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, queued.StatusCode);
        var id = (await queued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var platforms = new Dictionary<string, string>();
        await HubSandbox.WaitUntilAsync(() =>
        {
            var recipients = admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{id}").GetAwaiter().GetResult().GetProperty("recipients").EnumerateArray().ToList();
            platforms = recipients.Where(r => r.GetProperty("status").GetString() == "sent")
                .ToDictionary(r => r.GetProperty("platform").GetString()!, r => r.GetProperty("value").GetString()!);
            return platforms.Count == 3;
        }, "the requisition on three platforms", seconds: 60);
        Assert.Equal("bob", platforms["dingtalk"]);
        Assert.Equal("carol", platforms["wecom"]);
    }

    /// <summary>What the app sent the WeCom member, as the Emulator's control endpoint lists it.</summary>
    private static IReadOnlyList<string> WeComReplies(HubSandbox hub, string user)
    {
        var page = hub.Control.GetFromJsonAsync<JsonElement>($"/_emulator/wecom/users/{user}/messages").GetAwaiter().GetResult();
        return [.. page.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("content").GetRawText())];
    }
}
