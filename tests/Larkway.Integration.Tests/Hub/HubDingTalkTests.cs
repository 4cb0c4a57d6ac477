using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Integration.Tests.DingTalk;
using Shouldly;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// A DingTalk app stored in the Hub, against the Emulator's DingTalk over the real wire: its Stream connection held by the
/// Hub, robot messages stored once and answered by the bot, the HTTP callback's two signed modes and their refusals.
/// </summary>
public sealed class HubDingTalkTests
{
    private const string AppName = "dt-org";
    private const string Token = "larkwaytoken";

    // 43 Base64 characters: a 32-byte key without its padding.
    private const string AesKey = "Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7";

    [Fact]
    public async Task A_DingTalk_app_added_through_the_API_connects_over_Stream_and_its_bot_answers_each_message_once()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook");
        using var admin = Admin(hub);
        using var stream = new DingTalkStreamControl(emulator.BaseUrl, EmulatorOptions.DefaultDingTalkAppKey);

        var app = await AddAppAsync(admin, emulator);
        app.GetProperty("platform").GetString().ShouldBe("dingtalk");
        app.GetProperty("events_url").GetString()!.ShouldEndWith($"/dingtalk/apps/{AppName}/callback");
        app.GetProperty("permissions").GetProperty("scopes").EnumerateArray().Select(s => s.GetProperty("scope").GetString()).ShouldContain("qyapi_robot_sendmsg");
        var test = await (await admin.PostAsync($"/api/v1/apps/{AppName}/test", null)).Content.ReadFromJsonAsync<JsonElement>();
        test.GetProperty("ok").GetBoolean().ShouldBeTrue(test.ToString());

        await HubSandbox.WaitUntilAsync(() => stream.OpenConnectionIdsAsync().GetAwaiter().GetResult().Count > 0, "the Hub's Stream connection", seconds: 60);
        var msgId = await stream.RobotMessageAsync("/help");
        await HubSandbox.WaitUntilAsync(() => Replies(stream).Count(r => r.Contains("Commands:", StringComparison.Ordinal)) == 1, "the bot's /help answer", seconds: 60);

        // The same message again (DingTalk redelivers; the HTTP mode may bring it too): stored once, answered once.
        var body = JsonSerializer.Serialize(new { msgId, conversationId = "cid-alice", conversationType = "1", senderStaffId = "alice", senderId = "$:LWCP_v1:$alice", text = new { content = "/help" }, msgtype = "text" });
        using var again = await SignedAsync(hub, body, emulator);
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        var events = await EventsAsync(admin, "dingtalk.robot_message");
        events.Count.ShouldBe(1);
        events[0].GetProperty("app").GetString().ShouldBe(AppName);
        events[0].GetProperty("transport").GetString().ShouldBe("dingtalk_stream");

        // A command's answer comes back to the same conversation.
        await stream.RobotMessageAsync("/echo hello from DingTalk");
        await HubSandbox.WaitUntilAsync(() => Replies(stream).Any(r => r.Contains("hello from DingTalk", StringComparison.Ordinal)), "the echo", seconds: 60);
        Replies(stream).Count(r => r.Contains("Commands:", StringComparison.Ordinal)).ShouldBe(1);
    }

    [Fact]
    public async Task The_callback_verifies_the_outgoing_robot_and_the_encrypted_event_subscription_and_says_what_is_wrong()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook");
        using var admin = Admin(hub);
        await AddAppAsync(admin, emulator, new { encrypt_key = AesKey, verification_token = Token });
        var message = JsonSerializer.Serialize(new { msgId = "msg-http-1", conversationId = "cid-bob", conversationType = "1", senderStaffId = "bob", text = new { content = "hi" }, msgtype = "text" });

        using var unknown = await hub.Api.PostAsync("/dingtalk/apps/nobody/callback", Json(message));
        using var unsigned = await hub.Api.PostAsync($"/dingtalk/apps/{AppName}/callback", Json(message));
        using var forged = await SignedAsync(hub, message, emulator, secret: "not-the-app-secret");
        using var signed = await SignedAsync(hub, message, emulator);
        using var notJson = await SignedAsync(hub, "{\"msgId\":", emulator);

        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await ProblemAsync(unknown)).ShouldContain("no DingTalk app named 'nobody'");
        unsigned.StatusCode.ShouldBe(HttpStatusCode.BadRequest, "no sign headers and no encrypt: neither mode");
        forged.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await ProblemAsync(forged)).ShouldContain("sign header does not match");
        signed.StatusCode.ShouldBe(HttpStatusCode.OK);
        notJson.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await EventsAsync(admin, "dingtalk.robot_message")).Single().GetProperty("transport").GetString().ShouldBe("dingtalk_callback");

        // The Emulator's own event subscription: saved only when the Hub answers check_url with the encrypted success,
        // then an event arrives encrypted for the app and is stored.
        var subscription = $"/_emulator/dingtalk/apps/{EmulatorOptions.DefaultDingTalkAppKey}/event-subscription";
        using var wrongToken = await hub.Control.PutAsJsonAsync(subscription, new { url = new Uri(hub.Host.BaseUrl, $"/dingtalk/apps/{AppName}/callback"), token = "another-token", aesKey = AesKey });
        using var saved = await hub.Control.PutAsJsonAsync(subscription, new { url = new Uri(hub.Host.BaseUrl, $"/dingtalk/apps/{AppName}/callback"), token = Token, aesKey = AesKey });
        wrongToken.StatusCode.ShouldBe(HttpStatusCode.BadRequest, "the Hub refuses a signature made with another token");
        saved.StatusCode.ShouldBe(HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());
        using var raised = await hub.Control.PostAsJsonAsync($"/_emulator/dingtalk/apps/{EmulatorOptions.DefaultDingTalkAppKey}/events", new { eventType = "user_add_org", data = new { UserId = new[] { "carol" } } });
        raised.EnsureSuccessStatusCode();
        await HubSandbox.WaitUntilAsync(() => EventsAsync(admin, "dingtalk.event.user_add_org").GetAwaiter().GetResult().Count == 1, "the event in the inbox");
        (await EventsAsync(admin, "dingtalk.event.check_url")).ShouldBeEmpty("the URL check is answered, not stored");
    }

    private static HttpClient Admin(HubSandbox hub)
    {
        var admin = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        return admin;
    }

    private static async Task<JsonElement> AddAppAsync(HttpClient admin, EmulatorServer emulator, object? extra = null)
    {
        var fields = new Dictionary<string, object?>
        {
            ["name"] = AppName,
            ["platform"] = "dingtalk",
            ["app_id"] = EmulatorOptions.DefaultDingTalkAppKey,
            ["app_secret"] = EmulatorOptions.DefaultDingTalkAppSecret,
            ["base_url"] = new Uri(emulator.BaseUrl, "/dingtalk").AbsoluteUri,
            ["agent_id"] = 3000000001,
        };
        foreach (var property in JsonSerializer.SerializeToElement(extra ?? new { }).EnumerateObject())
        {
            fields[property.Name] = property.Value;
        }

        using var added = await admin.PostAsJsonAsync("/api/v1/apps", fields);
        var body = await added.Content.ReadAsStringAsync();
        added.StatusCode.ShouldBe(HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Posts as DingTalk's outgoing robot: <c>timestamp</c> and <c>sign</c> = Base64(HMAC-SHA256(secret, timestamp + "\n" + secret)).</summary>
    private static async Task<HttpResponseMessage> SignedAsync(HubSandbox hub, string body, EmulatorServer emulator, string? secret = null)
    {
        secret ??= EmulatorOptions.DefaultDingTalkAppSecret;
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var sign = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "\n" + secret)));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/dingtalk/apps/{AppName}/callback") { Content = Json(body) };
        request.Headers.Add("timestamp", timestamp);
        request.Headers.Add("sign", sign);
        _ = emulator;
        return await hub.Api.SendAsync(request);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<string> ProblemAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;

    private static IReadOnlyList<string> Replies(DingTalkStreamControl stream) =>
        [.. stream.SessionRepliesAsync().GetAwaiter().GetResult().Select(r => r.GetRawText())];

    private static async Task<IReadOnlyList<JsonElement>> EventsAsync(HttpClient admin, string type)
    {
        var page = await admin.GetFromJsonAsync<JsonElement>("/api/v1/events?type=" + Uri.EscapeDataString(type));
        return [.. page.GetProperty("items").EnumerateArray().Select(e => e.Clone())];
    }
}
