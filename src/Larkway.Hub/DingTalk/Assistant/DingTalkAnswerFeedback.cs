using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Larkway.DingTalk;
using Larkway.DingTalk.Cards;
using Larkway.Hub.Assistants.Routing;
using Larkway.Hub.DingTalk.Notifications;

namespace Larkway.Hub.DingTalk.Assistant;

/// <summary>
/// The feedback under an assistant's finished answer on DingTalk: a robot's markdown cannot carry a button that calls
/// back, and an AI card's template is the customer's own, so for an app with a card template (the notification cards'
/// one, <see cref="DingTalkNotificationCardOptions"/>) a small interactive card follows the answer with Helpful, Not
/// helpful and Regenerate. It is one of the bot's cards (<see cref="DingTalkBotCards.FeedbackPrefix"/>): a press goes to
/// the bot's card actions, where the assistant's answer buttons are handled as on Feishu (the vote stored once per
/// person, the last one winning; Regenerate asks again), and its buttons stay so a vote can be changed.
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

    /// <summary>The card's variables: the three buttons, each naming the answer in its params as a Feishu answer button's value does.</summary>
    public static Dictionary<string, string> Data(string answerId)
    {
        var buttons = new JsonArray
        {
            DingTalkBotCards.Button("👍 Helpful", "helpful", AssistantCardActions.FeedbackAction, new JsonObject { ["feedback"] = "helpful", ["answer_id"] = answerId }),
            DingTalkBotCards.Button("👎 Not helpful", "not_helpful", AssistantCardActions.FeedbackAction, new JsonObject { ["feedback"] = "not_helpful", ["answer_id"] = answerId }),
            DingTalkBotCards.Button("🔄 Regenerate", "regenerate", AssistantCardActions.RegenerateAction, new JsonObject { ["answer_id"] = answerId }),
        };
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [DingTalkInteractiveCards.TitleKey] = "",
            [DingTalkInteractiveCards.MarkdownKey] = Question,
            [DingTalkInteractiveCards.ButtonsKey] = buttons.ToJsonString(),
            [DingTalkInteractiveCards.DecisionKey] = "",
        };
    }

    /// <summary>Delivers the feedback card of the answer <paramref name="answerId"/>; false when DingTalk did not deliver it.</summary>
    /// <exception cref="DingTalkApiException">DingTalk refused or did not answer.</exception>
    public static async Task<bool> SendAsync(DingTalkClient client, string template, DingTalkCardTarget target, long turnId, string answerId, string messageId, CancellationToken cancellationToken)
    {
        var delivered = await client.Cards.CreateAndDeliverAsync(template, target, Data(answerId), OutTrackIdOf(turnId, messageId), cancellationToken).ConfigureAwait(false);
        return delivered.Delivered;
    }
}
