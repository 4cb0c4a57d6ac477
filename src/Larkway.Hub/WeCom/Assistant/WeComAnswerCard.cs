using System.Text.Json;
using Larkway.Channels.Messages;
using Larkway.Channels.Rendering;
using Larkway.Hub.Bots;

namespace Larkway.Hub.WeCom.Assistant;

/// <summary>
/// The card under an assistant's answer on WeCom, where the answer itself cannot carry buttons: a corp app's answer is
/// markdown, so a <c>button_interaction</c> template card follows it with Helpful / Not helpful / Regenerate; an AI bot's
/// stream has WeCom's own like / dislike, so the card that follows it has Regenerate alone. Its task_id names the answer
/// (<see cref="TaskIdPrefix"/>, the answer id, a unique tail, as WeCom wants task_ids unique per app), so a click is
/// read back into the click of a Feishu answer card's buttons and answered by the same card actions.
/// </summary>
internal static class WeComAnswerCard
{
    /// <summary>How an answer card's task_id starts; only these clicks are the assistant's.</summary>
    public const string TaskIdPrefix = "lwans_";

    /// <summary>The button keys (WeCom's <c>key</c>, sent back as the click's EventKey).</summary>
    internal const string HelpfulKey = "helpful";

    /// <inheritdoc cref="HelpfulKey"/>
    internal const string NotHelpfulKey = "not_helpful";

    /// <inheritdoc cref="HelpfulKey"/>
    internal const string RegenerateKey = "regenerate";

    private static readonly FeishuStreamingCardOptions Texts = new();

    /// <summary>A new task_id for the card under <paramref name="answerId"/> (digits, letters, '_' and '-', as WeCom takes).</summary>
    public static string NewTaskId(string answerId) => $"{TaskIdPrefix}{answerId}_{Guid.NewGuid():N}";

    /// <summary>Whether <paramref name="taskId"/> is an answer card's.</summary>
    public static bool Claims(string? taskId) => taskId is not null && taskId.StartsWith(TaskIdPrefix, StringComparison.Ordinal);

    /// <summary>The card under a corp app's answer: vote, or ask again.</summary>
    public static CardReply ForApp() => Voting("Was this answer helpful?", "Your vote helps improve the answers.");

    /// <summary>The card after a vote: the thanks, and the buttons still there, so the vote can change (the last one counts).</summary>
    public static CardReply Voted(string thanks) => Voting(thanks, "You can change your vote, or ask again.");

    /// <summary>The card under an AI bot's answer (WeCom's own like / dislike is on the answer): ask again.</summary>
    public static CardReply ForAiBot(string? title = null) =>
        ChannelReply.ForCard(title ?? "Not the answer you needed?", "Regenerate asks your question again.", new ReplyButton(Texts.RegenerateText, RegenerateKey));

    /// <summary>Whether <paramref name="key"/> is a vote (rather than Regenerate).</summary>
    public static bool IsVote(string key) => key is HelpfulKey or NotHelpfulKey;

    /// <summary>
    /// A click on an answer card as the answer's card actions read it (the value of a Feishu answer card's button); null
    /// when the task_id names no answer or the key is none of the card's buttons.
    /// </summary>
    public static BotCardContext? Read(string app, string taskId, string key, string clicker, string chatId, string clickId)
    {
        var tail = Claims(taskId) ? taskId.LastIndexOf('_') : -1;
        if (tail <= TaskIdPrefix.Length)
        {
            return null;
        }

        var answerId = taskId[TaskIdPrefix.Length..tail];
        Dictionary<string, string>? value = key switch
        {
            HelpfulKey or NotHelpfulKey => new() { [BotCardActions.ActionField] = FeishuStreamingCard.FeedbackAction, ["feedback"] = key, ["answer_id"] = answerId },
            RegenerateKey => new() { [BotCardActions.ActionField] = FeishuStreamingCard.RegenerateAction, ["answer_id"] = answerId },
            _ => null,
        };
        return value is null
            ? null
            : new BotCardContext(app, ChannelPlatform.WeCom, value[BotCardActions.ActionField])
            {
                ClickId = clickId,
                Operator = new CardClickOperator(clicker),
                MessageId = taskId,
                ChatId = chatId,
                Value = JsonSerializer.SerializeToElement(value),
            };
    }

    private static CardReply Voting(string title, string line) =>
        ChannelReply.ForCard(title, line,
            new ReplyButton(Texts.HelpfulText, HelpfulKey),
            new ReplyButton(Texts.NotHelpfulText, NotHelpfulKey),
            new ReplyButton(Texts.RegenerateText, RegenerateKey));
}
