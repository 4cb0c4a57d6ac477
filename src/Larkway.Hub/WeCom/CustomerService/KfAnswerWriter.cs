using Larkway.Hub.Assistants.Replies;

namespace Larkway.Hub.WeCom.CustomerService;

/// <summary>
/// An answer to a customer: the whole text once (<see cref="FinalTextWriter"/>). When it fails, nothing of it is sent (a
/// customer should not read half an answer, nor be told to ask again) and the customer is handed to people
/// (<paramref name="handOver"/>), whose hand-over message tells them; with no hand-over the failure notice is sent.
/// </summary>
internal sealed class KfAnswerWriter(FinalTextWriter inner, Func<CancellationToken, Task>? handOver) : IAssistantReplyWriter
{
    public string Handle => inner.Handle;

    public string? MessageId => inner.MessageId;

    public int Updates => inner.Updates;

    public void Show(string text) => inner.Show(text);

    public async Task FinishAsync(AssistantReplyEnd end, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(end);
        if (end.Kind != AssistantReplyEndKind.Failed || handOver is null)
        {
            await inner.FinishAsync(end, cancellationToken).ConfigureAwait(false);
            return;
        }

        // Ends the inner writer with nothing to send, so that disposing it sends nothing either.
        await inner.FinishAsync(new AssistantReplyEnd(AssistantReplyEndKind.Answered, ""), cancellationToken).ConfigureAwait(false);
        await handOver(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
