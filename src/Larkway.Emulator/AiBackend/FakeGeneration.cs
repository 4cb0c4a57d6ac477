namespace Larkway.Emulator.AiBackend;

/// <summary>
/// The fake model at work, the same for both APIs and for streamed and blocking answers: the answer's tokens one after
/// another, a token interval apart, with the injected faults — a slow first token, an error after some tokens, a hang.
/// Each token given out is counted on the request's record (<see cref="AiRequestRecord.TokensSent"/>).
/// </summary>
internal static class FakeGeneration
{
    /// <summary>Gives out <paramref name="tokens"/> through <paramref name="emit"/>.</summary>
    /// <param name="wait">How the caller waits: a stream keeps its pings going, a blocking answer just waits.</param>
    /// <param name="started">Written once the first token is due, before it (an OpenAI stream's role chunk).</param>
    /// <returns>False when the injected error ended the answer: the record says "failed", the caller writes the error.</returns>
    public static async Task<bool> RunAsync(
        IReadOnlyList<string> tokens,
        AiFaultSet faults,
        AiSettingsView settings,
        AiRequestRecord record,
        Func<TimeSpan, CancellationToken, Task> wait,
        Func<string, CancellationToken, Task> emit,
        CancellationToken cancellationToken,
        Func<CancellationToken, Task>? started = null)
    {
        if (faults.Of(AiFaultKind.SlowFirstToken) is { } slow)
        {
            await wait(TimeSpan.FromMilliseconds(slow.DelayMs), cancellationToken);
        }

        if (started is not null)
        {
            await started(cancellationToken);
        }

        var error = faults.Of(AiFaultKind.ErrorMidStream);
        var hang = faults.Of(AiFaultKind.Hang);
        for (var sent = 0; sent < tokens.Count; sent++)
        {
            if (error is not null && sent >= (error.AfterTokens ?? 0))
            {
                record.Outcome = "failed";
                return false;
            }

            if (hang is { AfterTokens: { } after } && sent >= after)
            {
                record.Outcome = "hung";
                await wait(Timeout.InfiniteTimeSpan, cancellationToken);
            }

            if (sent > 0)
            {
                await wait(settings.TokenInterval, cancellationToken);
            }

            await emit(tokens[sent], cancellationToken);
            record.CountToken();
        }

        return true;
    }
}
