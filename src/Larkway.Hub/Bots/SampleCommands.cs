namespace Larkway.Hub.Bots;

/// <summary>
/// The commands a fresh Hub answers, so the sandbox shows a working bot: /echo, /whoami, and /feedback,
/// a two-step conversation, and /card, a card whose button answers with a toast and an updated card.
/// </summary>
public static class SampleCommands
{
    public const string FeedbackStep = "feedback.text";

    public const string AcknowledgeAction = "sample.ack";

    /// <summary>The sample card: a line of text and an Acknowledge button.</summary>
    public static System.Text.Json.Nodes.JsonObject SampleCard(string text, bool withButton) =>
        withButton
            ? Larkway.Feishu.Cards.Card.V2().Header("Larkway sample").Markdown(text)
                .Button("Acknowledge", Larkway.Feishu.Cards.ButtonType.Primary, new System.Text.Json.Nodes.JsonObject { [BotCardActions.ActionField] = AcknowledgeAction }).Build()
            : Larkway.Feishu.Cards.Card.V2().Header("Larkway sample").Markdown(text).Build();

    public static BotCardActions AddSamples(this BotCardActions actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        return actions.Add(AcknowledgeAction, (context, _) =>
        {
            var card = System.Text.Json.JsonSerializer.SerializeToElement(SampleCard($"Acknowledged by {context.OperatorOpenId}.", withButton: false));
            return Task.FromResult<Larkway.Feishu.Events.Models.Cards.CardActionResponse?>(
                Larkway.Feishu.Events.Models.Cards.CardActionResponse.WithToast(Larkway.Feishu.Events.Models.Cards.CardToastType.Success, "Acknowledged").AndRawCard(card));
        });
    }

    public static BotCommands AddSamples(this BotCommands commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        return commands
            .Add("echo", "Repeats your text.", (context, ct) => context.ReplyAsync(context.ArgumentText, ct), usage: "<text>", minArguments: 1)
            .Add("whoami", "Shows your id on this platform and this chat's id.", (context, ct) =>
                context.ReplyAsync($"You are {context.Message.SenderIdName} {context.Message.SenderOpenId} in {context.Message.ChatType} chat {context.Message.ChatId}.", ct))
            .Add("feedback", "Tells the team something; I'll ask what.", (context, ct) =>
                context.AskAsync("What would you like to tell the team? Your next message here is your feedback.", FeedbackStep, cancellationToken: ct))
            .Add("card", "Sends a card with a button to click.", (context, ct) =>
                context.ReplyAsync(Larkway.Feishu.Im.MessageContent.Card(SampleCard("Click the button: the bot answers within Feishu's 3 seconds.", withButton: true)), ct))
            .AddStep(FeedbackStep, (context, ct) =>
                context.ReplyAsync($"Thanks, noted: \"{context.Message.Text}\"", ct));
    }
}
