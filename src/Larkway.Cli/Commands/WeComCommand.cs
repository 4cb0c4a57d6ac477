using System.CommandLine;
using Larkway.Cli.Infrastructure;
using Larkway.WeCom;
using Larkway.WeCom.Callbacks;
using Larkway.WeCom.Messages;
using Larkway.WeCom.Robots;

namespace Larkway.Cli.Commands;

/// <summary><c>larkway wecom robot|send|decrypt|verify</c>: WeCom's group robots, app messages, and callback crypto.</summary>
internal static class WeComCommand
{
    private const string CorpIdVariable = "WECOM_CORP_ID";
    private const string SecretVariable = "WECOM_CORP_SECRET";
    private const string AgentIdVariable = "WECOM_AGENT_ID";
    private const string BaseUrlVariable = "WECOM_BASE_URL";

    public static Command Create(CliContext context) =>
        new("wecom", "WeCom (企业微信): group robots, app messages, callback decryption and URL verification.") { Robot(context), Send(context), Decrypt(context), Verify(context) };

    private static Command Robot(CliContext context)
    {
        var webhook = new Option<string>("--webhook") { Description = "The robot's webhook (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…)", Required = true };
        var mention = new Option<string[]>("--mention") { Description = "A userid to @-mention in a text message (repeatable)", AllowMultipleArgumentsPerToken = true };
        var mentionAll = new Option<bool>("--mention-all") { Description = "@-mention everyone in the group (a text message)" };
        var mentionMobile = new Option<string[]>("--mention-mobile") { Description = "A mobile number to @-mention in a text message (repeatable)", AllowMultipleArgumentsPerToken = true };
        var (text, markdown) = Content();
        var command = new Command("robot", "Post a text or markdown message through a group robot (消息推送).") { webhook, mention, mentionAll, mentionMobile, text, markdown };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, async () =>
        {
            if (!Uri.TryCreate(parse.GetValue(webhook), UriKind.Absolute, out var url))
            {
                throw new CliException("--webhook must be the robot's full URL, e.g. https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…", ExitCodes.Usage);
            }

            using var robot = new WeComGroupRobot(new WeComGroupRobotOptions { Webhook = url, MaxWait = TimeSpan.Zero });
            var message = parse.GetValue(markdown) is { } md
                ? WeComRobotMessage.Markdown(md)
                : WeComRobotMessage.Text(RequiredText(parse.GetValue(text)),
                    [.. parse.GetValue(mention) ?? [], .. parse.GetValue(mentionAll) ? ["@all"] : Array.Empty<string>()], parse.GetValue(mentionMobile));
            await robot.SendAsync(message, cancellationToken).ConfigureAwait(false);
            await context.Output.WriteLineAsync("sent").ConfigureAwait(false);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Send(CliContext context)
    {
        var corpId = new Option<string?>("--corp-id") { Description = $"The corp id (default: ${CorpIdVariable})" };
        var secret = new Option<string?>("--secret") { Description = $"The app's Secret (default: ${SecretVariable})" };
        var agentId = new Option<long?>("--agent-id") { Description = $"The app's AgentId (default: ${AgentIdVariable})" };
        var baseUrl = new Option<string?>("--base-url") { Description = $"WeCom's API host, or an emulator's URL (default: ${BaseUrlVariable}, else WeCom)" };
        var users = new Option<string[]>("--user") { Description = "A userid to send to (repeatable)", AllowMultipleArgumentsPerToken = true };
        var parties = new Option<string[]>("--party") { Description = "A department id to send to (repeatable)", AllowMultipleArgumentsPerToken = true };
        var tags = new Option<string[]>("--tag") { Description = "A tag id to send to (repeatable)", AllowMultipleArgumentsPerToken = true };
        var (text, markdown) = Content();
        var command = new Command("send", "Send an app message to members, departments or tags.") { corpId, secret, agentId, baseUrl, users, parties, tags, text, markdown };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, async () =>
        {
            var corp = parse.GetValue(corpId) ?? context.Environment(CorpIdVariable);
            var key = parse.GetValue(secret) ?? context.Environment(SecretVariable);
            if (string.IsNullOrWhiteSpace(corp) || string.IsNullOrWhiteSpace(key))
            {
                throw new CliException($"missing app credentials: set {CorpIdVariable} and {SecretVariable}, or pass --corp-id and --secret");
            }

            var agentText = context.Environment(AgentIdVariable);
            var agent = parse.GetValue(agentId)
                ?? (long.TryParse(agentText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var a) ? a
                    : throw new CliException($"missing the app's AgentId: set {AgentIdVariable} or pass --agent-id", ExitCodes.Usage));
            var options = new WeComAppOptions { CorpId = corp, CorpSecret = key, AgentId = agent };
            if ((parse.GetValue(baseUrl) ?? context.Environment(BaseUrlVariable)) is { Length: > 0 } host)
            {
                if (!Uri.TryCreate(host, UriKind.Absolute, out var url))
                {
                    throw new CliException($"--base-url must be an absolute URL, not '{host}'", ExitCodes.Usage);
                }

                // An emulator serves WeCom under /wecom; WeCom's own host is used as given.
                options.ApiBaseUrl = url.Host.EndsWith("weixin.qq.com", StringComparison.OrdinalIgnoreCase) ? url : WeComBaseUrls.Emulator(url);
            }

            var to = new WeComRecipients { Users = parse.GetValue(users) ?? [], Departments = parse.GetValue(parties) ?? [], Tags = parse.GetValue(tags) ?? [] };
            if (to.Users.Count + to.Departments.Count + to.Tags.Count == 0)
            {
                throw new CliException("say who to send to: --user ID, --party ID or --tag ID (each repeatable)", ExitCodes.Usage);
            }

            var message = parse.GetValue(markdown) is { } md ? WeComAppMessage.Markdown(md) : WeComAppMessage.Text(RequiredText(parse.GetValue(text)));
            using var client = new WeComClient(options);
            var result = await client.Messages.SendAsync(to, message, cancellationToken: cancellationToken).ConfigureAwait(false);
            await context.Output.WriteLineAsync($"sent (msgid {result.MsgId})").ConfigureAwait(false);
            foreach (var (what, list) in new[] { ("unknown users", result.InvalidUsers), ("unknown departments", result.InvalidDepartments), ("unknown tags", result.InvalidTags), ("unlicensed users", result.UnlicensedUsers) })
            {
                if (list.Count > 0)
                {
                    await context.Error.WriteLineAsync($"{what}: {string.Join(", ", list)}").ConfigureAwait(false);
                }
            }

            return result.AllDelivered ? ExitCodes.Success : ExitCodes.Failure;
        }));
        return command;
    }

    private static Command Decrypt(CliContext context)
    {
        var (token, aesKey, receiveId, signature, timestamp, nonce) = CryptoOptions();
        var encrypt = new Option<string?>("--encrypt") { Description = "The ciphertext (the Encrypt element, or the AI bot's encrypt field)" };
        var body = new Option<string?>("--body") { Description = "The whole POST body instead of --encrypt: <xml>…</xml> or {\"encrypt\":…}" };
        var command = new Command("decrypt", "Verify and decrypt a callback (XML for apps, JSON for the AI bot); prints the plaintext.") { token, aesKey, receiveId, signature, timestamp, nonce, encrypt, body };
        command.SetAction((parse, _) => CommandRunner.RunAsync(context, async () =>
        {
            var crypto = Crypto(parse, token, aesKey, receiveId);
            string plaintext;
            if (parse.GetValue(body) is { Length: > 0 } whole)
            {
                plaintext = whole.TrimStart().StartsWith('{')
                    ? crypto.DecryptJson(parse.GetValue(signature), parse.GetValue(timestamp), parse.GetValue(nonce), whole)
                    : crypto.DecryptXml(parse.GetValue(signature), parse.GetValue(timestamp), parse.GetValue(nonce), whole);
            }
            else if (parse.GetValue(encrypt) is { Length: > 0 } cipher)
            {
                plaintext = crypto.Decrypt(parse.GetValue(signature), parse.GetValue(timestamp), parse.GetValue(nonce), cipher);
            }
            else
            {
                throw new CliException("give --encrypt (the ciphertext) or --body (the whole POST body)", ExitCodes.Usage);
            }

            await context.Output.WriteLineAsync(plaintext).ConfigureAwait(false);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Verify(CliContext context)
    {
        var (token, aesKey, receiveId, signature, timestamp, nonce) = CryptoOptions();
        var echostr = new Option<string>("--echostr") { Description = "echostr from the verification GET's query (URL-decoded)", Required = true };
        var command = new Command("verify", "Answer WeCom's URL verification: prints the echostr's plaintext, the body to answer with.") { token, aesKey, receiveId, signature, timestamp, nonce, echostr };
        command.SetAction((parse, _) => CommandRunner.RunAsync(context, async () =>
        {
            var crypto = Crypto(parse, token, aesKey, receiveId);
            await context.Output.WriteLineAsync(crypto.VerifyUrl(parse.GetValue(signature), parse.GetValue(timestamp), parse.GetValue(nonce), parse.GetValue(echostr))).ConfigureAwait(false);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static (Option<string> Token, Option<string> AesKey, Option<string> ReceiveId, Option<string> Signature, Option<string> Timestamp, Option<string> Nonce) CryptoOptions() => (
        new Option<string>("--token") { Description = "The callback settings' Token", Required = true },
        new Option<string>("--aes-key") { Description = "The callback settings' 43-character EncodingAESKey", Required = true },
        new Option<string>("--receive-id") { Description = "The corp id (internal app), the suite id (third-party app), or \"\" (AI bot)", DefaultValueFactory = _ => "" },
        new Option<string>("--signature") { Description = "msg_signature from the callback's query", Required = true },
        new Option<string>("--timestamp") { Description = "timestamp from the query", Required = true },
        new Option<string>("--nonce") { Description = "nonce from the query", Required = true });

    // A callback captured earlier is the point of these commands: no freshness window.
    private static WeComCallbackCrypto Crypto(ParseResult parse, Option<string> token, Option<string> aesKey, Option<string> receiveId) =>
        new(parse.GetValue(token)!, parse.GetValue(aesKey)!, parse.GetValue(receiveId) ?? "", new WeComCallbackOptions { TimestampWindow = null });

    private static (Option<string?> Text, Option<string?> Markdown) Content() => (
        new Option<string?>("--text") { Description = "Plain text to send" },
        new Option<string?>("--markdown") { Description = "Markdown to send instead of --text" });

    private static string RequiredText(string? text) =>
        string.IsNullOrWhiteSpace(text) ? throw new CliException("give --text or --markdown", ExitCodes.Usage) : text;
}
