using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Larkway.Bench.Ingest;

/// <summary>
/// One event as Feishu would push it with an Encrypt Key set: a v2 envelope encrypted into
/// <c>{"encrypt":"…"}</c> and signed over the exact body bytes. Built before a run starts so that the
/// generator's crypto is not part of what is timed. Written here from the protocol description, not
/// borrowed from the Hub or the Emulator, so a mistake on either side would show up as rejections.
/// </summary>
internal sealed class SignedEvent
{
    private SignedEvent(string eventId, string kind, byte[] body, string timestamp, string nonce, string signature)
    {
        EventId = eventId;
        Kind = kind;
        Body = body;
        Timestamp = timestamp;
        Nonce = nonce;
        Signature = signature;
    }

    public string EventId { get; }

    /// <summary>Which part of the mix it is (see <see cref="EventMix"/>).</summary>
    public string Kind { get; }

    /// <summary>Whether the bots answer it with a reply (a direct message, or a group message that @-mentions the bot).</summary>
    public bool Replied => Kind is EventMix.P2p or EventMix.Mention;

    public byte[] Body { get; }

    public string Timestamp { get; }

    public string Nonce { get; }

    public string Signature { get; }

    public HttpRequestMessage ToRequest(Uri url)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new ByteArrayContent(Body),
            Version = System.Net.HttpVersion.Version11,
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation("X-Lark-Request-Timestamp", Timestamp);
        request.Headers.TryAddWithoutValidation("X-Lark-Request-Nonce", Nonce);
        request.Headers.TryAddWithoutValidation("X-Lark-Signature", Signature);
        return request;
    }

    /// <summary>Factory for one app's secrets; every event it makes has a fresh event_id and message_id.</summary>
    internal sealed class Factory
    {
        private readonly string _encryptKey;
        private readonly string _verificationToken;
        private readonly string _eventType;
        private readonly byte[] _aesKey;

        public Factory(string encryptKey, string verificationToken, string eventType)
        {
            _encryptKey = encryptKey;
            _verificationToken = verificationToken;
            _eventType = eventType;
            _aesKey = SHA256.HashData(Encoding.UTF8.GetBytes(encryptKey));
        }

        public string VerificationToken => _verificationToken;

        public SignedEvent Create()
        {
            var eventId = Guid.NewGuid().ToString("N");
            var nowMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
            return Seal(eventId, EventMix.Reaction, EnvelopeJson(eventId, nowMs));
        }

        /// <summary>Encrypts and signs an envelope built elsewhere.</summary>
        public SignedEvent Seal(string eventId, string kind, string envelopeJson)
        {
            var plain = Encoding.UTF8.GetBytes(envelopeJson);

            using var aes = Aes.Create();
            aes.Key = _aesKey;
            var iv = RandomNumberGenerator.GetBytes(16);
            var cipher = aes.EncryptCbc(plain, iv, PaddingMode.PKCS7);
            var blob = new byte[iv.Length + cipher.Length];
            iv.CopyTo(blob, 0);
            cipher.CopyTo(blob, iv.Length);

            // Compact JSON, exactly as Feishu sends it: the node-sdk re-serialises the parsed body to
            // check the signature, which matches only this form; the Hub checks the raw bytes.
            var body = Encoding.UTF8.GetBytes("{\"encrypt\":\"" + Convert.ToBase64String(blob) + "\"}");

            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
            var prefix = Encoding.UTF8.GetBytes(timestamp + nonce + _encryptKey);
            var signed = new byte[prefix.Length + body.Length];
            prefix.CopyTo(signed, 0);
            body.CopyTo(signed, prefix.Length);
            var signature = Convert.ToHexStringLower(SHA256.HashData(signed));

            return new SignedEvent(eventId, kind, body, timestamp, nonce, signature);
        }

        /// <summary>A v2 <c>im.message.reaction.created_v1</c> (or the configured type) with unique ids.</summary>
        private string EnvelopeJson(string eventId, string nowMs)
        {
            var messageId = "om_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            return "{\"schema\":\"2.0\",\"header\":{"
                + $"\"event_id\":\"{eventId}\",\"event_type\":\"{_eventType}\",\"create_time\":\"{nowMs}\","
                + $"\"token\":\"{_verificationToken}\",\"app_id\":\"{BenchDefaults.AppId}\",\"tenant_key\":\"{BenchDefaults.TenantKey}\"}},"
                + "\"event\":{"
                + $"\"message_id\":\"{messageId}\",\"reaction_type\":{{\"emoji_type\":\"THUMBSUP\"}},\"operator_type\":\"user\","
                + "\"user_id\":{\"open_id\":\"ou_7d8a6e6df7621556ce0d21922b676706\",\"union_id\":\"on_8ed6aa67826108097d9ee143816345\",\"user_id\":\"e33ggbyz\"},"
                + $"\"action_time\":\"{nowMs}\"}}}}";
        }
    }
}
