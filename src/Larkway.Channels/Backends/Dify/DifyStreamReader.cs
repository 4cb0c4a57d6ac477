using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Larkway.Channels.Backends.Internal;
using Microsoft.Extensions.Logging;

namespace Larkway.Channels.Backends.Dify;

/// <summary>
/// Reads a Dify chat stream (<c>response_mode: streaming</c>) into updates. The SSE framing is the runtime's parser, so a
/// chunk split across network reads is whole when read; the event name is the <c>event</c> field inside each
/// <c>data:</c> JSON (Dify writes no SSE <c>event:</c> lines). <c>message_end</c> ends the answer (the TTS chunks that may
/// follow are not read); an <c>error</c> event ends it as a failure; a stream that closes before either is a failure too.
/// </summary>
internal static class DifyStreamReader
{
    private static readonly DifyEvent Ping = new() { Event = "ping" };

    public static async IAsyncEnumerable<AssistantUpdate> ReadAsync(Stream body, string backend, ILogger logger, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Dify writes its ping as an SSE "event: ping" without data (the parser dispatches nothing for it; the body's
        // heartbeat counts its bytes); everything else is a data line whose JSON names the event.
        var parser = SseParser.Create(body, static (type, data) => type == "ping" && data.IsEmpty ? Ping : Parse(data));
        var started = false;
        string? taskId = null;
        string? messageId = null;
        string? conversationId = null;
        (int Position, string? Tool, string Thought)? lastThought = null;
        await foreach (var item in parser.EnumerateAsync(cancellationToken))
        {
            var chunk = item.Data ?? throw new BackendFailureException(
                new AssistantFailure(AssistantFailureKind.Unavailable, "stream_malformed", "Dify sent a stream chunk that is not a JSON object."), retryable: !started);
            taskId ??= chunk.TaskId;
            messageId ??= chunk.MessageId;
            conversationId ??= chunk.ConversationId;
            if (!started && taskId is not null && chunk.Event is "message" or "agent_message" or "agent_thought" or "message_file" or "message_replace" or "message_end" or "workflow_started")
            {
                started = true;
                yield return new AssistantAnswerStarted(taskId, messageId, conversationId);
            }

            switch (chunk.Event)
            {
                case "message" or "agent_message":
                    if (!string.IsNullOrEmpty(chunk.Answer))
                    {
                        yield return new AssistantTextDelta(chunk.Answer);
                    }

                    break;
                case "message_replace":
                    yield return new AssistantAnswerReplaced(chunk.Answer ?? "");
                    break;
                case "agent_thought":
                    // Only steps that called a tool: a step without one is the model's own text, which in Dify's agent
                    // apps is the answer itself, streamed as agent_message too.
                    if (!string.IsNullOrWhiteSpace(chunk.Tool))
                    {
                        var thought = Compact(chunk.Thought);
                        var step = (chunk.Position ?? 0, (string?)chunk.Tool, thought);
                        if (lastThought != step)
                        {
                            lastThought = step;
                            yield return new AssistantThought(chunk.Tool, thought, chunk.Position ?? 0);
                        }
                    }
                    else
                    {
                        yield return AssistantKeepAlive.Instance;
                    }

                    break;
                case "message_file":
                    yield return new AssistantAnswerFile(chunk.Id, chunk.Type ?? "image", chunk.Url);
                    break;
                case "message_end":
                    yield return new AssistantAnswerEnd(
                        chunk.ConversationId ?? conversationId,
                        chunk.MessageId ?? chunk.Id ?? messageId,
                        chunk.TaskId ?? taskId,
                        Usage(chunk.Metadata?.Usage));
                    yield break;
                case "error":
                    var (kind, retryable) = DifyErrorCodes.Classify(chunk.Status, chunk.Code);
                    throw new BackendFailureException(
                        new AssistantFailure(kind, chunk.Code ?? "error", chunk.Message ?? "Dify ended the stream with an error.", chunk.Status),
                        retryable);
                case "ping" or "tts_message" or "tts_message_end" or "workflow_started" or "node_started" or "node_finished" or "workflow_finished":
                    yield return AssistantKeepAlive.Instance;
                    break;
                default:
                    // Events this library does not show (iterations, loops, agent logs, events added later): data, not errors.
                    Log.IgnoredEvent(logger, backend, chunk.Event ?? "(none)");
                    yield return AssistantKeepAlive.Instance;
                    break;
            }
        }

        throw new BackendFailureException(
            new AssistantFailure(AssistantFailureKind.Unavailable, "stream_incomplete", "Dify closed the stream without message_end or error."),
            retryable: !started);
    }

    /// <summary>The events whose fields the reader uses: one of these that does not parse fails the stream.</summary>
    private static readonly HashSet<string> Known = ["message", "agent_message", "agent_thought", "message_file", "message_end", "message_replace", "error"];

    /// <summary>
    /// Reads one chunk; null when it is not a JSON object, or is an event this reader uses whose fields do not parse (the
    /// reader fails the stream on it). Any other event is kept by name only, whatever its fields are (an event added later
    /// may use a field name of ours for something else).
    /// </summary>
    internal static DifyEvent? Parse(ReadOnlySpan<byte> data)
    {
        try
        {
            return JsonSerializer.Deserialize(data, DifyJsonContext.Default.DifyEvent);
        }
        catch (JsonException)
        {
            // Fall through: is it an event we do not read?
        }

        try
        {
            using var document = JsonDocument.Parse(data.ToArray());
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("event", out var name)
                && name.ValueKind == JsonValueKind.String
                && name.GetString() is { } eventName
                && !Known.Contains(eventName)
                    ? new DifyEvent { Event = eventName }
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static AssistantUsage? Usage(DifyUsage? usage) =>
        usage is null ? null : new AssistantUsage(usage.PromptTokens, usage.CompletionTokens, usage.TotalTokens);

    private static string Compact(string? thought)
    {
        var text = (thought ?? "").Trim();
        if (text.Length <= AssistantThought.MaxThoughtLength)
        {
            return text;
        }

        var cut = AssistantThought.MaxThoughtLength - 1;
        if (char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        return string.Concat(text.AsSpan(0, cut), "…");
    }
}
