using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Larkway.Integration.Tests.Hub;

/// <summary>The sandbox start banner: what a new user needs is printed, and its example request works as pasted.</summary>
public sealed partial class HubBannerTests
{
    private const string AdminKey = "banner-test-admin-key-0123456789abcdef";

    [Fact]
    public async Task The_sandbox_banner_lists_the_users_and_the_cli_credentials_and_its_curl_sends_a_notification()
    {
        // A fresh Emulator state file: the banner names it, and no earlier run's messages are in the chats.
        var stateFile = Path.Combine(Directory.CreateTempSubdirectory("larkway-banner-").FullName, "emulator-state.json");
        await using var hub = await HubProcess.StartAsync(new Dictionary<string, string>
        {
            ["LARKWAY_EMULATOR_PORT"] = "0",
            ["LARKWAY_ADMIN_KEY"] = AdminKey,
            ["Larkway__Bootstrap__SecretOutput"] = "terminal",
            ["LARKWAY_EMULATOR_STATE_FILE"] = stateFile,
        });
        await HubSandbox.WaitUntilAsync(() => hub.Output.Count(l => l.Contains("curl -sS", StringComparison.Ordinal)) == 3, "the banner's example requests", seconds: 90);
        var output = hub.Output;

        output.ShouldContain(l => l.Contains($"kept in {stateFile} across restarts", StringComparison.Ordinal));
        foreach (var email in new[] { "alice@example.com", "bob@example.com", "carol@example.com", "dave@example.com" })
        {
            output.ShouldContain(l => l.Trim().EndsWith(email, StringComparison.Ordinal), email);
        }

        var exports = output.Select(l => ExportLine().Match(l)).Where(m => m.Success).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        exports.Keys.ShouldBe(["FEISHU_APP_ID", "FEISHU_APP_SECRET", "FEISHU_BASE_URL", "FEISHU_ENCRYPT_KEY", "FEISHU_VERIFICATION_TOKEN"], ignoreOrder: true);
        exports["FEISHU_APP_ID"].ShouldStartWith("cli_");
        var emulator = new Uri(exports["FEISHU_BASE_URL"]);

        // The example as a shell would run it: its URL, its body, the admin key from the environment.
        var curls = output.Where(l => l.Contains("curl -sS", StringComparison.Ordinal)).Select(l => CurlLine().Match(l)).ToList();
        curls.Count.ShouldBe(3, "a notification and an approval with each sample definition");
        using var http = new HttpClient();
        var (status, accepted) = await RunAsync(http, curls[0]);
        status.ShouldBe(HttpStatusCode.Accepted, accepted);
        JsonDocument.Parse(accepted).RootElement.GetProperty("recipients").GetInt32().ShouldBe(1);

        // Each sample approval definition, as pasted: created, and waiting for Bob (the General request's chosen first approver).
        foreach (var approval in curls.Skip(1))
        {
            var (created, body) = await RunAsync(http, approval);
            created.ShouldBe(HttpStatusCode.Created, body);
            var tasks = JsonDocument.Parse(body).RootElement.GetProperty("tasks").EnumerateArray().ToList();
            tasks.ShouldContain(t => t.GetProperty("status").GetString() == "pending", body);
        }

        // Each user has a direct chat with the bot from the start; Alice's receives the card.
        var chats = await http.GetStringAsync(emulator);
        foreach (var name in new[] { "Alice Chen", "Bob Li", "Carol Wang", "Dave Zhang" })
        {
            chats.ShouldContain($"↔ {name}</a>", Case.Sensitive, name);
        }

        await HubSandbox.WaitUntilAsync(() => DirectChatMessages(http, emulator, "Alice Chen") > 0, "the card in Alice's direct chat");

        // The whole first-hour flow, start to stop, says nothing a reader of the log must act on.
        (await hub.StopAsync()).ShouldBe(0);
        hub.Output.Where(IsWarningOrWorse).ShouldBeEmpty();
    }

    /// <summary>Runs a banner's curl line as a shell would: its URL, its body, the admin key from the environment.</summary>
    private static async Task<(HttpStatusCode Status, string Body)> RunAsync(HttpClient http, Match curl)
    {
        curl.Success.ShouldBeTrue();
        using var request = new HttpRequestMessage(HttpMethod.Post, curl.Groups["url"].Value)
        {
            Content = new StringContent(curl.Groups["body"].Value, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A console log line at warning level or above, in the simple format (<c>warn: Category[id]</c>) or JSON.</summary>
    private static bool IsWarningOrWorse(string line) =>
        line.StartsWith("warn:", StringComparison.Ordinal) || line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal)
        || line.Contains("\"LogLevel\":\"Warning\"", StringComparison.Ordinal) || line.Contains("\"LogLevel\":\"Error\"", StringComparison.Ordinal)
        || line.Contains("\"LogLevel\":\"Critical\"", StringComparison.Ordinal);

    [Fact]
    public async Task Off_a_terminal_the_sandbox_credentials_go_to_the_secrets_file_not_to_standard_output()
    {
        await using var hub = await HubProcess.StartAsync(new Dictionary<string, string> { ["LARKWAY_EMULATOR_PORT"] = "0" });
        await HubSandbox.WaitUntilAsync(() => hub.Output.Any(l => l.Contains("curl -sS", StringComparison.Ordinal)), "the banner's example request", seconds: 90);

        hub.Output.ShouldNotContain(l => l.Contains("export FEISHU_", StringComparison.Ordinal));
        hub.Output.ShouldContain(l => l.Contains("the sandbox app", StringComparison.Ordinal) && l.Contains(hub.SecretsFile, StringComparison.Ordinal));
        var file = await File.ReadAllTextAsync(hub.SecretsFile);
        file.ShouldContain("export FEISHU_ENCRYPT_KEY=");
    }

    /// <summary>The message count the Emulator's chat list shows for the bot's direct chat with <paramref name="name"/>.</summary>
    private static int DirectChatMessages(HttpClient http, Uri emulator, string name)
    {
        var html = http.GetStringAsync(emulator).GetAwaiter().GetResult();
        var row = Regex.Match(html, $"↔ {Regex.Escape(name)}</a></td><td>p2p</td><td>\\d+</td><td>(\\d+)</td>");
        return row.Success ? int.Parse(row.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    [GeneratedRegex(@"^\s*export (FEISHU_[A-Z_]+)=(\S+)")]
    private static partial Regex ExportLine();

    [GeneratedRegex(@"curl -sS (?<url>\S+) .* -d '(?<body>[^']+)'$")]
    private static partial Regex CurlLine();
}
