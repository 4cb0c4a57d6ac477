using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Larkway.Emulator.Hosting;

namespace Larkway.Emulator.DingTalk.Callbacks;

/// <summary>One HTTP attempt of a push to an app's server, as <c>GET /_emulator/dingtalk/callback-deliveries</c> lists it.</summary>
public sealed record DingTalkCallbackAttempt(string DeliveryId, string Kind, string AppKey, string Url, string? EventType, int Attempt, int? Status, string Outcome, string? Error, long AtMs);

/// <summary>
/// DingTalk's HTTP pushes to an app's own server: robot messages to an outgoing robot's receiving address (headers
/// <c>timestamp</c> and <c>sign</c> = Base64(HMAC-SHA256(appSecret, timestamp + "\n" + appSecret))) and encrypted legacy
/// events (an encrypted "success" is the only good answer). A failed attempt is retried after each of
/// <see cref="EmulatorOptions.DingTalkCallbackRetryDelays"/> (DingTalk says it retries; its schedule is unsure), in the
/// background; every attempt is logged. Bodies, tokens and keys are never logged.
/// </summary>
internal sealed class CallbackSender : IDisposable
{
    private const int LogCapacity = 5_000;

    private readonly HttpClient _http;
    private readonly EmulatorOptions _options;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly LinkedList<DingTalkCallbackAttempt> _log = new();

    public CallbackSender(EmulatorOptions options)
    {
        _options = options;
        _time = options.TimeProvider;
        _http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = options.EventConnectTimeout, UseProxy = false, AllowAutoRedirect = false })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>What one attempt got: the status and body, or why there was none.</summary>
    public sealed record Answer(int? Status, string? Body, string? Error);

    public IReadOnlyList<DingTalkCallbackAttempt> Attempts(string? deliveryId)
    {
        lock (_gate)
        {
            return [.. _log.Where(a => deliveryId is null || a.DeliveryId == deliveryId)];
        }
    }

    /// <summary>Starts delivering a robot message; <paramref name="onReply"/> gets a synchronous reply the server answered with.</summary>
    public string StartRobotMessage(string appKey, string appSecret, string url, string bodyJson, Action<string, string> onReply)
    {
        var id = NewId();
        _ = DeliverAsync(id, "robot", appKey, url, null, ct => PostRobotAsync(url, appSecret, bodyJson, ct), answer =>
        {
            if (answer.Status is not (>= 200 and < 300))
            {
                return $"HTTP {answer.Status?.ToString(CultureInfo.InvariantCulture) ?? "-"}";
            }

            if (SyncReply(answer.Body) is { } reply)
            {
                onReply(reply.MsgType, reply.Body);
            }

            return null;
        });
        return id;
    }

    /// <summary>Starts delivering an encrypted event to the app's subscription.</summary>
    public string StartEvent(CallbackSettings settings, string ownerKey, string eventType, string plaintextJson)
    {
        var id = NewId();
        _ = DeliverAsync(id, "event", settings.AppKey, settings.EventUrl!, eventType, ct => PostEventAsync(settings, ownerKey, plaintextJson, ct), answer => CheckSuccess(answer, settings, ownerKey));
        return id;
    }

    /// <summary>
    /// One attempt, waited for: the check DingTalk makes when a subscription is saved (<c>check_url</c>). Returns null when
    /// the server answered the encrypted "success", else why not.
    /// </summary>
    public async Task<string?> CheckUrlAsync(CallbackSettings settings, string ownerKey, CancellationToken cancellationToken)
    {
        var answer = await PostEventAsync(settings, ownerKey, """{"EventType":"check_url"}""", cancellationToken);
        var problem = CheckSuccess(answer, settings, ownerKey);
        Record(NewId(), "event", settings.AppKey, settings.EventUrl!, "check_url", 1, answer, problem);
        return problem;
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _http.Dispose();
    }

    private async Task DeliverAsync(string id, string kind, string appKey, string url, string? eventType, Func<CancellationToken, Task<Answer>> attempt, Func<Answer, string?> problemOf)
    {
        var delays = _options.DingTalkCallbackRetryDelays;
        try
        {
            for (var n = 1; ; n++)
            {
                var answer = await attempt(_stopping.Token);
                var problem = problemOf(answer);
                Record(id, kind, appKey, url, eventType, n, answer, problem);
                if (problem is null || n > delays.Count)
                {
                    return;
                }

                await Task.Delay(delays[n - 1], _time, _stopping.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // the emulator is stopping
        }
    }

    private async Task<Answer> PostRobotAsync(string url, string appSecret, string bodyJson, CancellationToken cancellationToken)
    {
        var timestamp = _time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = Json(bodyJson) };
        request.Headers.TryAddWithoutValidation("timestamp", timestamp);
        request.Headers.TryAddWithoutValidation("sign", RobotSign(timestamp, appSecret));
        return await SendAsync(request, cancellationToken);
    }

    private async Task<Answer> PostEventAsync(CallbackSettings settings, string ownerKey, string plaintextJson, CancellationToken cancellationToken)
    {
        var timestamp = _time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var encrypt = EventCrypto.Encrypt(plaintextJson, settings.EventAesKey!, ownerKey);
        var signature = EventCrypto.Signature(settings.EventToken!, timestamp, nonce, encrypt);

        // Receivers read msg_signature (the SDK demos) or signature (the docs' examples): both are sent, with the same value.
        var query = $"msg_signature={signature}&signature={signature}&timestamp={timestamp}&nonce={nonce}";
        var url = settings.EventUrl! + (settings.EventUrl!.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query;
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = Json(JsonSerializer.Serialize(new Dictionary<string, string> { ["encrypt"] = encrypt })) };
        return await SendAsync(request, cancellationToken);
    }

    private async Task<Answer> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(_options.DingTalkCallbackTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            using var response = await _http.SendAsync(request, linked.Token);
            return new Answer((int)response.StatusCode, await response.Content.ReadAsStringAsync(linked.Token), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Answer(null, null, deadline.IsCancellationRequested ? "no answer in time" : "the connection failed");
        }
        catch (HttpRequestException e)
        {
            return new Answer(null, null, "the request failed: " + e.Message);
        }
    }

    /// <summary>Null when the answer is the encrypted "success" map, signed with the token and encrypted for the corp.</summary>
    private static string? CheckSuccess(Answer answer, CallbackSettings settings, string ownerKey)
    {
        if (answer.Status != 200)
        {
            return answer.Error ?? $"HTTP {answer.Status}";
        }

        try
        {
            using var document = JsonDocument.Parse(answer.Body ?? string.Empty);
            var root = document.RootElement;
            string? Field(string name) => root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var (signature, timestamp, nonce, encrypt) = (Field("msg_signature"), Field("timeStamp") ?? Field("timestamp"), Field("nonce"), Field("encrypt"));
            if (signature is null || timestamp is null || nonce is null || encrypt is null)
            {
                return "the answer is not the encrypted success map {msg_signature, timeStamp, nonce, encrypt}";
            }

            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(signature), Encoding.ASCII.GetBytes(EventCrypto.Signature(settings.EventToken!, timestamp, nonce, encrypt))))
            {
                return "msg_signature does not match (another token?)";
            }

            return EventCrypto.Decrypt(encrypt, settings.EventAesKey!) switch
            {
                null => "encrypt does not decrypt with the aes_key",
                var (message, _) when message != "success" => "the decrypted answer is not \"success\"",
                var (_, owner) when owner != ownerKey => "the answer is encrypted for another app (its owner key is not the AppKey)",
                _ => null,
            };
        }
        catch (JsonException)
        {
            return "the answer is not JSON";
        }
    }

    /// <summary>A synchronous reply: a text or markdown robot message in the answer's body.</summary>
    private static (string MsgType, string Body)? SyncReply(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("msgtype", out var type) && type.GetString() is "text" or "markdown"
                ? (type.GetString()!, root.GetRawText())
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void Record(string id, string kind, string appKey, string url, string? eventType, int attempt, Answer answer, string? problem)
    {
        // The URL without its query: the signature is no secret, but the receiver's own query might hold one.
        var shown = url.Split('?')[0];
        lock (_gate)
        {
            _log.AddLast(new DingTalkCallbackAttempt(id, kind, appKey, shown, eventType, attempt, answer.Status, problem is null ? "ok" : "failed", problem, _time.GetUtcNow().ToUnixTimeMilliseconds()));
            if (_log.Count > LogCapacity)
            {
                _log.RemoveFirst();
            }
        }
    }

    internal static string RobotSign(string timestamp, string appSecret) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), Encoding.UTF8.GetBytes(timestamp + "\n" + appSecret)));

    private static StringContent Json(string json) => new(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" });

    private static string NewId() => "dlv_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
}
