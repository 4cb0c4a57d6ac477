using System.Text.RegularExpressions;

namespace Larkway.Cli.Tests;

public sealed partial class SendCommandTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    [GeneratedRegex(@"sent (?<type>\w+) (?<id>om_\S+) to chat (?<chat>oc_\S+)")]
    private static partial Regex SentLine();

    private async Task<(string Type, string MessageId, string ChatId)> SendAsync(params string[] args)
    {
        var run = await CliRun.RunAsync(emulator.Environment, ["send", .. args]);
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Error}");
        var match = SentLine().Match(run.Output);
        Assert.True(match.Success, $"unexpected output: {run.Output}");
        return (match.Groups["type"].Value, match.Groups["id"].Value, match.Groups["chat"].Value);
    }

    private async Task<string> FirstChatAsync()
    {
        var run = await CliRun.RunAsync(emulator.Environment, "chats", "list");
        Assert.Equal(0, run.ExitCode);
        var first = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0];
        return first.Split('\t')[0];
    }

    [Fact]
    public async Task Text_to_an_email_lands_in_the_p2p_chat_and_is_listed()
    {
        var sent = await SendAsync("--to", "email:alice@example.com", "--text", "hello from the CLI");

        var history = await CliRun.RunAsync(emulator.Environment, "messages", "list", "--chat", sent.ChatId);

        Assert.Equal("text", sent.Type);
        Assert.Equal(0, history.ExitCode);
        Assert.Contains(sent.MessageId, history.Output, StringComparison.Ordinal);
        Assert.Contains("hello from the CLI", history.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_content_option_round_trips_to_a_chat()
    {
        var chat = await FirstChatAsync();
        using var post = TempFile.WithText("""{"zh_cn":{"title":"周报","content":[[{"tag":"text","text":"本周完成 "},{"tag":"a","text":"详情","href":"https://example.com"}]]}}""");
        using var card = TempFile.WithText("""{"header":{"title":{"tag":"plain_text","content":"Card"}},"elements":[{"tag":"div","text":{"tag":"plain_text","content":"body"}}]}""");
        using var image = TempFile.WithBytes(Png, ".png");
        using var pdf = TempFile.WithBytes("%PDF-1.4\n%larkway\n"u8.ToArray(), ".pdf");
        using var vars = TempFile.WithText("""{"name":"Alice"}""");

        var types = new List<string>
        {
            (await SendAsync("--to", $"chat:{chat}", "--text", "text")).Type,
            (await SendAsync("--to", $"chat:{chat}", "--post", post.Path)).Type,
            (await SendAsync("--to", $"chat:{chat}", "--card", card.Path)).Type,
            (await SendAsync("--to", $"chat:{chat}", "--image", image.Path)).Type,
            (await SendAsync("--to", $"chat:{chat}", "--file", pdf.Path)).Type,
            (await SendAsync("--to", $"chat:{chat}", "--template", "AAqkz9Pqxxxx", "--vars", vars.Path)).Type,
        };

        Assert.Equal(["text", "post", "interactive", "image", "file", "interactive"], types);
    }

    [Fact]
    public async Task Recall_removes_a_sent_message()
    {
        var sent = await SendAsync("--to", "email:alice@example.com", "--text", "to be recalled");

        var recall = await CliRun.RunAsync(emulator.Environment, "recall", sent.MessageId);
        var again = await CliRun.RunAsync(emulator.Environment, "recall", sent.MessageId);

        Assert.Equal(0, recall.ExitCode);
        Assert.Contains(sent.MessageId, recall.Output, StringComparison.Ordinal);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("Feishu code", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_call_prints_the_feishu_code_message_and_log_id()
    {
        var run = await CliRun.RunAsync(emulator.Environment, "send", "--to", "chat:oc_doesnotexist000000", "--text", "x");

        Assert.Equal(1, run.ExitCode);
        Assert.Matches(@"^error: Feishu code \d+: .+ \(log id \S+\)\s*$", run.Error);
    }

    [Fact]
    public async Task Missing_credentials_say_which_variables_to_set()
    {
        var run = await CliRun.RunAsync(new Dictionary<string, string>(), "send", "--to", "email:alice@example.com", "--text", "x");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("FEISHU_APP_ID", run.Error, StringComparison.Ordinal);
        Assert.Contains("--app-id", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_secret_is_reported_not_retried_forever()
    {
        var env = new Dictionary<string, string>(emulator.Environment) { ["FEISHU_APP_SECRET"] = "wrong-secret-wrong-secret-000000" };

        var run = await CliRun.RunAsync(env, "send", "--to", "email:alice@example.com", "--text", "x");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: Feishu code ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_base_url_names_the_url()
    {
        var env = new Dictionary<string, string>(emulator.Environment) { ["FEISHU_BASE_URL"] = "http://127.0.0.1:9" };

        var run = await CliRun.RunAsync(env, "send", "--to", "email:alice@example.com", "--text", "x");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("127.0.0.1:9", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("alice@example.com")]
    [InlineData("phone:123")]
    [InlineData("email:not-an-email")]
    [InlineData("chat:")]
    public async Task A_malformed_receiver_is_a_usage_error(string to)
    {
        var run = await CliRun.RunAsync(emulator.Environment, "send", "--to", to, "--text", "x");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--to", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_card_is_refused_with_its_json_paths_and_nothing_is_sent()
    {
        var chat = await FirstChatAsync();
        var before = emulator.Server.State.MessagesIn(chat).Count;
        using var card = TempFile.WithText("""{"header":{"title":{"tag":"plain_text","content":"x"}},"elements":[{"tag":"img"}]}""");

        var run = await CliRun.RunAsync(emulator.Environment, "send", "--to", $"chat:{chat}", "--card", card.Path);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("$.elements[0]", run.Error, StringComparison.Ordinal);
        Assert.Equal(before, emulator.Server.State.MessagesIn(chat).Count);
    }

    [Fact]
    public async Task Two_content_options_are_a_usage_error()
    {
        var run = await CliRun.RunAsync(emulator.Environment, "send", "--to", "email:alice@example.com", "--text", "x", "--template", "t");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("exactly one", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_uuid_sends_once()
    {
        var key = Guid.NewGuid().ToString("N");

        var first = await SendAsync("--to", "email:alice@example.com", "--text", "once", "--uuid", key);
        var second = await SendAsync("--to", "email:alice@example.com", "--text", "once", "--uuid", key);

        Assert.Equal(first.MessageId, second.MessageId);
    }
}
