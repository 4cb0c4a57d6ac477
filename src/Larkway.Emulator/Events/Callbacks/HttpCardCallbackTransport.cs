using System.Security.Cryptography;
using System.Text;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Events.Callbacks;

/// <summary>An HTTP route: the URL and, for new-style callbacks, the Encrypt Key.</summary>
internal sealed record HttpCardCallbackRoute(string AppId, CardCallbackStyle Style, string? VerificationToken, string Url, string? EncryptKey)
    : CardCallbackRoute(AppId, Style, VerificationToken, Url);

/// <summary>
/// Card callbacks over HTTP ("send callbacks to the developer's server"). Route: the old card request URL
/// when configured (old body, SHA-1 + Verification Token, never encrypted); else the callback URL, else
/// the event subscription URL (new body, encrypted and signed SHA-256 with the Encrypt Key when set).
/// </summary>
internal sealed class HttpCardCallbackTransport : ICardCallbackTransport
{
    private readonly DeveloperServerClient _client;
    private readonly EmulatorState _state;

    public HttpCardCallbackTransport(EmulatorState state, DeveloperServerClient client)
    {
        _state = state;
        _client = client;
    }

    public CardCallbackRoute? RouteFor(EmulatorApp app)
    {
        var settings = _state.CardCallbackOf(app.AppId);
        var events = _state.EventSubscriptionOf(app.AppId);
        var token = settings?.VerificationToken ?? events?.VerificationToken;
        if (settings?.CardRequestUrl is { } legacyUrl)
        {
            return new HttpCardCallbackRoute(app.AppId, CardCallbackStyle.LegacyCard, token, legacyUrl, EncryptKey: null);
        }

        var url = settings?.Url is { Length: > 0 } callbackUrl ? callbackUrl : events?.Url;
        return string.IsNullOrEmpty(url) ? null : new HttpCardCallbackRoute(app.AppId, CardCallbackStyle.Trigger, token, url, settings?.EncryptKey ?? events?.EncryptKey);
    }

    public async Task<CardCallbackReply> SendAsync(CardCallbackRoute route, byte[] plaintextBody, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var http = (HttpCardCallbackRoute)route;
        var body = http.Style == CardCallbackStyle.Trigger && http.EncryptKey is { Length: > 0 } key
            ? Encoding.UTF8.GetBytes(EventEncryptor.EncryptedBody(key, Encoding.UTF8.GetString(plaintextBody)))
            : plaintextBody;
        var reply = await _client.PostAsync(http.Url, body, (timestamp, nonce, bytes) => Sign(http, timestamp, nonce, bytes), timeout, cancellationToken);
        return reply switch
        {
            { TimedOut: true } => new CardCallbackReply(null, null, CardCallbackFailure.Timeout, $"no answer within {timeout.TotalSeconds:0.###} s"),
            { StatusCode: { } status } => new CardCallbackReply(status, reply.Body, CardCallbackFailure.None, null),
            _ => new CardCallbackReply(null, null, CardCallbackFailure.Unreachable, reply.Error),
        };
    }

    /// <summary>New style: the event rule (only with an Encrypt Key). Old style: SHA-1 with the Verification Token (only with one).</summary>
    private static string? Sign(HttpCardCallbackRoute route, string timestamp, string nonce, byte[] body)
    {
        if (route.Style == CardCallbackStyle.Trigger)
        {
            return route.EncryptKey is { Length: > 0 } key ? EventSigner.Sign(timestamp, nonce, key, body) : null;
        }

        if (route.VerificationToken is not { Length: > 0 } token)
        {
            return null;
        }

        var prefix = Encoding.UTF8.GetBytes(timestamp + nonce + token);

        // CA5350: the old card-callback protocol mandates SHA-1; the emulator reproduces it, nothing more.
#pragma warning disable CA5350
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
#pragma warning restore CA5350
        sha1.AppendData(prefix);
        sha1.AppendData(body);
        return Convert.ToHexStringLower(sha1.GetHashAndReset());
    }
}
