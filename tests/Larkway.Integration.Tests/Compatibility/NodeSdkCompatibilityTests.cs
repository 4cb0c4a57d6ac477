using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Integration.Tests.Infrastructure;

namespace Larkway.Integration.Tests.Compatibility;

/// <summary>
/// The official <c>@larksuiteoapi/node-sdk</c> client, unchanged, against the Emulator: if it cannot use
/// the Emulator, the Emulator is wrong. scripts/install-test-deps.sh installs node and the package.
/// </summary>
public sealed class NodeSdkCompatibilityTests
{
    private static readonly string CompatDirectory = Path.Combine(RepoPaths.Root, "tests", "compat", "node-sdk");

    [Fact]
    public async Task Official_node_sdk_gets_a_token_sends_uploads_lists_pages_looks_up_ids_and_signs_a_user_in()
    {
        Assert.True(
            Directory.Exists(Path.Combine(CompatDirectory, "node_modules", "@larksuiteoapi", "node-sdk")),
            "the node-sdk is not installed: run scripts/install-test-deps.sh (scripts/test.sh does)");

        var options = new EmulatorOptions { Port = 0 };
        await using var emulator = await EmulatorServer.StartAsync(options);
        var png = Path.Combine(Path.GetTempPath(), $"larkway-compat-{Guid.NewGuid():N}.png");
        await File.WriteAllBytesAsync(png, TestImages.Png);
        try
        {
            var run = await ProcessRunner.RunAsync(
                "node",
                ["compat.mjs", emulator.BaseUrl.ToString().TrimEnd('/'), options.AppId, options.AppSecret, png],
                CompatDirectory,
                TimeSpan.FromMinutes(2));

            Assert.True(run.ExitCode == 0, $"node-sdk run failed ({run.ExitCode}): {run.Error}\n{run.Output}");
            using var result = JsonDocument.Parse(run.Output);
            var root = result.RootElement;

            Assert.Equal("t-", root.GetProperty("token").GetProperty("prefix").GetString());
            Assert.InRange(root.GetProperty("token").GetProperty("expire").GetInt32(), 1, 7200);
            Assert.Equal("text", root.GetProperty("text").GetProperty("msg_type").GetString());
            Assert.Equal("interactive", root.GetProperty("card").GetProperty("msg_type").GetString());
            Assert.StartsWith("img_", root.GetProperty("image").GetProperty("image_key").GetString(), StringComparison.Ordinal);

            var sent = new[]
            {
                root.GetProperty("text").GetProperty("message_id").GetString(),
                root.GetProperty("card").GetProperty("message_id").GetString(),
                root.GetProperty("image").GetProperty("message_id").GetString(),
            };
            var history = root.GetProperty("history");
            var listed = history.GetProperty("message_ids").EnumerateArray().Select(e => e.GetString()).ToList();
            Assert.All(sent, id => Assert.Contains(id, listed));
            Assert.Equal(listed.Count, listed.Distinct().Count());

            // Three messages at two a page need at least two pages: the SDK followed page_token.
            Assert.True(history.GetProperty("pages").GetInt32() >= 2, $"expected paging, got {history}");

            // Contact batch_get_id: one entry per input, emails first; the unknown email has no user_id.
            var users = root.GetProperty("contact").GetProperty("user_list").EnumerateArray().ToList();
            Assert.Equal(3, users.Count);
            Assert.Equal(emulator.State.FindUser("email", "alice@example.com")!.OpenId, users[0].GetProperty("user_id").GetString());
            Assert.True(users[0].GetProperty("status").GetProperty("is_activated").GetBoolean());
            Assert.Equal("nobody@example.com", users[1].GetProperty("email").GetString());
            Assert.False(users[1].TryGetProperty("user_id", out _));
            Assert.Equal("+8613800000002", users[2].GetProperty("mobile").GetString());
            Assert.Equal(emulator.State.FindUser("email", "bob@example.com")!.OpenId, users[2].GetProperty("user_id").GetString());

            // Sign-in: the historical OIDC exchange and refresh, user_info with the user token, the older v1 exchange.
            var authen = root.GetProperty("authen");
            var alice = emulator.State.FindUser("email", "alice@example.com")!;
            Assert.Equal("u-", authen.GetProperty("access_prefix").GetString());
            Assert.True(authen.GetProperty("rotated").GetBoolean());
            Assert.InRange(authen.GetProperty("expires_in").GetInt32(), 1, 7200);
            Assert.Equal(alice.OpenId, authen.GetProperty("user_info").GetProperty("open_id").GetString());
            Assert.Equal(alice.Name, authen.GetProperty("user_info").GetProperty("name").GetString());
            Assert.Equal("alice@example.com", authen.GetProperty("user_info").GetProperty("email").GetString());
            Assert.Equal(alice.OpenId, authen.GetProperty("v1").GetProperty("open_id").GetString());
            Assert.True(authen.GetProperty("v1").GetProperty("has_refresh_token").GetBoolean());
        }
        finally
        {
            File.Delete(png);
        }
    }
}
