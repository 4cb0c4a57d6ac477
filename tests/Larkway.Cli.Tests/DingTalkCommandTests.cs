using System.Text.Json;

namespace Larkway.Cli.Tests;

public sealed class DingTalkCommandTests
{
    public static TheoryData<string, string, string> SignVectors()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Vectors, "dingtalk.json")));
        var data = new TheoryData<string, string, string>();
        foreach (var vector in json.RootElement.GetProperty("custom_robot_webhook").GetProperty("sign_vectors").EnumerateArray())
        {
            data.Add(vector.GetProperty("secret").GetString()!, vector.GetProperty("timestamp_ms").GetString()!, vector.GetProperty("expected_sign_base64").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SignVectors))]
    public async Task Sign_prints_only_the_signature_of_each_shared_vector(string secret, string timestamp, string expected)
    {
        var run = await CliRun.RunAsync("dingtalk", "sign", "--secret", secret, "--timestamp", timestamp);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(expected, run.Output.Trim());
    }

    [Fact]
    public async Task Sign_refuses_a_timestamp_in_seconds_with_a_fraction()
    {
        var run = await CliRun.RunAsync("dingtalk", "sign", "--secret", "SEC1", "--timestamp", "1718000000.5");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("milliseconds", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Robot_refuses_a_message_without_the_robots_keyword_before_sending()
    {
        // Nothing listens on the webhook: the refusal must come before any request.
        var run = await CliRun.RunAsync("dingtalk", "robot", "--webhook", "http://127.0.0.1:9/robot/send?access_token=abc", "--keyword", "告警", "--text", "disk full");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("none of the robot's keywords (告警)", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Robot_says_a_webhook_without_its_access_token_is_incomplete()
    {
        var run = await CliRun.RunAsync("dingtalk", "robot", "--webhook", "https://oapi.dingtalk.com/robot/send", "--text", "hello");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no access_token", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_without_credentials_names_the_variables_to_set()
    {
        var run = await CliRun.RunAsync("dingtalk", "send", "--user", "u1", "--text", "hi");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("DINGTALK_APP_KEY", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decrypt_prints_the_event_of_the_official_vector()
    {
        var run = await CliRun.RunAsync("dingtalk", "decrypt", "--token", "mryue", "--aes-key", "Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7", "--owner-key", "ding6ccabc44d2c8d38b",
            "--signature", "03044561471240d4a14bb09372dfcfd4fd0e40cb", "--timestamp", "1608001896814", "--nonce", "WL4PK6yA",
            "--encrypt", "0vJiX6vliEpwG3U45CtXqi+m8PXbQRARJ8p8BbDuD1EMTDf0jKpQ79QS93qEk7XHpP6u+oTTrd15NRPvNvmBKyDCYxxOK+HZeKju4yhELOFchzNukR+t8SB/qk4ROMu3");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("{\"EventType\":\"check_url\"}", run.Output.Trim());
    }

    [Fact]
    public async Task Decrypt_with_the_wrong_token_says_the_signature_does_not_match()
    {
        var run = await CliRun.RunAsync("dingtalk", "decrypt", "--token", "other", "--aes-key", "Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7", "--owner-key", "ding6ccabc44d2c8d38b",
            "--signature", "03044561471240d4a14bb09372dfcfd4fd0e40cb", "--timestamp", "1608001896814", "--nonce", "WL4PK6yA", "--encrypt", "AAAA");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--token", run.Error, StringComparison.Ordinal);
    }
}
