using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Larkway.Emulator.Seed;
using Larkway.Hub.Inbox;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// Clicks on notification cards decide things (approve a requisition), so a signature is not enough: the click must be on
/// a message the Hub sent for that notification, by the person (or a member of the chat) it was sent to. And the
/// verification token that signs old-style callbacks is never stored where it could be read back.
/// </summary>
public sealed class HubCardClickForgeryTests
{
    private static readonly object RequisitionData = new
    {
        requisition = new { number = "PR-2026-0099", title = "Chairs", amount = "¥ 3,000.00", url = "https://erp.example.com/pr/99" },
        requester = new { name = "Bob Li", email = "bob@example.com" },
        approver = new { name = "Alice Chen", email = "alice@example.com" },
    };

    [Fact]
    public async Task An_old_style_callback_signed_with_only_the_verification_token_cannot_approve_for_someone_who_never_got_the_card()
    {
        await using var hub = await HubSandbox.StartAsync();
        var key = await KeyAsync(hub);
        var id = await SendAsync(hub, key, "forge-1", new { email = "alice@example.com" });
        var messageId = await SentMessageAsync(hub, key, id, "alice@example.com");
        var carol = hub.State.Users.Single(u => u.Email == "carol@example.com");

        // On a message that does not exist, as an open_id that never received anything; then on the real message as Carol.
        var onNothing = await ForgeAsync(hub, id, "ou_stranger00000000000000000000001", "om_doesnotexist");
        var asCarol = await ForgeAsync(hub, id, carol.OpenId, messageId);

        onNothing.GetProperty("toast").GetProperty("content").GetString()!.ShouldContain("not sent by the Hub");
        asCarol.GetProperty("toast").GetProperty("content").GetString()!.ShouldContain("Only the people this notification was sent to");
        var status = await StatusAsync(hub, key, id);
        status.GetProperty("actions").GetArrayLength().ShouldBe(0);
        status.TryGetProperty("decision", out var decision).ShouldBeFalse(decision.ToString());

        // The recipient's own click still decides.
        var alice = hub.State.Users.Single(u => u.Email == "alice@example.com");
        var outcome = await hub.ClickAsync(messageId, ApproveValue(hub, messageId), "alice@example.com");
        outcome.GetProperty("toast").GetProperty("type").GetString().ShouldBe("success");
        await HubSandbox.WaitUntilAsync(() => StatusAsync(hub, key, id).GetAwaiter().GetResult().TryGetProperty("decision", out _), "alice's decision");
        (await StatusAsync(hub, key, id)).GetProperty("actions")[0].GetProperty("operator_open_id").GetString().ShouldBe(alice.OpenId);
    }

    [Fact]
    public async Task A_card_sent_to_a_chat_takes_clicks_from_its_members_only()
    {
        await using var hub = await HubSandbox.StartAsync();
        var key = await KeyAsync(hub);
        var chat = hub.State.Chats.Single(c => c.Name == DefaultSeed.EngineeringChatName);
        var id = await SendAsync(hub, key, "forge-chat", new { chat_id = chat.ChatId });
        var messageId = await SentMessageAsync(hub, key, id, chat.ChatId);
        var carol = hub.State.Users.Single(u => u.Email == "carol@example.com");

        var outsider = await ForgeAsync(hub, id, carol.OpenId, messageId);
        outsider.GetProperty("toast").GetProperty("content").GetString()!.ShouldContain("Only the people this notification was sent to");

        var member = await hub.ClickAsync(messageId, ApproveValue(hub, messageId), "bob@example.com");
        member.GetProperty("toast").GetProperty("type").GetString().ShouldBe("success");
        var bob = hub.State.Users.Single(u => u.Email == "bob@example.com");
        await HubSandbox.WaitUntilAsync(() => StatusAsync(hub, key, id).GetAwaiter().GetResult().GetProperty("actions").GetArrayLength() == 1, "bob's click");
        (await StatusAsync(hub, key, id)).GetProperty("actions")[0].GetProperty("operator_open_id").GetString().ShouldBe(bob.OpenId);
    }

    [Fact]
    public async Task No_stored_event_holds_the_verification_token_or_a_card_update_token()
    {
        await using var hub = await HubSandbox.StartAsync();
        var key = await KeyAsync(hub);
        var id = await SendAsync(hub, key, "forge-store", new { email = "alice@example.com" });
        var messageId = await SentMessageAsync(hub, key, id, "alice@example.com");
        await hub.SayToBotAsync("/help");
        await hub.ClickAsync(messageId, ApproveValue(hub, messageId), "alice@example.com");
        await ForgeAsync(hub, id, "ou_stranger00000000000000000000001", messageId, cardToken: "c-secret-update-token");

        var factory = hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var bodies = await db.InboxEvents.AsNoTracking().Select(e => new { e.EventType, e.Body }).ToListAsync();

        bodies.Select(b => b.EventType).ShouldContain("im.message.receive_v1");
        bodies.Select(b => b.EventType).ShouldContain("card.action.trigger");
        bodies.Select(b => b.EventType).ShouldContain("card.action.legacy");
        foreach (var stored in bodies)
        {
            var text = Encoding.UTF8.GetString(stored.Body);
            text.ShouldNotContain(hub.Host.Settings.VerificationToken!, Case.Sensitive, stored.EventType);
            text.ShouldNotContain("c-secret-update-token", Case.Sensitive, stored.EventType);
        }

        var legacy = JsonDocument.Parse(bodies.Single(b => b.EventType == "card.action.legacy").Body).RootElement;
        legacy.GetProperty("token").GetString()!.ShouldStartWith("sha256:");
    }

    [Fact]
    public async Task An_app_can_refuse_old_style_callbacks_the_configured_one_by_setting_and_a_stored_one_through_the_api()
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?> { ["FEISHU_LEGACY_CARD_CALLBACKS"] = "false" });
        var body = LegacyCallback("ou_someone000000000000000000000001", "om_any", "n_1", "c-token");

        using (var refused = await PostSignedLegacyAsync(hub, "/feishu/cards", hub.Host.Settings.VerificationToken!, body))
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            (await refused.Content.ReadAsStringAsync()).ShouldContain("refuses old-style card callbacks");
        }

        const string token = "stored-app-verification-token-01";
        using var admin = Client(hub, HubSandbox.AdminKey);
        using var created = await admin.PostAsJsonAsync("/api/v1/apps", new
        {
            name = "procurement",
            app_id = "cli_a1b2c3d4e5f60009",
            app_secret = "stored-app-secret-0000000000001",
            verification_token = token,
        });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("legacy_card_callbacks").GetBoolean().ShouldBeTrue();
        using (var accepted = await PostSignedLegacyAsync(hub, "/feishu/apps/procurement/cards", token, body))
        {
            accepted.StatusCode.ShouldBe(HttpStatusCode.OK, await accepted.Content.ReadAsStringAsync());
        }

        using var changed = await admin.PatchAsJsonAsync("/api/v1/apps/procurement", new { legacy_card_callbacks = false });
        (await changed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("legacy_card_callbacks").GetBoolean().ShouldBeFalse();
        using (var refused = await PostSignedLegacyAsync(hub, "/feishu/apps/procurement/cards", token, body))
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        // Only the one accepted callback reached the inbox.
        var factory = hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        (await db.InboxEvents.CountAsync(e => e.EventType == "card.action.legacy")).ShouldBe(1);
    }

    /// <summary>An old-style card callback signed the only way it can be: SHA-1 over timestamp, nonce, verification token and body.</summary>
    private static async Task<JsonElement> ForgeAsync(HubSandbox hub, string notificationId, string openId, string messageId, string cardToken = "c-forged")
    {
        using var response = await PostSignedLegacyAsync(hub, "/feishu/cards", hub.Host.Settings.VerificationToken!, LegacyCallback(openId, messageId, notificationId, cardToken));
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static string LegacyCallback(string openId, string messageId, string notificationId, string cardToken) =>
        JsonSerializer.Serialize(new
        {
            open_id = openId,
            user_id = "u_forged",
            open_message_id = messageId,
            tenant_key = "t_forged",
            token = cardToken,
            action = new { tag = "button", value = new Dictionary<string, string> { ["action"] = "approve", ["larkway_notification"] = notificationId, ["larkway_type"] = "requisition.submitted" } },
        });

    private static async Task<HttpResponseMessage> PostSignedLegacyAsync(HubSandbox hub, string path, string verificationToken, string body)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Guid.NewGuid().ToString("N");
#pragma warning disable CA5350 // Feishu signs old-style card callbacks with SHA-1; the test plays the attacker.
        var signature = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(timestamp + nonce + verificationToken + body)));
#pragma warning restore CA5350
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Lark-Request-Timestamp", timestamp);
        request.Headers.Add("X-Lark-Request-Nonce", nonce);
        request.Headers.Add("X-Lark-Signature", signature);
        return await hub.Api.SendAsync(request);
    }

    private static JsonElement ApproveValue(HubSandbox hub, string messageId)
    {
        using var content = JsonDocument.Parse(hub.State.FindMessage(messageId)!.SendContent);
        var found = Find(content.RootElement);
        return found ?? throw new InvalidOperationException("no approve button on the card");

        static JsonElement? Find(JsonElement node)
        {
            if (node.ValueKind == JsonValueKind.Object)
            {
                if (node.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Object
                    && value.TryGetProperty("action", out var action) && action.GetString() == "approve")
                {
                    return value.Clone();
                }

                foreach (var property in node.EnumerateObject())
                {
                    if (Find(property.Value) is { } inner)
                    {
                        return inner;
                    }
                }
            }
            else if (node.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in node.EnumerateArray())
                {
                    if (Find(item) is { } inner)
                    {
                        return inner;
                    }
                }
            }

            return null;
        }
    }

    private static async Task<string> KeyAsync(HubSandbox hub)
    {
        using var admin = Client(hub, HubSandbox.AdminKey);
        using var response = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "erp", types = new[] { "requisition.*" } });
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    private static async Task<string> SendAsync(HubSandbox hub, string key, string idempotencyKey, object recipient)
    {
        using var client = Client(hub, key);
        using var response = await client.PostAsJsonAsync("/api/v1/notifications", new
        {
            type = "requisition.submitted",
            idempotency_key = idempotencyKey,
            data = RequisitionData,
            recipients = new[] { recipient },
        });
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>The message id of the delivery to <paramref name="recipient"/> (the type adds its own recipients too).</summary>
    private static async Task<string> SentMessageAsync(HubSandbox hub, string key, string id, string recipient)
    {
        JsonElement status = default;
        await HubSandbox.WaitUntilAsync(() => (status = StatusAsync(hub, key, id).GetAwaiter().GetResult()).GetProperty("status").GetString() == "sent", "sent");
        return status.GetProperty("recipients").EnumerateArray().Single(r => r.GetProperty("value").GetString() == recipient).GetProperty("message_id").GetString()!;
    }

    private static async Task<JsonElement> StatusAsync(HubSandbox hub, string key, string id)
    {
        using var client = Client(hub, key);
        return await client.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{id}");
    }

    private static HttpClient Client(HubSandbox hub, string key)
    {
        var client = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
