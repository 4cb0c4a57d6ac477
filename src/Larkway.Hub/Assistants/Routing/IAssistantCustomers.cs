using Larkway.Channels.Messages;

namespace Larkway.Hub.Assistants.Routing;

/// <summary>
/// Where a platform's customer service hands the assistant a message from a customer outside the company (WeCom's 微信客服):
/// answered as a guest in a session of the customer's own, its replies going to <see cref="Replies.AssistantReplyTarget.CustomerKind"/>
/// conversations of the platform's replies.
/// </summary>
internal interface IAssistantCustomers
{
    /// <summary>Whether an enabled assistant answers on <paramref name="app"/> (else the customer is left to people).</summary>
    Task<bool> AnswersOnAsync(string app, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="message"/> as a turn to answer (once per its dedup key); false when no assistant answers on
    /// <paramref name="app"/>. <paramref name="reply"/> sends a short notice instead (a message with nothing to read).
    /// </summary>
    /// <remarks>
    /// <paramref name="storedWith"/> runs in the transaction that stores the turn, so what the caller records about the
    /// message (that it was given to the assistant) is kept if and only if the turn is.
    /// </remarks>
    Task<bool> TryAcceptCustomerAsync(
        string app, InboundMessage message, string replyContext, Func<string, string, CancellationToken, Task> reply, CancellationToken cancellationToken,
        Func<Platform.Storage.HubDbContext, CancellationToken, Task>? storedWith = null);

    /// <summary>Whether an earlier turn of <paramref name="message"/>'s conversation is still to be answered (queued or answering).</summary>
    Task<bool> IsAnsweringAsync(InboundMessage message, CancellationToken cancellationToken);
}
