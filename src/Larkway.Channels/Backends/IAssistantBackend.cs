namespace Larkway.Channels.Backends;

/// <summary>
/// An AI backend that answers a question, streamed: Dify (<see cref="Dify.DifyBackend"/>) or an OpenAI-compatible chat
/// completions server (<see cref="OpenAi.OpenAiCompatibleBackend"/>). Implementations are thread-safe: one instance serves
/// every conversation of an assistant.
/// </summary>
public interface IAssistantBackend
{
    /// <summary>The backend's name in logs and metrics (the options' <see cref="AssistantBackendOptions.Name"/>).</summary>
    string Name { get; }

    /// <summary>Whether files of Dify type <paramref name="fileType"/> (<see cref="AssistantFile.Image"/>, …) may go with a question.</summary>
    /// <param name="fileType">Dify's file type.</param>
    bool Reads(string fileType);

    /// <summary>
    /// Asks <paramref name="request"/>'s question and streams the answer. The stream always ends with exactly one
    /// terminal update, <see cref="AssistantAnswerEnd"/> or <see cref="AssistantFailure"/> (a backend that is down, slow,
    /// refuses or breaks off is a <see cref="AssistantFailure"/>, never an exception), unless the caller cancels
    /// <paramref name="cancellationToken"/>: then the HTTP stream is closed at once, the backend is told to stop where it
    /// can be (Dify), and the enumeration throws <see cref="OperationCanceledException"/>. Failed attempts are retried
    /// only before anything was produced; once text was produced a failure ends the stream.
    /// </summary>
    /// <exception cref="ArgumentException">The request cannot be sent (no query, no user); the message says what to fix.</exception>
    IAsyncEnumerable<AssistantUpdate> StreamAsync(AssistantRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Asks and waits for the whole answer (Dify's blocking mode; the collected stream elsewhere). Retries, timeouts and the
    /// conversation restart are those of <see cref="StreamAsync"/>.
    /// </summary>
    /// <exception cref="AssistantBackendException">The backend failed; <see cref="AssistantBackendException.Failure"/> says how.</exception>
    Task<AssistantAnswer> CompleteAsync(AssistantRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Asks the backend to stop generating the answer of task <paramref name="taskId"/> (from
    /// <see cref="AssistantAnswerStarted.TaskId"/>), for <paramref name="user"/> — the same user the question was asked
    /// for. Dify: <c>POST /chat-messages/{task_id}/stop</c>. Backends without a stop call (OpenAI-compatible: closing the
    /// stream is the stop) return at once. Cancelling <see cref="StreamAsync"/> already does this; call it when the
    /// stream is read elsewhere (another replica).
    /// </summary>
    /// <exception cref="AssistantBackendException">The backend refused or could not be reached.</exception>
    Task StopAsync(string taskId, string user, CancellationToken cancellationToken = default);
}
