using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Events;

/// <summary>The outcome of one POST to a subscriber: success = HTTP 200 within the deadline.</summary>
internal sealed record SendResult(int? StatusCode, string? ResponseBody, string? Error)
{
    public bool Success => StatusCode == 200;
}

/// <summary>
/// POSTs an event body as Feishu does: plain JSON or <c>{"encrypt":…}</c> when the subscription has an
/// encrypt key, with <c>X-Lark-Request-Timestamp</c> (seconds), <c>X-Lark-Request-Nonce</c> and, with an
/// encrypt key, <c>X-Lark-Signature</c>. The connect timeout and the response deadline come from the options.
/// </summary>
internal sealed class EventHttpSender : IDisposable
{
    private readonly HttpClient _http;
    private readonly EmulatorOptions _options;
    private readonly TimeProvider _time;

    public EventHttpSender(EmulatorOptions options, TimeProvider time)
    {
        _options = options;
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

    public async Task<SendResult> SendAsync(EventSubscription subscription, string plaintext, CancellationToken ct)
    {
        var body = subscription.EncryptKey is { Length: > 0 } key ? EventEncryptor.EncryptedBody(key, plaintext) : plaintext;
        var bytes = Encoding.UTF8.GetBytes(body);
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation("X-Lark-Request-Timestamp", timestamp);
        request.Headers.TryAddWithoutValidation("X-Lark-Request-Nonce", nonce);
        if (subscription.EncryptKey is { Length: > 0 } signingKey)
        {
            request.Headers.TryAddWithoutValidation("X-Lark-Signature", EventSigner.Sign(timestamp, nonce, signingKey, bytes));
        }

        using var deadline = new CancellationTokenSource(_options.EventDeliveryTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, ct);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token);
            var text = await response.Content.ReadAsStringAsync(linked.Token);
            var status = (int)response.StatusCode;
            return new SendResult(status, text, status == 200 ? null : $"receiver answered HTTP {status}");
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return new SendResult(null, null, $"no HTTP 200 within {_options.EventDeliveryTimeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException e)
        {
            return new SendResult(null, null, "request failed: " + e.Message);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            // SocketsHttpHandler reports a connect timeout as a cancellation.
            return new SendResult(null, null, "request failed: " + e.Message);
        }
    }

    public void Dispose() => _http.Dispose();
}
