using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Larkway.Channels.Backends.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Larkway.Channels.Backends.Dify;

/// <summary>
/// A Dify chat app (chat, agent or chatflow) as an <see cref="IAssistantBackend"/>: <c>POST {base}/chat-messages</c> with
/// <c>Authorization: Bearer {app key}</c>, streaming (SSE) or blocking, stopped with
/// <c>POST {base}/chat-messages/{task_id}/stop</c>. A conversation continues under its id for the same <c>user</c>; one
/// that is gone (404) is replaced by a new one, once, and reported.
/// </summary>
public sealed class DifyBackend : IAssistantBackend, IDisposable
{
    private readonly DifyBackendOptions _options;
    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly BackendTelemetry _telemetry;
    private readonly StreamRunner _runner;
    private readonly Uri _chatMessages;
    private readonly Uri _filesUpload;
    private readonly Uri _base;

    /// <summary>A backend for the Dify app of <paramref name="options"/>, calling through <paramref name="httpClient"/>.</summary>
    /// <param name="options">The app: base URL, key, timeouts, retries. Copied: later changes have no effect.</param>
    /// <param name="httpClient">The HTTP client (not disposed here). Its own <see cref="HttpClient.Timeout"/> should be
    /// infinite or longer than <see cref="AssistantBackendOptions.TotalTimeout"/>: the backend keeps its own time limits.</param>
    /// <param name="logger">Where log lines go (never the question, the answer or the key).</param>
    /// <param name="meterFactory">The meter factory of the host (the <c>Larkway</c> meter), or null for a meter of our own.</param>
    /// <param name="timeProvider">The clock for timeouts and retry delays.</param>
    /// <exception cref="ArgumentException">The options cannot work; the message says which to fix.</exception>
    public DifyBackend(DifyBackendOptions options, HttpClient httpClient, ILogger<DifyBackend>? logger = null, IMeterFactory? meterFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClient);
        options.ThrowIfInvalid();
        _options = options.Clone();
        _http = httpClient;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _telemetry = new BackendTelemetry(meterFactory, _options.Name, "dify");
        _runner = new StreamRunner(_options, "dify", _telemetry, _logger, _time);
        var baseText = _options.BaseUrl.AbsoluteUri;
        _base = new Uri(baseText.EndsWith('/') ? baseText : baseText + "/");
        _chatMessages = new Uri(_base, "chat-messages");
        _filesUpload = new Uri(_base, "files/upload");
    }

    /// <inheritdoc />
    public string Name => _options.Name;

    /// <summary>Every type Dify names (image, document, audio, video, custom); the app's own file settings may still refuse one.</summary>
    /// <param name="fileType">Dify's file type.</param>
    public bool Reads(string fileType) => fileType is AssistantFile.Image or AssistantFile.Document or AssistantFile.Audio or AssistantFile.Video or AssistantFile.Custom;

    /// <inheritdoc />
    public IAsyncEnumerable<AssistantUpdate> StreamAsync(AssistantRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.ThrowIfInvalid();
        var conversation = new ConversationState(request.ConversationId);
        return _runner.RunAsync(
            (heartbeat, token) => AttemptAsync(request, conversation, blocking: false, heartbeat, token),
            newConversation: request.ConversationId is null,
            blocking: false,
            _options.StopOnCancel ? taskId => StopQuietlyAsync(taskId, request.User) : null,
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<AssistantAnswer> CompleteAsync(AssistantRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.ThrowIfInvalid();
        var conversation = new ConversationState(request.ConversationId);
        var updates = _runner.RunAsync(
            (heartbeat, token) => AttemptAsync(request, conversation, blocking: true, heartbeat, token),
            newConversation: request.ConversationId is null,
            blocking: true,
            stopTask: null,
            cancellationToken);
        return await AnswerCollector.CollectAsync(updates, Name).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task StopAsync(string taskId, string user, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskId);
        ArgumentException.ThrowIfNullOrWhiteSpace(user);
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(_base, $"chat-messages/{Uri.EscapeDataString(taskId)}/stop"));
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
        message.Content = JsonBody(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("user", user);
            writer.WriteEndObject();
        });
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new AssistantBackendException(Name, new AssistantFailure(AssistantFailureKind.Unavailable, "connection_failed", $"Dify could not be reached to stop task {taskId}: {ex.Message}"), ex);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new AssistantBackendException(Name, await FailureOfAsync(response, conversationSent: false, cancellationToken).ConfigureAwait(false));
            }
        }

        Log.Stopped(_logger, Name, taskId);
    }

    /// <inheritdoc />
    public void Dispose() => _telemetry.Dispose();

    private async Task StopQuietlyAsync(string taskId, string user)
    {
        using var timeout = new CancellationTokenSource(_options.StopTimeout, _time);
        try
        {
            await StopAsync(taskId, user, timeout.Token).ConfigureAwait(false);
        }
        catch (AssistantBackendException ex)
        {
            Log.StopFailed(_logger, Name, taskId, ex.Failure.Kind, ex.Failure.Code, ex.Failure.HttpStatus);
        }
        catch (OperationCanceledException)
        {
            Log.StopFailed(_logger, Name, taskId, AssistantFailureKind.Timeout, "timeout.stop", null);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException or ArgumentException)
        {
            // Nobody awaits this call: the HTTP client went away with its host, say. Say so, and end quietly.
            Log.StopFailed(_logger, Name, taskId, AssistantFailureKind.Unavailable, ex.GetType().Name, null);
        }
    }

    /// <summary>One exchange: the question sent, the answer read; a 404 for the conversation starts a new one, once.</summary>
    private async IAsyncEnumerable<AssistantUpdate> AttemptAsync(AssistantRequest request, ConversationState conversation, bool blocking, Action heartbeat, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var files = await UploadAsync(request, conversation, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, _chatMessages);
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(blocking ? "application/json" : "text/event-stream"));
            message.Content = RequestBody(request, files, conversation.Current, blocking);

            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var failure = await FailureOfAsync(response, conversation.Current is not null, cancellationToken).ConfigureAwait(false);
                if (failure.Kind == AssistantFailureKind.ConversationNotFound && conversation.Current is not null && _options.RestartMissingConversation && !conversation.Restarted)
                {
                    Log.ConversationRestarted(_logger, Name);
                    var previous = conversation.Current;
                    conversation.Restart();
                    yield return new AssistantConversationRestarted(previous);
                    continue;
                }

                throw new BackendFailureException(failure, DifyErrorCodes.Classify(failure.HttpStatus, failure.Code).Retryable);
            }

            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            if (blocking)
            {
                var answer = await JsonSerializer.DeserializeAsync(body, DifyJsonContext.Default.DifyEvent, cancellationToken).ConfigureAwait(false)
                    ?? throw new BackendFailureException(new AssistantFailure(AssistantFailureKind.Unavailable, "answer_malformed", "Dify's blocking answer was empty."), retryable: true);
                var messageId = answer.MessageId ?? answer.Id;
                yield return new AssistantAnswerStarted(answer.TaskId, messageId, answer.ConversationId);
                yield return new AssistantTextDelta(answer.Answer ?? "");
                yield return new AssistantAnswerEnd(answer.ConversationId, messageId, answer.TaskId, DifyStreamReader.Usage(answer.Metadata?.Usage));
                yield break;
            }

            await using var watched = new HeartbeatStream(body, heartbeat);
            await foreach (var update in DifyStreamReader.ReadAsync(watched, Name, _logger, cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }

            yield break;
        }
    }

    /// <summary>
    /// The question's files as chat-messages takes them: those given by their bytes uploaded first
    /// (<c>POST /files/upload</c>, multipart <c>file</c> and <c>user</c>; Dify lets only that user use them), once per
    /// question however many attempts it takes.
    /// </summary>
    private async Task<IReadOnlyList<AssistantFile>> UploadAsync(AssistantRequest request, ConversationState state, CancellationToken cancellationToken)
    {
        if (state.Files is { } uploaded)
        {
            return uploaded;
        }

        var files = new List<AssistantFile>(request.Files.Count);
        foreach (var file in request.Files)
        {
            files.Add(file.HasContent ? AssistantFile.FromUpload(file.Type, await UploadOneAsync(file, request.User, cancellationToken).ConfigureAwait(false)) : file);
        }

        state.Files = files;
        return files;
    }

    private async Task<string> UploadOneAsync(AssistantFile file, string user, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, _filesUpload);
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
        using var form = new MultipartFormDataContent();
        var bytes = new ReadOnlyMemoryContent(file.Content);
        bytes.Headers.ContentType = MediaTypeHeaderValue.TryParse(file.MediaType, out var mediaType) ? mediaType : new MediaTypeHeaderValue("application/octet-stream");
        form.Add(bytes, "file", file.FileName!);
        form.Add(new StringContent(user), "user");
        message.Content = form;

        using var response = await _http.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var failure = await FailureOfAsync(response, conversationSent: false, cancellationToken).ConfigureAwait(false);
            throw new BackendFailureException(failure with { Message = $"Dify refused the file '{file.FileName}' ({file.Content.Length} bytes): {failure.Message}" }, DifyErrorCodes.Classify(failure.HttpStatus, failure.Code).Retryable);
        }

        var answer = await response.Content.ReadFromJsonAsync(DifyJsonContext.Default.DifyUploadedFile, cancellationToken).ConfigureAwait(false);
        if (answer?.Id is not { Length: > 0 } id)
        {
            throw new BackendFailureException(new AssistantFailure(AssistantFailureKind.Unavailable, "answer_malformed", "Dify's answer to a file upload had no id."), retryable: true);
        }

        Log.FileUploaded(_logger, Name, file.Type, file.Content.Length);
        return id;
    }

    private static ByteArrayContent RequestBody(AssistantRequest request, IReadOnlyList<AssistantFile> files, string? conversationId, bool blocking) => JsonBody(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("query", request.Query);
        writer.WriteStartObject("inputs");
        foreach (var (name, value) in request.Inputs)
        {
            writer.WritePropertyName(name);
            WriteInput(writer, name, value);
        }

        writer.WriteEndObject();
        writer.WriteString("response_mode", blocking ? "blocking" : "streaming");
        writer.WriteString("user", request.User);
        if (conversationId is not null)
        {
            writer.WriteString("conversation_id", conversationId);
        }

        if (files.Count > 0)
        {
            writer.WriteStartArray("files");
            foreach (var file in files)
            {
                writer.WriteStartObject();
                writer.WriteString("type", file.Type);
                if (file.Url is not null)
                {
                    writer.WriteString("transfer_method", "remote_url");
                    writer.WriteString("url", file.Url);
                }
                else
                {
                    writer.WriteString("transfer_method", "local_file");
                    writer.WriteString("upload_file_id", file.UploadFileId);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    });

    private static void WriteInput(Utf8JsonWriter writer, string name, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case string text: writer.WriteStringValue(text); break;
            case bool flag: writer.WriteBooleanValue(flag); break;
            case int number: writer.WriteNumberValue(number); break;
            case long number: writer.WriteNumberValue(number); break;
            case double number: writer.WriteNumberValue(number); break;
            case decimal number: writer.WriteNumberValue(number); break;
            case float number: writer.WriteNumberValue(number); break;
            case JsonElement element: element.WriteTo(writer); break;
            default:
                throw new ArgumentException($"AssistantRequest.Inputs['{name}'] is a {value.GetType().Name}: give a string, number, boolean or JsonElement.", "request");
        }
    }

    private static ByteArrayContent JsonBody(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        var content = new ByteArrayContent(buffer.WrittenSpan.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    /// <summary>The failure of a non-2xx answer: Dify's <c>{code, message, status}</c> when it sent one, the status otherwise.</summary>
    private async Task<AssistantFailure> FailureOfAsync(HttpResponseMessage response, bool conversationSent, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        DifyErrorBody? error = null;
        try
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            error = bytes.Length > 0 && bytes.Length < 64 * 1024 ? JsonSerializer.Deserialize(bytes, DifyJsonContext.Default.DifyErrorBody) : null;
        }
        catch (JsonException)
        {
            // Not Dify's JSON (a proxy's page): the status says enough.
        }

        var code = string.IsNullOrEmpty(error?.Code) ? $"http_{status}" : error.Code;
        var text = string.IsNullOrEmpty(error?.Message) ? $"Dify answered HTTP {status} {response.ReasonPhrase}." : error.Message;
        var retryAfter = RetryAfterHeader.Read(response.Headers.RetryAfter, _time);
        var (kind, _) = DifyErrorCodes.Classify(status, code);
        if (kind == AssistantFailureKind.ConversationNotFound && !conversationSent)
        {
            // Without a conversation id, a 404 is the path: the base URL is wrong.
            return new AssistantFailure(AssistantFailureKind.Refused, code, $"Dify answered 404 for {response.RequestMessage?.RequestUri?.AbsolutePath}: check DifyBackendOptions.BaseUrl (it ends in /v1).", status);
        }

        if (status == (int)HttpStatusCode.Unauthorized)
        {
            text = "Dify refused the app key (HTTP 401): check DifyBackendOptions.ApiKey.";
        }

        return new AssistantFailure(kind, code, text, status, retryAfter);
    }

    /// <summary>The conversation an answer continues: the caller's, until Dify says it is gone and a new one is started.</summary>
    private sealed class ConversationState(string? conversationId)
    {
        public string? Current { get; private set; } = conversationId;

        public bool Restarted { get; private set; }

        /// <summary>The question's files once uploaded: a retry or a restarted conversation sends the same ids.</summary>
        public IReadOnlyList<AssistantFile>? Files { get; set; }

        public void Restart()
        {
            Current = null;
            Restarted = true;
        }
    }
}
