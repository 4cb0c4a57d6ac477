using System.Text.Json;
using System.Text.RegularExpressions;
using Larkway.Integration.Tests.Infrastructure;

namespace Larkway.Integration.Tests.Hub.Observability;

/// <summary>
/// <c>Larkway:Logging:Format=json</c> on a first start of the sandbox (the case with the most to say: generated secrets,
/// the banner, the embedded Emulator): every line the process writes, to standard output or error, is one JSON object —
/// the banner and the notices are events with their facts as fields, and no secret is among them.
/// </summary>
public sealed partial class HubJsonLogTests
{
    [Fact]
    public async Task A_first_sandbox_start_in_json_format_writes_only_json_lines_with_the_banner_as_events()
    {
        var folder = Directory.CreateTempSubdirectory("larkway-json-").FullName;
        var secretsFile = Path.Combine(folder, "data", "first-start-secrets.txt");
        await using var hub = await HubProcess.StartAsync(new Dictionary<string, string>
        {
            ["LARKWAY_EMULATOR_PORT"] = "0",
            ["Larkway__Logging__Format"] = "json",
            ["Larkway__Bootstrap__SecretsFile"] = secretsFile,
            ["Logging__LogLevel__Default"] = "Information",

            // ASP.NET's own start lines ("Now listening on…") go through the same formatter.
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        }, folder);
        await HubSandbox.WaitUntilAsync(() => Events(hub).Any(e => e.GetProperty("EventId").GetInt32() == SandboxReady), "the sandbox's event", seconds: 90);

        var started = Events(hub).Single(e => e.GetProperty("EventId").GetInt32() == Started).GetProperty("State");
        started.GetProperty("Url").GetString().ShouldBe(hub.BaseUrl.ToString());
        started.GetProperty("ConsoleUrl").GetString().ShouldBe(new Uri(hub.BaseUrl, "/console").ToString());
        started.GetProperty("ConsolePasswordLocation").GetString().ShouldBe("is in data/first-start-secrets.txt");
        started.GetProperty("ApiUrl").GetString().ShouldBe(new Uri(hub.BaseUrl, "/api/v1/").ToString());
        var sandbox = Events(hub).Single(e => e.GetProperty("EventId").GetInt32() == SandboxReady).GetProperty("State");
        sandbox.GetProperty("Users").GetString()!.ShouldContain("Alice Chen <alice@example.com>");
        sandbox.GetProperty("StateFile").GetString().ShouldBe(Path.Combine(folder, "data", "emulator-state.json"));
        sandbox.GetProperty("SampleSyncState").GetString().ShouldBe("paused");
        var emulator = new Uri(sandbox.GetProperty("EmulatorUrl").GetString()!);
        Events(hub).Count(e => e.GetProperty("EventId").GetInt32() == SecretWritten).ShouldBe(3, "the admin key, the console password, the sandbox app");

        // The example as the event gives it, run by a shell: its first step takes the admin key from the secrets file.
        var run = await ProcessRunner.RunAsync(
            "bash",
            ["-c", sandbox.GetProperty("AdminKeyStep").GetString() + "\n" + sandbox.GetProperty("NotificationExample").GetString() + " -o /dev/null -w '%{http_code}'"],
            folder,
            TimeSpan.FromSeconds(30));
        run.Output.ShouldBe("202", run.Error);
        using var http = new HttpClient();
        await HubSandbox.WaitUntilAsync(() => AliceDirectMessages(http, emulator) > 0, "the card in Alice's direct chat", seconds: 30);
        (await hub.StopAsync()).ShouldBe(0);

        // Every line, start to stop, is a JSON object; none carries a secret the start made.
        var lines = hub.Output;
        lines.ShouldNotBeEmpty();
        foreach (var line in lines)
        {
            JsonDocument.Parse(line).RootElement.ValueKind.ShouldBe(JsonValueKind.Object, line);
        }

        lines.ShouldContain(l => l.Contains("Now listening on", StringComparison.Ordinal));
        var secrets = SecretValue().Matches(await File.ReadAllTextAsync(secretsFile)).Select(m => m.Groups["value"].Value).ToList();
        secrets.Count.ShouldBeGreaterThanOrEqualTo(6);
        foreach (var secret in secrets.Where(s => !s.StartsWith("http", StringComparison.Ordinal) && !s.StartsWith("cli_", StringComparison.Ordinal)))
        {
            lines.ShouldNotContain(l => l.Contains(secret, StringComparison.Ordinal), secret);
        }
    }

    [Fact]
    public async Task A_start_refused_for_its_configuration_in_json_format_ends_with_a_json_event_not_a_plain_line()
    {
        var (exitCode, output) = await HubProcess.RunToExitAsync(new Dictionary<string, string>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["LARKWAY_EMULATOR_PORT"] = "0",
            ["Larkway__Logging__Format"] = "json",
            ["Larkway__Metrics__Port"] = "not-a-port",
        });

        exitCode.ShouldBe(2);
        output.ShouldNotBeEmpty();
        var events = output.Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        var failure = events.Where(e => e.GetProperty("EventId").GetInt32() == 4093).ShouldHaveSingleItem(string.Join('\n', output));
        failure.GetProperty("LogLevel").GetString().ShouldBe("Critical");
        failure.GetProperty("Message").GetString()!.ShouldContain("Larkway:Metrics:Port 'not-a-port'");
    }

    private const int SecretWritten = 4090;
    private const int Started = 4091;
    private const int SandboxReady = 4092;

    /// <summary>The message count the Emulator's chat list shows for the bot's direct chat with Alice.</summary>
    private static int AliceDirectMessages(HttpClient http, Uri emulator)
    {
        var row = Regex.Match(http.GetStringAsync(emulator).GetAwaiter().GetResult(), "↔ Alice Chen</a></td><td>p2p</td><td>\\d+</td><td>(\\d+)</td>");
        return row.Success ? int.Parse(row.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    private static List<JsonElement> Events(HubProcess hub) =>
        [.. hub.Output.Select(l => { try { return JsonDocument.Parse(l).RootElement.Clone(); } catch (JsonException) { return default; } })
            .Where(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("EventId", out _))];

    /// <summary>A secret in the secrets file: after "…: " on a labelled line, or after "=" on an export line.</summary>
    [GeneratedRegex(@"(?:(?:admin key|password for user 'admin'): |export [A-Z_]+=)(?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex SecretValue();
}
