using System.Text.Json;
using Larkway.Feishu.Events.Crypto;

namespace Larkway.Feishu.Events.Envelopes;

/// <summary>
/// Turns one raw HTTP request (body bytes + signing headers) into a trusted envelope:
/// signature over the raw bytes → timestamp window → decrypt → parse → verification token.
/// url_verification challenges carry no signature and are accepted on the token alone (encrypted or not).
/// Thread-safe; create one per app.
/// </summary>
public sealed class FeishuEventRequestVerifier
{
    private readonly string? _encryptKey;
    private readonly string? _verificationToken;
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
        _timestampWindow = options.TimestampWindow;
        _timeProvider = options.TimeProvider ?? TimeProvider.System;
        _decryptor = _encryptKey is null ? null : new FeishuEventDecryptor(_encryptKey);
    }

    /// <summary>Verifies, decrypts and parses a request.</summary>
    /// <exception cref="FeishuEventException">The request is rejected; see <see cref="FeishuEventException.Reason"/>.</exception>
    public FeishuVerifiedRequest Verify(ReadOnlySpan<byte> rawBody, FeishuRequestHeaders headers)
    {
        var encrypt = ReadEncryptField(rawBody);

        if (encrypt is not null)
        {
            if (_decryptor is null)
            {
                throw new FeishuEventException(FeishuEventErrorReason.Configuration, "The Feishu event is encrypted but no encrypt key is configured.");
            }

            if (headers.HasSignature)
            {
                // Authenticate the ciphertext before touching it.
                VerifyEventSignatureAndWindow(rawBody, headers);
                var plaintext = _decryptor.Decrypt(encrypt);
                var envelope = FeishuEventEnvelope.Parse(plaintext);
                CheckToken(envelope);
                return new FeishuVerifiedRequest(envelope, WasEncrypted: true, SignatureVerified: true) { Body = plaintext };
            }

            // Unsigned: only a url_verification challenge is acceptable. Every other outcome fails the same
            // way, so that unauthenticated callers cannot use padding/parse errors as a decryption oracle.
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

        var plain = FeishuEventEnvelope.Parse(rawBody);
        var signatureVerified = false;
        switch (plain.Kind)
        {
            case FeishuEnvelopeKind.UrlVerification:
                break;
            case FeishuEnvelopeKind.LegacyCardCallback:
                VerifyLegacyCardSignatureAndWindow(rawBody, headers);
                signatureVerified = true;
                break;
            default:
                if (_encryptKey is not null)
                {
                    VerifyEventSignatureAndWindow(rawBody, headers);
                    signatureVerified = true;
                }

                break;
        }

        CheckToken(plain);
        return new FeishuVerifiedRequest(plain, WasEncrypted: false, signatureVerified) { Body = rawBody.ToArray() };
    }

    private void VerifyEventSignatureAndWindow(ReadOnlySpan<byte> rawBody, FeishuRequestHeaders headers)
    {
        if (!headers.HasSignature)
        {
            throw new FeishuEventException(FeishuEventErrorReason.BadSignature, "The Feishu event has no X-Lark-Signature header.");
        }

        if (!FeishuEventSignature.VerifyEventSignature(headers.Timestamp, headers.Nonce, _encryptKey!, rawBody, headers.Signature))
        {
            throw new FeishuEventException(FeishuEventErrorReason.BadSignature, "The X-Lark-Signature header does not match the request body, timestamp and nonce.");
        }

        CheckWindow(headers);
    }

    private void VerifyLegacyCardSignatureAndWindow(ReadOnlySpan<byte> rawBody, FeishuRequestHeaders headers)
    {
        if (_verificationToken is null)
        {
            throw new FeishuEventException(FeishuEventErrorReason.Configuration, "An old-style card callback can only be verified with a verification token, and none is configured.");
        }

        if (!headers.HasSignature)
        {
            throw new FeishuEventException(FeishuEventErrorReason.BadSignature, "The card callback has no X-Lark-Signature header.");
        }

        if (!FeishuEventSignature.VerifyLegacyCardSignature(headers.Timestamp, headers.Nonce, _verificationToken, rawBody, headers.Signature))
        {
            throw new FeishuEventException(FeishuEventErrorReason.BadSignature, "The X-Lark-Signature header does not match the card callback body, timestamp and nonce.");
        }

        CheckWindow(headers);
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

    /// <summary>Returns the <c>encrypt</c> string when the body is <c>{"encrypt":"…"}</c>, otherwise null.</summary>
    private static string? ReadEncryptField(ReadOnlySpan<byte> rawBody)
    {
        try
        {
            var reader = new Utf8JsonReader(rawBody);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isEncrypt = reader.ValueTextEquals("encrypt"u8);
                if (!reader.Read())
                {
                    return null;
                }

                if (isEncrypt)
                {
                    return reader.TokenType == JsonTokenType.String
                        ? reader.GetString()
                        : throw new FeishuEventException(FeishuEventErrorReason.BadEncryption, "The encrypt field of the Feishu event is not a string.");
                }

                reader.Skip();
            }

            return null;
        }
        catch (JsonException)
        {
            throw new FeishuEventException(FeishuEventErrorReason.Malformed, "Malformed Feishu event: the body is not valid JSON.");
        }
    }
}
