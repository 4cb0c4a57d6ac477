using System.CommandLine;
using Larkway.Cli.Infrastructure;
using Larkway.Feishu;

namespace Larkway.Cli.Commands;

/// <summary><c>larkway recall MESSAGE_ID</c>.</summary>
internal static class RecallCommand
{
    public static Command Create(CliContext context, AppCredentials credentials)
    {
        var messageId = new Argument<string>("message-id") { Description = "The message to recall (om_…)" };
        var command = new Command("recall", "Recall a message the bot sent.") { messageId };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, async () =>
        {
            using var client = new FeishuClient(credentials.Resolve(parse, context));
            var id = parse.GetValue(messageId)!;
            await client.Im.Messages.RecallAsync(id, cancellationToken).ConfigureAwait(false);
            await context.Output.WriteLineAsync($"recalled {id}").ConfigureAwait(false);
            return ExitCodes.Success;
        }));
        return command;
    }
}
