using System.Text.Json;
using Larkway.Channels.Adapters;
using Larkway.Channels.Messages;
using Larkway.Hub.Bots;
using Larkway.Hub.Platform;
using Larkway.WeCom;
using Larkway.WeCom.Messages;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.WeCom;

/// <summary>
/// WeCom's door for a click on a bot's own template card (<c>template_card_event</c> whose task_id the bot's messenger
/// made, <see cref="TaskIdPrefix"/>): read once into the Hub's click — the button's key is its action, as a reply button's callback value — handed to the
/// app's bot and its card actions, and answered on the member's card with the callback's own response_code. WeCom shows
/// no toast: a new card with buttons replaces the clicked one; otherwise its buttons become one disabled button reading
/// the toast, as a notification card's read the decision. The card under an assistant's answer
/// (<see cref="Assistant.WeComAnswerCard"/>) comes through the same door: its votes and Regenerate reach the answer's
/// card actions, and after a vote the card reads the thanks with its buttons kept, so the vote can change.
/// </summary>
internal sealed partial class WeComBotCardClicks(AppBots bots, BotCardActions actions, HubWeComClients clients, ILogger<WeComBotCardClicks> logger)
{
    /// <summary>
    /// How the task_id of a card the bot sent starts. Only these clicks are the bot's: a card a business system sent
    /// through the same app keeps its click (and the click's one-time ResponseCode) to itself, reaching it by webhook.
    /// </summary>
    public const string TaskIdPrefix = "lwbot_";

    /// <summary>A new task_id for a card the bot sends (unique per app, as WeCom requires).</summary>
    public static string NewTaskId() => TaskIdPrefix + Guid.NewGuid().ToString("N");

    /// <summary>Whether a stored template_card_event is a click on a card the bot sent.</summary>
    public static bool Claims(JsonElement root) =>
        WeComCallbackJson.Str(root, "TaskId") is { } taskId && (taskId.StartsWith(TaskIdPrefix, StringComparison.Ordinal) || Assistant.WeComAnswerCard.Claims(taskId));

    /// <summary>Handles one click; throws (to have the inbox retry) only when WeCom could not be reached.</summary>
    public async Task HandleAsync(string appName, JsonElement root, string clickId, CancellationToken cancellationToken)
    {
        var eventKey = WeComCallbackJson.Str(root, "EventKey");
        var clicker = WeComCallbackJson.Str(root, "FromUserName");
        if (string.IsNullOrEmpty(eventKey) || string.IsNullOrEmpty(clicker))
        {
            return;
        }

        var taskId = WeComCallbackJson.Str(root, "TaskId") ?? "";
        var answerCard = Assistant.WeComAnswerCard.Claims(taskId);
        var click = answerCard ? Assistant.WeComAnswerCard.Read(appName, taskId, eventKey, clicker, clicker, clickId) : Read(appName, root, eventKey, clicker, clickId);
        if (click is null)
        {
            return;
        }

        var answer = await bots.Get(WeComInboxHandler.BotPlatform, appName).HandleCardClickAsync(click, actions, cancellationToken).ConfigureAwait(false);
        if (answerCard && Assistant.WeComAnswerCard.IsVote(eventKey) && answer?.Toast is { Kind: CardToastKind.Success } thanks)
        {
            // A vote leaves the buttons on the card (reading the thanks), so the member can change it: the last one counts.
            answer = answer.AndCard(Assistant.WeComAnswerCard.Voted(thanks.Text));
        }

        if (answer is null || WeComCallbackJson.Str(root, "ResponseCode") is not { Length: > 0 } responseCode)
        {
            return;
        }

        var client = await clients.GetAsync(appName, cancellationToken).ConfigureAwait(false);
        try
        {
            // An answer card's new card keeps its task_id, which names the answer.
            if (Card(answer, clicker, answerCard ? taskId : null) is { } card)
            {
                await client.Messages.UpdateTemplateCardAsync(responseCode, card, WeComRecipients.ToUsers(clicker), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await client.Messages.UpdateTemplateCardButtonAsync(responseCode, ReplaceName(answer), WeComRecipients.ToUsers(clicker), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (WeComApiException ex) when (!ex.IsTransient)
        {
            // A response_code works once: a re-delivered click finds it used. The handler has run.
            LogUpdateFailed(logger, appName, click.Action, ex.Code);
        }
    }

    /// <summary>The click as every handler sees it: the button's key is the action, and the value carries it as a reply button's does.</summary>
    /// <remarks>An app's callbacks come from the member's own chat with the app, so that is the click's chat.</remarks>
    internal static BotCardContext Read(string appName, JsonElement root, string eventKey, string clicker, string clickId) =>
        Read(appName, WeComCallbackJson.Str(root, "TaskId"), eventKey, clicker, clicker, clickId);

    /// <summary>A click on a bot's card in <paramref name="chatId"/> (an AI bot's cards may be in a group), read as <see cref="Read(string, JsonElement, string, string, string)"/> reads an app's.</summary>
    internal static BotCardContext Read(string appName, string? taskId, string eventKey, string clicker, string chatId, string clickId) =>
        new(appName, ChannelPlatform.WeCom, eventKey)
        {
            ClickId = clickId,
            Operator = new CardClickOperator(clicker),
            MessageId = taskId,
            ChatId = chatId,
            Value = JsonSerializer.SerializeToElement(new Dictionary<string, string> { [BotCardActions.ActionField] = eventKey }),
        };

    /// <summary>The answer's card as a template card, when it renders as one (a card with buttons); else null.</summary>
    private static WeComTemplateCard? Card(CardClickAnswer answer, string clicker, string? taskId) =>
        answer.Card is { Buttons.Count: > 0 } card
            ? WeComChannelAdapter.RenderAppMessage(card, new ChannelConversation(clicker, ConversationKind.Direct), taskId).Messages
                .OfType<WeComTemplateCardAppMessage>().Select(m => m.Card).LastOrDefault()
            : null;

    /// <summary>What the disabled button reads: the toast, else the card's title, as a notification card's reads its answer.</summary>
    internal static string ReplaceName(CardClickAnswer answer) =>
        Notifications.WeComCardClicks.ReplaceName(null, (answer.Toast?.Text ?? answer.Card?.Title ?? "").Trim());

    [LoggerMessage(EventId = LogEvents.WeComBotCardUpdateFailed, Level = LogLevel.Warning, Message = "WeCom app {App}: the card clicked for action '{Action}' could not be updated (errcode {Code}); the bot's handler ran.")]
    private static partial void LogUpdateFailed(ILogger logger, string app, string action, string code);
}
