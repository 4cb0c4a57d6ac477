using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.WeCom.Callbacks;
using Larkway.Emulator.WeCom.Platform;

namespace Larkway.Emulator.WeCom.AiBot;

/// <summary>What one HTTP exchange with the bot's URL came to: the HTTP status (null when none), the decrypted passive reply, or why not.</summary>
internal sealed record AiBotCallbackAnswer(int? Status, JsonObject? Reply, string? ReplyJson, string Outcome, string? Error, bool Retryable);

/// <summary>
/// The AI bot's callback crypto and envelopes as documented (回调和回复的加解密方案, document 101033): WeCom's AES scheme
/// with ReceiveId "" for an internal bot; a callback is <c>POST url?msg_signature=&amp;timestamp=&amp;nonce=</c> with the JSON
/// body <c>{"encrypt": …}</c>; the URL check is a GET with an encrypted <c>echostr</c> whose plaintext must come back alone;
/// a passive reply is <c>{encrypt, msgsignature, timestamp, nonce}</c> (or an empty body: no reply).
/// </summary>
internal sealed class AiBotUrlCallbackWire(HttpClient http, TimeProvider time)
{
    public static WeComCrypto Crypto(AiBotCallbackSettings settings) => Crypto(settings.Token, settings.EncodingAesKey);

    public static WeComCrypto Crypto(string token, string encodingAesKey) => new(token, encodingAesKey, receiveId: string.Empty);

    /// <summary>The URL check (the console's save). Null when the server answered the plaintext echo, else what went wrong.</summary>
    public async Task<string?> VerifyAsync(Uri url, WeComCrypto crypto, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var echo = WeComIds.Digits(19);
        var encrypted = crypto.Encrypt(echo);
        var (timestamp, nonce) = Stamp();
        var target = Target(url, crypto.Sign(timestamp, nonce, encrypted), timestamp, nonce) + "&echostr=" + Uri.EscapeDataString(encrypted);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await http.GetAsync(target, deadline.Token);
            var body = await response.Content.ReadAsStringAsync(deadline.Token);
            if (!response.IsSuccessStatusCode)
            {
                return $"the server answered HTTP {(int)response.StatusCode} (check the Token and EncodingAESKey: the signature and echostr are made with them)";
            }

            return body == echo ? null : "the server answered something other than the decrypted echostr (answer the plaintext alone: no quotes, BOM or newline)";
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return e is OperationCanceledException ? $"no answer within {timeout.TotalSeconds:0.###} s" : "connection failed: " + e.Message;
        }
    }

    /// <summary>Encrypts and posts <paramref name="plainJson"/>, then reads the answer as a passive reply.</summary>
    public async Task<AiBotCallbackAnswer> PostAsync(Uri url, WeComCrypto crypto, string plainJson, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var encrypted = crypto.Encrypt(plainJson);
        var (timestamp, nonce) = Stamp();
        var target = Target(url, crypto.Sign(timestamp, nonce, encrypted), timestamp, nonce);
        var envelope = new JsonObject { ["encrypt"] = encrypted }.ToJsonString();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var content = new StringContent(envelope, System.Text.Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(target, content, deadline.Token);
            var body = await response.Content.ReadAsStringAsync(deadline.Token);
            var status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                // An HTTP error is an answer: like WeCom's other callbacks, only failed connections and timeouts are retried.
                return new AiBotCallbackAnswer(status, null, null, "failed", $"the server answered HTTP {status}", Retryable: false);
            }

            var (reply, json, error) = PassiveReply(crypto, body);
            return error is not null
                ? new AiBotCallbackAnswer(status, null, null, "bad_reply", error, Retryable: false)
                : new AiBotCallbackAnswer(status, reply, json, reply is null ? "no_reply" : "answered", null, Retryable: false);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var error = e is OperationCanceledException ? $"no answer within {timeout.TotalSeconds:0.###} s" : "connection failed: " + e.Message;
            return new AiBotCallbackAnswer(null, null, null, "failed", error, Retryable: true);
        }
    }

    /// <summary>
    /// An empty answer is no reply. Otherwise it must be <c>{encrypt, msgsignature, timestamp, nonce}</c> whose signature
    /// holds and whose plaintext is a JSON object: returns it, or why it could not be read.
    /// </summary>
    public static (JsonObject? Reply, string? Json, string? Error) PassiveReply(WeComCrypto crypto, string body)
    {
        var trimmed = body.Trim();
        if (trimmed.Length == 0)
        {
            return (null, null, null);
        }

        JsonObject? envelope;
        try
        {
            envelope = JsonNode.Parse(trimmed) as JsonObject;
        }
        catch (JsonException)
        {
            envelope = null;
        }

        if (envelope is null)
        {
            return (null, null, "the answer is neither empty nor an encrypted passive reply {encrypt, msgsignature, timestamp, nonce} (JSON)");
        }

        var encrypted = Text(envelope["encrypt"]);
        var signature = Text(envelope["msgsignature"]);
        var timestamp = Text(envelope["timestamp"]);
        var nonce = Text(envelope["nonce"]);
        if (encrypted is null || signature is null || timestamp is null || nonce is null)
        {
            return (null, null, "the passive reply lacks encrypt, msgsignature, timestamp or nonce");
        }

        string plain;
        try
        {
            plain = crypto.Decrypt(signature, timestamp, nonce, encrypted);
        }
        catch (WeComCryptoException e)
        {
            return (null, null, $"the passive reply could not be decrypted ({e.Code}: {e.Message})");
        }

        try
        {
            return JsonNode.Parse(plain) is JsonObject reply ? (reply, plain, null) : (null, null, "the decrypted passive reply is not a JSON object");
        }
        catch (JsonException)
        {
            return (null, null, "the decrypted passive reply is not JSON");
        }
    }

    /// <summary>A JSON string or number as text (the documentation shows timestamp as a number; a string is read too).</summary>
    private static string? Text(JsonNode? node) => node switch
    {
        JsonValue value when value.TryGetValue<string>(out var s) => s,
        JsonValue value when value.TryGetValue<long>(out var n) => n.ToString(CultureInfo.InvariantCulture),
        _ => null,
    };

    private static string Target(Uri url, string signature, string timestamp, string nonce) =>
        $"{url}{(url.Query.Length > 0 ? '&' : '?')}msg_signature={signature}&timestamp={timestamp}&nonce={nonce}";

    private (string Timestamp, string Nonce) Stamp() =>
        (time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), WeComIds.Digits(10));
}
