using System.CommandLine;
using System.Text.Json;
using Larkway.Cli.Infrastructure;
using Larkway.Emulator.Web;
using Larkway.Feishu.Cards;

namespace Larkway.Cli.Commands;

/// <summary><c>larkway card validate FILE</c> and <c>larkway card preview FILE</c>.</summary>
internal static class CardCommand
{
    public static Command Create(CliContext context) =>
        new("card", "Interactive cards.") { Validate(context), Preview(context) };

    private static Command Validate(CliContext context)
    {
        var file = new Argument<FileInfo>("file") { Description = "Card JSON file (1.0 or 2.0, or a template reference)" };
        var forUpdate = new Option<bool>("--for-update") { Description = "The card will be updated after sending: require config.update_multi" };
        var command = new Command("validate", "Check a card as Feishu would; exit 0 when valid, 1 when not.") { file, forUpdate };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, async () =>
        {
            var json = await InputFiles.ReadTextAsync("file", parse.GetValue(file)!.FullName, cancellationToken).ConfigureAwait(false);
            var result = CardValidator.Validate(json, new CardValidationOptions { UpdateIntended = parse.GetValue(forUpdate) });
            if (result.IsValid)
            {
                await context.Output.WriteLineAsync("valid").ConfigureAwait(false);
                return ExitCodes.Success;
            }

            foreach (var error in result.Errors)
            {
                await context.Output.WriteLineAsync($"{error.Path}: {error.Message}").ConfigureAwait(false);
            }

            await context.Error.WriteLineAsync($"invalid: {result.Errors.Count} error(s)").ConfigureAwait(false);
            return ExitCodes.Failure;
        }));
        return command;
    }

    private static Command Preview(CliContext context)
    {
        var file = new Argument<FileInfo>("file") { Description = "Card JSON file" };
        var output = new Option<FileInfo?>("--out") { Description = "Write the HTML here instead of standard output" };
        var command = new Command("preview", "Render a card as an HTML page, as the Emulator shows it.") { file, output };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, async () =>
        {
            var source = parse.GetValue(file)!;
            var json = await InputFiles.ReadTextAsync("file", source.FullName, cancellationToken).ConfigureAwait(false);
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(json);
            }
            catch (JsonException ex)
            {
                throw new CliException($"{source.Name} is not valid JSON: {ErrorText.Of(ex)}");
            }

            using (document)
            {
                var html = CardHtmlRenderer.RenderPage(source.Name, document.RootElement);
                if (parse.GetValue(output) is { } target)
                {
                    await File.WriteAllTextAsync(target.FullName, html, cancellationToken).ConfigureAwait(false);
                    await context.Output.WriteLineAsync($"wrote {target.FullName}").ConfigureAwait(false);
                }
                else
                {
                    await context.Output.WriteAsync(html).ConfigureAwait(false);
                }
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
