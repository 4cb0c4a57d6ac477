namespace Larkway.Cli.Tests;

public sealed class CardCommandTests
{
    private const string ValidV1 = """
        {"config":{"wide_screen_mode":true,"update_multi":true},
         "header":{"title":{"tag":"plain_text","content":"Purchase order 42"},"template":"blue"},
         "elements":[{"tag":"div","text":{"tag":"lark_md","content":"**Total** 1,200 CNY"}},
                     {"tag":"action","actions":[{"tag":"button","text":{"tag":"plain_text","content":"Approve"},"type":"primary","value":{"po":"42"}}]}]}
        """;

    [Fact]
    public async Task Validate_exits_zero_for_a_valid_card()
    {
        using var card = TempFile.WithText(ValidV1);

        var run = await CliRun.RunAsync("card", "validate", card.Path);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("valid", run.Output.Trim());
    }

    [Fact]
    public async Task Validate_exits_one_and_names_the_json_path_of_each_error()
    {
        using var card = TempFile.WithText("""
            {"header":{"title":{"tag":"plain_text","content":"x"}},
             "elements":[{"tag":"div","text":{"tag":"lark_md","content":"ok"}},{"tag":"no_such_tag"}]}
            """);

        var run = await CliRun.RunAsync("card", "validate", card.Path);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("$.elements[1]", run.Output, StringComparison.Ordinal);
        Assert.Contains("no_such_tag", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_reports_malformed_json_as_invalid()
    {
        using var card = TempFile.WithText("{\"elements\": [");

        var run = await CliRun.RunAsync("card", "validate", card.Path);

        Assert.Equal(1, run.ExitCode);
        Assert.NotEmpty(run.Output);
    }

    [Fact]
    public async Task Validate_for_update_requires_update_multi()
    {
        using var card = TempFile.WithText(ValidV1.Replace("\"update_multi\":true", "\"update_multi\":false", StringComparison.Ordinal));

        var plain = await CliRun.RunAsync("card", "validate", card.Path);
        var forUpdate = await CliRun.RunAsync("card", "validate", "--for-update", card.Path);

        Assert.Equal(0, plain.ExitCode);
        Assert.Equal(1, forUpdate.ExitCode);
        Assert.Contains("update_multi", forUpdate.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_names_a_missing_file()
    {
        var run = await CliRun.RunAsync("card", "validate", "/nonexistent/card.json");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("/nonexistent/card.json", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preview_renders_the_card_as_an_html_page_with_its_content_escaped()
    {
        using var card = TempFile.WithText(ValidV1.Replace("Purchase order 42", "PO <script>alert(1)</script>", StringComparison.Ordinal));

        var run = await CliRun.RunAsync("card", "preview", card.Path);

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("<!DOCTYPE html>", run.Output.TrimStart(), StringComparison.Ordinal);
        Assert.Contains("Approve", run.Output, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", run.Output, StringComparison.Ordinal);
    }
}
