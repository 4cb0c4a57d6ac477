using Larkway.Hub.Assistants.Replies;

namespace Larkway.Hub.WeCom.CustomerService;

/// <summary>
/// An answer to a customer: the whole text once (<see cref="FinalTextWriter"/>). When it fails, nothing of it is sent (a
/// customer should not read half an answer, nor be told to ask again) and the customer is handed to people
/// (<paramref name="handOver"/>, with <see cref="KfHandoverTriggers.BackendFailed"/>), whose hand-over message tells them;
/// with no hand-over the failure notice is sent. An answer carrying <paramref name="signal"/> is the backend asking for a
/// person: the rest of it is sent, then the customer is handed over (<see cref="KfHandoverTriggers.BackendSignal"/>).
/// </summary>
internal sealed class KfAnswerWriter(FinalTextWriter inner, Func<string, CancellationToken, Task>? handOver, string? signal = null) : IAssistantReplyWriter
{
    public string Handle => inner.Handle;

    public string? MessageId => inner.MessageId;

    public int Updates => inner.Updates;

    public void Show(string text) => inner.Show(text);

    public async Task FinishAsync(AssistantReplyEnd end, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(end);
        if (handOver is null)
        {
            await inner.FinishAsync(end, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (end.Kind == AssistantReplyEndKind.Failed)
        {
            // Ends the inner writer with nothing to send, so that disposing it sends nothing either.
            await inner.FinishAsync(new AssistantReplyEnd(AssistantReplyEndKind.Answered, ""), cancellationToken).ConfigureAwait(false);
            await handOver(KfHandoverTriggers.BackendFailed, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (end.Kind == AssistantReplyEndKind.Answered && signal is not null && end.Text.Contains(signal, StringComparison.OrdinalIgnoreCase))
        {
            // The rest goes first: once people hold the session the Hub may send nothing more.
            await inner.FinishAsync(end with { Text = end.Text.Replace(signal, "", StringComparison.OrdinalIgnoreCase).Trim() }, cancellationToken).ConfigureAwait(false);
            await handOver(KfHandoverTriggers.BackendSignal, cancellationToken).ConfigureAwait(false);
            return;
        }

        await inner.FinishAsync(end, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
