using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Channels.Messages;
using Larkway.DingTalk;
using Larkway.DingTalk.Cards;
using Larkway.DingTalk.Robots;
using Larkway.Hub.Bots;
using Larkway.Hub.DingTalk.Notifications;
using Larkway.Hub.Platform;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.DingTalk;

/// <summary>
/// The bot's cards on DingTalk, for an app with a card template (the notification cards' one,
/// <see cref="DingTalkNotificationCardOptions"/>: the same variables <c>title</c>, <c>markdown</c>, <c>buttons</c>,
/// <c>decision</c>): a card reply with a callback button goes as an interactive card instance whose outTrackId starts
/// with <see cref="OutTrackIdPrefix"/>, and a press on it (the card callback over Stream) is read once into the Hub's
/// click and handed to the app's bot and its card actions. DingTalk shows no toast: the answer's card replaces the card's
/// variables; a toast alone empties its buttons and shows its text as the card's <c>decision</c>. An answer card's
/// feedback buttons (<see cref="FeedbackPrefix"/>) keep their buttons, so a vote can be changed. On an app without a
/// template the card goes as a robot's action card whose buttons are links made for the person answered
/// (<see cref="LinkCard"/>); a link confirmed on the Hub runs the same handlers (<see cref="PressAsync"/>).
/// </summary>
internal sealed partial class DingTalkBotCards(AppBots bots, BotCardActions actions, HubDingTalkClients clients, ILogger<DingTalkBotCards> logger)
{
    /// <summary>
    /// How the outTrackId of a card the bot sent starts. Only these clicks are the bot's: a card a business system sent
    /// through the same app, or a notification's, keeps its click to itself.
    /// </summary>
    public const string OutTrackIdPrefix = "lwbot_";

    /// <summary>How the outTrackId of the feedback card under an assistant's answer starts (a bot card whose buttons stay).</summary>
    public const string FeedbackPrefix = OutTrackIdPrefix + "fb_";

    /// <summary>A new outTrackId for a card the bot sends (unique, as DingTalk requires of a card instance).</summary>
    public static string NewOutTrackId(string prefix = OutTrackIdPrefix) => prefix + Guid.NewGuid().ToString("N");

    /// <summary>Whether a stored card callback is a press on a card the bot sent.</summary>
    public static bool Claims(JsonElement callback) =>
        DingTalkInteractiveCards.Str(callback, "outTrackId") is { } outTrackId && outTrackId.StartsWith(OutTrackIdPrefix, StringComparison.Ordinal);

    /// <summary>
    /// The card's variables for <paramref name="reply"/> when it is a card with a callback button (the only replies an
    /// interactive card adds anything to); null otherwise, which goes as markdown. A callback button is
    /// <c>{text, actionId, params{action}}</c>, a link <c>{text, url}</c>.
    /// </summary>
    public static Dictionary<string, string>? Data(ChannelReply reply) =>
        reply is CardReply { Markdown.Length: > 0 } card && card.Buttons.Any(b => b.IsCallback && !string.IsNullOrEmpty(b.Value)) ? Variables(card) : null;

    /// <summary>The variables of <paramref name="card"/>, whatever its buttons; <c>decision</c> empty.</summary>
    internal static Dictionary<string, string> Variables(CardReply card)
    {
        var buttons = new JsonArray();
        foreach (var button in card.Buttons)
        {
            if (button.IsCallback && !string.IsNullOrEmpty(button.Value))
            {
                buttons.Add(Button(button.Text, button.Value, button.Value, []));
            }
            else if (button.Url is { } url)
            {
                buttons.Add(new JsonObject { ["text"] = button.Text, ["url"] = url });
            }
        }

        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [DingTalkInteractiveCards.TitleKey] = card.Title ?? "",
            [DingTalkInteractiveCards.MarkdownKey] = card.Markdown,
            [DingTalkInteractiveCards.ButtonsKey] = buttons.ToJsonString(),
            [DingTalkInteractiveCards.DecisionKey] = "",
        };
    }

    /// <summary>A callback button: <paramref name="actionId"/> names it on the card, its params carry the action and <paramref name="value"/>.</summary>
    internal static JsonObject Button(string text, string actionId, string action, JsonObject value)
    {
        value[BotCardActions.ActionField] = action;
        return new JsonObject { ["text"] = text, ["actionId"] = actionId, ["params"] = value };
    }

    /// <summary>
    /// Sends <paramref name="reply"/> as an interactive card of <paramref name="template"/> to <paramref name="target"/>;
    /// false (nothing sent) when it is no card with a callback button, or DingTalk would not take the card — the caller
    /// then sends it as a robot message.
    /// </summary>
    /// <exception cref="DingTalkApiException">DingTalk did not answer (transient): the handling is retried.</exception>
    public static async Task<bool> TrySendAsync(DingTalkClient client, string? template, DingTalkCardTarget target, ChannelReply reply, ILogger logger, CancellationToken cancellationToken)
    {
        if (template is null || Data(reply) is not { } data)
        {
            return false;
        }

        try
        {
            var delivered = await client.Cards.CreateAndDeliverAsync(template, target, data, NewOutTrackId(), cancellationToken).ConfigureAwait(false);
            if (delivered.Delivered)
            {
                return true;
            }

            LogFellBack(logger, string.Join("; ", delivered.Spaces.Where(s => !s.Success).Select(s => s.Error ?? "not delivered")));
            return false;
        }
        catch (DingTalkApiException ex) when (!ex.IsTransient)
        {
            // No Card.Instance.Write permission, or a template DingTalk does not know: the card goes as markdown.
            LogFellBack(logger, ex.Code);
            return false;
        }
    }

    /// <summary>
    /// <paramref name="reply"/> as a robot's action card, for an app without a card template: each callback button a link
    /// made for <paramref name="userId"/> (<see cref="DingTalkActionLinks"/>, confirmed on the Hub by that person's DingTalk
    /// sign-in, then <see cref="PressAsync"/>), each link button its own URL. Null when it is no card with a callback
    /// button, or has more buttons than an action card takes: it then goes as markdown, as before.
    /// </summary>
    public static DingTalkAppRobotMessage? LinkCard(ChannelReply reply, string appName, string userId, DingTalkActionLinks links)
    {
        if (reply is not CardReply { Markdown.Length: > 0 } card || !card.Buttons.Any(b => b.IsCallback && !string.IsNullOrEmpty(b.Value)))
        {
            return null;
        }

        var buttons = new List<DingTalkRobotButton>();
        foreach (var button in card.Buttons)
        {
            if (button.IsCallback && !string.IsNullOrEmpty(button.Value))
            {
                buttons.Add(new(ButtonTitle(button.Text), links.For(DingTalkActionClick.ForBot(appName, userId, button.Value, [], button.Text))));
            }
            else if (button.Url is { } url && Uri.IsWellFormedUriString(url, UriKind.Absolute))
            {
                buttons.Add(new(ButtonTitle(button.Text), url));
            }
        }

        return ActionCard(card.Title, card.Markdown, buttons);
    }

    /// <summary>
    /// An app robot's action card (<c>sampleActionCard</c> one button, two side by side, three to five stacked), its title
    /// as the text's heading; null for more buttons than DingTalk's action cards take.
    /// </summary>
    internal static DingTalkAppRobotMessage? ActionCard(string? title, string markdown, IReadOnlyList<DingTalkRobotButton> buttons)
    {
        if (buttons.Count is 0 or > DingTalkMessageLimits.MaxButtons)
        {
            return null;
        }

        // The title field shows in the conversation list only: the text carries it as its heading.
        var heading = title is { Length: > 0 } t ? t : markdown.Split('\n')[0];
        heading = heading.Length <= DingTalkMessageLimits.TitleChars ? heading : heading[..DingTalkMessageLimits.TitleChars];
        var text = title is { Length: > 0 } ? $"#### {title}\n\n{markdown}" : markdown;
        return buttons.Count == 1
            ? DingTalkAppRobotMessage.ActionCard(heading, text, buttons[0].Title, buttons[0].ActionUrl)
            : DingTalkAppRobotMessage.ActionCard(heading, text, buttons, buttons.Count == 2 ? DingTalkButtonOrientation.Horizontal : DingTalkButtonOrientation.Vertical);
    }

    /// <summary>A button's title within DingTalk's 20 characters (<see cref="DingTalkMessageLimits.ButtonTitleChars"/>).</summary>
    internal static string ButtonTitle(string text) =>
        text.Length <= DingTalkMessageLimits.ButtonTitleChars ? text : text[..(DingTalkMessageLimits.ButtonTitleChars - 1)] + "…";

    /// <summary>
    /// A bot card's button pressed through its link (<see cref="DingTalkActionClick.Bot"/>) and confirmed by the link's own
    /// person: the same handler as a press on the interactive card, as that person; <paramref name="clickId"/> is the press's
    /// identity (a Regenerate confirmed twice asks once). The answer, for the confirm page.
    /// </summary>
    public Task<CardClickAnswer?> PressAsync(DingTalkActionClick click, string clickId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(click);
        var bot = click.Bot ?? throw new ArgumentException("Not a bot card's link.", nameof(click));
        var value = JsonNode.Parse(bot.Value) as JsonObject ?? [];
        var context = Read(bot.App, null, click.Action, value, click.UserId, clickId);
        return bots.Get(DingTalkInboxHandler.BotPlatform, bot.App).HandleCardClickAsync(context, actions, cancellationToken);
    }

    /// <summary>Handles one press on a bot card; throws (to have the inbox retry) only when DingTalk could not be reached.</summary>
    public async Task HandleAsync(string appName, JsonElement callback, string clickId, CancellationToken cancellationToken)
    {
        var outTrackId = DingTalkInteractiveCards.Str(callback, "outTrackId")!;
        var clicker = DingTalkInteractiveCards.Str(callback, "userId");
        var (action, form) = DingTalkCardClicks.Pressed(callback);
        if (string.IsNullOrEmpty(clicker) || action is null)
        {
            return;
        }

        var click = Read(appName, outTrackId, action, form, clicker, clickId);
        var answer = await bots.Get(DingTalkInboxHandler.BotPlatform, appName).HandleCardClickAsync(click, actions, cancellationToken).ConfigureAwait(false);
        if (answer is null || (answer.Card is null && answer.Toast is null))
        {
            return;
        }

        var client = await clients.GetAsync(appName, cancellationToken).ConfigureAwait(false);
        try
        {
            await client.Cards.UpdateAsync(outTrackId, Shown(answer, keepButtons: outTrackId.StartsWith(FeedbackPrefix, StringComparison.Ordinal)), cancellationToken).ConfigureAwait(false);
        }
        catch (DingTalkApiException ex) when (!ex.IsTransient)
        {
            // A card DingTalk no longer lets be updated keeps what it showed; the bot's handler ran.
            LogUpdateFailed(logger, appName, action, ex.Code);
        }
    }

    /// <summary>
    /// The press as every handler sees it: the button's params (with its action) are its value, as a Feishu button's
    /// value; the card's outTrackId is the clicked message. DingTalk's callback names no conversation.
    /// </summary>
    internal static BotCardContext Read(string appName, string? outTrackId, string action, JsonObject parameters, string clicker, string clickId)
    {
        var value = (JsonObject)parameters.DeepClone();
        value[BotCardActions.ActionField] = action;
        return new BotCardContext(appName, ChannelPlatform.DingTalk, action)
        {
            ClickId = clickId,
            Operator = new CardClickOperator(clicker, clicker),
            MessageId = outTrackId,
            Value = JsonSerializer.SerializeToElement(value),
        };
    }

    /// <summary>
    /// What the card shows after the answer: its card's variables (with the toast as <c>decision</c>), else the toast as
    /// <c>decision</c> with the buttons emptied — or kept, on a feedback card.
    /// </summary>
    internal static Dictionary<string, string> Shown(CardClickAnswer answer, bool keepButtons)
    {
        var toast = answer.Toast?.Text.Trim() ?? "";
        if (answer.Card is { } card)
        {
            var variables = Variables(card);
            variables[DingTalkInteractiveCards.DecisionKey] = toast;
            return variables;
        }

        var shown = new Dictionary<string, string>(StringComparer.Ordinal) { [DingTalkInteractiveCards.DecisionKey] = toast };
        if (!keepButtons)
        {
            shown[DingTalkInteractiveCards.ButtonsKey] = "[]";
        }

        return shown;
    }

    [LoggerMessage(EventId = LogEvents.DingTalkBotCardUpdateFailed, Level = LogLevel.Warning, Message = "DingTalk app {App}: the bot's card pressed for action '{Action}' could not be updated (DingTalk answered {Code}); the bot's handler ran.")]
    private static partial void LogUpdateFailed(ILogger logger, string app, string action, string code);

    [LoggerMessage(EventId = LogEvents.DingTalkBotCardFellBack, Level = LogLevel.Warning, Message = "DingTalk: the bot's interactive card was not delivered ({Reason}); it is sent as a robot message, without its callback buttons.")]
    private static partial void LogFellBack(ILogger logger, string reason);
}
