using System.CommandLine;
using System.Globalization;
using Larkway.Cli.Infrastructure;
using Larkway.Feishu;

namespace Larkway.Cli.Commands;

/// <summary><c>larkway messages list --chat ID</c>: a chat's history, oldest first.</summary>
internal static class MessagesCommand
{
    public static Command Create(CliContext context, AppCredentials credentials)
    {
        var chat = new Option<string>("--chat") { Description = "Chat id (oc_…)", Required = true };
        var limit = new Option<int>("--limit") { Description = "At most this many messages", DefaultValueFactory = _ => 50 };
        var list = new Command("list", "List a chat's messages, oldest first.") { chat, limit };
        list.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, async () =>
        {
            var max = parse.GetValue(limit);
            if (max <= 0)
            {
                throw new CliException("--limit must be a positive number", ExitCodes.Usage);
            }

            using var client = new FeishuClient(credentials.Resolve(parse, context));
            var shown = 0;
            await foreach (var message in client.Im.Messages.ListAsync(parse.GetValue(chat)!, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                var time = message.CreateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
                await context.Output.WriteLineAsync($"{time}\t{message.MessageId}\t{message.Sender?.Id}\t{message.MessageType}\t{message.Content}").ConfigureAwait(false);
                if (++shown >= max)
                {
                    break;
                }
            }

            return ExitCodes.Success;
        }));

        return new Command("messages", "Chat history.") { list };
    }
}
