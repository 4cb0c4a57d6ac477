using System.Diagnostics;
using System.Runtime.CompilerServices;
using Larkway.Shared.Clients;
using Microsoft.Extensions.Logging;

namespace Larkway.Channels.Backends.Internal;

/// <summary>
/// One attempt at an answer: yields updates, throws <see cref="BackendFailureException"/> when it fails. It calls
/// <paramref name="heartbeat"/> whenever the backend shows it is alive without an update (bytes of a ping).
/// </summary>
internal delegate IAsyncEnumerable<AssistantUpdate> BackendAttempt(Action heartbeat, CancellationToken cancellationToken);

/// <summary>
/// What every backend's stream shares: the first-token, idle and total timeouts; retries only before any output (429
/// within the bounded Retry-After, 5xx, connection failures); exactly one terminal update; the task stopped when the caller
/// walks away; metrics and logs. The backend brings the attempt (one HTTP exchange, its wire shapes, its errors).
/// </summary>
internal sealed class StreamRunner(AssistantBackendOptions options, string backendType, BackendTelemetry telemetry, ILogger logger, TimeProvider time)
{
    private enum Phase
    {
        FirstToken,
        Streaming,
    }

    /// <summary>
    /// Runs <paramref name="attempt"/> until it ends, retrying it while allowed. <paramref name="stopTask"/> (may be null)
    /// is called with the last task id when the caller stops reading before the end (cancellation or an early dispose).
    /// </summary>
    public async IAsyncEnumerable<AssistantUpdate> RunAsync(
        BackendAttempt attempt,
        bool newConversation,
        bool blocking,
        Func<string, Task>? stopTask,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var startedAt = time.GetTimestamp();
        var activity = telemetry.StartCall(options.Name, backendType);
        Log.Asking(logger, options.Name, backendType, newConversation ? "new" : "continued");

        using var total = new CancellationTokenSource(options.TotalTimeout, time);
        // Blocking mode has no first token: the whole answer comes at once, within the total time.
        using var watchdog = new CancellationTokenSource(blocking ? Timeout.InfiniteTimeSpan : options.FirstTokenTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, total.Token, watchdog.Token);

        var phase = Phase.FirstToken;
        void Heartbeat()
        {
            if (phase == Phase.Streaming)
            {
                watchdog.CancelAfter(options.IdleTimeout);
            }
        }

        var produced = false;
        var firstOutput = TimeSpan.Zero;
        var retries = 0;
        string? taskId = null;
        AssistantUpdate? terminal = null;
        try
        {
            while (terminal is null)
            {
                var enumerator = attempt(Heartbeat, linked.Token).GetAsyncEnumerator(linked.Token);
                AssistantFailure? failure = null;
                var retryable = false;
                try
                {
                    while (true)
                    {
                        AssistantUpdate? update = null;
                        try
                        {
                            if (!await enumerator.MoveNextAsync())
                            {
                                failure = new AssistantFailure(AssistantFailureKind.Unavailable, "stream_incomplete", "The backend closed the stream before the answer ended.");
                                retryable = !produced;
                                break;
                            }

                            update = enumerator.Current;
                        }
                        catch (BackendFailureException ex)
                        {
                            failure = ex.Failure;
                            retryable = ex.Retryable;
                        }
                        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && (total.IsCancellationRequested || watchdog.IsCancellationRequested))
                        {
                            failure = TimedOut(total.IsCancellationRequested, phase);
                        }
                        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && ex.InnerException is TimeoutException)
                        {
                            // HttpClient.Timeout (the caller's client): the headers did not come in time.
                            failure = new AssistantFailure(AssistantFailureKind.Timeout, "timeout.http_client", "The HTTP client's own timeout ended the call before the backend answered.");
                        }
                        catch (Exception ex) when (ex is HttpRequestException or IOException)
                        {
                            // A read cut by our own cancellation can surface as an I/O error: name the real cause.
                            cancellationToken.ThrowIfCancellationRequested();
                            if (total.IsCancellationRequested || watchdog.IsCancellationRequested)
                            {
                                failure = TimedOut(total.IsCancellationRequested, phase);
                            }
                            else
                            {
                                failure = ConnectionFailed(ex);
                                retryable = true;
                            }
                        }

                        if (failure is not null)
                        {
                            break;
                        }

                        switch (update)
                        {
                            case AssistantKeepAlive:
                                Heartbeat();
                                continue;
                            case AssistantAnswerStarted started:
                                taskId = string.IsNullOrWhiteSpace(started.TaskId) ? taskId : started.TaskId;
                                break;
                            case AssistantTextDelta or AssistantAnswerReplaced or AssistantThought or AssistantAnswerFile:
                                if (!produced)
                                {
                                    produced = true;
                                    phase = Phase.Streaming;
                                    firstOutput = time.GetElapsedTime(startedAt);
                                    telemetry.FirstToken(firstOutput);
                                }

                                watchdog.CancelAfter(options.IdleTimeout);
                                break;
                            case AssistantAnswerEnd end:
                                terminal = end;
                                break;
                        }

                        yield return update!;
                        if (terminal is not null)
                        {
                            break;
                        }
                    }
                }
                finally
                {
                    // Closes the HTTP response (and with it the connection, when the body was not read to its end).
                    await enumerator.DisposeAsync();
                }

                if (failure is null)
                {
                    continue;
                }

                var delay = retryable && !produced && retries < options.MaxRetries ? RetryDelay(failure, retries) : null;
                telemetry.Error(failure, delay is not null);
                if (delay is null)
                {
                    terminal = failure;
                    yield return failure;
                    break;
                }

                retries++;
                Log.Retrying(logger, options.Name, retries, failure.Kind, failure.Code, failure.HttpStatus, delay.Value.TotalMilliseconds);
                AssistantFailure? waitFailure = null;
                try
                {
                    await Task.Delay(delay.Value, time, linked.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    waitFailure = TimedOut(total.IsCancellationRequested, phase);
                }

                if (waitFailure is not null)
                {
                    telemetry.Error(waitFailure, retried: false);
                    terminal = waitFailure;
                    yield return waitFailure;
                }
            }
        }
        finally
        {
            var elapsed = time.GetElapsedTime(startedAt);
            switch (terminal)
            {
                case AssistantAnswerEnd end:
                    Log.Completed(logger, options.Name, end.FinishReason, elapsed.TotalMilliseconds, firstOutput.TotalMilliseconds, end.Usage?.TotalTokens);
                    telemetry.Ended(activity, "completed", elapsed, null);
                    break;
                case AssistantFailure failed:
                    Log.Failed(logger, options.Name, failed.Kind, failed.Code, failed.HttpStatus, elapsed.TotalMilliseconds, produced);
                    telemetry.Ended(activity, "failed", elapsed, failed);
                    break;
                default:
                    Log.Abandoned(logger, options.Name, elapsed.TotalMilliseconds);
                    telemetry.Ended(activity, "cancelled", elapsed, null);
                    if (taskId is not null && stopTask is not null)
                    {
                        // The backend keeps generating (and billing) after the connection closes: tell it to stop, without
                        // holding up the caller, who is already moving on.
                        _ = stopTask(taskId);
                    }

                    break;
            }
        }
    }

    private AssistantFailure TimedOut(bool totalExpired, Phase phase) => totalExpired
        ? new AssistantFailure(AssistantFailureKind.Timeout, "timeout.total", $"The answer did not end within {options.TotalTimeout.TotalSeconds:0.###} s.")
        : phase == Phase.FirstToken
            ? new AssistantFailure(AssistantFailureKind.Timeout, "timeout.first_token", $"The backend produced nothing within {options.FirstTokenTimeout.TotalSeconds:0.###} s.")
            : new AssistantFailure(AssistantFailureKind.Timeout, "timeout.idle", $"The backend went silent for {options.IdleTimeout.TotalSeconds:0.###} s in the middle of the answer.");

    private static AssistantFailure ConnectionFailed(Exception ex) =>
        new(AssistantFailureKind.Unavailable, "connection_failed", $"The backend could not be reached or the connection broke: {ex.Message}");

    /// <summary>How long to wait before the next attempt, or null when this failure is not worth waiting for.</summary>
    private TimeSpan? RetryDelay(AssistantFailure failure, int retriesSoFar)
    {
        if (failure.RetryAfter is { } asked)
        {
            return asked <= options.MaxRetryDelay ? asked : null;
        }

        return Backoff.Delay(retriesSoFar, options.RetryBaseDelay, options.MaxRetryDelay);
    }
}
