using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.State;
using Larkway.Integration.Tests.Infrastructure;

namespace Larkway.Integration.Tests.Compatibility;

/// <summary>
/// The official <c>@larksuiteoapi/node-sdk</c> receiving the Emulator's events, unchanged: over the long
/// connection (WSClient + EventDispatcher, including a reconnect after a dropped connection) and over
/// HTTP (EventDispatcher behind Node's http server, signed and encrypted).
/// </summary>
public sealed class NodeSdkEventCompatibilityTests
{
    private const string VerificationToken = "vt_compat_7Qm2";
    private const string EncryptKey = "compat-encrypt-key-9XkL";

    private static readonly string CompatDirectory = Path.Combine(RepoPaths.Root, "tests", "compat", "node-sdk");

    [Fact]
    public async Task Node_sdk_WSClient_receives_events_acks_them_and_reconnects_after_a_drop()
    {
        RequireNodeSdk();
        var options = new EmulatorOptions { Port = 0 };
        options.LongConnection.PingIntervalSeconds = 1;
        options.LongConnection.ReconnectIntervalSeconds = 1;
        options.LongConnection.ReconnectNonceSeconds = 1;
        await using var emulator = await EmulatorServer.StartAsync(options);
        emulator.State.SetEventSubscription(EventSubscription.LongConnection(options.AppId, null, VerificationToken));
        using var http = new HttpClient { BaseAddress = emulator.BaseUrl };

        await using var node = NodeScript.Start(CompatDirectory, "events-ws.mjs", emulator.BaseUrl.ToString().TrimEnd('/'), options.AppId, options.AppSecret, "2");
        await node.NextAsync("ready");

        var firstMessage = await PostP2pAsync(http, options.AppId, "over the long connection");
        var first = await node.NextAsync("event");
        Assert.Equal(firstMessage, first.GetProperty("message_id").GetString());
        Assert.Equal(VerificationToken, first.GetProperty("token").GetString());
        Assert.Equal("over the long connection", first.GetProperty("text").GetString());
        var firstAck = await WaitForAckAsync(emulator, first.GetProperty("event_id").GetString()!);

        // A dropped connection: the SDK re-fetches the endpoint (a new ticket and device id) and reconnects.
        using (var drop = await http.PostAsJsonAsync("/_emulator/long-connection/faults", new { app_id = options.AppId, kind = "drop" }))
        {
            drop.EnsureSuccessStatusCode();
        }

        await node.NextAsync("reconnected");
        var secondMessage = await PostP2pAsync(http, options.AppId, "after the reconnect");
        var second = await node.NextAsync("event");
        Assert.Equal(secondMessage, second.GetProperty("message_id").GetString());
        var secondAck = await WaitForAckAsync(emulator, second.GetProperty("event_id").GetString()!);
        Assert.NotEqual(firstAck.Connection, secondAck.Connection);

        await node.NextAsync("done");
        Assert.Equal(0, await node.ExitCodeAsync());
    }

    [Fact]
    public async Task Node_sdk_EventDispatcher_accepts_the_signed_encrypted_http_push_unchanged()
    {
        RequireNodeSdk();
        var options = new EmulatorOptions { Port = 0 };
        await using var emulator = await EmulatorServer.StartAsync(options);
        using var http = new HttpClient { BaseAddress = emulator.BaseUrl };
        await using var node = NodeScript.Start(CompatDirectory, "events-http.mjs", EncryptKey, VerificationToken, "1");
        var url = (await node.NextAsync("url")).GetString();

        // Saving the URL sends an encrypted url_verification the SDK answers (autoChallenge).
        using (var put = await http.PutAsJsonAsync($"/_emulator/apps/{options.AppId}/event-subscription", new { url, encrypt_key = EncryptKey, verification_token = VerificationToken }))
        {
            var body = await put.Content.ReadAsStringAsync();
            Assert.True(put.IsSuccessStatusCode, body);
        }

        var messageId = await PostP2pAsync(http, options.AppId, "signed and encrypted");
        var received = await node.NextAsync("event");

        // The handler only runs when the SDK's signature check passed and the body decrypted.
        Assert.Equal(messageId, received.GetProperty("message_id").GetString());
        Assert.Equal(VerificationToken, received.GetProperty("token").GetString());
        Assert.Equal("signed and encrypted", received.GetProperty("text").GetString());
        var ack = await WaitForAckAsync(emulator, received.GetProperty("event_id").GetString()!);
        Assert.Null(ack.Connection);
        await node.NextAsync("done");
        Assert.Equal(0, await node.ExitCodeAsync());
    }

    private static void RequireNodeSdk() =>
        Assert.True(
            Directory.Exists(Path.Combine(CompatDirectory, "node_modules", "@larksuiteoapi", "node-sdk")),
            "the node-sdk is not installed: run scripts/install-test-deps.sh (scripts/test.sh does)");

    private static async Task<string> PostP2pAsync(HttpClient http, string appId, string text)
    {
        using var response = await http.PostAsJsonAsync($"/_emulator/apps/{appId}/p2p-messages", new { sender = "alice@example.com", msg_type = "text", content = new { text } });
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(0, json.RootElement.GetProperty("code").GetInt32());
        return json.RootElement.GetProperty("data").GetProperty("message_id").GetString()!;
    }

    /// <summary>Waits (a hang guard, not a timing check) until the Emulator logged a successful attempt.</summary>
    private static async Task<Larkway.Emulator.Events.DeliveryAttempt> WaitForAckAsync(EmulatorServer emulator, string eventId)
    {
        for (var i = 0; i < 1500; i++)
        {
            if (emulator.Deliveries.AttemptsOf(eventId).FirstOrDefault(a => a.Success) is { } attempt)
            {
                return attempt;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"the Emulator saw no successful delivery of {eventId}: {string.Join("; ", emulator.Deliveries.AttemptsOf(eventId))}");
    }
}
