using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Larkway.Emulator.AiBackend;

/// <summary>The fake backend's parts, for its endpoints: options, settings, faults, the request log, conversations, tasks and uploads.</summary>
internal sealed partial class AiBackendService(
    AiBackendOptions options,
    AiSettings settings,
    AiFaults faults,
    AiRequestLog log,
    DifyConversations conversations,
    DifyTasks tasks,
    DifyFiles files,
    TimeProvider clock,
    Microsoft.Extensions.Hosting.IHostApplicationLifetime lifetime,
    ILogger<AiBackendService> logger)
{
    /// <summary>Cancelled when the emulator stops: hung and streaming answers end then rather than hold the shutdown.</summary>
    public CancellationToken Stopping => lifetime.ApplicationStopping;

    public AiBackendOptions Options => options;

    public AiSettings Settings => settings;

    public AiFaults Faults => faults;

    public AiRequestLog Log => log;

    public DifyConversations Conversations => conversations;

    public DifyTasks Tasks => tasks;

    public DifyFiles Files => files;

    public TimeProvider Clock => clock;

    /// <summary>Keeps what was received (the key is not kept) and logs its arrival without any of its text.</summary>
    public AiRequestRecord Record(string backend, string operation, string body, string? user, string? query, string? conversationId, bool stream, string? model, IReadOnlyList<AiMessage> messages, JsonElement? inputs)
    {
        var record = new AiRequestRecord
        {
            Sequence = log.NextSequence(),
            Backend = backend,
            Operation = operation,
            ReceivedAt = clock.GetUtcNow(),
            User = user,
            Query = query,
            ConversationId = string.IsNullOrEmpty(conversationId) ? null : conversationId,
            Stream = stream,
            Model = model,
            Messages = messages,
            Inputs = inputs,
            Body = body,
        };
        log.Add(record);
        LogReceived(logger, backend, operation, record.Sequence, stream);
        return record;
    }

    /// <summary>
    /// Applies the faults that refuse or never answer: a hang without <c>after_tokens</c> (nothing is sent until the client
    /// gives up), then the backend's own refusals (429, 5xx). True when the request is answered (or abandoned).
    /// </summary>
    public async Task<bool> RefuseAsync(HttpContext context, AiRequestRecord record, AiFaultSet drawn, Func<HttpContext, AiRequestRecord, AiFaultSet, Task<bool>> refuse)
    {
        if (drawn.Of(AiFaultKind.Hang) is { AfterTokens: null })
        {
            record.Outcome = "hung";
            using var hang = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, Stopping);
            await AiWire.HangAsync(clock, hang.Token).ConfigureAwait(false);
            return true;
        }

        return await refuse(context, record, drawn).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = Platform.LogEvents.AiBackendRequest, Level = LogLevel.Debug, Message = "Fake AI backend: {Backend} {Operation} request #{Sequence} (stream {Stream})")]
    private static partial void LogReceived(ILogger logger, string backend, string operation, long sequence, bool stream);
}
