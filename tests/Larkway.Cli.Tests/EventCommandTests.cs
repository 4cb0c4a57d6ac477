using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Larkway.Cli.Tests;

/// <summary><c>larkway event decrypt</c> and <c>verify</c> against the platforms' vectors (tests/fixtures/vectors).</summary>
public sealed class EventCommandTests
{
    private static JsonElement Vectors(string file)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Vectors, file)));
        return json.RootElement.Clone();
    }

    private static JsonElement Vector(string file, string section, string id) =>
        Vectors(file).GetProperty(section).EnumerateArray().Single(v => v.GetProperty("id").GetString() == id);

    private static TheoryData<string> Ids(string file, string section)
    {
        var data = new TheoryData<string>();
        foreach (var vector in Vectors(file).GetProperty(section).EnumerateArray())
        {
            data.Add(vector.GetProperty("id").GetString()!);
        }

        return data;
    }

    public static TheoryData<string> PositiveCrypto() => Ids("feishu-crypto.json", "generated_vectors");

    public static TheoryData<string> NegativeCrypto() => Ids("feishu-crypto.json", "negative_vectors");

    public static TheoryData<string> PositiveSignatures() => Ids("feishu-signature.json", "event_signature_vectors");

    public static TheoryData<string> NegativeSignatures() => Ids("feishu-signature.json", "event_signature_negative_vectors");

    public static TheoryData<string> NegativeCardSignatures() => Ids("feishu-signature.json", "card_v1_signature_negative_vectors");

    [Theory]
    [MemberData(nameof(PositiveCrypto))]
    public async Task Decrypt_prints_the_plaintext_of_every_positive_vector(string id)
    {
        var vector = Vector("feishu-crypto.json", "generated_vectors", id);
        var key = vector.GetProperty("encrypt_key").GetString()!;
        using var body = TempFile.WithText(JsonSerializer.Serialize(new { encrypt = vector.GetProperty("encrypt").GetString() }));

        var run = await CliRun.RunAsync("event", "decrypt", "--encrypt-key", key, "--body-file", body.Path);

        Assert.True(run.ExitCode == 0, run.Error);
        var expected = vector.GetProperty("expected_plaintext").GetString()!;
        if (expected.Length == 0)
        {
            Assert.Empty(run.Output);
        }
        else
        {
            // Pretty-printed, so compare as JSON; CJK and emoji stay readable (not \u escapes).
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(run.Output)), run.Output);
            Assert.Contains('\n', run.Output.TrimEnd());
        }

        Assert.DoesNotContain(key, run.Output + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decrypt_reads_bare_base64_from_standard_input()
    {
        var vector = Vector("feishu-crypto.json", "generated_vectors", "gen-emoji-4byte-utf8");

        var run = await CliRun.RunWithInputAsync(null, vector.GetProperty("encrypt").GetString() + "\n", "event", "decrypt", "--encrypt-key", vector.GetProperty("encrypt_key").GetString()!);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("🚀 上线 ok ✅", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(NegativeCrypto))]
    public async Task Decrypt_fails_with_a_reason_for_every_negative_vector(string id)
    {
        var vector = Vector("feishu-crypto.json", "negative_vectors", id);
        var key = vector.GetProperty("encrypt_key").GetString()!;
        using var body = TempFile.WithText(JsonSerializer.Serialize(new { encrypt = vector.GetProperty("encrypt").GetString() }));

        var run = await CliRun.RunAsync("event", "decrypt", "--encrypt-key", key, "--body-file", body.Path);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output);
        Assert.DoesNotContain(key, run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("neg-invalid-base64", "base64")]
    [InlineData("neg-truncated-not-block-multiple", "multiple of the 16-byte")]
    [InlineData("neg-wrong-key", "wrong encrypt key")]
    [InlineData("neg-iv-bitflip-malleable", "not JSON")]
    public async Task Decrypt_names_why_it_failed(string id, string reason)
    {
        var vector = Vector("feishu-crypto.json", "negative_vectors", id);

        var run = await CliRun.RunWithInputAsync(null, vector.GetProperty("encrypt").GetString(), "event", "decrypt", "--encrypt-key", vector.GetProperty("encrypt_key").GetString()!);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(reason, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decrypt_refuses_a_json_body_without_encrypt()
    {
        var run = await CliRun.RunWithInputAsync(null, "{\"schema\":\"2.0\"}", "event", "decrypt", "--encrypt-key", "k");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("not encrypted", run.Error, StringComparison.Ordinal);
    }

    private static async Task<CliRun.Result> VerifyAsync(JsonElement vector, string secretOption, string secret, byte[]? bodyOverride = null, params string[] extra)
    {
        var headers = vector.GetProperty("headers");
        using var body = TempFile.WithBytes(bodyOverride ?? Encoding.UTF8.GetBytes(vector.GetProperty("raw_body").GetString()!), ".json");
        return await CliRun.RunAsync(
        [
            "event", "verify", .. extra, secretOption, secret,
            "--timestamp", headers.GetProperty("X-Lark-Request-Timestamp").GetString()!,
            "--nonce", headers.GetProperty("X-Lark-Request-Nonce").GetString()!,
            "--signature", headers.GetProperty("X-Lark-Signature").GetString()!,
            "--body-file", body.Path,
        ]);
    }

    [Theory]
    [MemberData(nameof(PositiveSignatures))]
    public async Task Verify_accepts_every_positive_event_vector(string id)
    {
        var vector = Vector("feishu-signature.json", "event_signature_vectors", id);

        var run = await VerifyAsync(vector, "--encrypt-key", vector.GetProperty("encrypt_key").GetString()!);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("valid", run.Output.Trim());
    }

    [Theory]
    [MemberData(nameof(NegativeSignatures))]
    public async Task Verify_rejects_every_negative_event_vector_and_says_what_was_signed(string id)
    {
        var vector = Vector("feishu-signature.json", "event_signature_negative_vectors", id);
        var key = vector.GetProperty("encrypt_key").GetString()!;

        var run = await VerifyAsync(vector, "--encrypt-key", key);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("invalid", run.Output.Trim());
        var length = Encoding.UTF8.GetByteCount(vector.GetProperty("raw_body").GetString()!);
        Assert.Contains($"SHA-256 over timestamp+nonce+encrypt_key+body ({length} bytes)", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(key, run.Output + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_accepts_the_old_card_vector_with_the_sha1_rule_only()
    {
        var vector = Vector("feishu-signature.json", "card_v1_signature_vectors", "gen-old-card-doc-payload");
        var token = vector.GetProperty("verification_token").GetString()!;

        var v1 = await VerifyAsync(vector, "--verification-token", token, null, "--card-v1");
        var asEvent = await VerifyAsync(vector, "--encrypt-key", token);

        Assert.Equal(0, v1.ExitCode);
        Assert.Equal("valid", v1.Output.Trim());
        Assert.Equal(1, asEvent.ExitCode);
        Assert.Contains("--card-v1", asEvent.Error, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(NegativeCardSignatures))]
    public async Task Verify_rejects_the_negative_old_card_vectors(string id)
    {
        var vector = Vector("feishu-signature.json", "card_v1_signature_negative_vectors", id);
        var token = vector.GetProperty("verification_token").GetString()!;

        var run = await VerifyAsync(vector, "--verification-token", token, null, "--card-v1");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("SHA-1 over timestamp+nonce+verification_token+body", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(token, run.Output + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_uses_the_body_bytes_exactly_and_points_at_a_trailing_newline()
    {
        var vector = Vector("feishu-signature.json", "event_signature_vectors", "gen-card-action-trigger-new");
        var withNewline = Encoding.UTF8.GetBytes(vector.GetProperty("raw_body").GetString()! + "\n");

        var run = await VerifyAsync(vector, "--encrypt-key", vector.GetProperty("encrypt_key").GetString()!, withNewline);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("without its final newline", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_help_warns_about_editors_adding_a_newline()
    {
        var run = await CliRun.RunAsync("event", "verify", "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("final newline", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--encrypt-key", "k", "--card-v1", "--verification-token", "v")]
    [InlineData("--card-v1")]
    [InlineData("--verification-token", "v")]
    [InlineData]
    public async Task Verify_with_no_or_both_rules_is_a_usage_error(params string[] rule)
    {
        using var body = TempFile.WithText("{}");

        var run = await CliRun.RunAsync(["event", "verify", .. rule, "--timestamp", "1", "--nonce", "n", "--signature", "s", "--body-file", body.Path]);

        Assert.Equal(2, run.ExitCode);
    }

    [Fact]
    public async Task A_missing_required_option_is_a_usage_error()
    {
        var run = await CliRun.RunAsync("event", "verify", "--encrypt-key", "k");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--timestamp", run.Error, StringComparison.Ordinal);
    }
}
