namespace Larkway.Feishu.Events.Envelopes;

/// <summary>The outcome of <see cref="FeishuEventRequestVerifier.Verify"/>: an authenticated, decrypted, parsed body.</summary>
/// <param name="Envelope">The parsed envelope.</param>
/// <param name="WasEncrypted">True when the body was <c>{"encrypt":…}</c>.</param>
/// <param name="SignatureVerified">True when a signature (event SHA-256 or old card SHA-1) was checked and matched.</param>
public sealed record FeishuVerifiedRequest(FeishuEventEnvelope Envelope, bool WasEncrypted, bool SignatureVerified)
{
    /// <summary>The decrypted UTF-8 JSON body the envelope was parsed from (the raw body when it was not encrypted).</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>The JSON body to answer a url_verification with: <c>{"challenge":"…"}</c>; null for anything else.</summary>
    public string? ChallengeResponseJson => Envelope.IsUrlVerification
        ? "{\"challenge\":" + System.Text.Json.JsonSerializer.Serialize(Envelope.Challenge, Serialization.FeishuEventsJsonContext.Default.String) + "}"
        : null;
}
