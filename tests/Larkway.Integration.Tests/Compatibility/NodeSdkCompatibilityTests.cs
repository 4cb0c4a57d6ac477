using System.Net.Http.Json;
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
    public async Task Official_node_sdk_gets_a_token_sends_uploads_lists_pages_looks_up_ids_reads_the_directory_writes_and_searches_a_base_and_signs_a_user_in()
    {
        Assert.True(
            Directory.Exists(Path.Combine(CompatDirectory, "node_modules", "@larksuiteoapi", "node-sdk")),
            "the node-sdk is not installed: run scripts/install-test-deps.sh (scripts/test.sh does)");

        var options = new EmulatorOptions { Port = 0 };
        await using var emulator = await EmulatorServer.StartAsync(options);
        await ArrangeDirectoryAsync(emulator, options.AppId);
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

            // Contact reads: the user, the subtree below eng (parents first, one a page), eng's members, and the scope
            // (a page filled with users first: Carol, then the eng department).
            var user = root.GetProperty("user");
            Assert.Equal(users[2].GetProperty("user_id").GetString(), user.GetProperty("open_id").GetString());
            Assert.Equal("Bob Li", user.GetProperty("name").GetString());
            Assert.Equal(["eng"], user.GetProperty("department_ids").EnumerateArray().Select(d => d.GetString()));
            Assert.Equal(["platform:eng", "storage:platform"], root.GetProperty("children").EnumerateArray().Select(d => d.GetProperty("id").GetString() + ":" + d.GetProperty("parent").GetString()));
            Assert.Equal(
                new[] { "alice@example.com", "bob@example.com" }.Select(e => emulator.State.FindUser("email", e)!.OpenId).Order(StringComparer.Ordinal),
                root.GetProperty("members").EnumerateArray().Select(m => m.GetString()).Order(StringComparer.Ordinal));
            var scopes = root.GetProperty("scopes");
            Assert.Equal(2, scopes.GetProperty("pages").GetInt32());
            Assert.Equal([emulator.State.FindUser("email", "carol@example.com")!.OpenId], scopes.GetProperty("user_ids").EnumerateArray().Select(u => u.GetString()));
            Assert.Equal(["eng"], scopes.GetProperty("department_ids").EnumerateArray().Select(d => d.GetString()));

            // Bitable: five records made once (the client_token replay answers the same ids); the Open ones, by Amount
            // descending, in two pages of two and one.
            var bitable = root.GetProperty("bitable");
            var created = bitable.GetProperty("created").EnumerateArray().Select(r => r.GetString()).ToList();
            Assert.Equal(5, created.Count);
            Assert.Equal(created, bitable.GetProperty("replayed").EnumerateArray().Select(r => r.GetString()));
            var search = bitable.GetProperty("search");
            Assert.Equal(2, search.GetProperty("pages").GetInt32());
            Assert.Equal(["PO-5", "PO-3", "PO-1"], search.GetProperty("found").EnumerateArray().Select(f => f.GetProperty("order").GetString()));
            Assert.Equal([50.0, 30.0, 10.0], search.GetProperty("found").EnumerateArray().Select(f => f.GetProperty("amount").GetDouble()));

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

    /// <summary>Two levels below eng, and a contact scope of eng plus Carol (so the scope has both users and departments).</summary>
    [Fact]
    public async Task Official_node_sdk_downloads_a_file_with_a_chinese_name_and_gets_that_name()
    {
        const string Name = "报价单 v2.pdf";
        Assert.True(
            Directory.Exists(Path.Combine(CompatDirectory, "node_modules", "@larksuiteoapi", "node-sdk")),
            "the node-sdk is not installed: run scripts/install-test-deps.sh (scripts/test.sh does)");

        var options = new EmulatorOptions { Port = 0 };
        await using var emulator = await EmulatorServer.StartAsync(options);
        var run = await ProcessRunner.RunAsync(
            "node",
            ["files.mjs", emulator.BaseUrl.ToString().TrimEnd('/'), options.AppId, options.AppSecret, Name],
            CompatDirectory,
            TimeSpan.FromMinutes(2));

        Assert.True(run.ExitCode == 0, $"node-sdk run failed ({run.ExitCode}): {run.Error}\n{run.Output}");
        using var result = JsonDocument.Parse(run.Output);
        foreach (var download in new[] { "resource", "file" })
        {
            var answer = result.RootElement.GetProperty(download);
            Assert.True(answer.GetProperty("same_bytes").GetBoolean(), download);
            Assert.Equal(Name, answer.GetProperty("name").GetString());

            // As Feishu sends it: the name's UTF-8 bytes in filename="…" (Node shows them one char per byte), no filename*.
            var header = answer.GetProperty("header").GetString()!;
            Assert.Equal($"attachment; filename=\"{Name}\"", System.Text.Encoding.UTF8.GetString(System.Text.Encoding.Latin1.GetBytes(header)));
        }
    }

    private static async Task ArrangeDirectoryAsync(EmulatorServer emulator, string appId)
    {
        using var http = new HttpClient { BaseAddress = emulator.BaseUrl };
        foreach (var (path, method, body) in new (string, HttpMethod, object)[]
        {
            ("/_emulator/contact/departments", HttpMethod.Post, new { name = "Platform", department_id = "platform", parent = "eng" }),
            ("/_emulator/contact/departments", HttpMethod.Post, new { name = "Storage", department_id = "storage", parent = "platform" }),
            ($"/_emulator/apps/{appId}/contact-scope", HttpMethod.Put, new { departments = new[] { "eng" }, users = new[] { "carol@example.com" } }),
        })
        {
            using var response = await http.SendAsync(new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) });
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode && text.Contains("\"code\":0", StringComparison.Ordinal), $"{path}: {text}");
        }
    }
}
