using System.Globalization;
using System.Security.Cryptography;
using Larkway.Shared.Clients;

namespace Larkway.DingTalk.Callbacks;

/// <summary>
/// The crypto of DingTalk's HTTP event subscription (the callback URL mode, before Stream mode): the body's
/// <c>encrypt</c> is Base64 of AES-256-CBC (key = Base64 of the 43-character aes_key plus "=", IV = its first 16 bytes,
/// PKCS#7 to 32 bytes) over random(16) ‖ length(4, big-endian) ‖ message ‖ owner key (the corpId for an internal app,
/// the suiteKey for a third-party one); <c>msg_signature</c> is the hex SHA-1 of token, timestamp, nonce and
/// <c>encrypt</c> sorted and joined. The receiver answers with "success" encrypted the same way. A push is accepted only
/// while its <c>timestamp</c> is within <see cref="DingTalkCallbackOptions.TimestampWindow"/> of now: the signature
/// covers the timestamp, so an old push cannot be stamped anew, but nothing else keeps a captured one from verifying.
/// </summary>
public sealed class DingTalkCallbackCrypto
{
    private readonly string _token;
    private readonly byte[] _key;
    private readonly string _ownerKey;
    private readonly TimeSpan? _window;
    private readonly TimeProvider _time;

    /// <summary>A crypto for one subscription, with the default window (<see cref="DingTalkCallbackOptions.DefaultWindow"/>) on the system clock.</summary>
    /// <param name="token">The subscription's signing token.</param>
    /// <param name="aesKey">The 43-character aes_key of the subscription.</param>
    /// <param name="ownerKey">The corpId (internal app) or suiteKey (third-party app) that must end every message.</param>
    /// <exception cref="ArgumentException">The aes_key is not 43 Base64 characters.</exception>
    public DingTalkCallbackCrypto(string token, string aesKey, string ownerKey)
        : this(token, aesKey, ownerKey, options: null)
    {
    }

    /// <summary>A crypto for one subscription.</summary>
    /// <param name="token">The subscription's signing token.</param>
    /// <param name="aesKey">The 43-character aes_key of the subscription.</param>
    /// <param name="ownerKey">The corpId (internal app) or suiteKey (third-party app) that must end every message.</param>
    /// <param name="options">The timestamp window and its clock; null for the defaults.</param>
    /// <exception cref="ArgumentException">The aes_key is not 43 Base64 characters, or the window is negative.</exception>
    public DingTalkCallbackCrypto(string token, string aesKey, string ownerKey, DingTalkCallbackOptions? options)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        ArgumentException.ThrowIfNullOrEmpty(ownerKey);
        ArgumentNullException.ThrowIfNull(aesKey);
        _key = CallbackCipher.TryReadKey(aesKey)
            ?? throw new ArgumentException("The aes_key must be the 43 characters shown with the subscription (Base64 of a 32-byte key without its '=').", nameof(aesKey));
        _token = token;
        _ownerKey = ownerKey;
        _window = options is null ? DingTalkCallbackOptions.DefaultWindow : options.TimestampWindow;
        if (_window < TimeSpan.Zero)
        {
            throw new ArgumentException("The timestamp window must not be negative (null turns the check off).", nameof(options));
        }

        _time = options?.TimeProvider ?? TimeProvider.System;
    }

    /// <summary>The allowed skew of a push's timestamp; null when the check is off.</summary>
    public TimeSpan? TimestampWindow => _window;

    /// <summary>The signature of <paramref name="encrypt"/> at <paramref name="timestamp"/> with <paramref name="nonce"/>.</summary>
    public string Sign(string timestamp, string nonce, string encrypt) => CallbackCipher.Sign(_token, timestamp, nonce, encrypt);

    /// <summary>Checks the signature, then the timestamp's freshness, then decrypts; says which step failed rather than throwing.</summary>
    public DingTalkCallbackDecryptResult Decrypt(string? signature, string? timestamp, string? nonce, string? encrypt)
    {
        if (string.IsNullOrEmpty(signature) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(nonce) || string.IsNullOrEmpty(encrypt))
        {
            return DingTalkCallbackDecryptResult.Failed(DingTalkCallbackCryptoStatus.Missing);
        }

        if (!CallbackCipher.SignatureMatches(Sign(timestamp, nonce, encrypt), signature))
        {
            return DingTalkCallbackDecryptResult.Failed(DingTalkCallbackCryptoStatus.SignatureMismatch);
        }

        // After the signature: an unsigned timestamp says nothing worth telling apart from a forgery.
        if (_window is { } window && !CallbackTimestamp.IsWithin(timestamp, milliseconds: true, window, _time.GetUtcNow()))
        {
            return DingTalkCallbackDecryptResult.Failed(DingTalkCallbackCryptoStatus.Expired);
        }

        return CallbackCipher.Open(_key, encrypt, out var message, out var owner, out _) switch
        {
            CallbackCipherFailure.None when string.Equals(owner, _ownerKey, StringComparison.Ordinal) => DingTalkCallbackDecryptResult.Decrypted(message),
            CallbackCipherFailure.None => DingTalkCallbackDecryptResult.Failed(DingTalkCallbackCryptoStatus.OwnerMismatch),
            _ => DingTalkCallbackDecryptResult.Failed(DingTalkCallbackCryptoStatus.Malformed),
        };
    }

    /// <summary>Encrypts <paramref name="plaintext"/> into the reply map (<c>msg_signature</c>, <c>timeStamp</c>, <c>nonce</c>, <c>encrypt</c>).</summary>
    public DingTalkEncryptedReply Encrypt(string plaintext, DateTimeOffset now) =>
        Encrypt(plaintext, now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), RandomNonce(), RandomNumberGenerator.GetBytes(16));

    /// <summary>The encrypted "success" DingTalk expects as the answer to every event.</summary>
    public DingTalkEncryptedReply EncryptSuccess(DateTimeOffset now) => Encrypt("success", now);

    /// <summary>Encrypts with given randomness (for vectors).</summary>
    internal DingTalkEncryptedReply Encrypt(string plaintext, string timestamp, string nonce, ReadOnlySpan<byte> random16)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        var encrypt = CallbackCipher.Seal(_key, plaintext, _ownerKey, random16);
        return new DingTalkEncryptedReply(Sign(timestamp, nonce, encrypt), timestamp, nonce, encrypt);
    }

    private static string RandomNonce()
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        return RandomNumberGenerator.GetString(alphabet, 8);
    }
}

/// <summary>The encrypted answer to a callback, serialised with these names: <c>msg_signature</c>, <c>timeStamp</c>, <c>nonce</c>, <c>encrypt</c>.</summary>
public sealed record DingTalkEncryptedReply(
    [property: System.Text.Json.Serialization.JsonPropertyName("msg_signature")] string MsgSignature,
    [property: System.Text.Json.Serialization.JsonPropertyName("timeStamp")] string TimeStamp,
    [property: System.Text.Json.Serialization.JsonPropertyName("nonce")] string Nonce,
    [property: System.Text.Json.Serialization.JsonPropertyName("encrypt")] string Encrypt);

/// <summary>Why a callback could not be decrypted.</summary>
public enum DingTalkCallbackCryptoStatus
{
    /// <summary>Decrypted.</summary>
    Ok,

    /// <summary>The signature, timestamp, nonce or encrypt is missing.</summary>
    Missing,

    /// <summary>The signature does not match: another token, or a forged request.</summary>
    SignatureMismatch,

    /// <summary>The ciphertext is not valid Base64, blocks or padding: another aes_key, or damage.</summary>
    Malformed,

    /// <summary>It decrypted, but for another corpId / suiteKey.</summary>
    OwnerMismatch,

    /// <summary>
    /// The signature matches but the timestamp is not milliseconds within <see cref="DingTalkCallbackOptions.TimestampWindow"/>
    /// of now: a replayed push, or a clock that is off.
    /// </summary>
    Expired,
}

/// <summary>A decryption's outcome: the plaintext, or why there is none.</summary>
public sealed record DingTalkCallbackDecryptResult(DingTalkCallbackCryptoStatus Status, string? Plaintext)
{
    internal static DingTalkCallbackDecryptResult Decrypted(string plaintext) => new(DingTalkCallbackCryptoStatus.Ok, plaintext);

    internal static DingTalkCallbackDecryptResult Failed(DingTalkCallbackCryptoStatus status) => new(status, null);
}
