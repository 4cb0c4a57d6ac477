namespace Larkway.Hub.Assistants.Replies;

/// <summary>
/// A reply where the platform cannot stream into a message (DingTalk without an AI card template, a WeCom app, an AI bot
/// whose req_id is gone): the text shown meanwhile is only remembered, and the whole answer with its notice goes once at
/// the end. A writer left without an end sends what it had with the interrupted notice.
/// </summary>
/// <param name="handle">The reply's handle (kept with the turn).</param>
/// <param name="sentAtOpen">Messages the open sent already ("thinking").</param>
/// <param name="send">Sends the final text; returns how many messages it took.</param>
/// <param name="disposeFailed">Told of a send that failed while disposing; null lets the failure through.</param>
internal sealed class FinalTextWriter(string handle, int sentAtOpen, Func<string, CancellationToken, Task<int>> send, Action<Exception>? disposeFailed = null)
    : IAssistantReplyWriter
{
    private string _latest = "";
    private int _finished;
    private int _updates = sentAtOpen;

    public string Handle => handle;

    public string? MessageId => null;

    public int Updates => Volatile.Read(ref _updates);

    public void Show(string text) => Volatile.Write(ref _latest, text);

    public async Task FinishAsync(AssistantReplyEnd end, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(end);
        if (Interlocked.Exchange(ref _finished, 1) == 0 && AssistantReplyTexts.Final(end) is { } final && !string.IsNullOrWhiteSpace(final))
        {
            Interlocked.Add(ref _updates, await send(final, cancellationToken).ConfigureAwait(false));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _finished) != 0)
        {
            return;
        }

        try
        {
            await FinishAsync(new AssistantReplyEnd(AssistantReplyEndKind.Failed, Volatile.Read(ref _latest), AssistantReplyTexts.Interrupted), CancellationToken.None)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (disposeFailed is not null && ex is not OperationCanceledException)
        {
            disposeFailed(ex);
        }
    }
}
