using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.Platform;
using Larkway.Emulator.WeCom.Platform;
using Larkway.Emulator.WeCom.State;
using Microsoft.Extensions.Logging;

namespace Larkway.Emulator.WeCom.Callbacks;

/// <summary>One HTTP attempt of a callback, as <c>GET /_emulator/wecom/callback/attempts</c> lists it.</summary>
internal sealed record WeComCallbackAttempt(string DeliveryId, string Kind, string Url, int Attempt, int? Status, string Outcome, string? Error, long AtMs);

/// <summary>What a delivery ended with: delivered (with the decrypted passive reply, if any) or failed, and why.</summary>
internal sealed record WeComCallbackOutcome(string DeliveryId, bool Delivered, string? ReplyXml, string? Error);

/// <summary>
/// WeCom's callbacks to the app's URL (document 90930): <c>POST url?msg_signature=&amp;timestamp=&amp;nonce=</c> with
/// <c>&lt;xml&gt;&lt;ToUserName/&gt;&lt;AgentID/&gt;&lt;Encrypt/&gt;&lt;/xml&gt;</c>. The server has
/// <see cref="EmulatorOptions.WeComCallbackTimeout"/> (5 s) to answer; a connection that fails or times out is tried again
/// three times (documented: only those are retried). An answer with an <c>&lt;Encrypt&gt;</c> is a passive reply: its
/// signature is checked and it is decrypted. Nothing secret or decrypted is logged.
/// </summary>
internal sealed partial class WeComCallbackSender : IDisposable
{
    private const int LogCapacity = 2_000;

    private readonly HttpClient _http;
    private readonly EmulatorOptions _options;
    private readonly WeComOrg _org;
    private readonly WeComCallbackSettingsStore _settings;
    private readonly ILogger<WeComCallbackSender> _logger;
    private readonly Lock _gate = new();
    private readonly LinkedList<WeComCallbackAttempt> _log = new();
    private long _sequence;

    public WeComCallbackSender(EmulatorOptions options, WeComOrg org, WeComCallbackSettingsStore settings, ILogger<WeComCallbackSender> logger)
    {
        _options = options;
        _org = org;
        _settings = settings;
        _logger = logger;
        _http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = options.EventConnectTimeout, UseProxy = false, AllowAutoRedirect = false })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public WeComCrypto Crypto => new(_org.App.CallbackToken, _org.App.EncodingAesKey, _org.CorpId);

    public IReadOnlyList<WeComCallbackAttempt> Attempts(string? deliveryId = null)
    {
        lock (_gate)
        {
            return [.. _log.Where(a => deliveryId is null || a.DeliveryId == deliveryId)];
        }
    }

    /// <summary>
    /// URL verification (the console's save): GET with an encrypted random echostr; the server must answer its plaintext,
    /// exactly. Returns null when it did, else what went wrong.
    /// </summary>
    public async Task<string?> VerifyAsync(Uri url, CancellationToken cancellationToken)
    {
        var crypto = Crypto;
        var echo = WeComIds.Digits(19);
        var encrypted = crypto.Encrypt(echo);
        var (timestamp, nonce) = Stamp();
        var target = $"{url}{(url.Query.Length > 0 ? '&' : '?')}msg_signature={crypto.Sign(timestamp, nonce, encrypted)}&timestamp={timestamp}&nonce={nonce}&echostr={Uri.EscapeDataString(encrypted)}";
        var id = NextId();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.WeComCallbackTimeout);
        try
        {
            using var response = await _http.GetAsync(target, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            var ok = response.IsSuccessStatusCode && body == echo;
            Record(id, "verify", url, 1, (int)response.StatusCode, ok ? "verified" : "refused", ok ? null : "the answer was not the decrypted echostr");
            return ok ? null : response.IsSuccessStatusCode
                ? "the server answered something other than the decrypted echostr (answer the plaintext alone: no quotes, BOM or newline)"
                : $"the server answered HTTP {(int)response.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var error = e is OperationCanceledException ? "no answer within the deadline" : "connection failed: " + e.Message;
            Record(id, "verify", url, 1, null, "failed", error);
            return error;
        }
    }

    /// <summary>
    /// Encrypts and posts <paramref name="plainXml"/> to the configured URL, with WeCom's retries; null when no URL is set.
    /// </summary>
    public async Task<WeComCallbackOutcome?> DeliverAsync(string kind, string plainXml, CancellationToken cancellationToken)
    {
        if (_settings.Current is not { } settings)
        {
            return null;
        }

        var id = NextId();
        var crypto = Crypto;
        var encrypted = crypto.Encrypt(plainXml);
        var envelope = new XElement("xml",
            new XElement("ToUserName", new XCData(_org.CorpId)),
            new XElement("AgentID", new XCData(_org.App.AgentId.ToString(CultureInfo.InvariantCulture))),
            new XElement("Encrypt", new XCData(encrypted))).ToString(SaveOptions.DisableFormatting);
        string? lastError = null;
        var delays = _options.WeComCallbackRetryDelays;
        for (var attempt = 1; attempt <= delays.Count + 1; attempt++)
        {
            if (attempt > 1)
            {
                await Task.Delay(delays[attempt - 2], cancellationToken);
            }

            // Each try is signed afresh (its own timestamp and nonce), as a new request.
            var (timestamp, nonce) = Stamp();
            var target = $"{settings.Url}{(settings.Url.Query.Length > 0 ? '&' : '?')}msg_signature={crypto.Sign(timestamp, nonce, encrypted)}&timestamp={timestamp}&nonce={nonce}";
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.WeComCallbackTimeout);
            try
            {
                using var content = new StringContent(envelope, Encoding.UTF8, "text/xml");
                using var response = await _http.PostAsync(target, content, timeout.Token);
                var body = await response.Content.ReadAsStringAsync(timeout.Token);
                if (!response.IsSuccessStatusCode)
                {
                    // An HTTP error is an answer: WeCom retries only failed connections and timeouts.
                    var error = $"the server answered HTTP {(int)response.StatusCode}";
                    Record(id, kind, settings.Url, attempt, (int)response.StatusCode, "failed", error);
                    LogFailed(_logger, id, attempt, error);
                    return new WeComCallbackOutcome(id, false, null, error);
                }

                var (reply, replyError) = PassiveReply(crypto, body);
                Record(id, kind, settings.Url, attempt, (int)response.StatusCode, replyError is null ? "delivered" : "bad_reply", replyError);
                LogDelivered(_logger, id, attempt, (int)response.StatusCode);
                return new WeComCallbackOutcome(id, true, reply, replyError);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                lastError = e is OperationCanceledException ? $"no answer within {_options.WeComCallbackTimeout.TotalSeconds:0.###} s" : "connection failed: " + e.Message;
                Record(id, kind, settings.Url, attempt, null, "failed", lastError);
                LogFailed(_logger, id, attempt, lastError);
            }
        }

        LogGaveUp(_logger, id, delays.Count + 1);
        return new WeComCallbackOutcome(id, false, null, lastError + " (gave up after WeCom's three retries)");
    }

    public void Dispose() => _http.Dispose();

    /// <summary>
    /// An empty answer (or "success") is no reply. Otherwise it must be the encrypted passive-reply XML
    /// (<c>Encrypt, MsgSignature, TimeStamp, Nonce</c>): returns its decrypted message, or why it could not be read.
    /// </summary>
    public static (string? Reply, string? Error) PassiveReply(WeComCrypto crypto, string body)
    {
        var trimmed = body.Trim();
        if (trimmed.Length == 0 || trimmed == "success")
        {
            return (null, null);
        }

        try
        {
            var xml = XElement.Parse(trimmed);
            var encrypted = xml.Element("Encrypt")?.Value;
            var signature = xml.Element("MsgSignature")?.Value;
            var timestamp = xml.Element("TimeStamp")?.Value;
            var nonce = xml.Element("Nonce")?.Value;
            if (encrypted is null || signature is null || timestamp is null || nonce is null)
            {
                return (null, "the passive reply lacks Encrypt, MsgSignature, TimeStamp or Nonce");
            }

            return (crypto.Decrypt(signature, timestamp, nonce, encrypted), null);
        }
        catch (System.Xml.XmlException)
        {
            return (null, "the answer is neither empty nor an encrypted passive reply (XML)");
        }
        catch (WeComCryptoException e)
        {
            return (null, $"the passive reply could not be decrypted ({e.Code}: {e.Message})");
        }
    }

    /// <summary>The plaintext XML of a message or event, CDATA for text, as WeCom sends it.</summary>
    public static string Xml(IEnumerable<(string Name, object Value)> fields) =>
        new XElement("xml", fields.Select(f => f.Value switch
        {
            XElement element => new XElement(f.Name, element.Elements()),
            long or int => new XElement(f.Name, Convert.ToString(f.Value, CultureInfo.InvariantCulture)),
            _ => new XElement(f.Name, new XCData(Convert.ToString(f.Value, CultureInfo.InvariantCulture) ?? string.Empty)),
        })).ToString(SaveOptions.DisableFormatting);

    private (string Timestamp, string Nonce) Stamp() =>
        (_options.TimeProvider.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), WeComIds.Digits(10));

    private string NextId() => "cb_" + Interlocked.Increment(ref _sequence).ToString("D6", CultureInfo.InvariantCulture);

    private void Record(string id, string kind, Uri url, int attempt, int? status, string outcome, string? error)
    {
        lock (_gate)
        {
            _log.AddLast(new WeComCallbackAttempt(id, kind, url.GetLeftPart(UriPartial.Path), attempt, status, outcome, error, _options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds()));
            while (_log.Count > LogCapacity)
            {
                _log.RemoveFirst();
            }
        }
    }

    [LoggerMessage(EventId = LogEvents.WeComCallbackDelivered, Level = LogLevel.Debug, Message = "WeCom callback {DeliveryId} delivered on attempt {Attempt} (HTTP {Status})")]
    private static partial void LogDelivered(ILogger logger, string deliveryId, int attempt, int status);

    [LoggerMessage(EventId = LogEvents.WeComCallbackFailed, Level = LogLevel.Information, Message = "WeCom callback {DeliveryId} attempt {Attempt} failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string deliveryId, int attempt, string error);

    [LoggerMessage(EventId = LogEvents.WeComCallbackGaveUp, Level = LogLevel.Warning, Message = "WeCom callback {DeliveryId} gave up after {Attempts} attempts")]
    private static partial void LogGaveUp(ILogger logger, string deliveryId, int attempts);
}
