using System.CommandLine;
using System.Text.Json.Nodes;
using Larkway.Cli.Infrastructure;
using Larkway.Feishu;
using Larkway.Feishu.Cards;
using Larkway.Feishu.Im;

namespace Larkway.Cli.Commands;

/// <summary><c>larkway send --to KIND:ID</c> with exactly one content option.</summary>
internal static class SendCommand
{
    public static Command Create(CliContext context, AppCredentials credentials)
    {
        var to = new Option<string>("--to")
        {
            Description = "Receiver: chat:ID, open_id:ID, user_id:ID, union_id:ID or email:ADDRESS",
            Required = true,
        };
        var text = new Option<string?>("--text") { Description = "Text; <at user_id=\"ou_…\">Name</at> mentions someone, <at user_id=\"all\"></at> everyone" };
        var post = new Option<FileInfo?>("--post") { Description = "JSON file with rich text: {\"zh_cn\":{\"title\":…,\"content\":[[…]]}, …}" };
        var image = new Option<FileInfo?>("--image") { Description = "Image file to upload and send" };
        var file = new Option<FileInfo?>("--file") { Description = "File to upload and send (.opus is sent as audio, .mp4 as media)" };
        var card = new Option<FileInfo?>("--card") { Description = "JSON file with an interactive card (JSON 1.0 or 2.0)" };
        var template = new Option<string?>("--template") { Description = "Card template id (from the card builder)" };
        var templateVersion = new Option<string?>("--template-version") { Description = "Card template version name (default: latest)" };
        var vars = new Option<FileInfo?>("--vars") { Description = "JSON file with the template variables" };
        var uuid = new Option<string?>("--uuid") { Description = "Idempotency key: the same key sends at most once per hour (default: generated)" };

        var command = new Command("send", "Send a message as the app's bot.")
        {
            to, text, post, image, file, card, template, templateVersion, vars, uuid,
        };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, async () =>
        {
            var receiver = ParseReceiver(parse.GetValue(to)!);
            var chosen = new object?[] { parse.GetValue(text), parse.GetValue(post), parse.GetValue(image), parse.GetValue(file), parse.GetValue(card), parse.GetValue(template) }
                .Count(v => v is not null);
            if (chosen != 1)
            {
                throw new CliException("give exactly one of --text, --post, --image, --file, --card or --template", ExitCodes.Usage);
            }

            if (parse.GetValue(vars) is not null && parse.GetValue(template) is null)
            {
                throw new CliException("--vars goes with --template", ExitCodes.Usage);
            }

            using var client = new FeishuClient(credentials.Resolve(parse, context));
            var content = await BuildContentAsync(client, parse, text, post, image, file, card, template, templateVersion, vars, cancellationToken).ConfigureAwait(false);
            var sent = await client.Im.Messages.SendAsync(receiver, content, parse.GetValue(uuid), cancellationToken: cancellationToken).ConfigureAwait(false);
            await context.Output.WriteLineAsync($"sent {sent.MessageType} {sent.MessageId} to chat {sent.ChatId}").ConfigureAwait(false);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static ReceiveId ParseReceiver(string value)
    {
        try
        {
            return ReceiveId.Parse(value);
        }
        catch (ArgumentException ex)
        {
            throw new CliException($"--to: {ErrorText.Of(ex)}", ExitCodes.Usage);
        }
    }

    private static async Task<MessageContent> BuildContentAsync(
        FeishuClient client, ParseResult parse,
        Option<string?> text, Option<FileInfo?> post, Option<FileInfo?> image, Option<FileInfo?> file,
        Option<FileInfo?> card, Option<string?> template, Option<string?> templateVersion, Option<FileInfo?> vars,
        CancellationToken cancellationToken)
    {
        if (parse.GetValue(text) is { } body)
        {
            return MessageContent.Text(body);
        }

        if (parse.GetValue(post) is { } postFile)
        {
            return MessageContent.Post(ParseJson("--post", await InputFiles.ReadTextAsync("--post", postFile.FullName, cancellationToken).ConfigureAwait(false)));
        }

        if (parse.GetValue(card) is { } cardFile)
        {
            var json = ParseJson("--card", await InputFiles.ReadTextAsync("--card", cardFile.FullName, cancellationToken).ConfigureAwait(false));

            // Refused here with JSON paths rather than by Feishu with a bare 230099.
            var check = CardValidator.Validate(json);
            if (!check.IsValid)
            {
                throw new CliException($"--card: the card is invalid: {string.Join("; ", check.Errors.Select(e => $"{e.Path}: {e.Message}"))}");
            }

            return MessageContent.Card(json);
        }

        if (parse.GetValue(template) is { } templateId)
        {
            var variables = parse.GetValue(vars) is { } varsFile
                ? ParseJson("--vars", await InputFiles.ReadTextAsync("--vars", varsFile.FullName, cancellationToken).ConfigureAwait(false)) as JsonObject
                  ?? throw new CliException("--vars: the file must hold a JSON object of template variables")
                : null;
            return MessageContent.Template(templateId, parse.GetValue(templateVersion), variables);
        }

        if (parse.GetValue(image) is { } imageFile)
        {
            var bytes = await InputFiles.ReadBytesAsync("--image", imageFile.FullName, cancellationToken).ConfigureAwait(false);
            var imageKey = await client.Im.Images.UploadAsync(bytes, imageFile.Name, ImageType.Message, cancellationToken).ConfigureAwait(false);
            return MessageContent.Image(imageKey);
        }

        var upload = parse.GetValue(file)!;
        var data = await InputFiles.ReadBytesAsync("--file", upload.FullName, cancellationToken).ConfigureAwait(false);
        var fileType = UploadFileTypes.FromFileName(upload.Name);
        var fileKey = await client.Im.Files.UploadAsync(data, upload.Name, fileType, cancellationToken: cancellationToken).ConfigureAwait(false);
        return fileType switch
        {
            FileType.Opus => MessageContent.Audio(fileKey),
            FileType.Mp4 => MessageContent.Media(fileKey),
            _ => MessageContent.File(fileKey),
        };
    }

    private static JsonNode ParseJson(string option, string json)
    {
        try
        {
            return JsonNode.Parse(json) ?? throw new CliException($"{option}: the file holds JSON null");
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new CliException($"{option}: not valid JSON: {ErrorText.Of(ex)}");
        }
    }
}
