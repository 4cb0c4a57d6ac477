using System.Text.Json;

namespace Larkway.Cli.Tests;

public sealed class WeComCommandTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private static JsonElement Vector(string id)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Vectors, "wecom.json")));
        return json.RootElement.GetProperty("generated_vectors").EnumerateArray().Single(v => v.GetProperty("id").GetString() == id).Clone();
    }

    private static string[] CryptoArgs(JsonElement v, string? token = null) =>
    [
        "--token", token ?? v.GetProperty("token").GetString()!, "--aes-key", v.GetProperty("encoding_aes_key").GetString()!, "--receive-id", v.GetProperty("receiveid").GetString()!,
        "--signature", v.GetProperty("query").GetProperty("msg_signature").GetString()!, "--timestamp", v.GetProperty("query").GetProperty("timestamp").GetString()!,
        "--nonce", v.GetProperty("query").GetProperty("nonce").GetString()!,
    ];

    [Fact]
    public async Task Decrypt_prints_the_xml_of_a_vector_from_its_ciphertext_or_its_whole_body()
    {
        var v = Vector("gen-xml-text-chinese");
        var expected = v.GetProperty("expected").GetProperty("msg").GetString();

        var fromCipher = await CliRun.RunAsync(["wecom", "decrypt", .. CryptoArgs(v), "--encrypt", v.GetProperty("encrypt").GetString()!]);
        var fromBody = await CliRun.RunAsync(["wecom", "decrypt", .. CryptoArgs(v), "--body", $"<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[{v.GetProperty("encrypt").GetString()}]]></Encrypt><AgentID>1</AgentID></xml>"]);

        Assert.Equal(0, fromCipher.ExitCode);
        Assert.Equal(expected, fromCipher.Output.Trim());
        Assert.Equal(expected, fromBody.Output.Trim());
    }

    [Fact]
    public async Task Decrypt_with_the_wrong_token_names_the_signature_step()
    {
        var v = Vector("gen-xml-text-chinese");

        var run = await CliRun.RunAsync(["wecom", "decrypt", .. CryptoArgs(v, token: "wrong"), "--encrypt", v.GetProperty("encrypt").GetString()!]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("-40001", run.Error, StringComparison.Ordinal);
        Assert.Contains("Token", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_prints_the_echo_plaintext_alone()
    {
        var v = Vector("gen-verify-url-echostr");

        var run = await CliRun.RunAsync(["wecom", "verify", .. CryptoArgs(v), "--echostr", v.GetProperty("encrypt").GetString()!]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("8474939192758473322", run.Output.Trim());
    }

    [Fact]
    public async Task Robot_says_a_webhook_without_its_key_is_incomplete_and_refuses_text_over_the_limit_before_sending()
    {
        var noKey = await CliRun.RunAsync("wecom", "robot", "--webhook", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send", "--text", "hello");
        // Nothing listens on the webhook: the refusal must come before any request.
        var tooLong = await CliRun.RunAsync("wecom", "robot", "--webhook", "http://127.0.0.1:9/cgi-bin/webhook/send?key=k", "--text", new string('a', 2049));

        Assert.Equal(2, noKey.ExitCode);
        Assert.Contains("no key", noKey.Error, StringComparison.Ordinal);
        Assert.Equal(2, tooLong.ExitCode);
        Assert.Contains("2048", tooLong.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_without_credentials_names_the_variables_to_set()
    {
        var run = await CliRun.RunAsync("wecom", "send", "--user", "alice", "--text", "hi");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("WECOM_CORP_ID", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_and_robot_reach_the_emulator()
    {
        var o = emulator.Options;
        var environment = new Dictionary<string, string>
        {
            ["WECOM_CORP_ID"] = o.WeComCorpId,
            ["WECOM_CORP_SECRET"] = o.WeComAppSecret,
            ["WECOM_AGENT_ID"] = o.WeComAgentId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["WECOM_BASE_URL"] = emulator.Server.BaseUrl.ToString(),
        };

        var sent = await CliRun.RunAsync(environment, "wecom", "send", "--user", "alice", "--user", "nobody", "--markdown", "**PO-42** approved");
        var robot = await CliRun.RunAsync("wecom", "robot", "--webhook", new Uri(emulator.Server.BaseUrl, $"/wecom/cgi-bin/webhook/send?key={o.WeComRobotKey}").ToString(), "--text", "deploy done", "--mention", "alice", "--mention-all");

        Assert.Equal(1, sent.ExitCode);
        Assert.Contains("sent (msgid", sent.Output, StringComparison.Ordinal);
        Assert.Contains("unknown users: nobody", sent.Error, StringComparison.Ordinal);
        Assert.Equal(0, robot.ExitCode);
        Assert.Equal("sent", robot.Output.Trim());
    }
}
