using Larkway.Channels.Messages;

namespace Larkway.Hub.Bots;

/// <summary>
/// What a bot hands a message no command of its own claimed to: an assistant answering on the bot's app. The bot's
/// registered commands always run first; the assistant then decides (its commands, its gate, an answer).
/// </summary>
public interface IBotAssistant
{
    /// <summary>
    /// Takes <paramref name="message"/> to <paramref name="app"/>: true when handled, false when no assistant answers on
    /// the app (the bot goes on as before). <paramref name="arrival"/> is where its event sits in the inbox's arrival order
    /// (null when it did not come through the inbox's queue); <paramref name="replyContext"/> is the platform's reply
    /// payload, kept protected with the question; <paramref name="reply"/> sends a plain text reply (text, idempotency suffix).
    /// </summary>
    Task<bool> TryAcceptAsync(string app, InboundMessage message, Inbox.InboxArrival? arrival, string? replyContext, Func<string, string, CancellationToken, Task> reply, CancellationToken cancellationToken);

    /// <summary>
    /// Which group messages that do not @-mention the bot an assistant on <paramref name="app"/> would take, answered from
    /// memory: the inbox's triage asks on the ack path before it drops such a message. When it cannot tell it says
    /// <see cref="UnmentionedGroupMessages.All"/>, so the message is kept and the assistant's gate decides.
    /// </summary>
    UnmentionedGroupMessages UnmentionedGroupMessagesTaken(string app) => UnmentionedGroupMessages.All;

    /// <summary>
    /// Records a vote a platform reports on an answer by the answer's id (WeCom's <c>feedback_event</c>), as a click on a
    /// Feishu answer's buttons is stored: one vote per person and answer, the last one wins, the same vote again changes
    /// nothing. False when no assistant's answer in that app and conversation has the id (a business system's own reply):
    /// the caller leaves it to whoever gave the id.
    /// </summary>
    Task<bool> TryRecordFeedbackAsync(BotAnswerFeedback feedback, CancellationToken cancellationToken) => Task.FromResult(false);

    /// <summary>
    /// What <c>/help</c> adds on <paramref name="app"/>: the assistant answering there and its commands, or null when none
    /// does — so a person learns the assistant is there, whichever platform they write on.
    /// </summary>
    Task<BotAssistantHelp?> HelpAsync(string app, CancellationToken cancellationToken) => Task.FromResult<BotAssistantHelp?>(null);
}

/// <summary>The assistant answering on an app, as <c>/help</c> names it.</summary>
/// <param name="DisplayName">The name people see on its answers.</param>
/// <param name="Commands">Its commands, each with its arguments (null when it takes none) and one line saying what it does.</param>
public sealed record BotAssistantHelp(string DisplayName, IReadOnlyList<(string Name, string? Usage, string Description)> Commands)
{
    /// <summary>Who else it answers (customers of the app's customer service…), a sentence each.</summary>
    public IReadOnlyList<string> AlsoAnswers { get; init; } = [];
}

/// <summary>A user's vote on an answer, as a platform reports it by the id the answer carried.</summary>
/// <param name="Platform"><c>wecom</c>, <c>dingtalk</c> or <c>feishu</c>.</param>
/// <param name="App">The Hub app the answer went out on.</param>
/// <param name="ConversationId">Where the vote was given: the group, or the user in a one-to-one chat.</param>
/// <param name="UserId">Who voted, in the platform's ids.</param>
/// <param name="AnswerId">The id the answer carried (<c>turn-{id}</c> for an assistant's).</param>
/// <param name="Vote">What they said.</param>
public sealed record BotAnswerFeedback(string Platform, string App, string ConversationId, string UserId, string AnswerId, BotAnswerVote Vote);

/// <summary>A vote on an answer.</summary>
public enum BotAnswerVote
{
    /// <summary>The answer helped (WeCom: accurate).</summary>
    Helpful,

    /// <summary>The answer did not help (WeCom: inaccurate).</summary>
    NotHelpful,

    /// <summary>An earlier vote taken back (WeCom: cancelled).</summary>
    Withdrawn,
}

/// <summary>Which group messages without the bot's @-mention an app's assistant takes.</summary>
public enum UnmentionedGroupMessages
{
    /// <summary>None: only a message that @-mentions the bot reaches it.</summary>
    None,

    /// <summary>Those that @-mention all (<c>policy.groups.answer_at_all</c>).</summary>
    MentioningAll,

    /// <summary>Every one (<c>policy.groups.mode: all</c>), or the Hub cannot tell right now.</summary>
    All,
}
