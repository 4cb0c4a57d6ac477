namespace Larkway.Channels.Backends;

/// <summary>
/// A backend call that failed where no stream carries the failure: <see cref="IAssistantBackend.CompleteAsync"/> and
/// <see cref="IAssistantBackend.StopAsync"/>.
/// </summary>
public class AssistantBackendException : Exception
{
    /// <summary>A failed call of backend <paramref name="backend"/>.</summary>
    /// <param name="backend">The backend's name.</param>
    /// <param name="failure">What happened.</param>
    /// <param name="innerException">What caused it, if anything.</param>
    public AssistantBackendException(string backend, AssistantFailure failure, Exception? innerException = null)
        : base(Describe(backend, failure), innerException)
    {
        ArgumentNullException.ThrowIfNull(failure);
        Backend = backend;
        Failure = failure;
    }

    /// <summary>The backend's name.</summary>
    public string Backend { get; }

    // The backend's message stays in Failure: a refusal quotes the model, and exception messages end up in logs.
    private static string Describe(string backend, AssistantFailure? failure) => failure is null
        ? $"Assistant backend '{backend}' failed."
        : $"Assistant backend '{backend}' failed: {failure.Kind}, code {failure.Code}{(failure.HttpStatus is { } status ? $", HTTP {status}" : "")}.";

    /// <summary>What happened: kind, the backend's code and message (not in <see cref="Exception.Message"/>), HTTP status, retry-after.</summary>
    public AssistantFailure Failure { get; }
}
