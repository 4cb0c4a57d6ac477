using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Larkway.Emulator.Tests.WeCom;

/// <summary>
/// An app's callback server on 127.0.0.1:0 (real Kestrel) with its own WXBizMsgCrypt (written here from the documentation,
/// independent of the emulator's): answers URL verification, checks and decrypts posts, and answers what
/// <see cref="Respond"/> says (by default an empty 200).
/// </summary>
internal sealed class WeComAppServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _received = new();
    private int _posts;

    private WeComAppServer(WebApplication app, string token, string aesKey, string corpId)
    {
        _app = app;
        Token = token;
        Key = Convert.FromBase64String(aesKey + "=");
        CorpId = corpId;
    }

    public string Token { get; }

    public byte[] Key { get; }

    public string CorpId { get; }

    public Uri Url { get; private set; } = null!;

    /// <summary>Decides the answer to post n (0-based) given its decrypted XML; null answers an empty 200.</summary>
    public Func<int, string, CancellationToken, Task<IResult>>? Respond { get; set; }

    /// <summary>Decrypted XML of every post whose signature held, in order of arrival.</summary>
    public IReadOnlyList<string> Received => [.. _received];

    public int Posts => _posts;

    public static async Task<WeComAppServer> StartAsync(string token, string aesKey, string corpId)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new WeComAppServer(app, token, aesKey, corpId);
        app.MapGet("/wecom/callback", (Delegate)server.Verify);
        app.MapPost("/wecom/callback", (Delegate)server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Url = new Uri(address + "/wecom/callback");
        return server;
    }

    public string Sign(string timestamp, string nonce, string encrypted)
    {
        var parts = new[] { Token, timestamp, nonce, encrypted };
        Array.Sort(parts, StringComparer.Ordinal);
#pragma warning disable CA5350 // the protocol's SHA-1
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(parts))));
#pragma warning restore CA5350
    }

    public string Decrypt(string encrypted)
    {
        using var aes = Aes.Create();
        aes.Key = Key;
        var plain = aes.DecryptCbc(Convert.FromBase64String(encrypted), Key.AsSpan(0, 16), PaddingMode.None);
        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(plain.AsSpan(16));
        var corp = Encoding.UTF8.GetString(plain, 20 + length, plain.Length - plain[^1] - 20 - length);
        return corp == CorpId ? Encoding.UTF8.GetString(plain, 20, length) : throw new InvalidOperationException("wrong receiveid " + corp);
    }

    public string Encrypt(string message)
    {
        var body = Encoding.UTF8.GetBytes(message);
        var corp = Encoding.UTF8.GetBytes(CorpId);
        var length = 20 + body.Length + corp.Length;
        var pad = 32 - (length % 32);
        var plain = new byte[length + pad];
        RandomNumberGenerator.Fill(plain.AsSpan(0, 16));
        BinaryPrimitives.WriteUInt32BigEndian(plain.AsSpan(16), (uint)body.Length);
        body.CopyTo(plain, 20);
        corp.CopyTo(plain, 20 + body.Length);
        plain.AsSpan(length).Fill((byte)pad);
        using var aes = Aes.Create();
        aes.Key = Key;
        return Convert.ToBase64String(aes.EncryptCbc(plain, Key.AsSpan(0, 16), PaddingMode.None));
    }

    /// <summary>An encrypted passive reply as the documentation shapes it.</summary>
    public string PassiveReply(string xml)
    {
        var encrypted = Encrypt(xml);
        const string timestamp = "1718000000";
        const string nonce = "12345";
        return new XElement("xml", new XElement("Encrypt", new XCData(encrypted)), new XElement("MsgSignature", new XCData(Sign(timestamp, nonce, encrypted))),
            new XElement("TimeStamp", timestamp), new XElement("Nonce", new XCData(nonce))).ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private IResult Verify(HttpContext context)
    {
        var q = context.Request.Query;
        var echo = q["echostr"].ToString();
        return Sign(q["timestamp"]!, q["nonce"]!, echo) == q["msg_signature"] ? Results.Text(Decrypt(echo)) : Results.StatusCode(403);
    }

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        var index = Interlocked.Increment(ref _posts) - 1;
        using var reader = new StreamReader(context.Request.Body);
        var envelope = XElement.Parse(await reader.ReadToEndAsync(context.RequestAborted));
        var encrypted = envelope.Element("Encrypt")!.Value;
        var q = context.Request.Query;
        if (Sign(q["timestamp"]!, q["nonce"]!, encrypted) != q["msg_signature"] || envelope.Element("ToUserName")?.Value != CorpId)
        {
            return Results.StatusCode(403);
        }

        var xml = Decrypt(encrypted);
        _received.Enqueue(xml);
        return Respond is null ? Results.Text(string.Empty) : await Respond(index, xml, context.RequestAborted);
    }
}
