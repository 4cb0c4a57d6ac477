using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Larkway.Channels.Backends.Internal;
using Larkway.Shared.Clients;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Larkway.Channels.Backends.Dify.Knowledge;

/// <summary>
/// Dify's knowledge API (datasets): documents created and updated from text, deleted, listed, their indexing followed,
/// and retrieval tried — <c>{BaseUrl}/datasets/…</c> with <c>Authorization: Bearer {knowledge API key}</c>.
/// </summary>
/// <remarks>
/// <para><b>Retries.</b> Reads, deletes and updates are safe to repeat: a rate-limit refusal, a 5xx, a timeout or a
/// connection failure is tried again, up to <see cref="DifyKnowledgeOptions.MaxRetries"/> times, with back-off (and
/// <c>Retry-After</c> when Dify sends one). A create is not (see <see cref="CreateDocumentByTextAsync"/>).</para>
/// <para><b>Pacing.</b> With <see cref="DifyKnowledgeOptions.RequestsPerMinute"/> set, every request of this instance
/// (retries too) waits for a slot so that no sliding minute sees more. When Dify still refuses a request for the plan's
/// rate (HTTP 403 with its rate-limit message, or 429), the instance sends nothing more until that minute has passed.
/// Use one instance per knowledge API key: two instances do not see each other's requests.</para>
/// <para>Failures throw <see cref="DifyKnowledgeException"/>; cancellation throws <see cref="OperationCanceledException"/>.</para>
/// </remarks>
public sealed class DifyKnowledgeClient : IDifyKnowledgeClient
{
    /// <summary>Dify's knowledge rate window is a sliding minute; two seconds more for the time a request takes to arrive.</summary>
    internal static readonly TimeSpan RateWindow = TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(2);

    /// <summary>The largest page Dify serves.</summary>
    public const int MaxPageSize = 100;

    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");

    private readonly DifyKnowledgeOptions _options;
    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly RateGate _gate;
    private readonly Uri _base;

    /// <summary>A client for the knowledge API of <paramref name="options"/>, calling through <paramref name="httpClient"/>.</summary>
    /// <param name="options">The base URL, key, pace, retries and timeout. Copied: later changes have no effect.</param>
    /// <param name="httpClient">The HTTP client (not disposed here). Its own <see cref="HttpClient.Timeout"/> should be
    /// infinite or longer than <see cref="DifyKnowledgeOptions.Timeout"/>: the client keeps its own time limit.</param>
    /// <param name="logger">Where log lines go (never the key, a document's name or text).</param>
    /// <param name="timeProvider">The clock for pacing, timeouts and retry delays.</param>
    /// <exception cref="ArgumentException">The options cannot work; the message says which to fix.</exception>
    public DifyKnowledgeClient(DifyKnowledgeOptions options, HttpClient httpClient, ILogger<DifyKnowledgeClient>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClient);
        options.ThrowIfInvalid();
        _options = options.Clone();
        _http = httpClient;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;

        // Unpaced, the gate never makes a request wait, but still holds requests back after a rate-limit refusal.
        _gate = new RateGate(_options.RequestsPerMinute ?? int.MaxValue, RateWindow, _time, static refusal => new PaceHeldException(refusal.Wait));
        var baseText = _options.BaseUrl.AbsoluteUri;
        _base = new Uri(baseText.EndsWith('/') ? baseText : baseText + "/");
    }

    /// <inheritdoc />
    public Task<DifyDataset> GetDatasetAsync(string datasetId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(datasetId);
        var call = new Call(HttpMethod.Get, "/datasets/{dataset_id}", $"datasets/{Escape(datasetId)}");
        return SendAsync(call, (response, token) => ReadAsync(response, KnowledgeJsonContext.Default.DifyDataset, call, dataset => dataset.Id.Length > 0, token), cancellationToken);
    }

    /// <inheritdoc />
    public Task<DifyDocumentPage> ListDocumentsAsync(string datasetId, int page = 1, int limit = 20, string? keyword = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(datasetId);
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPageSize);
        var query = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"?page={page}&limit={limit}"));
        if (!string.IsNullOrEmpty(keyword))
        {
            query.Append("&keyword=").Append(Uri.EscapeDataString(keyword));
        }

        var call = new Call(HttpMethod.Get, "/datasets/{dataset_id}/documents", $"datasets/{Escape(datasetId)}/documents{query}");
        return SendAsync(call, (response, token) => ReadAsync(response, KnowledgeJsonContext.Default.DifyDocumentPage, call, p => p.Data.All(d => d.Id.Length > 0), token), cancellationToken);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<DifyKnowledgeDocument> ListAllDocumentsAsync(string datasetId, string? keyword = null, int pageSize = MaxPageSize, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(datasetId);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var page = 1; ; page++)
        {
            var documents = (await ListDocumentsAsync(datasetId, page, pageSize, keyword, cancellationToken).ConfigureAwait(false)).Data;
            var fresh = 0;
            foreach (var document in documents)
            {
                if (seen.Add(document.Id))
                {
                    fresh++;
                    yield return document;
                }
            }

            // Dify's has_more is "the page is full", true on a full last page: an empty or short page ends the list, and
            // so does a page with nothing new (a server that repeats its last page).
            if (documents.Count < pageSize || fresh == 0)
            {
                yield break;
            }
        }
    }

    /// <inheritdoc />
    public Task<DifyDocumentWriteResult> CreateDocumentByTextAsync(string datasetId, string name, string text, DifyIndexing? indexing = null, DifyProcessRule? processRule = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(datasetId);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(text);
        var rule = processRule ?? DifyProcessRule.Automatic;
        var body = JsonBody(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("name", name);
            writer.WriteString("text", text);
            if (indexing is { } technique)
            {
                writer.WriteString("indexing_technique", technique == DifyIndexing.Economy ? "economy" : "high_quality");
            }

            WriteProcessRule(writer, rule);
            writer.WriteEndObject();
        });
        var call = new Call(HttpMethod.Post, "/datasets/{dataset_id}/document/create-by-text", $"datasets/{Escape(datasetId)}/document/create-by-text", body, Creates: true);
        return SendAsync(call, (response, token) => ReadWriteAnswerAsync(response, call, token), cancellationToken);
    }

    /// <inheritdoc />
    public Task<DifyDocumentWriteResult> UpdateDocumentByTextAsync(string datasetId, string documentId, string name, string text, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(datasetId);
        ArgumentException.ThrowIfNullOrWhiteSpace(documentId);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(text);
        var body = JsonBody(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("name", name);
            writer.WriteString("text", text);
            writer.WriteEndObject();
        });
        var call = new Call(HttpMethod.Post, "/datasets/{dataset_id}/documents/{document_id}/update-by-text", $"datasets/{Escape(datasetId)}/documents/{Escape(documentId)}/update-by-text", body);
        return SendAsync(call, (response, token) => ReadWriteAnswerAsync(response, call, token), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteDocumentAsync(string datasetId, string documentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(datasetId);
        ArgumentException.ThrowIfNullOrWhiteSpace(documentId);
        var call = new Call(HttpMethod.Delete, "/datasets/{dataset_id}/documents/{document_id}", $"datasets/{Escape(datasetId)}/documents/{Escape(documentId)}");
        try
        {
            // 204 without a body (newer Dify) or 200 {"result": "success"} (older): both are done.
            return await SendAsync(call, static (_, _) => Task.FromResult(true), cancellationToken).ConfigureAwait(false);
        }
        catch (DifyKnowledgeException ex) when (ex.Kind == DifyKnowledgeErrorKind.NotFound)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DifyIndexingStatus>> GetIndexingStatusAsync(string datasetId, string batch, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(datasetId);
        ArgumentException.ThrowIfNullOrWhiteSpace(batch);
        var call = new Call(HttpMethod.Get, "/datasets/{dataset_id}/documents/{batch}/indexing-status", $"datasets/{Escape(datasetId)}/documents/{Escape(batch)}/indexing-status");
        return SendAsync(call, async (response, token) =>
        {
            var answer = await ReadAsync(response, KnowledgeJsonContext.Default.KnowledgeIndexingAnswer, call, a => a.Data is not null, token).ConfigureAwait(false);
            return (IReadOnlyList<DifyIndexingStatus>)answer.Data!;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DifyRetrievedSegment>> RetrieveAsync(string datasetId, string query, int? topK = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(datasetId);
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        if (topK is { } k)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(k, 1, nameof(topK));
        }

        var body = JsonBody(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("query", query);
            if (topK is { } top)
            {
                writer.WriteStartObject("retrieval_model");
                writer.WriteString("search_method", "semantic_search");
                writer.WriteBoolean("reranking_enable", false);
                writer.WriteNumber("top_k", top);
                writer.WriteBoolean("score_threshold_enabled", false);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        });
        var call = new Call(HttpMethod.Post, "/datasets/{dataset_id}/retrieve", $"datasets/{Escape(datasetId)}/retrieve", body);
        return SendAsync(call, async (response, token) =>
        {
            var answer = await ReadAsync(response, KnowledgeJsonContext.Default.KnowledgeRetrieveAnswer, call, a => a.Records is not null, token).ConfigureAwait(false);
            var segments = new List<DifyRetrievedSegment>(answer.Records!.Count);
            foreach (var record in answer.Records)
            {
                if (record.Segment is { Id: { Length: > 0 } id } segment)
                {
                    segments.Add(new DifyRetrievedSegment(id, segment.Content ?? "", segment.DocumentId ?? segment.Document?.Id ?? "", segment.Document?.Name, record.Score));
                }
            }

            return (IReadOnlyList<DifyRetrievedSegment>)segments;
        }, cancellationToken);
    }

    /// <summary>One call: its method, the route template logs name it by, its path under the base URL, its JSON body.</summary>
    private sealed record Call(HttpMethod Method, string Route, string Path, byte[]? Body = null, bool Creates = false);

    /// <summary>
    /// Sends <paramref name="call"/>, paced, and reads its success answer with <paramref name="read"/>; retries what may
    /// succeed on another attempt (for a create, only what proves nothing was created).
    /// </summary>
    private async Task<T> SendAsync<T>(Call call, Func<HttpResponseMessage, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        var method = call.Method.Method;
        for (var attempt = 1; ; attempt++)
        {
            await PaceAsync(call, cancellationToken).ConfigureAwait(false);
            var started = _time.GetTimestamp();
            using var timeout = new CancellationTokenSource(_options.Timeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            DifyKnowledgeException failure;
            try
            {
                using var request = new HttpRequestMessage(call.Method, new Uri(_base, call.Path));
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
                request.Headers.Accept.Add(Json);
                if (call.Body is { } body)
                {
                    var content = new ByteArrayContent(body);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                    request.Content = content;
                }

                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    var result = await read(response, linked.Token).ConfigureAwait(false);
                    KnowledgeLog.Called(_logger, method, call.Route, (int)response.StatusCode, _time.GetElapsedTime(started).TotalMilliseconds);
                    return result;
                }

                failure = await FailureOfAsync(response, call, linked.Token).ConfigureAwait(false);
            }
            catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
            {
                failure = Unreachable(ex, call);
            }
            catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                failure = new DifyKnowledgeException(
                    DifyKnowledgeErrorKind.Unavailable,
                    DifyKnowledgeErrorCodes.Timeout,
                    WithCreateAdvice($"Dify did not answer {method} {call.Route} within {_options.Timeout.TotalSeconds:0.###} s (DifyKnowledgeOptions.Timeout); try again later.", call.Creates),
                    retryable: true,
                    mayHaveCreated: call.Creates,
                    innerException: ex);
            }

            KnowledgeLog.Failed(_logger, method, call.Route, attempt, failure.Kind, failure.Code, failure.HttpStatus, _time.GetElapsedTime(started).TotalMilliseconds);
            if (failure.Kind == DifyKnowledgeErrorKind.RateLimited && (failure.HttpStatus == 403 || failure.RetryAfter is not null))
            {
                // Dify's sliding minute counts refused requests too: send nothing until it has passed.
                var hold = failure.RetryAfter ?? RateWindow;
                _gate.Hold(hold);
                KnowledgeLog.Held(_logger, hold.TotalMilliseconds);
            }

            var delay = RetryDelay(failure, attempt, call);
            if (delay is null)
            {
                throw failure;
            }

            KnowledgeLog.Retrying(_logger, method, call.Route, delay.Value.TotalMilliseconds, attempt, _options.MaxRetries);
            if (delay.Value > TimeSpan.Zero)
            {
                await Task.Delay(delay.Value, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>How long to wait before trying <paramref name="call"/> again after <paramref name="failure"/>, or null not to.</summary>
    private TimeSpan? RetryDelay(DifyKnowledgeException failure, int attempt, Call call)
    {
        // A document being indexed is retryable later (minutes), not within a call's back-off.
        if (!failure.Retryable || failure.Kind is not (DifyKnowledgeErrorKind.RateLimited or DifyKnowledgeErrorKind.Unavailable) || attempt > _options.MaxRetries)
        {
            return null;
        }

        if (call.Creates && failure.MayHaveCreated)
        {
            return null;
        }

        if (failure.Kind == DifyKnowledgeErrorKind.RateLimited && (failure.HttpStatus == 403 || failure.RetryAfter is not null))
        {
            // The gate holds the next attempt until the refusal's minute (or Retry-After) has passed.
            return TimeSpan.Zero;
        }

        if (failure.RetryAfter is { } asked)
        {
            return asked <= _options.MaxRetryDelay ? asked : null;
        }

        return Backoff.Delay(attempt - 1, _options.RetryBaseDelay, _options.MaxRetryDelay);
    }

    /// <summary>Waits for this instance's next request slot (the pace, and any hold after a rate-limit refusal).</summary>
    private async Task PaceAsync(Call call, CancellationToken cancellationToken)
    {
        while (true)
        {
            TimeSpan wait;
            var held = false;
            try
            {
                wait = _gate.Reserve(TimeSpan.MaxValue);
            }
            catch (PaceHeldException ex)
            {
                wait = ex.Wait;
                held = true;
            }

            if (wait > TimeSpan.Zero)
            {
                KnowledgeLog.Paced(_logger, call.Method.Method, call.Route, wait.TotalMilliseconds, _options.RequestsPerMinute ?? 0);
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }

            if (!held)
            {
                return;
            }
        }
    }

    private DifyKnowledgeException Unreachable(HttpRequestException ex, Call call)
    {
        // Failing to resolve, connect or shake hands proves the request never left: even a create may go again.
        var neverSent = ex.HttpRequestError is HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError;
        var mayHaveCreated = call.Creates && !neverSent;
        return new DifyKnowledgeException(
            DifyKnowledgeErrorKind.Unavailable,
            DifyKnowledgeErrorCodes.ConnectionFailed,
            WithCreateAdvice($"Dify could not be reached for {call.Method.Method} {call.Route}, or the connection broke ({ex.HttpRequestError}): check DifyKnowledgeOptions.BaseUrl and the network, and try again later.", mayHaveCreated),
            retryable: true,
            mayHaveCreated: mayHaveCreated,
            innerException: ex);
    }

    /// <summary>The failure of a non-2xx answer: Dify's <c>{code, message, status}</c> when it sent one, the status otherwise.</summary>
    private async Task<DifyKnowledgeException> FailureOfAsync(HttpResponseMessage response, Call call, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        DifyErrorBody? error = null;
        try
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            error = bytes.Length > 0 && bytes.Length < 64 * 1024 ? JsonSerializer.Deserialize(bytes, KnowledgeJsonContext.Default.DifyErrorBody) : null;
        }
        catch (JsonException)
        {
            // Not Dify's JSON (a proxy's page): the status says enough.
        }

        var code = string.IsNullOrEmpty(error?.Code) ? $"http_{status}" : error.Code;
        var difyMessage = string.IsNullOrEmpty(error?.Message) ? null : error.Message;
        var (kind, retryable) = DifyKnowledgeErrorCodes.Classify(status, code, difyMessage);
        var retryAfter = RetryAfterHeader.Read(response.Headers.RetryAfter, _time);
        var mayHaveCreated = call.Creates && kind == DifyKnowledgeErrorKind.Unavailable;
        var said = difyMessage is null ? $"HTTP {status}" : $"HTTP {status} {code}: {difyMessage}";
        var advice = (kind, code) switch
        {
            (DifyKnowledgeErrorKind.Unauthorized, _) when status == 401 =>
                "Dify refused the key: use the knowledge API key (dataset-…; in Dify: Knowledge → API → API key), not an app key, in DifyKnowledgeOptions.ApiKey.",
            (DifyKnowledgeErrorKind.Unauthorized, _) =>
                "Dify refused the request: check that the knowledge API key belongs to the workspace that holds this knowledge base and may use it.",
            (DifyKnowledgeErrorKind.RateLimited, _) =>
                "Dify refused the request for the knowledge request rate of the plan: set DifyKnowledgeOptions.RequestsPerMinute to the plan's limit, and try again after a minute.",
            (DifyKnowledgeErrorKind.QuotaExceeded, _) =>
                "The knowledge base has reached a limit of the Dify plan: delete documents or upgrade the plan; trying again will not help.",
            (DifyKnowledgeErrorKind.TooLarge, _) =>
                "The document is larger than Dify accepts: split it into smaller documents.",
            (DifyKnowledgeErrorKind.NotFound, _) =>
                $"Dify has no such knowledge base or document for {call.Method.Method} {call.Route}: check the ids, that the key's workspace holds them, and DifyKnowledgeOptions.BaseUrl (it ends in /v1).",
            (_, DifyKnowledgeErrorCodes.DocumentIndexing) =>
                "The document is being indexed and cannot be changed now: try again once indexing has finished (GetIndexingStatusAsync).",
            (_, DifyKnowledgeErrorCodes.ArchivedDocumentImmutable) =>
                "The document is archived and cannot be changed: unarchive it in Dify first.",
            (DifyKnowledgeErrorKind.Conflict, _) =>
                "Dify refused the request for the state of the knowledge base (a duplicate name): choose another name.",
            (_, DifyKnowledgeErrorCodes.DatasetNotInitialized) =>
                "The knowledge base has no indexing technique yet: give one (DifyIndexing) with the first document.",
            (DifyKnowledgeErrorKind.Unavailable, _) =>
                "Dify failed to handle the request: try again later.",
            _ => $"Dify refused {call.Method.Method} {call.Route} as sent: fix the request.",
        };

        return new DifyKnowledgeException(kind, code, $"{WithCreateAdvice(advice, mayHaveCreated)} (Dify answered {said})", status, difyMessage, retryable, retryAfter, mayHaveCreated);
    }

    private static string WithCreateAdvice(string message, bool mayHaveCreated) => mayHaveCreated
        ? message + " Dify may have created the document before failing: look it up by name (ListAllDocumentsAsync with the name as keyword) before creating it again, or a second copy is made."
        : message;

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, Call call, Func<T, bool> whole, CancellationToken cancellationToken)
    {
        T? answer;
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            answer = await JsonSerializer.DeserializeAsync(stream, type, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw Malformed(call, (int)response.StatusCode, ex);
        }

        return answer is not null && whole(answer) ? answer : throw Malformed(call, (int)response.StatusCode, null);
    }

    private static async Task<DifyDocumentWriteResult> ReadWriteAnswerAsync(HttpResponseMessage response, Call call, CancellationToken cancellationToken)
    {
        var answer = await ReadAsync(response, KnowledgeJsonContext.Default.KnowledgeWriteAnswer, call, a => a.Document is { Id.Length: > 0 } && !string.IsNullOrEmpty(a.Batch), cancellationToken).ConfigureAwait(false);
        return new DifyDocumentWriteResult(answer.Document!, answer.Batch!);
    }

    private static DifyKnowledgeException Malformed(Call call, int status, Exception? inner) => new(
        DifyKnowledgeErrorKind.Unavailable,
        DifyKnowledgeErrorCodes.AnswerMalformed,
        WithCreateAdvice($"Dify's answer to {call.Method.Method} {call.Route} (HTTP {status}) is not the documented shape: check DifyKnowledgeOptions.BaseUrl (Dify's service API, ending in /v1).", call.Creates),
        status,
        mayHaveCreated: call.Creates,
        innerException: inner);

    private static void WriteProcessRule(Utf8JsonWriter writer, DifyProcessRule rule)
    {
        writer.WriteStartObject("process_rule");
        writer.WriteString("mode", rule.Mode);
        if (rule.Mode != "automatic")
        {
            writer.WriteStartObject("rules");
            writer.WriteStartArray("pre_processing_rules");
            writer.WriteStartObject();
            writer.WriteString("id", "remove_extra_spaces");
            writer.WriteBoolean("enabled", rule.RemoveExtraSpaces);
            writer.WriteEndObject();
            writer.WriteStartObject();
            writer.WriteString("id", "remove_urls_emails");
            writer.WriteBoolean("enabled", rule.RemoveUrlsEmails);
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteStartObject("segmentation");
            if (rule.Separator is not null)
            {
                writer.WriteString("separator", rule.Separator);
            }

            if (rule.MaxTokens is { } maxTokens)
            {
                writer.WriteNumber("max_tokens", maxTokens);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static byte[] JsonBody(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static string Escape(string id) => Uri.EscapeDataString(id);

    /// <summary>The gate's refusal while it holds requests after a rate-limit answer: how long until one may go.</summary>
    private sealed class PaceHeldException(TimeSpan wait) : Exception("held")
    {
        public TimeSpan Wait { get; } = wait;
    }
}
