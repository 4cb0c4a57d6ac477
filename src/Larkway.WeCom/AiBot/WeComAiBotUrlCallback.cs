using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Larkway.WeCom.Callbacks;

namespace Larkway.WeCom.AiBot;

/// <summary>
/// The AI bot's URL-callback mode: WeCom POSTs <c>{"encrypt": …}</c> to the bot's URL (signed like every WeCom callback,
/// ReceiveId "" for an internal bot), and the answer is a passive reply encrypted into
/// <c>{encrypt, msgsignature, timestamp, nonce}</c>. A message is answered at once — typically with the first frame of a
/// stream — and WeCom then polls (<c>msgtype</c> <c>stream</c>) for the rest, for up to 6 minutes after the user's message:
/// answer each poll with the text so far (see <see cref="WeComAiBotStreamBuffers"/>) until it says finish.
/// </summary>
/// <example>
/// <code>
/// var bot = new WeComAiBotUrlCallback(token, encodingAesKey);
/// var request = bot.Read(q["msg_signature"], q["timestamp"], q["nonce"], body);
/// if (request.Message is { } m) { var id = streams.Begin(m.MsgId); _ = Task.Run(() => Generate(id)); return bot.Reply(streams.Poll(id)!); }
/// if (request.StreamId is { } sid) return bot.Reply(streams.Poll(sid) ?? WeComAiBotReply.Stream(sid, "", finish: true));
/// </code>
/// </example>
public sealed class WeComAiBotUrlCallback
{
    private readonly WeComCallbackCrypto _crypto;
    private readonly TimeProvider _time;

    /// <summary>The URL callback of one bot.</summary>
    /// <param name="token">The Token of the bot's API settings.</param>
    /// <param name="encodingAesKey">The 43-character EncodingAESKey of the bot's API settings.</param>
    /// <param name="receiveId">"" for an internal bot (WeCom's documented value).</param>
    /// <param name="timeProvider">The clock of the replies' timestamps and of the callbacks' timestamp window (<see cref="WeComCallbackOptions.DefaultWindow"/>).</param>
    /// <exception cref="WeComCallbackException">The EncodingAESKey is not 43 Base64 characters.</exception>
    public WeComAiBotUrlCallback(string token, string encodingAesKey, string receiveId = "", TimeProvider? timeProvider = null)
        : this(new WeComCallbackCrypto(token, encodingAesKey, receiveId, new WeComCallbackOptions { TimeProvider = timeProvider ?? TimeProvider.System }), timeProvider)
    {
    }

    /// <summary>The URL callback over a crypto already made (its own timestamp window applies).</summary>
    public WeComAiBotUrlCallback(WeComCallbackCrypto crypto, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(crypto);
        _crypto = crypto;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The answer to WeCom's URL check (GET with <c>echostr</c>): the decrypted echo.</summary>
    /// <exception cref="WeComCallbackException">The signature is wrong or the echo does not decrypt.</exception>
    public string VerifyUrl(string? msgSignature, string? timestamp, string? nonce, string? echostr) => _crypto.VerifyUrl(msgSignature, timestamp, nonce, echostr);

    /// <summary>Checks the signature, decrypts the body and reads it: a message, an event or a stream poll.</summary>
    /// <exception cref="WeComCallbackException">The signature is wrong or the body does not decrypt.</exception>
    /// <exception cref="WeComApiException">The decrypted JSON is not an AI bot callback (<c>Larkway.MalformedResponse</c>).</exception>
    public WeComAiBotUrlRequest Read(string? msgSignature, string? timestamp, string? nonce, string body) =>
        WeComAiBotUrlRequest.Parse(_crypto.DecryptJson(msgSignature, timestamp, nonce, body));

    /// <summary>The encrypted passive reply carrying <paramref name="reply"/> (a stream frame, markdown, text or a template card).</summary>
    public string Reply(WeComAiBotReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return _crypto.EncryptJsonReply(reply.Body.ToJsonString(), timestamp, nonce);
    }

    /// <summary>
    /// The answer to a callback that needs none now (an event handled later, a message answered through
    /// <c>response_url</c>): an empty body, which WeCom takes as "no passive reply".
    /// </summary>
    public static string NoReply => "";
}

/// <summary>A decrypted URL callback of the AI bot.</summary>
public sealed record WeComAiBotUrlRequest
{
    /// <summary><c>text</c>, <c>image</c>, <c>mixed</c>, <c>voice</c>, <c>file</c>, <c>event</c> or <c>stream</c>.</summary>
    public string MsgType { get; init; } = "";

    /// <summary>The message, when it is one.</summary>
    public WeComAiBotMessage? Message { get; init; }

    /// <summary>The event, when it is one.</summary>
    public WeComAiBotEvent? Event { get; init; }

    /// <summary>For a stream poll (<c>msgtype</c> <c>stream</c>): the stream id set by the first reply.</summary>
    public string? StreamId { get; init; }

    /// <summary>The callback's id: the key to drop a repeat.</summary>
    public string MsgId { get; init; } = "";

    /// <summary>The decrypted JSON as received.</summary>
    public JsonElement Body { get; init; }

    /// <summary>True for WeCom asking for more of a stream.</summary>
    public bool IsStreamPoll => MsgType == "stream";

    /// <summary>Reads decrypted JSON.</summary>
    /// <exception cref="WeComApiException">The JSON is not an AI bot callback.</exception>
    public static WeComAiBotUrlRequest Parse(string json)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(json);
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new WeComApiException(WeComErrorCodes.MalformedResponse, $"The decrypted callback is not JSON ({ex.Message.Split('.')[0]}).", innerException: ex);
        }

        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("msgtype", out var type) || type.ValueKind != JsonValueKind.String)
        {
            throw new WeComApiException(WeComErrorCodes.MalformedResponse, "The decrypted callback has no msgtype.");
        }

        var msgType = type.GetString()!;
        var msgId = root.TryGetProperty("msgid", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString()! : "";
        return msgType switch
        {
            "event" => new WeComAiBotUrlRequest { MsgType = msgType, MsgId = msgId, Body = root, Event = WeComAiBotEvent.Parse(root) },
            "stream" => new WeComAiBotUrlRequest
            {
                MsgType = msgType, MsgId = msgId, Body = root,
                StreamId = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.Object && s.TryGetProperty("id", out var sid) && sid.ValueKind == JsonValueKind.String
                    ? sid.GetString()
                    : throw new WeComApiException(WeComErrorCodes.MalformedResponse, "A stream poll has no stream.id."),
            },
            _ => new WeComAiBotUrlRequest { MsgType = msgType, MsgId = msgId, Body = root, Message = WeComAiBotMessage.Parse(root) },
        };
    }
}
