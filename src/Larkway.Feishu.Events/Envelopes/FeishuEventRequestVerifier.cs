using System.Text.Json;
using System.Text.Unicode;
using Larkway.Feishu.Events.Crypto;

namespace Larkway.Feishu.Events.Envelopes;

/// <summary>
/// Turns one raw HTTP request (body bytes + signing headers) into a trusted envelope. A signed request is
/// authenticated over the raw bytes before anything reads them: signature → timestamp window → parse →
/// decrypt → parse → verification token. Unsigned, only a url_verification challenge is accepted (on its
/// token, encrypted or not) — and, when no encrypt key is configured, v1/v2 events on their token.
/// Thread-safe; create one per app.
/// </summary>
public sealed class FeishuEventRequestVerifier
{
    private readonly string? _encryptKey;
    private readonly string? _verificationToken;
    private readonly bool _acceptLegacyCardCallbacks;
    private readonly TimeSpan? _timestampWindow;
    private readonly TimeProvider _timeProvider;
    private readonly FeishuEventDecryptor? _decryptor;

    public FeishuEventRequestVerifier(FeishuEventReceiverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(options.EncryptKey) && string.IsNullOrEmpty(options.VerificationToken))
        {
            throw new ArgumentException("Configure an EncryptKey, a VerificationToken, or both.", nameof(options));
        }

        // Snapshot the options: later changes to the options object do not half-apply.
        _encryptKey = string.IsNullOrEmpty(options.EncryptKey) ? null : options.EncryptKey;
        _verificationToken = string.IsNullOrEmpty(options.VerificationToken) ? null : options.VerificationToken;
        _acceptLegacyCardCallbacks = options.AcceptLegacyCardCallbacks;
        _timestampWindow = options.TimestampWindow;
        _timeProvider = options.TimeProvider ?? TimeProvider.System;
        _decryptor = _encryptKey is null ? null : new FeishuEventDecryptor(_encryptKey);
    }

    /// <summary>Verifies, decrypts and parses a request.</summary>
    /// <exception cref="FeishuEventException">The request is rejected; see <see cref="FeishuEventException.Reason"/>.</exception>
    public FeishuVerifiedRequest Verify(ReadOnlySpan<byte> rawBody, FeishuRequestHeaders headers)
    {
        if (headers.HasSignature)
        {
            // The event rule first (events and new-style callbacks), then the old card-callback rule; the body
            // is parsed only once one of them matched.
            if (_encryptKey is not null
                && FeishuEventSignature.VerifyEventSignature(headers.Timestamp, headers.Nonce, _encryptKey, rawBody, headers.Signature))
            {
                CheckWindow(headers);
                return AcceptSignedEvent(rawBody);
            }

            if (_verificationToken is not null
                && FeishuEventSignature.VerifyLegacyCardSignature(headers.Timestamp, headers.Nonce, _verificationToken, rawBody, headers.Signature))
            {
                if (!_acceptLegacyCardCallbacks)
                {
                    throw LegacyCallbacksRefused();
                }

                CheckWindow(headers);
                return AcceptLegacyCardCallback(rawBody);
            }

            if (_encryptKey is not null)
            {
                throw new FeishuEventException(FeishuEventErrorReason.BadSignature, _verificationToken is null
                    ? "The X-Lark-Signature header does not match the request body, timestamp and nonce (SHA-256 with the encrypt key; old-style card callbacks cannot be verified, no verification token is configured)."
                    : "The X-Lark-Signature header does not match the request body, timestamp and nonce (SHA-256 with the encrypt key for events and new-style callbacks, SHA-1 with the verification token for old-style card callbacks).");
            }

            // No encrypt key: nothing signs events for us, so they rely on the verification token as unsigned ones do.
        }

        return AcceptUnsigned(rawBody);
    }

    /// <summary>A body whose event signature (SHA-256 with the encrypt key) matched: plain or encrypted, any envelope but an old card callback.</summary>
    private FeishuVerifiedRequest AcceptSignedEvent(ReadOnlySpan<byte> rawBody)
    {
        // Feishu's encrypted body is {"encrypt":"…"} alone: its base64 is read straight from the bytes, with no document.
        if (FeishuJsonBody.TryReadSoleEncrypt(rawBody, out var base64) && _decryptor!.TryDecryptBase64(rawBody[base64]) is { } decrypted)
        {
            return AcceptDecrypted(decrypted);
        }

        var root = FeishuJsonBody.Parse(rawBody);
        if (EncryptField(root) is { } encrypt)
        {
            return AcceptDecrypted(_decryptor!.DecryptBytes(encrypt));
        }

        var plain = FeishuEventEnvelope.FromRoot(root);
        if (plain.Kind == FeishuEnvelopeKind.LegacyCardCallback)
        {
            throw new FeishuEventException(FeishuEventErrorReason.BadSignature, "An old-style card callback must be signed with SHA-1 and the verification token, not with the event signature.");
        }

        CheckToken(plain);
        return new FeishuVerifiedRequest(plain, WasEncrypted: false, SignatureVerified: true) { Body = rawBody.ToArray() };
    }

    /// <summary>An authenticated ciphertext's plaintext: one that is not UTF-8 is a malformed body, not a wrong key.</summary>
    private FeishuVerifiedRequest AcceptDecrypted(byte[] plaintext)
    {
        if (!Utf8.IsValid(plaintext))
        {
            throw FeishuJsonBody.Malformed("the decrypted body is not valid UTF-8");
        }

        var envelope = FeishuEventEnvelope.ParseOwned(plaintext);
        CheckToken(envelope);
        return new FeishuVerifiedRequest(envelope, WasEncrypted: true, SignatureVerified: true) { Body = plaintext };
    }

    /// <summary>
    /// A body whose old card-callback signature (SHA-1 with the verification token) matched. The only place
    /// old-style callbacks are accepted; the signature proves knowledge of the token alone, so the body must
    /// be a plain old-style callback and nothing else.
    /// </summary>
    private static FeishuVerifiedRequest AcceptLegacyCardCallback(ReadOnlySpan<byte> rawBody)
    {
        var root = FeishuJsonBody.Parse(rawBody);
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("encrypt", out _))
        {
            throw new FeishuEventException(FeishuEventErrorReason.BadSignature, "An encrypted body must be signed with SHA-256 and the encrypt key, not with the old card-callback signature.");
        }

        var envelope = FeishuEventEnvelope.FromRoot(root);
        if (envelope.Kind != FeishuEnvelopeKind.LegacyCardCallback)
        {
            throw new FeishuEventException(FeishuEventErrorReason.BadSignature, $"The X-Lark-Signature header is an old card-callback signature (SHA-1 with the verification token), which only old-style card callbacks may use, and this is a {envelope.EventType} body.");
        }

        return new FeishuVerifiedRequest(envelope, WasEncrypted: false, SignatureVerified: true) { Body = rawBody.ToArray() };
    }

    private static FeishuEventException LegacyCallbacksRefused() => new(
        FeishuEventErrorReason.BadSignature,
        "This app refuses old-style card callbacks (signed with SHA-1 and the verification token). Configure the app's card callback as the new-style card.action.trigger (developer console → Events and callbacks → Callback configuration), which is signed with the encrypt key, or accept old-style callbacks for this app again.");

    /// <summary>No (usable) signature: a url_verification challenge, or — with no encrypt key — a v1/v2 event on its token.</summary>
    private FeishuVerifiedRequest AcceptUnsigned(ReadOnlySpan<byte> rawBody)
    {
        var root = FeishuJsonBody.Parse(rawBody);
        if (EncryptField(root) is { } encrypt)
        {
            return AcceptUnsignedEncryptedChallenge(encrypt);
        }

        var plain = FeishuEventEnvelope.FromRoot(root);
        switch (plain.Kind)
        {
            case FeishuEnvelopeKind.UrlVerification:
                break;
            case FeishuEnvelopeKind.LegacyCardCallback:
                throw !_acceptLegacyCardCallbacks ? LegacyCallbacksRefused()
                    : _verificationToken is null
                    ? new FeishuEventException(FeishuEventErrorReason.Configuration, "An old-style card callback can only be verified with a verification token, and none is configured.")
                    : new FeishuEventException(FeishuEventErrorReason.BadSignature, "The card callback has no X-Lark-Signature header that matches it (SHA-1 with the verification token).");
            default:
                if (_encryptKey is not null)
                {
                    throw new FeishuEventException(FeishuEventErrorReason.BadSignature, "The Feishu event has no X-Lark-Signature header.");
                }

                break;
        }

        CheckToken(plain);
        return new FeishuVerifiedRequest(plain, WasEncrypted: false, SignatureVerified: false) { Body = rawBody.ToArray() };
    }

    private FeishuVerifiedRequest AcceptUnsignedEncryptedChallenge(string encrypt)
    {
        if (_decryptor is null)
        {
            throw new FeishuEventException(FeishuEventErrorReason.Configuration, "The Feishu event is encrypted but no encrypt key is configured.");
        }

        // Only a url_verification challenge is acceptable. Every other outcome fails the same way, so that
        // unauthenticated callers cannot use padding/parse errors as a decryption oracle.
        FeishuEventEnvelope? challenge = null;
        byte[]? challengeBody = null;
        try
        {
            challengeBody = _decryptor.Decrypt(encrypt);
            var candidate = FeishuEventEnvelope.Parse(challengeBody);
            challenge = candidate.IsUrlVerification ? candidate : null;
        }
        catch (FeishuEventException)
        {
            // Reported below without saying which step failed.
        }

        if (challenge is null)
        {
            throw new FeishuEventException(FeishuEventErrorReason.BadSignature, "The encrypted Feishu request has no X-Lark-Signature header and is not a url_verification challenge decryptable with the configured encrypt key.");
        }

        CheckToken(challenge);
        return new FeishuVerifiedRequest(challenge, WasEncrypted: true, SignatureVerified: false) { Body = challengeBody };
    }

    private void CheckWindow(FeishuRequestHeaders headers)
    {
        if (_timestampWindow is { } window
            && !FeishuRequestTimestamp.IsWithinWindow(headers.Timestamp, window, _timeProvider))
        {
            throw new FeishuEventException(FeishuEventErrorReason.StaleTimestamp, $"The X-Lark-Request-Timestamp header is missing or more than {window.TotalSeconds:0} s away from now.");
        }
    }

    private void CheckToken(FeishuEventEnvelope envelope)
    {
        if (envelope.Kind == FeishuEnvelopeKind.LegacyCardCallback || _verificationToken is null)
        {
            return;
        }

        if (envelope.Token is null || !FeishuEventSignature.FixedTimeEquals(_verificationToken, envelope.Token))
        {
            throw new FeishuEventException(FeishuEventErrorReason.WrongToken, $"The verification token of the Feishu {envelope.EventType} body is missing or does not match.");
        }
    }

    /// <summary>The <c>encrypt</c> string when the body is <c>{"encrypt":…}</c>, otherwise null.</summary>
    private static string? EncryptField(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("encrypt", out var encrypt))
        {
            return null;
        }

        return encrypt.ValueKind == JsonValueKind.String
            ? encrypt.GetString()
            : throw new FeishuEventException(FeishuEventErrorReason.BadEncryption, "The encrypt field of the Feishu event is not a string.");
    }
}
