using System.Text.Json;

namespace Larkway.Cli.Tests;

public sealed class BotSignCommandTests
{
    public static TheoryData<string, string, string> Vectors()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Vectors, "feishu-custom-bot.json")));
        var data = new TheoryData<string, string, string>();
        foreach (var vector in json.RootElement.GetProperty("sign_vectors").EnumerateArray())
        {
            data.Add(vector.GetProperty("secret").GetString()!, vector.GetProperty("timestamp").GetString()!, vector.GetProperty("expected_sign").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public async Task Prints_only_the_signature_of_each_shared_vector(string secret, string timestamp, string expected)
    {
        var run = await CliRun.RunAsync("bot", "sign", "--secret", secret, "--timestamp", timestamp);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(expected, run.Output.Trim());
        Assert.Equal(1, run.Output.Count(c => c == '\n'));
    }

    [Theory]
    [InlineData("1599360473000.5")]
    [InlineData("-5")]
    [InlineData("soon")]
    public async Task Rejects_a_timestamp_that_is_not_whole_seconds(string timestamp)
    {
        var run = await CliRun.RunAsync("bot", "sign", "--secret", "demo", "--timestamp", timestamp);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--timestamp", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }
}
