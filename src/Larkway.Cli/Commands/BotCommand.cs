using System.CommandLine;
using System.Globalization;
using Larkway.Cli.Infrastructure;
using Larkway.Feishu.CustomBot;

namespace Larkway.Cli.Commands;

/// <summary><c>larkway bot send</c> and <c>larkway bot sign</c>: custom (webhook) bots.</summary>
internal static class BotCommand
{
    public static Command Create(CliContext context) =>
        new("bot", "Custom (webhook) bots.") { Send(context), Sign(context) };

    private static Command Send(CliContext context)
    {
        var webhook = new Option<string>("--webhook") { Description = "The bot's webhook URL (…/open-apis/bot/v2/hook/TOKEN)", Required = true };
        var secret = new Option<string?>("--secret") { Description = "The bot's signing secret, when signature verification is on" };
        var text = new Option<string>("--text") { Description = "Text to post", Required = true };
        var command = new Command("send", "Post a text message through a custom bot.") { webhook, secret, text };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, async () =>
        {
            if (!Uri.TryCreate(parse.GetValue(webhook), UriKind.Absolute, out var url))
            {
                throw new CliException("--webhook must be an absolute URL such as https://open.feishu.cn/open-apis/bot/v2/hook/TOKEN", ExitCodes.Usage);
            }

            using var http = new HttpClient();
            var bot = new CustomBotClient(http, url, parse.GetValue(secret));
            await bot.SendTextAsync(parse.GetValue(text)!, cancellationToken).ConfigureAwait(false);
            await context.Output.WriteLineAsync("sent").ConfigureAwait(false);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Sign(CliContext context)
    {
        var secret = new Option<string>("--secret") { Description = "The bot's signing secret", Required = true };
        var timestamp = new Option<string>("--timestamp") { Description = "Unix time in seconds", Required = true };
        var command = new Command("sign", "Print the signature Feishu expects for a timestamp (nothing else).") { secret, timestamp };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, async () =>
        {
            var raw = parse.GetValue(timestamp)!;
            if (!long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                throw new CliException($"--timestamp must be Unix time in whole seconds, not '{raw}'", ExitCodes.Usage);
            }

            await context.Output.WriteLineAsync(CustomBotSigner.Sign(parse.GetValue(secret)!, seconds)).ConfigureAwait(false);
            return ExitCodes.Success;
        }));
        return command;
    }
}
