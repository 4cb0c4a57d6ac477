using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Feishu;
using Larkway.Feishu.Im;
using Larkway.Hub.Apps;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub;

/// <summary>Apps added at run time: the API, "test connection" against the Emulator, and their own event and card endpoints.</summary>
public sealed class HubAppsTests
{
    private const string SecondAppId = "cli_5ec0nd0a9900aa01";
    private const string SecondAppSecret = "second-app-secret-for-hub-apps-01";
    private const string SecondEncryptKey = "second-app-encrypt-key";
    private const string SecondToken = "second-app-verification-token";

    [Fact]
    public async Task The_api_adds_an_app_never_shows_its_secrets_and_tests_its_connection_with_Feishus_exact_error()
    {
        await using var emulator = await StartEmulatorAsync();
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook");
        using var admin = Client(hub, HubSandbox.AdminKey);

        var created = await admin.PostAsJsonAsync("/api/v1/apps", SecondApp(emulator));
        var createdText = await created.Content.ReadAsStringAsync();
        created.StatusCode.ShouldBe(HttpStatusCode.Created, createdText);
        createdText.ShouldNotContain(SecondAppSecret);
        createdText.ShouldNotContain(SecondEncryptKey);
        createdText.ShouldNotContain(SecondToken);
        var app = JsonDocument.Parse(createdText).RootElement;
        app.GetProperty("app_secret_set").GetBoolean().ShouldBeTrue();
        app.GetProperty("events_url").GetString().ShouldBe(new Uri(hub.Host.BaseUrl, "/feishu/apps/second/events").ToString());
        app.GetProperty("cards_url").GetString().ShouldBe(new Uri(hub.Host.BaseUrl, "/feishu/apps/second/cards").ToString());
        app.GetProperty("permissions").GetProperty("scopes").EnumerateArray().Select(s => s.GetProperty("scope").GetString())
            .ShouldContain("im:message:send_as_bot");

        var list = await admin.GetFromJsonAsync<JsonElement>("/api/v1/apps");
        list.GetProperty("items").EnumerateArray().Select(a => (a.GetProperty("name").GetString(), a.GetProperty("read_only").GetBoolean()))
            .ShouldBe([("default", true), ("second", false)]);
        (await admin.GetFromJsonAsync<JsonElement>("/api/v1/apps/default/scopes")).GetProperty("features").EnumerateArray()
            .Select(f => f.GetString()).ShouldContain("bot");

        var ok = await admin.PostAsync("/api/v1/apps/second/test", null);
        var okBody = await ok.Content.ReadFromJsonAsync<JsonElement>();
        ok.StatusCode.ShouldBe(HttpStatusCode.OK);
        okBody.GetProperty("ok").GetBoolean().ShouldBeTrue(okBody.ToString());
        okBody.GetProperty("bot").GetProperty("name").GetString().ShouldBe("Second Bot");
        okBody.GetProperty("bot").GetProperty("open_id").GetString().ShouldStartWith("ou_");

        // A wrong secret: the exact Feishu error (the Emulator answers like Feishu), as data, not a 500.
        (await admin.PatchAsJsonAsync("/api/v1/apps/second", new { app_secret = "not-the-secret" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var failed = await (await admin.PostAsync("/api/v1/apps/second/test", null)).Content.ReadFromJsonAsync<JsonElement>();
        failed.GetProperty("ok").GetBoolean().ShouldBeFalse();
        failed.GetProperty("code").GetInt32().ShouldBe(10015);
        failed.GetProperty("msg").GetString().ShouldNotBeNullOrEmpty();
        failed.GetProperty("hint").GetString()!.ShouldContain("App Secret");

        // Unreachable base URL: a clear network error.
        (await admin.PatchAsJsonAsync("/api/v1/apps/second", new { base_url = "http://127.0.0.1:9", app_secret = "not-the-secret" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var down = await (await admin.PostAsync("/api/v1/apps/second/test", null)).Content.ReadFromJsonAsync<JsonElement>();
        down.GetProperty("ok").GetBoolean().ShouldBeFalse();
        down.GetProperty("error").GetString()!.ShouldContain("127.0.0.1:9");

        var invalid = await admin.PostAsJsonAsync("/api/v1/apps", new { name = "Bad Name", app_id = "", base_url = "nope" });
        invalid.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var errors = (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToArray();
        errors.ShouldBe(["name", "app_id", "base_url", "app_secret"], ignoreOrder: true);
        (await admin.PostAsync("/api/v1/apps", new StringContent("{\"enabled\":\"yes\"}", Encoding.UTF8, "application/json"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await admin.PostAsJsonAsync("/api/v1/apps", SecondApp(emulator))).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await admin.GetAsync("/api/v1/apps/nope")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await admin.PostAsync("/api/v1/apps/nope/test", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await admin.DeleteAsync("/api/v1/apps/default")).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        using (var anonymous = Client(hub, null))
        {
            (await anonymous.GetAsync("/api/v1/apps")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        (await admin.DeleteAsync("/api/v1/apps/second")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await admin.GetAsync("/api/v1/apps/second")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_stored_apps_events_land_in_the_inbox_under_its_name_and_its_card_clicks_reach_webhook_subscribers()
    {
        await using var emulator = await StartEmulatorAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", new Dictionary<string, string?> { ["Larkway:Webhooks:PollInterval"] = "00:00:00.050" });
        using var admin = Client(hub, HubSandbox.AdminKey);
        (await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url("/all").ToString(), event_types = new[] { "*" } })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/v1/apps", SecondApp(emulator))).StatusCode.ShouldBe(HttpStatusCode.Created);

        // As in the developer console: the Emulator checks both URLs with a url_verification challenge first.
        await EmulatorPutAsync(hub, $"/_emulator/apps/{SecondAppId}/event-subscription", new
        {
            url = new Uri(hub.Host.BaseUrl, "/feishu/apps/second/events").ToString(),
            encrypt_key = SecondEncryptKey,
            verification_token = SecondToken,
        });
        await EmulatorPutAsync(hub, $"/_emulator/apps/{SecondAppId}/callback", new { url = new Uri(hub.Host.BaseUrl, "/feishu/apps/second/cards").ToString() });

        using var sent = await hub.Control.PostAsJsonAsync($"/_emulator/apps/{SecondAppId}/p2p-messages",
            new { sender = "alice@example.com", msg_type = "text", content = new { text = "hello second bot" } });
        sent.EnsureSuccessStatusCode();
        var messageId = (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetProperty("message_id").GetString()!;

        await WaitForAsync(async () => (await admin.GetFromJsonAsync<JsonElement>("/api/v1/events?type=im.message.receive_v1"))
            .GetProperty("items").EnumerateArray().Any(e => e.GetProperty("app").GetString() == "second"), "the message in the inbox under 'second'");
        await HubSandbox.WaitUntilAsync(() => receiver.At("/all").Any(r => Type(r) == "im.message.receive_v1"), "the message forwarded");
        App(receiver.At("/all").First(r => Type(r) == "im.message.receive_v1")).ShouldBe("second");

        // The Hub's client for the app sends a card; a click on it comes back to the app's card URL.
        var client = await hub.Host.App.Services.GetRequiredService<IFeishuClientFactory>().GetClientAsync("second");
        var chatId = hub.State.FindMessage(messageId)!.ChatId;
        var card = await client.Im.Messages.SendAsync(ReceiveId.Chat(chatId), MessageContent.Card(
            """{"config":{"update_multi":true},"elements":[{"tag":"action","actions":[{"tag":"button","text":{"tag":"plain_text","content":"OK"},"value":{"action":"ok"}}]}]}"""));
        var outcome = await hub.ClickAsync(card.MessageId, new { action = "ok" });
        outcome.ToString().ShouldNotContain("error_code\":2");

        await HubSandbox.WaitUntilAsync(() => receiver.At("/all").Any(r => Type(r) == "card.action.trigger"), "the card click forwarded");
        App(receiver.At("/all").First(r => Type(r) == "card.action.trigger")).ShouldBe("second");
    }

    [Fact]
    public async Task Forged_or_misaddressed_requests_to_a_stored_apps_endpoints_are_refused()
    {
        await using var emulator = await StartEmulatorAsync();
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook");
        using var admin = Client(hub, HubSandbox.AdminKey);
        (await admin.PostAsJsonAsync("/api/v1/apps", SecondApp(emulator))).StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = """{"schema":"2.0","header":{"event_id":"ev_forged","event_type":"test.custom_v1","create_time":"1700000000000","token":"second-app-verification-token","app_id":"cli_5ec0nd0a9900aa01","tenant_key":"t"},"event":{}}""";

        // Signed with the wrong encrypt key: 401, and nothing reaches the inbox.
        using (var forged = Signed(body, "not-the-encrypt-key"))
        {
            var response = await hub.Api.PostAsync("/feishu/apps/second/events", forged);
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        using (var right = Signed(body, SecondEncryptKey))
        {
            // The same body signed with the second app's key is accepted, but not at another app's URL.
            (await hub.Api.PostAsync("/feishu/events", Signed(body, SecondEncryptKey))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            var unknown = await hub.Api.PostAsync("/feishu/apps/nope/events", Signed(body, SecondEncryptKey));
            unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
            (await unknown.Content.ReadAsStringAsync()).ShouldContain("no Feishu app named 'nope'");
            (await hub.Api.PostAsync("/feishu/apps/second/events", right)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await admin.PatchAsJsonAsync("/api/v1/apps/second", new { enabled = false })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var disabled = await hub.Api.PostAsync("/feishu/apps/second/cards", Signed(body, SecondEncryptKey));
        disabled.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await disabled.Content.ReadAsStringAsync()).ShouldContain("disabled");

        var events = await admin.GetFromJsonAsync<JsonElement>("/api/v1/events");
        events.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("app").GetString() == "second").Count().ShouldBe(1);
    }

    [Fact]
    public async Task A_changed_encrypt_key_is_checked_at_once_and_the_old_one_refused()
    {
        await using var emulator = await StartEmulatorAsync();
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook");
        using var admin = Client(hub, HubSandbox.AdminKey);
        (await admin.PostAsJsonAsync("/api/v1/apps", SecondApp(emulator))).StatusCode.ShouldBe(HttpStatusCode.Created);
        const string newKey = "second-app-encrypt-key-rotated";
        static string Body(string id) => $$$"""{"schema":"2.0","header":{"event_id":"{{{id}}}","event_type":"test.custom_v1","create_time":"1700000000000","token":"second-app-verification-token","app_id":"cli_5ec0nd0a9900aa01","tenant_key":"t"},"event":{}}""";

        // The endpoint's keys are read (and cached) once before the change.
        (await hub.Api.PostAsync("/feishu/apps/second/events", Signed(Body("ev_before"), SecondEncryptKey))).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await admin.PatchAsJsonAsync("/api/v1/apps/second", new { encrypt_key = newKey })).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await hub.Api.PostAsync("/feishu/apps/second/events", Signed(Body("ev_old_key"), SecondEncryptKey))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await hub.Api.PostAsync("/feishu/apps/second/events", Signed(Body("ev_new_key"), newKey))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_notification_naming_a_stored_app_is_sent_by_that_apps_bot_and_an_unknown_app_is_refused()
    {
        await using var emulator = await StartEmulatorAsync();
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook");
        using var admin = Client(hub, HubSandbox.AdminKey);
        (await admin.PostAsJsonAsync("/api/v1/apps", SecondApp(emulator))).StatusCode.ShouldBe(HttpStatusCode.Created);
        const string card = """{"elements":[{"tag":"div","text":{"tag":"plain_text","content":"From the second app"}}]}""";

        using var unknown = await admin.PostAsync("/api/v1/notifications", Json($$"""{"type":"ops.note","idempotency_key":"n-unknown","app":"nope","card":{{card}},"recipients":[{"email":"alice@example.com"}]}"""));
        unknown.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await unknown.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors")[0].GetProperty("field").GetString().ShouldBe("app");
        problem.GetProperty("errors")[0].GetProperty("message").GetString()!.ShouldContain("no app named 'nope'");

        // Alice's email is looked up with the second app's client: open_ids are per app.
        using var accepted = await admin.PostAsync("/api/v1/notifications", Json($$"""{"type":"ops.note","idempotency_key":"n-second","app":"second","card":{{card}},"recipients":[{"email":"alice@example.com"}]}"""));
        accepted.StatusCode.ShouldBe(HttpStatusCode.Accepted, await accepted.Content.ReadAsStringAsync());
        var id = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        JsonElement status = default;
        await WaitForAsync(async () =>
        {
            status = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{id}");
            return status.GetProperty("status").GetString() is "sent" or "failed";
        }, "the notification sent");
        status.GetProperty("status").GetString().ShouldBe("sent", status.ToString());
        status.GetProperty("app").GetString().ShouldBe("second");
        var message = hub.State.FindMessage(status.GetProperty("recipients")[0].GetProperty("message_id").GetString()!)!;
        message.Sender.SenderType.ShouldBe("app");
        message.Sender.Id.ShouldBe(SecondAppId);

        // Only the app that sent a notification answers clicks on it: another app's card carrying its reference is refused.
        await EmulatorPutAsync(hub, $"/_emulator/apps/{SecondAppId}/event-subscription", new
        {
            url = new Uri(hub.Host.BaseUrl, "/feishu/apps/second/events").ToString(),
            encrypt_key = SecondEncryptKey,
            verification_token = SecondToken,
        });
        await EmulatorPutAsync(hub, $"/_emulator/apps/{SecondAppId}/callback", new { url = new Uri(hub.Host.BaseUrl, "/feishu/apps/second/cards").ToString() });
        using var byDefault = await admin.PostAsync("/api/v1/notifications", Json($$"""{"type":"ops.note","idempotency_key":"n-default","card":{{card}},"recipients":[{"email":"alice@example.com"}]}"""));
        byDefault.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var defaultId = (await byDefault.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var second = await hub.Host.App.Services.GetRequiredService<IFeishuClientFactory>().GetClientAsync("second");
        var copy = await second.Im.Messages.SendAsync(ReceiveId.Chat(message.ChatId), MessageContent.Card(
            $$$"""{"config":{"update_multi":true},"elements":[{"tag":"action","actions":[{"tag":"button","text":{"tag":"plain_text","content":"OK"},"value":{"action":"ok","larkway_notification":"{{{defaultId}}}","larkway_type":"ops.note"}}]}]}"""));
        var outcome = await hub.ClickAsync(copy.MessageId, new { action = "ok", larkway_notification = defaultId, larkway_type = "ops.note" });
        outcome.GetProperty("toast").GetProperty("content").GetString()!.ShouldContain("no longer on record");
        (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{defaultId}")).GetProperty("actions").GetArrayLength().ShouldBe(0);

        (await admin.PatchAsJsonAsync("/api/v1/apps/second", new { enabled = false })).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var disabled = await admin.PostAsync("/api/v1/notifications", Json($$"""{"type":"ops.note","idempotency_key":"n-disabled","app":"second","card":{{card}},"recipients":[{"email":"alice@example.com"}]}"""));
        disabled.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await disabled.Content.ReadAsStringAsync()).ShouldContain("disabled");
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static object SecondApp(EmulatorServer emulator) => new
    {
        name = "second",
        app_id = SecondAppId,
        app_secret = SecondAppSecret,
        base_url = emulator.BaseUrl.ToString(),
        encrypt_key = SecondEncryptKey,
        verification_token = SecondToken,
    };

    private static async Task<EmulatorServer> StartEmulatorAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), $"larkway-apps-seed-{Guid.NewGuid():N}.json");
        var seed = new
        {
            users = new object[] { new { name = "Alice Chen", email = "alice@example.com" } },
            apps = new object[] { new { app_id = SecondAppId, app_secret = SecondAppSecret, bot_name = "Second Bot" } },
        };
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(seed));
        return await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0, SeedFile = path });
    }

    private static async Task EmulatorPutAsync(HubSandbox hub, string path, object body)
    {
        using var response = await hub.Control.PutAsJsonAsync(path, body);
        response.IsSuccessStatusCode.ShouldBeTrue(await response.Content.ReadAsStringAsync());
    }

    /// <summary>A body signed the way Feishu signs events: sha256(timestamp + nonce + encrypt key + body), hex.</summary>
    private static ByteArrayContent Signed(string body, string encryptKey)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        const string nonce = "n0nce";
        var signature = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(timestamp + nonce + encryptKey + body)));
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.Add("X-Lark-Request-Timestamp", timestamp);
        content.Headers.Add("X-Lark-Request-Nonce", nonce);
        content.Headers.Add("X-Lark-Signature", signature);
        return content;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!await condition())
        {
            try
            {
                await Task.Delay(50, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Gave up waiting for: {what}");
            }
        }
    }

    private static string? Type(ReceivedWebhook request)
    {
        using var document = JsonDocument.Parse(request.Body);
        return document.RootElement.GetProperty("type").GetString();
    }

    private static string? App(ReceivedWebhook request)
    {
        using var document = JsonDocument.Parse(request.Body);
        return document.RootElement.GetProperty("app").GetString();
    }

    private static HttpClient Client(HubSandbox hub, string? key)
    {
        var client = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }
}
