using Larkway.Channels.Messages;

namespace Larkway.Hub.Bots;

/// <summary>
/// The commands a fresh Hub answers, so the sandbox shows a working bot: /echo, /whoami, and /feedback,
/// a two-step conversation, and /card, a card whose button answers with a toast and an updated card.
/// </summary>
public static class SampleCommands
{
    public const string FeedbackStep = "feedback.text";

    public const string AcknowledgeAction = "sample.ack";

    /// <summary>
    /// The sample card: a line of text and an Acknowledge button whose click calls back with <see cref="AcknowledgeAction"/>
    /// (a reply button's callback value carries it under <see cref="ReplyButton.CallbackValueKey"/>, the field
    /// <see cref="BotCardActions.ActionField"/> routes on).
    /// </summary>
    public static CardReply SampleCard(string text) =>
        ChannelReply.ForCard("Larkway sample", text, new ReplyButton("Acknowledge", AcknowledgeAction, ReplyButtonStyle.Primary));

    /// <summary>The sample card as the click's answer shows it: the same header and text, no button.</summary>
    public static CardReply AcknowledgedCard(string text) => ChannelReply.ForCard("Larkway sample", text);

    public static BotCardActions AddSamples(this BotCardActions actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        return actions.Add(AcknowledgeAction, (context, _) => Task.FromResult<CardClickAnswer?>(
            CardClickAnswer.WithToast(CardToastKind.Success, "Acknowledged").AndCard(AcknowledgedCard($"Acknowledged by {context.OperatorId}."))));
    }

    public static BotCommands AddSamples(this BotCommands commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        return commands
            .Add("echo", "Repeats your text.", (context, ct) => context.ReplyAsync(context.ArgumentText, ct), usage: "<text>", minArguments: 1)
            .Add("whoami", "Shows your id on this platform and this chat's id.", (context, ct) =>
                context.ReplyAsync($"You are {context.Message.SenderIdName} {context.Message.SenderId} in {(context.Message.IsDirect ? "p2p" : "group")} chat {context.Message.ChatId}.", ct))
            .Add("feedback", "Tells the team something; I'll ask what.", (context, ct) =>
                context.AskAsync("What would you like to tell the team? Your next message here is your feedback.", FeedbackStep, cancellationToken: ct))
            .Add("card", "Sends a card with a button to click.", (context, ct) =>
                context.ReplyAsync(SampleCard("Click the button: the bot answers at once."), ct))
            .AddStep(FeedbackStep, (context, ct) =>
                context.ReplyAsync($"Thanks, noted: \"{context.Message.Text}\"", ct));
    }
}
