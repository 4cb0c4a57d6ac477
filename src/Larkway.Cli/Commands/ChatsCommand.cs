using System.CommandLine;
using Larkway.Cli.Infrastructure;
using Larkway.Feishu;

namespace Larkway.Cli.Commands;

/// <summary><c>larkway chats list</c>: the chats the bot is in.</summary>
internal static class ChatsCommand
{
    public static Command Create(CliContext context, AppCredentials credentials)
    {
        var list = new Command("list", "List the group chats the app's bot is a member of.");
        list.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, async () =>
        {
            using var client = new FeishuClient(credentials.Resolve(parse, context));
            var count = 0;
            await foreach (var chat in client.Im.Chats.ListAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                await context.Output.WriteLineAsync($"{chat.ChatId}\t{chat.Name}").ConfigureAwait(false);
                count++;
            }

            if (count == 0)
            {
                await context.Error.WriteLineAsync("the bot is in no group chat").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        }));

        return new Command("chats", "Group chats.") { list };
    }
}
