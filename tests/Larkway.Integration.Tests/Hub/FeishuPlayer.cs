using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.State;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// Plays Feishu's HTTP side in tests that need control over what is delivered when: duplicates,
/// order, delays. Events describe messages that really exist in the Emulator, so the bot's replies
/// land there. Crypto is written here, independently of the libraries under test.
/// </summary>
internal sealed class FeishuPlayer(HttpClient hub, string encryptKey, string verificationToken, string appId)
{
    /// <summary>The v2 im.message.receive_v1 envelope Feishu would send for <paramref name="message"/>.</summary>
    public static string ReceiveEvent(EmulatorMessage message, EmulatorChat chat, string eventId, string verificationToken, string appId, string tenantKey)
    {
        var envelope = new JsonObject
        {
            ["schema"] = "2.0",
            ["header"] = new JsonObject
            {
                ["event_id"] = eventId,
                ["event_type"] = "im.message.receive_v1",
                ["create_time"] = message.CreateTimeMs.ToString(CultureInfo.InvariantCulture),
                ["token"] = verificationToken,
                ["app_id"] = appId,
                ["tenant_key"] = tenantKey,
            },
            ["event"] = new JsonObject
            {
                ["sender"] = new JsonObject
                {
                    ["sender_id"] = new JsonObject { ["open_id"] = message.Sender.Id },
                    ["sender_type"] = "user",
                    ["tenant_key"] = tenantKey,
                },
                ["message"] = new JsonObject
                {
                    ["message_id"] = message.MessageId,
                    ["create_time"] = message.CreateTimeMs.ToString(CultureInfo.InvariantCulture),
                    ["chat_id"] = chat.ChatId,
                    ["chat_type"] = chat.ChatMode == "p2p" ? "p2p" : "group",
                    ["message_type"] = message.MsgType,
                    ["content"] = message.Content,
                },
            },
        };
        return envelope.ToJsonString();
    }

    public string Verification => verificationToken;

    public string AppId => appId;

    /// <summary>POSTs one event, encrypted and signed with a fresh timestamp and nonce, as each Feishu (re)delivery is.</summary>
    public async Task<HttpResponseMessage> DeliverAsync(string plaintextEnvelope, string path = "/feishu/events")
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, string> { ["encrypt"] = Encrypt(plaintextEnvelope) });
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Guid.NewGuid().ToString("N");
        var signature = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(timestamp + nonce + encryptKey + body)));
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Lark-Request-Timestamp", timestamp);
        request.Headers.Add("X-Lark-Request-Nonce", nonce);
        request.Headers.Add("X-Lark-Signature", signature);
        return await hub.SendAsync(request);
    }

    private string Encrypt(string plaintext)
    {
        using var aes = Aes.Create();
        aes.Key = SHA256.HashData(Encoding.UTF8.GetBytes(encryptKey));
        aes.GenerateIV();
        var cipher = aes.EncryptCbc(Encoding.UTF8.GetBytes(plaintext), aes.IV, PaddingMode.PKCS7);
        return Convert.ToBase64String([.. aes.IV, .. cipher]);
    }
}
