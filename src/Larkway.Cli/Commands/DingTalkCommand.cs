using System.CommandLine;
using System.Globalization;
using Larkway.Cli.Infrastructure;
using Larkway.DingTalk;
using Larkway.DingTalk.Robots;

namespace Larkway.Cli.Commands;

/// <summary><c>larkway dingtalk robot|send|sign</c>: DingTalk's custom robots, the app robot, and the robot signature.</summary>
internal static class DingTalkCommand
{
    private const string AppKeyVariable = "DINGTALK_APP_KEY";
    private const string AppSecretVariable = "DINGTALK_APP_SECRET";
    private const string BaseUrlVariable = "DINGTALK_BASE_URL";

    public static Command Create(CliContext context) =>
        new("dingtalk", "DingTalk (钉钉): custom robots, the app robot, signatures, callback decryption.") { Robot(context), Send(context), Sign(context), Decrypt(context) };

    private static Command Robot(CliContext context)
    {
        var webhook = new Option<string>("--webhook") { Description = "The robot's webhook (https://oapi.dingtalk.com/robot/send?access_token=…)", Required = true };
        var secret = new Option<string?>("--secret") { Description = "The robot's signing secret (SEC…), when its security setting is 加签" };
        var keyword = new Option<string[]>("--keyword") { Description = "A custom keyword of the robot, checked before sending (repeatable)", AllowMultipleArgumentsPerToken = true };
        var (text, markdown, title) = Content();
        var command = new Command("robot", "Post a text or markdown message through a custom group robot.") { webhook, secret, keyword, text, markdown, title };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, async () =>
        {
            if (!Uri.TryCreate(parse.GetValue(webhook), UriKind.Absolute, out var url))
            {
                throw new CliException("--webhook must be the robot's full URL, e.g. https://oapi.dingtalk.com/robot/send?access_token=…", ExitCodes.Usage);
            }

            var options = new DingTalkCustomRobotOptions { Webhook = url, Secret = parse.GetValue(secret), MaxWait = TimeSpan.Zero };
            foreach (var k in parse.GetValue(keyword) ?? [])
            {
                options.Keywords.Add(k);
            }

            using var robot = new DingTalkCustomRobot(options);
            var message = parse.GetValue(markdown) is { } md
                ? DingTalkRobotMessage.Markdown(parse.GetValue(title) ?? FirstLine(md), md)
                : DingTalkRobotMessage.Text(RequiredText(parse.GetValue(text)));
            await robot.SendAsync(message, cancellationToken).ConfigureAwait(false);
            await context.Output.WriteLineAsync("sent").ConfigureAwait(false);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Send(CliContext context)
    {
        var appKey = new Option<string?>("--app-key") { Description = $"The app's AppKey (default: ${AppKeyVariable})" };
        var appSecret = new Option<string?>("--app-secret") { Description = $"The app's AppSecret (default: ${AppSecretVariable})" };
        var baseUrl = new Option<string?>("--base-url") { Description = $"DingTalk's API host, or an emulator's URL (default: ${BaseUrlVariable}, else DingTalk)" };
        var users = new Option<string[]>("--user") { Description = "A user id to send to one-to-one (repeatable)", AllowMultipleArgumentsPerToken = true };
        var group = new Option<string?>("--conversation") { Description = "A group's open conversation id (cid…) to send to" };
        var (text, markdown, title) = Content();
        var command = new Command("send", "Send through the app's robot to users or a group.") { appKey, appSecret, baseUrl, users, group, text, markdown, title };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, async () =>
        {
            var key = parse.GetValue(appKey) ?? context.Environment(AppKeyVariable);
            var secret = parse.GetValue(appSecret) ?? context.Environment(AppSecretVariable);
            if (string.IsNullOrWhiteSpace(key) || string.IsNullOrWhiteSpace(secret))
            {
                throw new CliException($"missing app credentials: set {AppKeyVariable} and {AppSecretVariable}, or pass --app-key and --app-secret");
            }

            var options = new DingTalkAppOptions { AppKey = key, AppSecret = secret };
            if ((parse.GetValue(baseUrl) ?? context.Environment(BaseUrlVariable)) is { Length: > 0 } host)
            {
                if (!Uri.TryCreate(host, UriKind.Absolute, out var url))
                {
                    throw new CliException($"--base-url must be an absolute URL, not '{host}'", ExitCodes.Usage);
                }

                // An emulator serves both hosts under /dingtalk; DingTalk's own hosts are used as given.
                var isDingTalk = url.Host.EndsWith("dingtalk.com", StringComparison.OrdinalIgnoreCase);
                options.ApiBaseUrl = isDingTalk ? url : DingTalkBaseUrls.Emulator(url);
                options.OapiBaseUrl = isDingTalk ? DingTalkBaseUrls.Oapi : DingTalkBaseUrls.Emulator(url);
            }

            var message = parse.GetValue(markdown) is { } md
                ? DingTalkAppRobotMessage.Markdown(parse.GetValue(title) ?? FirstLine(md), md)
                : DingTalkAppRobotMessage.Text(RequiredText(parse.GetValue(text)));
            using var client = new DingTalkClient(options);
            var to = parse.GetValue(users) ?? [];
            if (parse.GetValue(group) is { Length: > 0 } cid)
            {
                var key2 = await client.Robot.SendToGroupAsync(cid, message, cancellationToken: cancellationToken).ConfigureAwait(false);
                await context.Output.WriteLineAsync($"sent to {cid} (process query key {key2})").ConfigureAwait(false);
                return ExitCodes.Success;
            }

            if (to.Length == 0)
            {
                throw new CliException("say who to send to: --user ID (repeatable) or --conversation CID", ExitCodes.Usage);
            }

            var result = await client.Robot.SendToUsersAsync(to, message, cancellationToken).ConfigureAwait(false);
            await context.Output.WriteLineAsync($"sent to {to.Length - result.InvalidUserIds.Count - result.FlowControlledUserIds.Count} of {to.Length} users").ConfigureAwait(false);
            if (result.InvalidUserIds.Count > 0)
            {
                await context.Error.WriteLineAsync($"unknown user ids: {string.Join(", ", result.InvalidUserIds)}").ConfigureAwait(false);
            }

            if (result.FlowControlledUserIds.Count > 0)
            {
                await context.Error.WriteLineAsync($"held back by DingTalk's rate limit: {string.Join(", ", result.FlowControlledUserIds)}").ConfigureAwait(false);
            }

            return result.DeliveredToAll ? ExitCodes.Success : ExitCodes.Failure;
        }));
        return command;
    }

    private static Command Sign(CliContext context)
    {
        var secret = new Option<string>("--secret") { Description = "The robot's signing secret (SEC…)", Required = true };
        var timestamp = new Option<string>("--timestamp") { Description = "Unix time in milliseconds", Required = true };
        var command = new Command("sign", "Print the sign DingTalk expects for a timestamp (Base64, not URL-encoded).") { secret, timestamp };
        command.SetAction((parse, _) => CommandRunner.RunAsync(context, async () =>
        {
            var raw = parse.GetValue(timestamp)!;
            if (!long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
            {
                throw new CliException($"--timestamp must be Unix time in milliseconds, not '{raw}'", ExitCodes.Usage);
            }

            await context.Output.WriteLineAsync(DingTalkRobotSignature.Sign(parse.GetValue(secret)!, ms)).ConfigureAwait(false);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Decrypt(CliContext context)
    {
        var token = new Option<string>("--token") { Description = "The event subscription's token", Required = true };
        var aesKey = new Option<string>("--aes-key") { Description = "The subscription's 43-character aes_key", Required = true };
        var owner = new Option<string>("--owner-key") { Description = "The corpId (internal app) or suiteKey (third-party app)", Required = true };
        var signature = new Option<string>("--signature") { Description = "msg_signature (or signature) from the callback's query", Required = true };
        var timestamp = new Option<string>("--timestamp") { Description = "timeStamp (or timestamp) from the query", Required = true };
        var nonce = new Option<string>("--nonce") { Description = "nonce from the query", Required = true };
        var encrypt = new Option<string>("--encrypt") { Description = "encrypt from the JSON body", Required = true };
        var command = new Command("decrypt", "Verify and decrypt a legacy HTTP event callback; prints the event JSON.") { token, aesKey, owner, signature, timestamp, nonce, encrypt };
        command.SetAction((parse, _) => CommandRunner.RunAsync(context, async () =>
        {
            // A callback captured earlier is the point of this command: no freshness window.
            var crypto = new Larkway.DingTalk.Callbacks.DingTalkCallbackCrypto(parse.GetValue(token)!, parse.GetValue(aesKey)!, parse.GetValue(owner)!, new Larkway.DingTalk.Callbacks.DingTalkCallbackOptions { TimestampWindow = null });
            var result = crypto.Decrypt(parse.GetValue(signature), parse.GetValue(timestamp), parse.GetValue(nonce), parse.GetValue(encrypt));
            if (result.Plaintext is not { } plaintext)
            {
                throw new CliException(result.Status switch
                {
                    Larkway.DingTalk.Callbacks.DingTalkCallbackCryptoStatus.SignatureMismatch => "the signature does not match: check --token and that timestamp, nonce and encrypt are exactly as received",
                    Larkway.DingTalk.Callbacks.DingTalkCallbackCryptoStatus.OwnerMismatch => "it decrypted for another corpId / suiteKey: check --owner-key",
                    _ => "the ciphertext does not decrypt with this --aes-key (or it was damaged)",
                });
            }

            await context.Output.WriteLineAsync(plaintext).ConfigureAwait(false);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static (Option<string?> Text, Option<string?> Markdown, Option<string?> Title) Content() => (
        new Option<string?>("--text") { Description = "Plain text to send" },
        new Option<string?>("--markdown") { Description = "Markdown to send instead of --text" },
        new Option<string?>("--title") { Description = "The markdown message's title (default: its first line)" });

    private static string RequiredText(string? text) =>
        string.IsNullOrWhiteSpace(text) ? throw new CliException("give --text or --markdown", ExitCodes.Usage) : text;

    private static string FirstLine(string markdown) => markdown.Split('\n', 2)[0].TrimStart('#', ' ') is { Length: > 0 } line ? line : "DingTalk";
}
