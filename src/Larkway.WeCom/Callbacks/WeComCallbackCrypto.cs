using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Xml;
using Larkway.Shared.Clients;

namespace Larkway.WeCom.Callbacks;

/// <summary>
/// WeCom's callback crypto (the scheme of its WXBizMsgCrypt libraries), for app callbacks (XML) and the AI bot's URL
/// callbacks (JSON). The ciphertext is Base64 of AES-256-CBC (key = Base64 of the 43-character EncodingAESKey plus "=",
/// IV = the key's first 16 bytes, PKCS#7 to 32-byte blocks) over random(16) ‖ length(4, big-endian) ‖ message ‖
/// ReceiveId; <c>msg_signature</c> is the lower-case hex SHA-1 of token, timestamp, nonce and ciphertext sorted and
/// joined. Signatures are compared in constant time. A signed callback is accepted only while its <c>timestamp</c> is
/// within <see cref="WeComCallbackOptions.TimestampWindow"/> of now (WXBizMsgCrypt does not check it: a captured
/// callback would verify for ever). Thread-safe.
/// </summary>
/// <example>
/// <code>
/// var crypto = new WeComCallbackCrypto(token, encodingAesKey, receiveId: corpId);
/// // GET: answer the echo with the plaintext.
/// string echo = crypto.VerifyUrl(query["msg_signature"], query["timestamp"], query["nonce"], query["echostr"]);
/// // POST: the decrypted XML, typed.
/// var message = WeComCallbackMessage.Parse(crypto.DecryptXml(query["msg_signature"], query["timestamp"], query["nonce"], body));
/// </code>
/// </example>
public sealed class WeComCallbackCrypto
{
    private readonly string _token;
    private readonly byte[] _key;
    private readonly string _receiveId;
    private readonly TimeSpan? _window;
    private readonly TimeProvider _time;

    /// <summary>A crypto for one callback configuration, with the default window (<see cref="WeComCallbackOptions.DefaultWindow"/>) on the system clock.</summary>
    /// <param name="token">The Token of the callback settings (letters and digits, at most 32).</param>
    /// <param name="encodingAesKey">The 43-character EncodingAESKey of the callback settings.</param>
    /// <param name="receiveId">What every message must end with: the corp id for an internal app, the suite id for a
    /// third-party app, "" for an internal AI bot or a personal-entity third-party app.</param>
    /// <exception cref="WeComCallbackException">The EncodingAESKey is not 43 Base64 characters (<see cref="WeComCallbackError.IllegalAesKey"/>).</exception>
    public WeComCallbackCrypto(string token, string encodingAesKey, string receiveId)
        : this(token, encodingAesKey, receiveId, options: null)
    {
    }

    /// <summary>A crypto for one callback configuration.</summary>
    /// <param name="token">The Token of the callback settings (letters and digits, at most 32).</param>
    /// <param name="encodingAesKey">The 43-character EncodingAESKey of the callback settings.</param>
    /// <param name="receiveId">What every message must end with: the corp id for an internal app, the suite id for a
    /// third-party app, "" for an internal AI bot or a personal-entity third-party app.</param>
    /// <param name="options">The timestamp window and its clock; null for the defaults.</param>
    /// <exception cref="WeComCallbackException">The EncodingAESKey is not 43 Base64 characters (<see cref="WeComCallbackError.IllegalAesKey"/>).</exception>
    /// <exception cref="ArgumentException">The window is negative.</exception>
    public WeComCallbackCrypto(string token, string encodingAesKey, string receiveId, WeComCallbackOptions? options)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        ArgumentNullException.ThrowIfNull(encodingAesKey);
        ArgumentNullException.ThrowIfNull(receiveId);
        _key = CallbackCipher.TryReadKey(encodingAesKey) ?? throw new WeComCallbackException(WeComCallbackError.IllegalAesKey,
            $"The EncodingAESKey must be the 43 letters and digits shown in the callback settings (this one has {encodingAesKey.Length} characters{(encodingAesKey.Length == 43 ? " but is not Base64" : "")}).");
        _token = token;
        _receiveId = receiveId;
        _window = options is null ? WeComCallbackOptions.DefaultWindow : options.TimestampWindow;
        if (_window < TimeSpan.Zero)
        {
            throw new ArgumentException("The timestamp window must not be negative (null turns the check off).", nameof(options));
        }

        _time = options?.TimeProvider ?? TimeProvider.System;
    }

    /// <summary>The allowed skew of a callback's timestamp; null when the check is off.</summary>
    public TimeSpan? TimestampWindow => _window;

    /// <summary>The ReceiveId every message must end with.</summary>
    public string ReceiveId => _receiveId;

    /// <summary>The <c>msg_signature</c> of <paramref name="encrypt"/> at <paramref name="timestamp"/> with <paramref name="nonce"/>.</summary>
    public string Sign(string timestamp, string nonce, string encrypt)
    {
        ArgumentNullException.ThrowIfNull(timestamp);
        ArgumentNullException.ThrowIfNull(nonce);
        ArgumentNullException.ThrowIfNull(encrypt);
        return CallbackCipher.Sign(_token, timestamp, nonce, encrypt);
    }

    /// <summary>True when <paramref name="signature"/> is the signature of the other three (constant-time compare).</summary>
    public bool IsValidSignature(string? signature, string? timestamp, string? nonce, string? encrypt)
    {
        if (string.IsNullOrEmpty(signature) || timestamp is null || nonce is null || string.IsNullOrEmpty(encrypt))
        {
            return false;
        }

        return CallbackCipher.SignatureMatches(Sign(timestamp, nonce, encrypt), signature);
    }

    /// <summary>
    /// The GET that checks the callback URL: verifies the signature over <paramref name="echostr"/> and returns its
    /// plaintext, to be answered as the whole body (no quotes, BOM or newline) within 1 s. Pass the query values
    /// URL-decoded (as ASP.NET Core's <c>Request.Query</c> gives them).
    /// </summary>
    /// <exception cref="WeComCallbackException">The signature, the ciphertext or the ReceiveId is wrong.</exception>
    public string VerifyUrl(string? msgSignature, string? timestamp, string? nonce, string? echostr) =>
        Decrypt(msgSignature, timestamp, nonce, echostr);

    /// <summary>Verifies the signature over <paramref name="encrypt"/> and the timestamp's freshness, and decrypts it.</summary>
    /// <exception cref="WeComCallbackException">The signature, the timestamp, the ciphertext or the ReceiveId is wrong.</exception>
    public string Decrypt(string? msgSignature, string? timestamp, string? nonce, string? encrypt)
    {
        if (string.IsNullOrEmpty(msgSignature) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(nonce) || string.IsNullOrEmpty(encrypt))
        {
            var missing = string.IsNullOrEmpty(msgSignature) ? "msg_signature" : string.IsNullOrEmpty(timestamp) ? "timestamp" : string.IsNullOrEmpty(nonce) ? "nonce" : "the ciphertext (echostr / Encrypt / encrypt)";
            throw new WeComCallbackException(WeComCallbackError.MissingParameter, $"The callback has no {missing}.");
        }

        if (!IsValidSignature(msgSignature, timestamp, nonce, encrypt))
        {
            throw new WeComCallbackException(WeComCallbackError.ValidateSignature,
                "The msg_signature does not match: check the Token against the callback settings, and pass the query values URL-decoded.");
        }

        // After the signature: an unsigned timestamp says nothing worth telling apart from a forgery.
        if (_window is { } window && !CallbackTimestamp.IsWithin(timestamp, milliseconds: false, window, _time.GetUtcNow()))
        {
            throw new WeComCallbackException(WeComCallbackError.StaleTimestamp,
                $"The timestamp is not seconds within {window.TotalSeconds:0} s of this receiver's clock: a replayed callback, or a clock that is off.");
        }

        return DecryptUnsigned(encrypt);
    }

    /// <summary>Verifies and decrypts an app callback's POST body (<c>&lt;xml&gt;&lt;ToUserName/&gt;&lt;Encrypt/&gt;&lt;AgentID/&gt;&lt;/xml&gt;</c>); returns the plaintext XML.</summary>
    /// <exception cref="WeComCallbackException">The body, the signature, the ciphertext or the ReceiveId is wrong.</exception>
    public string DecryptXml(string? msgSignature, string? timestamp, string? nonce, string body) =>
        Decrypt(msgSignature, timestamp, nonce, ReadXmlEncrypt(body));

    /// <summary>Verifies and decrypts an AI bot's JSON POST body (<c>{"encrypt":"…"}</c>); returns the plaintext JSON.</summary>
    /// <exception cref="WeComCallbackException">The body, the signature, the ciphertext or the ReceiveId is wrong.</exception>
    public string DecryptJson(string? msgSignature, string? timestamp, string? nonce, string body) =>
        Decrypt(msgSignature, timestamp, nonce, ReadJsonEncrypt(body));

    /// <summary>Decrypts a ciphertext whose signature was checked elsewhere (or that has none).</summary>
    /// <exception cref="WeComCallbackException">The ciphertext or the ReceiveId is wrong.</exception>
    public string DecryptUnsigned(string encrypt)
    {
        ArgumentNullException.ThrowIfNull(encrypt);
        var failure = CallbackCipher.Open(_key, encrypt, out var message, out var receiveId, out var detail);
        if (failure == CallbackCipherFailure.None && string.Equals(receiveId, _receiveId, StringComparison.Ordinal))
        {
            return message;
        }

        throw failure switch
        {
            CallbackCipherFailure.None => new WeComCallbackException(WeComCallbackError.ValidateReceiveId,
                $"The message is for ReceiveId '{receiveId}', not '{_receiveId}': use the corp id for an internal app, the suite id for a third-party app, \"\" for an AI bot."),
            CallbackCipherFailure.NotBase64 => new WeComCallbackException(WeComCallbackError.DecodeBase64, "The ciphertext is not Base64."),
            CallbackCipherFailure.NotBlocks => new WeComCallbackException(WeComCallbackError.DecodeBase64, detail),
            CallbackCipherFailure.BadPadding => new WeComCallbackException(WeComCallbackError.DecryptAes,
                "The ciphertext does not decrypt to valid padding: check the EncodingAESKey against the callback settings."),
            _ => new WeComCallbackException(WeComCallbackError.IllegalBuffer, $"{detail[..^1]}: check the EncodingAESKey."),
        };
    }

    /// <summary>Encrypts <paramref name="plaintext"/> with fresh randomness, signed at <paramref name="timestamp"/> with <paramref name="nonce"/>.</summary>
    public WeComEncryptedMessage Encrypt(string plaintext, string timestamp, string nonce) =>
        Encrypt(plaintext, timestamp, nonce, RandomNumberGenerator.GetBytes(16));

    /// <summary>Encrypts with a new nonce at <paramref name="now"/> (a Unix time in seconds).</summary>
    public WeComEncryptedMessage Encrypt(string plaintext, DateTimeOffset now) =>
        Encrypt(plaintext, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), RandomNonce());

    /// <summary>Encrypts with given randomness (for vectors and emulators).</summary>
    internal WeComEncryptedMessage Encrypt(string plaintext, string timestamp, string nonce, ReadOnlySpan<byte> random16)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentNullException.ThrowIfNull(timestamp);
        ArgumentNullException.ThrowIfNull(nonce);
        var encrypt = CallbackCipher.Seal(_key, plaintext, _receiveId, random16);
        return new WeComEncryptedMessage(encrypt, Sign(timestamp, nonce, encrypt), timestamp, nonce);
    }

    /// <summary>
    /// A passive reply to an app callback: <paramref name="replyXml"/> (a reply message such as
    /// <see cref="WeComPassiveReply.Text"/>) encrypted into <c>&lt;xml&gt;&lt;Encrypt/&gt;&lt;MsgSignature/&gt;&lt;TimeStamp/&gt;&lt;Nonce/&gt;&lt;/xml&gt;</c>.
    /// </summary>
    public string EncryptXmlReply(string replyXml, string timestamp, string nonce) => Encrypt(replyXml, timestamp, nonce).ToXml();

    /// <summary>An AI bot's passive reply: <paramref name="replyJson"/> encrypted into <c>{"encrypt","msgsignature","timestamp","nonce"}</c>.</summary>
    public string EncryptJsonReply(string replyJson, string timestamp, string nonce) => Encrypt(replyJson, timestamp, nonce).ToJson();

    /// <summary>The <c>Encrypt</c> element of an app callback's XML body.</summary>
    /// <exception cref="WeComCallbackException">The body is not that XML (<see cref="WeComCallbackError.ParseBody"/>).</exception>
    public static string ReadXmlEncrypt(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            var document = WeComXml.Load(body);
            var encrypt = document.DocumentElement?["Encrypt"]?.InnerText;
            if (string.IsNullOrEmpty(encrypt))
            {
                throw new WeComCallbackException(WeComCallbackError.ParseBody, "The callback body has no <Encrypt> element.");
            }

            return encrypt;
        }
        catch (XmlException ex)
        {
            throw new WeComCallbackException(WeComCallbackError.ParseBody, $"The callback body is not XML: {ex.Message}", ex);
        }
    }

    /// <summary>The <c>encrypt</c> field of an AI bot's JSON body.</summary>
    /// <exception cref="WeComCallbackException">The body is not that JSON (<see cref="WeComCallbackError.ParseBody"/>).</exception>
    public static string ReadJsonEncrypt(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("encrypt", out var encrypt) && encrypt.ValueKind == JsonValueKind.String
                && encrypt.GetString() is { Length: > 0 } value)
            {
                return value;
            }

            throw new WeComCallbackException(WeComCallbackError.ParseBody, "The callback body has no \"encrypt\" string.");
        }
        catch (JsonException ex)
        {
            throw new WeComCallbackException(WeComCallbackError.ParseBody, $"The callback body is not JSON: {ex.Message}", ex);
        }
    }

    private static string RandomNonce()
    {
        const string digits = "0123456789";
        return RandomNumberGenerator.GetString(digits, 10);
    }
}
