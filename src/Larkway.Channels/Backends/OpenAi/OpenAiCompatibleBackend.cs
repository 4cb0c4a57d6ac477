using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Larkway.Channels.Backends.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenAI;
using OpenAI.Chat;

namespace Larkway.Channels.Backends.OpenAi;

/// <summary>
/// An OpenAI-compatible chat completions server as an <see cref="IAssistantBackend"/>, through the official <c>OpenAI</c>
/// package (<see cref="ChatClient"/> at <see cref="OpenAiBackendOptions.Endpoint"/>), streamed. The server is stateless:
/// each question is sent with the system prompt and the earlier turns of <see cref="AssistantRequest"/>. Retries and
/// timeouts are this library's (the package's own retries are off, so that nothing is retried after the first token).
/// </summary>
public sealed class OpenAiCompatibleBackend : IAssistantBackend, IDisposable
{
    private readonly OpenAiBackendOptions _options;
    private readonly ChatClient _chat;
    private readonly BackendTelemetry _telemetry;
    private readonly StreamRunner _runner;
    private readonly TimeProvider _time;

    /// <summary>A backend for the server and model of <paramref name="options"/>.</summary>
    /// <param name="options">Endpoint, key, model, timeouts, retries. Copied: later changes have no effect.</param>
    /// <param name="httpClient">The HTTP client to call through (not disposed here), or null for the package's own.
    /// Its <see cref="HttpClient.Timeout"/> should be infinite or longer than <see cref="AssistantBackendOptions.TotalTimeout"/>.</param>
    /// <param name="logger">Where log lines go (never the question, the answer or the key).</param>
    /// <param name="meterFactory">The meter factory of the host (the <c>Larkway</c> meter), or null for a meter of our own.</param>
    /// <param name="timeProvider">The clock for timeouts and retry delays.</param>
    /// <exception cref="ArgumentException">The options cannot work; the message says which to fix.</exception>
    public OpenAiCompatibleBackend(OpenAiBackendOptions options, HttpClient? httpClient = null, ILogger<OpenAiCompatibleBackend>? logger = null, IMeterFactory? meterFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        _options = options.Clone();
        _time = timeProvider ?? TimeProvider.System;
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = _options.Endpoint,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = Timeout.InfiniteTimeSpan,
        };
        if (httpClient is not null)
        {
            clientOptions.Transport = new HttpClientPipelineTransport(httpClient);
        }

        if (string.IsNullOrEmpty(_options.ApiKey))
        {
            clientOptions.AddPolicy(new NoAuthorizationHeaderPolicy(), PipelinePosition.BeforeTransport);
        }

        // The package needs a credential; without a key its placeholder header is taken off before sending.
        _chat = new ChatClient(_options.Model, new ApiKeyCredential(string.IsNullOrEmpty(_options.ApiKey) ? "unused" : _options.ApiKey), clientOptions);
        ILogger log = (ILogger?)logger ?? NullLogger.Instance;
        _telemetry = new BackendTelemetry(meterFactory, _options.Name, "openai");
        _runner = new StreamRunner(_options, "openai", _telemetry, log, _time);
    }

    /// <inheritdoc />
    public string Name => _options.Name;

    /// <summary>Images only: chat completions take image parts; other files have no common form across servers.</summary>
    /// <param name="fileType">Dify's file type.</param>
    public bool Reads(string fileType) => fileType == AssistantFile.Image;

    /// <inheritdoc />
    public IAsyncEnumerable<AssistantUpdate> StreamAsync(AssistantRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.ThrowIfInvalid();
        if (request.Files.FirstOrDefault(f => f.Type != AssistantFile.Image || f.UploadFileId is not null) is { } unreadable)
        {
            throw new ArgumentException(
                $"An OpenAI-compatible backend reads images only, given by their bytes or a URL; '{unreadable.FileName ?? unreadable.Url ?? unreadable.UploadFileId}' is {(unreadable.UploadFileId is null ? "a " + unreadable.Type : "a file uploaded to Dify")}.",
                nameof(request));
        }

        var messages = Messages(request);
        var completion = Completion();
        return _runner.RunAsync((_, token) => AttemptAsync(messages, completion, token), newConversation: request.History.Count == 0, blocking: false, stopTask: null, cancellationToken);
    }

    /// <inheritdoc />
    public Task<AssistantAnswer> CompleteAsync(AssistantRequest request, CancellationToken cancellationToken = default) =>
        AnswerCollector.CollectAsync(StreamAsync(request, cancellationToken), Name);

    /// <summary>Returns at once: an OpenAI-compatible server has no stop call; closing the stream (cancelling <see cref="StreamAsync"/>) stops it.</summary>
    /// <param name="taskId">Not used.</param>
    /// <param name="user">Not used.</param>
    /// <param name="cancellationToken">Not used.</param>
    public Task StopAsync(string taskId, string user, CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc />
    public void Dispose() => _telemetry.Dispose();

    private static List<ChatMessage> Messages(AssistantRequest request)
    {
        var messages = new List<ChatMessage>(request.History.Count + 2);
        if (!string.IsNullOrWhiteSpace(request.SystemPrompt))
        {
            messages.Add(new SystemChatMessage(request.SystemPrompt));
        }

        foreach (var turn in request.History)
        {
            messages.Add(turn.Role == AssistantTurnRole.Assistant ? new AssistantChatMessage(turn.Text) : new UserChatMessage(turn.Text));
        }

        messages.Add(request.Files.Count == 0
            ? new UserChatMessage(request.Query)
            : new UserChatMessage([ChatMessageContentPart.CreateTextPart(request.Query), .. request.Files.Select(ImagePart)]));
        return messages;
    }

    /// <summary>An image as a content part: its bytes inline (a data URL on the wire), or its URL.</summary>
    private static ChatMessageContentPart ImagePart(AssistantFile image) => image.HasContent
        ? ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(image.Content), image.MediaType)
        : ChatMessageContentPart.CreateImagePart(new Uri(image.Url!));

    private ChatCompletionOptions Completion()
    {
        var completion = new ChatCompletionOptions();
        if (_options.MaxOutputTokens is { } max)
        {
            completion.MaxOutputTokenCount = max;
        }

        if (_options.Temperature is { } temperature)
        {
            completion.Temperature = temperature;
        }

        return completion;
    }

    private async IAsyncEnumerable<AssistantUpdate> AttemptAsync(List<ChatMessage> messages, ChatCompletionOptions completion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var enumerator = _chat.CompleteChatStreamingAsync(messages, completion, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using var _ = enumerator.ConfigureAwait(false);
        string? completionId = null;
        ChatFinishReason? finish = null;
        AssistantUsage? usage = null;
        StringBuilder? refusal = null;
        while (true)
        {
            StreamingChatCompletionUpdate update;
            try
            {
                if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                {
                    break;
                }

                update = enumerator.Current;
            }
            catch (ClientResultException ex)
            {
                throw Failure(ex, produced: completionId is not null);
            }

            if (completionId is null && !string.IsNullOrEmpty(update.CompletionId))
            {
                completionId = update.CompletionId;
                yield return new AssistantAnswerStarted(completionId, completionId, null);
            }

            foreach (var part in update.ContentUpdate)
            {
                if (part.Kind == ChatMessageContentPartKind.Text && !string.IsNullOrEmpty(part.Text))
                {
                    yield return new AssistantTextDelta(part.Text);
                }
            }

            if (!string.IsNullOrEmpty(update.RefusalUpdate))
            {
                (refusal ??= new StringBuilder()).Append(update.RefusalUpdate);
                yield return AssistantKeepAlive.Instance;
            }

            finish = update.FinishReason ?? finish;
            if (update.Usage is { } used)
            {
                usage = new AssistantUsage(used.InputTokenCount, used.OutputTokenCount, used.TotalTokenCount);
            }
        }

        if (refusal is not null)
        {
            throw new BackendFailureException(new AssistantFailure(AssistantFailureKind.Refused, "refusal", refusal.ToString()), retryable: false);
        }

        switch (finish)
        {
            case null:
                throw new BackendFailureException(
                    new AssistantFailure(AssistantFailureKind.Unavailable, "stream_incomplete", "The server closed the stream before a finish_reason."),
                    retryable: true);
            case ChatFinishReason.ContentFilter:
                throw new BackendFailureException(
                    new AssistantFailure(AssistantFailureKind.ContentFiltered, "content_filter", "The server's content filter withheld the answer (finish_reason content_filter)."),
                    retryable: false);
            default:
                yield return new AssistantAnswerEnd(null, completionId, completionId, usage,
                    finish == ChatFinishReason.Length ? AssistantFinishReason.Length : AssistantFinishReason.Completed);
                break;
        }
    }

    /// <summary>The failure of a call the server refused or that got no answer (status 0).</summary>
    private BackendFailureException Failure(ClientResultException ex, bool produced)
    {
        var status = ex.Status;
        if (status == 0)
        {
            return new BackendFailureException(
                new AssistantFailure(AssistantFailureKind.Unavailable, "connection_failed", $"The server could not be reached or the connection broke: {ex.InnerException?.Message ?? ex.Message}"),
                retryable: true, ex);
        }

        var raw = ex.GetRawResponse();
        OpenAiError? error = null;
        try
        {
            var content = raw?.Content;
            if (content is not null && content.ToMemory().Length is > 0 and < 64 * 1024)
            {
                error = JsonSerializer.Deserialize(content.ToMemory().Span, OpenAiJsonContext.Default.OpenAiErrorBody)?.Error;
            }
        }
        catch (Exception parse) when (parse is JsonException or InvalidOperationException)
        {
            // Not OpenAI's error JSON (a proxy's page): the status says enough.
        }

        var code = error?.Code ?? error?.Type ?? $"http_{status}";
        var message = error?.Message ?? $"The server answered HTTP {status}.";
        TimeSpan? retryAfter = raw is not null && raw.Headers.TryGetValue("Retry-After", out var header) ? RetryAfterHeader.Read(header, _time) : null;
        var (kind, retryable) = (status, code) switch
        {
            (_, "content_filter") => (AssistantFailureKind.ContentFiltered, false),
            (429, "insufficient_quota") => (AssistantFailureKind.Refused, false),
            (429, _) => (AssistantFailureKind.RateLimited, true),
            (408, _) => (AssistantFailureKind.Timeout, true),
            (>= 500, _) => (AssistantFailureKind.Unavailable, true),
            _ => (AssistantFailureKind.Refused, false),
        };
        if (status is 401 or 403)
        {
            message = $"The server refused the key (HTTP {status}): check OpenAiBackendOptions.ApiKey.";
        }

        return new BackendFailureException(new AssistantFailure(kind, code, message, status, retryAfter), retryable && !produced, ex);
    }

    /// <summary>No <c>Authorization</c> header, for local servers that take no key.</summary>
    private sealed class NoAuthorizationHeaderPolicy : PipelinePolicy
    {
        public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            message.Request.Headers.Remove("Authorization");
            ProcessNext(message, pipeline, currentIndex);
        }

        public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            message.Request.Headers.Remove("Authorization");
            return ProcessNextAsync(message, pipeline, currentIndex);
        }
    }
}
