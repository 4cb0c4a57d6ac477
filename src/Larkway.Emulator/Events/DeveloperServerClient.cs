using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Larkway.Emulator.Hosting;

namespace Larkway.Emulator.Events;

/// <summary>What a developer's server answered, or why it did not within the deadline.</summary>
internal sealed record DeveloperServerReply(int? StatusCode, string? Body, bool TimedOut, string? Error);

/// <summary>
/// The Emulator's outbound HTTP to developers' servers (event pushes and card callbacks): a POST of a JSON
/// body with <c>X-Lark-Request-Timestamp</c> (seconds) and <c>X-Lark-Request-Nonce</c>, plus
/// <c>X-Lark-Signature</c> when the caller's signing rule gives one, answered within a deadline. The
/// connect timeout comes from the options; no proxy, no redirects.
/// </summary>
internal sealed class DeveloperServerClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly TimeProvider _time;

    public DeveloperServerClient(EmulatorOptions options, TimeProvider time)
    {
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

    /// <param name="url">Where to POST.</param>
    /// <param name="body">The exact body bytes (what the signature covers).</param>
    /// <param name="sign">The signature for (timestamp, nonce, body), or null to send none.</param>
    /// <param name="timeout">The answer deadline.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<DeveloperServerReply> PostAsync(string url, byte[] body, Func<string, string, byte[], string?> sign, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation("X-Lark-Request-Timestamp", timestamp);
        request.Headers.TryAddWithoutValidation("X-Lark-Request-Nonce", nonce);
        if (sign(timestamp, nonce, body) is { } signature)
        {
            request.Headers.TryAddWithoutValidation("X-Lark-Signature", signature);
        }

        using var deadline = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token);
            var text = await response.Content.ReadAsStringAsync(linked.Token);
            return new DeveloperServerReply((int)response.StatusCode, text, TimedOut: false, null);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new DeveloperServerReply(null, null, TimedOut: true, null);
        }
        catch (HttpRequestException e)
        {
            return new DeveloperServerReply(null, null, TimedOut: false, "request failed: " + e.Message);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // SocketsHttpHandler reports a connect timeout as a cancellation.
            return new DeveloperServerReply(null, null, TimedOut: false, "request failed: " + e.Message);
        }
    }

    public void Dispose() => _http.Dispose();
}
