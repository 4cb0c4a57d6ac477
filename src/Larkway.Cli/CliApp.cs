using System.CommandLine;
using Larkway.Cli.Commands;
using Larkway.Cli.Infrastructure;

namespace Larkway.Cli;

/// <summary>The <c>larkway</c> command tree.</summary>
public static class CliApp
{
    public static RootCommand Build(CliContext context)
    {
        var credentials = new AppCredentials();
        var root = new RootCommand("Larkway: send to Feishu / Lark, validate cards, run the local Open Platform emulator.");
        credentials.AddTo(root);

        root.Subcommands.Add(EmulatorCommand.Create(context));
        root.Subcommands.Add(SendCommand.Create(context, credentials));
        root.Subcommands.Add(ChatsCommand.Create(context, credentials));
        root.Subcommands.Add(MessagesCommand.Create(context, credentials));
        root.Subcommands.Add(RecallCommand.Create(context, credentials));
        root.Subcommands.Add(CardCommand.Create(context));
        root.Subcommands.Add(BotCommand.Create(context));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        var root = Build(context);
        var invocation = new InvocationConfiguration { Output = context.Output, Error = context.Error };
        return await root.Parse(args).InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
    }
}
