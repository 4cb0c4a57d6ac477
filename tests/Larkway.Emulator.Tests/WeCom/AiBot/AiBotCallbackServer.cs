using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Larkway.Emulator.Tests.WeCom.AiBot;

/// <summary>
/// An AI bot's callback server on 127.0.0.1:0 (real Kestrel) with its own crypto, written here from the documentation
/// (AES-256-CBC, ReceiveId "", SHA-1 msg_signature), independent of the emulator's: answers the URL check, checks and
/// decrypts the JSON envelopes, and answers what <see cref="Respond"/> says (by default an empty 200).
/// </summary>
internal sealed class AiBotCallbackServer : IAsyncDisposable
{
    public const string DefaultToken = "AiBotToken42";
    public const string DefaultAesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<JsonObject> _received = new();
    private int _posts;
    private int _refused;

    private AiBotCallbackServer(WebApplication app, string token, string aesKey)
    {
        _app = app;
        Token = token;
        AesKey = aesKey;
        Key = Convert.FromBase64String(aesKey + "=");
    }

    public string Token { get; }

    public string AesKey { get; }

    private byte[] Key { get; }

    public Uri Url { get; private set; } = null!;

    /// <summary>Decides the answer to post n (0-based) given its decrypted JSON; null answers an empty 200.</summary>
    public Func<int, JsonObject, CancellationToken, Task<IResult?>>? Respond { get; set; }

    /// <summary>Decrypted JSON of every post whose signature held, in order of arrival.</summary>
    public IReadOnlyList<JsonObject> Received => [.. _received];

    /// <summary>Posts refused for a wrong signature.</summary>
    public int Refused => _refused;

    public static async Task<AiBotCallbackServer> StartAsync(string token = DefaultToken, string aesKey = DefaultAesKey)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new AiBotCallbackServer(app, token, aesKey);
        app.MapGet("/aibot/callback", (Delegate)server.Verify);
        app.MapPost("/aibot/callback", (Delegate)server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Url = new Uri(address + "/aibot/callback");
        return server;
    }

    /// <summary>The body of <c>POST /_emulator/wecom/aibot/callback</c> for this server.</summary>
    public object Settings(string? botId = null) => new { bot_id = botId, url = Url, token = Token, encoding_aes_key = AesKey };

    /// <summary>An encrypted passive reply as document 101033 shapes it: {encrypt, msgsignature, timestamp, nonce}.</summary>
    public IResult PassiveReply(JsonObject reply, bool breakSignature = false)
    {
        var encrypted = Encrypt(reply.ToJsonString());
        const long timestamp = 1718000000;
        const string nonce = "1372623149";
        var signature = Sign(timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), nonce, encrypted);
        var envelope = new JsonObject { ["encrypt"] = encrypted, ["msgsignature"] = breakSignature ? Broken(signature) : signature, ["timestamp"] = timestamp, ["nonce"] = nonce };
        return Results.Text(envelope.ToJsonString(), "application/json");
    }

    /// <summary>The signature with its first character changed (to another one always: "0" + the rest was the same signature one time in 16).</summary>
    private static string Broken(string signature) => (signature[0] == '0' ? "1" : "0") + signature[1..];

    public static JsonObject Stream(string id, string content, bool finish) =>
        new() { ["msgtype"] = "stream", ["stream"] = new JsonObject { ["id"] = id, ["finish"] = finish, ["content"] = content } };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private string Sign(string timestamp, string nonce, string encrypted)
    {
        var parts = new[] { Token, timestamp, nonce, encrypted };
        Array.Sort(parts, StringComparer.Ordinal);
#pragma warning disable CA5350 // the protocol's SHA-1
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(parts))));
#pragma warning restore CA5350
    }

    private string Decrypt(string encrypted)
    {
        using var aes = Aes.Create();
        aes.Key = Key;
        var plain = aes.DecryptCbc(Convert.FromBase64String(encrypted), Key.AsSpan(0, 16), PaddingMode.None);
        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(plain.AsSpan(16));
        var receiveIdLength = plain.Length - plain[^1] - 20 - length;
        return receiveIdLength == 0 ? Encoding.UTF8.GetString(plain, 20, length) : throw new InvalidOperationException("an AI bot's ReceiveId is empty");
    }

    private string Encrypt(string message)
    {
        var body = Encoding.UTF8.GetBytes(message);
        var length = 20 + body.Length;
        var pad = 32 - (length % 32);
        var plain = new byte[length + pad];
        RandomNumberGenerator.Fill(plain.AsSpan(0, 16));
        BinaryPrimitives.WriteUInt32BigEndian(plain.AsSpan(16), (uint)body.Length);
        body.CopyTo(plain, 20);
        plain.AsSpan(length).Fill((byte)pad);
        using var aes = Aes.Create();
        aes.Key = Key;
        return Convert.ToBase64String(aes.EncryptCbc(plain, Key.AsSpan(0, 16), PaddingMode.None));
    }

    private IResult Verify(HttpContext context)
    {
        var q = context.Request.Query;
        var echo = q["echostr"].ToString();
        return Sign(q["timestamp"]!, q["nonce"]!, echo) == q["msg_signature"] ? Results.Text(Decrypt(echo)) : Results.StatusCode(403);
    }

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        var envelope = (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))!.AsObject();
        var encrypted = (string)envelope["encrypt"]!;
        var q = context.Request.Query;
        if (Sign(q["timestamp"]!, q["nonce"]!, encrypted) != q["msg_signature"])
        {
            Interlocked.Increment(ref _refused);
            return Results.StatusCode(403);
        }

        var index = Interlocked.Increment(ref _posts) - 1;
        var json = JsonNode.Parse(Decrypt(encrypted))!.AsObject();
        _received.Enqueue(json);
        return (Respond is null ? null : await Respond(index, json, context.RequestAborted)) ?? Results.Text(string.Empty);
    }
}
