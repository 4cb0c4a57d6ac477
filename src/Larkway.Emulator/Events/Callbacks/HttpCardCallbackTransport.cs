using System.Globalization;
using System.Net.Http.Headers;
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
internal sealed class HttpCardCallbackTransport : ICardCallbackTransport, IDisposable
{
    private readonly HttpClient _http;
    private readonly EmulatorState _state;
    private readonly TimeProvider _time;

    public HttpCardCallbackTransport(EmulatorState state, EmulatorOptions options, TimeProvider time)
    {
        _state = state;
        _time = time;
        _http = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = options.EventConnectTimeout,
            UseProxy = false,
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
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
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        using var request = new HttpRequestMessage(HttpMethod.Post, http.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation("X-Lark-Request-Timestamp", timestamp);
        request.Headers.TryAddWithoutValidation("X-Lark-Request-Nonce", nonce);
        if (Sign(http, timestamp, nonce, body) is { } signature)
        {
            request.Headers.TryAddWithoutValidation("X-Lark-Signature", signature);
        }

        using var deadline = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token);
            var text = await response.Content.ReadAsStringAsync(linked.Token);
            return new CardCallbackReply((int)response.StatusCode, text, CardCallbackFailure.None, null);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new CardCallbackReply(null, null, CardCallbackFailure.Timeout, $"no answer within {timeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException e)
        {
            return new CardCallbackReply(null, null, CardCallbackFailure.Unreachable, "request failed: " + e.Message);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // SocketsHttpHandler reports a connect timeout as a cancellation.
            return new CardCallbackReply(null, null, CardCallbackFailure.Unreachable, "request failed: " + e.Message);
        }
    }

    public void Dispose() => _http.Dispose();

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
