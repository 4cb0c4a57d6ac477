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
        var root = new RootCommand("Larkway: send to Feishu / Lark, DingTalk and WeCom, validate cards, run the local Open Platform emulator.");
        credentials.AddTo(root);

        root.Subcommands.Add(EmulatorCommand.Create(context));
        root.Subcommands.Add(SendCommand.Create(context, credentials));
        root.Subcommands.Add(ChatsCommand.Create(context, credentials));
        root.Subcommands.Add(MessagesCommand.Create(context, credentials));
        root.Subcommands.Add(RecallCommand.Create(context, credentials));
        root.Subcommands.Add(CardCommand.Create(context));
        root.Subcommands.Add(BotCommand.Create(context));
        root.Subcommands.Add(EventCommand.Create(context, credentials));
        root.Subcommands.Add(Commands.Bitable.BitableCommand.Create(context, credentials));
        root.Subcommands.Add(DingTalkCommand.Create(context));
        root.Subcommands.Add(WeComCommand.Create(context));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        var root = Build(context);
        var invocation = new InvocationConfiguration { Output = context.Output, Error = context.Error };
        var parse = root.Parse(args);
        var exit = await parse.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);

        // System.CommandLine reports parse errors (missing or unknown options) as 1; ours is 2 for usage.
        return parse.Errors.Count > 0 && exit == ExitCodes.Failure ? ExitCodes.Usage : exit;
    }
}
