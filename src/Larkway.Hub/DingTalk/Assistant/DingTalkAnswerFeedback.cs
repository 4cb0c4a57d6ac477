using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Larkway.DingTalk;
using Larkway.DingTalk.Cards;
using Larkway.DingTalk.Robots;
using Larkway.Hub.Assistants.Routing;
using Larkway.Hub.DingTalk.Notifications;

namespace Larkway.Hub.DingTalk.Assistant;

/// <summary>
/// The feedback under an assistant's finished answer on DingTalk: a robot's markdown cannot carry a button that calls
/// back, and an AI card's template is the customer's own, so for an app with a card template (the notification cards'
/// one, <see cref="DingTalkNotificationCardOptions"/>) a small interactive card follows the answer with Helpful, Not
/// helpful and Regenerate (a failed or interrupted answer: Regenerate alone, as its notice says). It is one of the bot's cards (<see cref="DingTalkBotCards.FeedbackPrefix"/>): a press goes to
/// the bot's card actions, where the assistant's answer buttons are handled as on Feishu (the vote stored once per
/// person, the last one winning; Regenerate asks again), and its buttons stay so a vote can be changed. An app without a
/// card template gets the same buttons as a robot's action card (<see cref="LinkCard"/>) whose links, made for the asker,
/// run the same answer buttons once confirmed on the Hub.
/// </summary>
internal static class DingTalkAnswerFeedback
{
    /// <summary>What the card says above its buttons.</summary>
    public const string Question = "Was this answer helpful?";

    /// <summary>
    /// The card's outTrackId: the same for a retried send of the same answer (DingTalk then finds the card it made),
    /// from the turn and the question's message.
    /// </summary>
    public static string OutTrackIdOf(long turnId, string messageId) =>
        string.Create(CultureInfo.InvariantCulture, $"{DingTalkBotCards.FeedbackPrefix}{turnId}_")
            + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(messageId)))[..16];

    /// <summary>What the card of a failed or interrupted answer says above its one button (the answer's notice names the failure).</summary>
    public const string RetryQuestion = "Ask the same question again?";

    /// <summary>
    /// The card's variables: the three buttons of a finished answer, or Regenerate alone under a failed one (there is no
    /// answer to vote on), each naming the answer in its params as a Feishu answer button's value does.
    /// </summary>
    public static Dictionary<string, string> Data(string answerId, bool failed = false) => new(StringComparer.Ordinal)
    {
        [DingTalkInteractiveCards.TitleKey] = "",
        [DingTalkInteractiveCards.MarkdownKey] = failed ? RetryQuestion : Question,
        [DingTalkInteractiveCards.ButtonsKey] = new JsonArray([.. Buttons(answerId, failed).Select(b => DingTalkBotCards.Button(b.Text, b.Id, b.Action, b.Value))]).ToJsonString(),
        [DingTalkInteractiveCards.DecisionKey] = "",
    };

    /// <summary>
    /// The same buttons as a robot's action card, for an app without a card template: each a link made for
    /// <paramref name="userId"/>, the asker (<see cref="DingTalkActionLinks"/>), whose confirm runs the same answer buttons.
    /// </summary>
    public static DingTalkAppRobotMessage LinkCard(string appName, string userId, string answerId, bool failed, DingTalkActionLinks links) =>
        DingTalkBotCards.ActionCard(null, failed ? RetryQuestion : Question,
            [.. Buttons(answerId, failed).Select(b => new DingTalkRobotButton(b.Text, links.For(DingTalkActionClick.ForBot(appName, userId, b.Action, b.Value, b.Text))))])!;

    /// <summary>An answer's buttons: text, id on the card, action and value (naming the answer as a Feishu answer button's value does).</summary>
    private static IEnumerable<(string Text, string Id, string Action, JsonObject Value)> Buttons(string answerId, bool failed)
    {
        if (!failed)
        {
            yield return ("👍 Helpful", "helpful", AssistantCardActions.FeedbackAction, new JsonObject { ["feedback"] = "helpful", ["answer_id"] = answerId });
            yield return ("👎 Not helpful", "not_helpful", AssistantCardActions.FeedbackAction, new JsonObject { ["feedback"] = "not_helpful", ["answer_id"] = answerId });
        }

        yield return ("🔄 Regenerate", "regenerate", AssistantCardActions.RegenerateAction, new JsonObject { ["answer_id"] = answerId });
    }

    /// <summary>Delivers the card of the answer <paramref name="answerId"/> (<paramref name="failed"/>: its Regenerate card); false when DingTalk did not deliver it.</summary>
    /// <exception cref="DingTalkApiException">DingTalk refused or did not answer.</exception>
    public static async Task<bool> SendAsync(DingTalkClient client, string template, DingTalkCardTarget target, long turnId, string answerId, string messageId, bool failed, CancellationToken cancellationToken)
    {
        var delivered = await client.Cards.CreateAndDeliverAsync(template, target, Data(answerId, failed), OutTrackIdOf(turnId, messageId), cancellationToken).ConfigureAwait(false);
        return delivered.Delivered;
    }
}
