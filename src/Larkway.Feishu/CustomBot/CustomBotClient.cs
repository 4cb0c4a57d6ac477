using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Feishu.Cards;

namespace Larkway.Feishu.CustomBot;

/// <summary>
/// Posts messages to one group through a custom (webhook) bot:
/// <c>POST https://open.feishu.cn/open-apis/bot/v2/hook/{token}</c>. Signs requests when the bot has a secret,
/// checks the 20 KB body limit locally, and turns every failure into a <see cref="FeishuApiException"/>
/// (the webhook answers business errors with HTTP 200 and a non-zero <c>code</c>).
/// </summary>
/// <remarks>
/// Retries: only rate limits (11232 and the other rate-limit codes, or HTTP 429) are retried, up to
/// <see cref="MaxRateLimitRetries"/> times with back-off. Webhook posts have no idempotency key, so a retry after
/// an ambiguous failure (timeout, 5xx, dropped connection) could post the message twice; a rate-limited request
/// was refused before being accepted, so retrying it cannot. Everything else is thrown at once.
/// </remarks>
public class CustomBotClient : IDisposable
{
    /// <summary>The documented request-body limit of a custom bot: 20 KB.</summary>
    public const int MaxBodyBytes = 20 * 1024;

    private const string HookPathPrefix = "/open-apis/bot/v2/hook/";

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly string? _secret;
    private readonly TimeProvider _time;

    /// <summary>Creates a client that sends through <paramref name="httpClient"/> (not disposed by this client).</summary>
    /// <param name="httpClient">The HTTP client, e.g. from <c>IHttpClientFactory</c>.</param>
    /// <param name="webhookUrl">The bot's webhook: <c>https://open.feishu.cn/open-apis/bot/v2/hook/{token}</c> (or open.larksuite.com).</param>
    /// <param name="secret">The bot's signing secret, if signature verification is on; null otherwise.</param>
    /// <param name="timeProvider">Clock for <c>timestamp</c> and back-off; <see cref="TimeProvider.System"/> by default.</param>
    /// <exception cref="ArgumentException">The URL is not a webhook URL, or the secret is empty.</exception>
    public CustomBotClient(HttpClient httpClient, string webhookUrl, string? secret = null, TimeProvider? timeProvider = null)
        : this(ParseWebhookUrl(webhookUrl), CheckSecret(secret), httpClient ?? throw new ArgumentNullException(nameof(httpClient)), ownsHttp: false, timeProvider)
    {
    }

    /// <summary>Creates a client over <paramref name="handler"/> (which stays owned by the caller).</summary>
    /// <inheritdoc cref="CustomBotClient(HttpClient, string, string?, TimeProvider?)"/>
    public CustomBotClient(HttpMessageHandler handler, string webhookUrl, string? secret = null, TimeProvider? timeProvider = null)
        : this(ParseWebhookUrl(webhookUrl), CheckSecret(secret), CreateHttpClient(handler), ownsHttp: true, timeProvider)
    {
    }

    /// <summary>Creates a client that sends through <paramref name="httpClient"/> (not disposed by this client).</summary>
    /// <inheritdoc cref="CustomBotClient(HttpClient, string, string?, TimeProvider?)"/>
    public CustomBotClient(HttpClient httpClient, Uri webhookUrl, string? secret = null, TimeProvider? timeProvider = null)
        : this(httpClient, webhookUrl?.OriginalString!, secret, timeProvider)
    {
    }

    /// <summary>Creates a client over <paramref name="handler"/> (which stays owned by the caller).</summary>
    /// <inheritdoc cref="CustomBotClient(HttpClient, string, string?, TimeProvider?)"/>
    public CustomBotClient(HttpMessageHandler handler, Uri webhookUrl, string? secret = null, TimeProvider? timeProvider = null)
        : this(handler, webhookUrl?.OriginalString!, secret, timeProvider)
    {
    }

    // Arguments are checked before the HttpClient is created, so a bad URL or secret leaks nothing.
    private CustomBotClient(Uri webhookUrl, string? secret, HttpClient httpClient, bool ownsHttp, TimeProvider? timeProvider)
    {
        WebhookUrl = webhookUrl;
        _secret = secret;
        _http = httpClient;
        _ownsHttp = ownsHttp;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The validated webhook URL.</summary>
    public Uri WebhookUrl { get; }

    /// <summary>How many times a rate-limited send (11232 / HTTP 429) is retried. Default 2; 0 disables retries.</summary>
    public int MaxRateLimitRetries
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    } = 2;

    /// <summary>
    /// Back-off before the first retry; doubled for each further one. A <c>x-ogw-ratelimit-reset</c> header, when
    /// present, is used instead. Default 1 s.
    /// </summary>
    public TimeSpan RateLimitBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Whether <see cref="SendCardAsync"/> runs <see cref="CardValidator"/> first and refuses an invalid card
    /// (code <see cref="FeishuErrorCodes.InvalidRequest"/>). Default true.
    /// </summary>
    public bool ValidateCards { get; init; } = true;

    /// <summary>The text of an @mention for a text message: <c>&lt;at user_id="ou_…"&gt;Name&lt;/at&gt;</c>.</summary>
    /// <param name="userId">An open_id or user_id of a group member (external groups: open_id only); <c>all</c> for everyone.</param>
    /// <param name="name">Display text; optional.</param>
    public static string Mention(string userId, string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        if (userId.AsSpan().IndexOfAny("\"<> ") >= 0)
        {
            throw new ArgumentException($"'{userId}' is not a user id: it may not contain quotes, spaces or angle brackets.", nameof(userId));
        }

        return $"<at user_id=\"{userId}\">{name}</at>";
    }

    /// <summary>Sends a text message: <c>{"msg_type":"text","content":{"text":…}}</c>.</summary>
    public virtual Task SendTextAsync(string text, CancellationToken cancellationToken = default) =>
        SendTextAsync(text, atUserIds: null, atAll: false, cancellationToken);

    /// <summary>
    /// Sends a text message that mentions people. Mentions are put before the text: everyone
    /// (<c>&lt;at user_id="all"&gt;所有人&lt;/at&gt;</c>, if the group allows it) first, then each user.
    /// </summary>
    /// <param name="text">The message text.</param>
    /// <param name="atUserIds">open_ids or user_ids of group members to mention (external groups: open_id only); may be null.</param>
    /// <param name="atAll">Whether to mention everyone.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    public virtual Task SendTextAsync(string text, IEnumerable<string>? atUserIds, bool atAll = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        var builder = new StringBuilder();
        if (atAll)
        {
            builder.Append(Mention("all", "所有人")).Append(' ');
        }

        foreach (var userId in atUserIds ?? [])
        {
            builder.Append(Mention(userId)).Append(' ');
        }

        builder.Append(text);
        return SendAsync("text", "content", new JsonObject { ["text"] = builder.ToString() }, cancellationToken);
    }

    /// <summary>
    /// Sends a rich-text message: <c>{"msg_type":"post","content":{"post":{"zh_cn":{"title":…,"content":[[…]]}}}}</c>
    /// (note the extra <c>post</c> wrapper the webhook needs, unlike the IM API).
    /// </summary>
    /// <param name="title">The post title.</param>
    /// <param name="paragraphs">Paragraphs, each a line of inline elements.</param>
    /// <param name="locale">The locale key: <c>zh_cn</c>, <c>en_us</c> or <c>ja_jp</c>.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    public virtual Task SendPostAsync(string title, IEnumerable<IEnumerable<PostElement>> paragraphs, string locale = "zh_cn", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(paragraphs);
        ArgumentException.ThrowIfNullOrEmpty(locale);
        var content = new JsonArray();
        foreach (var paragraph in paragraphs)
        {
            ArgumentNullException.ThrowIfNull(paragraph, nameof(paragraphs));
            var line = new JsonArray();
            foreach (var element in paragraph)
            {
                ArgumentNullException.ThrowIfNull(element, nameof(paragraphs));
                line.Add((JsonNode)element.ToJson());
            }

            content.Add((JsonNode)line);
        }

        var post = new JsonObject { [locale] = new JsonObject { ["title"] = title, ["content"] = content } };
        return SendAsync("post", "content", new JsonObject { ["post"] = post }, cancellationToken);
    }

    /// <summary>Sends an image by key (upload it first with the IM image API): <c>{"image_key":…}</c>.</summary>
    public virtual Task SendImageAsync(string imageKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(imageKey);
        return SendAsync("image", "content", new JsonObject { ["image_key"] = imageKey }, cancellationToken);
    }

    /// <summary>Shares a group card: <c>{"share_chat_id":…}</c> (the webhook's key; the IM API calls it chat_id).</summary>
    public virtual Task SendShareChatAsync(string chatId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(chatId);
        return SendAsync("share_chat", "content", new JsonObject { ["share_chat_id"] = chatId }, cancellationToken);
    }

    /// <summary>
    /// Sends a card (JSON 1.0/2.0 or a template reference) in the top-level <c>card</c> field. Webhook cards can
    /// only open links: buttons with callback values do nothing.
    /// </summary>
    /// <exception cref="FeishuApiException">Code <see cref="FeishuErrorCodes.InvalidRequest"/> when <see cref="ValidateCards"/> finds errors.</exception>
    public virtual Task SendCardAsync(JsonNode card, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(card);
        if (ValidateCards)
        {
            var result = CardValidator.Validate(card);
            if (!result.IsValid)
            {
                throw new FeishuApiException(FeishuErrorCodes.InvalidRequest, $"The card is invalid: {string.Join("; ", result.Errors)}");
            }
        }

        return SendAsync("interactive", "card", card.DeepClone(), cancellationToken);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the HTTP client when this instance created it.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing && _ownsHttp)
        {
            _http.Dispose();
        }
    }

    /// <summary>
    /// Sends <c>{"timestamp","sign","msg_type":<paramref name="msgType"/>,<paramref name="payloadKey"/>:<paramref name="payload"/>}</c>,
    /// retrying rate limits as described on the class.
    /// </summary>
    protected virtual async Task SendAsync(string msgType, string payloadKey, JsonNode payload, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            // Signed afresh per attempt: the timestamp must stay within an hour of Feishu's clock.
            var body = Serialize(msgType, payloadKey, payload);
            var failure = await PostAsync(body, cancellationToken).ConfigureAwait(false);
            if (failure is null)
            {
                return;
            }

            if (attempt >= MaxRateLimitRetries || !IsRateLimited(failure))
            {
                throw failure;
            }

            await Task.Delay(PauseBefore(attempt, failure), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private byte[] Serialize(string msgType, string payloadKey, JsonNode payload)
    {
        var body = new JsonObject();
        if (_secret is not null)
        {
            var timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
            body["timestamp"] = timestamp.ToString(CultureInfo.InvariantCulture);
            body["sign"] = CustomBotSigner.Sign(_secret, timestamp);
        }

        body["msg_type"] = msgType;
        body[payloadKey] = payload.DeepClone();
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, CardWire.WriterOptions))
        {
            body.WriteTo(writer);
        }

        var bytes = buffer.WrittenSpan.ToArray();
        if (bytes.Length > MaxBodyBytes)
        {
            throw new FeishuApiException(FeishuErrorCodes.InvalidRequest, string.Create(CultureInfo.InvariantCulture,
                $"The webhook request body is {bytes.Length} bytes; custom bots accept at most {MaxBodyBytes} bytes. Shorten the message or split it."));
        }

        return bytes;
    }

    // Returns null on success, or the failure to throw (or retry).
    private async Task<FeishuApiException?> PostAsync(byte[] body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, WebhookUrl);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = JsonContentType;
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new FeishuApiException(FeishuErrorCodes.NetworkError, $"The webhook could not be reached: {ex.Message}", innerException: ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new FeishuApiException(FeishuErrorCodes.Timeout, "The webhook did not answer in time.", innerException: ex);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return ParseResponse(response, text);
        }
    }

    private static FeishuApiException? ParseResponse(HttpResponseMessage response, string text)
    {
        var status = response.StatusCode;
        var logId = Header(response, "X-Tt-Logid") ?? Header(response, "X-Request-Id");
        JsonNode? json;
        try
        {
            json = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            json = null;
        }

        if (json is not JsonObject envelope)
        {
            return new FeishuApiException(FeishuErrorCodes.MalformedResponse,
                $"The webhook answered HTTP {(int)status} without a JSON envelope.", status, logId);
        }

        logId ??= TryString(envelope["error"]?["log_id"]);

        // Current responses carry code/msg; older ones only the legacy StatusCode/StatusMessage.
        var code = TryInt(envelope["code"]) ?? TryInt(envelope["StatusCode"]);
        var msg = TryString(envelope["msg"]) ?? TryString(envelope["StatusMessage"]) ?? string.Empty;
        if (code is null)
        {
            return new FeishuApiException(FeishuErrorCodes.MalformedResponse,
                $"The webhook answered HTTP {(int)status} without a code.", status, logId);
        }

        if (code == 0 && response.IsSuccessStatusCode)
        {
            return null;
        }

        return new FeishuApiException(code == 0 ? FeishuErrorCodes.MalformedResponse : code.Value, msg, status, logId)
        {
            RetryAfter = RetryAfter(response),
        };
    }

    private static bool IsRateLimited(FeishuApiException failure) =>
        FeishuErrorCodes.IsRateLimit(failure.Code) || failure.HttpStatus == HttpStatusCode.TooManyRequests;

    // Feishu's reset when it gives one; else the clients' back-off, doubling from RateLimitBackoff, without jitter.
    private TimeSpan PauseBefore(int attempt, FeishuApiException failure) =>
        failure.RetryAfter is { } retryAfter && retryAfter > TimeSpan.Zero
            ? retryAfter
            : Shared.Clients.Backoff.Delay(attempt, RateLimitBackoff, TimeSpan.MaxValue, jitter: 0);

    private static TimeSpan? RetryAfter(HttpResponseMessage response) =>
        int.TryParse(Header(response, "x-ogw-ratelimit-reset"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : null;

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static int? TryInt(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<int>(out var number) ? number : null;

    private static string? TryString(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static HttpClient CreateHttpClient(HttpMessageHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return new HttpClient(handler, disposeHandler: false);
    }

    private static string? CheckSecret(string? secret) =>
        secret is not null && string.IsNullOrWhiteSpace(secret)
            ? throw new ArgumentException("The signing secret is empty: pass null when the bot has no signature verification.", nameof(secret))
            : secret;

    private static Uri ParseWebhookUrl(string webhookUrl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(webhookUrl);
        const string Expected = "https://open.feishu.cn/open-apis/bot/v2/hook/{token}";
        if (!Uri.TryCreate(webhookUrl, UriKind.Absolute, out var uri))
        {
            throw new ArgumentException($"'{webhookUrl}' is not an absolute URL; expected {Expected}.", nameof(webhookUrl));
        }

        // Plain http only to this machine (a local emulator): the signed body must not travel in clear text.
        if (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
        {
            throw new ArgumentException($"The webhook URL must use https (http is allowed only for localhost); got '{uri.Scheme}'.", nameof(webhookUrl));
        }

        var path = uri.AbsolutePath;
        if (!path.StartsWith(HookPathPrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The webhook path must be {HookPathPrefix}{{token}}; got '{path}'. Copy the URL from the group's bot settings.", nameof(webhookUrl));
        }

        var token = path[HookPathPrefix.Length..];
        if (token.Length == 0 || token.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The webhook URL must end with exactly one token segment after {HookPathPrefix}; got '{path}'.", nameof(webhookUrl));
        }

        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            throw new ArgumentException("The webhook URL must not have a query string or fragment.", nameof(webhookUrl));
        }

        return uri;
    }
}
