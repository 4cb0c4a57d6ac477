namespace Larkway.Channels.Backends.Internal;

/// <summary>
/// How an attempt tells the runner it failed: the failure to report and whether another attempt may succeed (the runner
/// retries only when nothing was produced yet). Never escapes the library.
/// </summary>
internal sealed class BackendFailureException(AssistantFailure failure, bool retryable, Exception? inner = null)
    : Exception(failure.Code, inner)
{
    public AssistantFailure Failure { get; } = failure;

    public bool Retryable { get; } = retryable;
}
