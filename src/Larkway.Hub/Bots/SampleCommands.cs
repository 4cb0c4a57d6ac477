namespace Larkway.Hub.Bots;

/// <summary>
/// The commands a fresh Hub answers, so the sandbox shows a working bot: /echo, /whoami, and /feedback,
/// a two-step conversation.
/// </summary>
public static class SampleCommands
{
    public const string FeedbackStep = "feedback.text";

    public static BotCommands AddSamples(this BotCommands commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        return commands
            .Add("echo", "Repeats your text.", (context, ct) => context.ReplyAsync(context.ArgumentText, ct), usage: "<text>", minArguments: 1)
            .Add("whoami", "Shows your open_id and this chat's id.", (context, ct) =>
                context.ReplyAsync($"You are {context.Message.SenderOpenId} in {context.Message.ChatType} chat {context.Message.ChatId}.", ct))
            .Add("feedback", "Tells the team something; I'll ask what.", (context, ct) =>
                context.AskAsync("What would you like to tell the team? Your next message here is your feedback.", FeedbackStep, cancellationToken: ct))
            .AddStep(FeedbackStep, (context, ct) =>
                context.ReplyAsync($"Thanks, noted: \"{context.Message.Text}\"", ct));
    }
}
