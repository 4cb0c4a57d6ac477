using System.Text.RegularExpressions;

namespace Larkway.Integration.Tests.Hub.Observability;

/// <summary>
/// A sandbox start is read by a person: its console keeps to the banner, warnings and errors, and the whole log goes to
/// data/logs/hub.log (without the secrets the console log never has); Larkway__Logging__Console=all shows it all there too.
/// </summary>
public sealed partial class HubSandboxLogTests
{
    /// <summary>The banner's last line (the Bitable sync sample's).</summary>
    private const string BannerEnd = "then edit a row at";

    [Fact]
    public async Task In_sandbox_mode_the_console_has_no_information_entries_and_the_log_file_has_them_without_secrets()
    {
        var folder = Directory.CreateTempSubdirectory("larkway-quiet-").FullName;
        await using var hub = await HubProcess.StartAsync(Sandbox(), folder);
        await HubSandbox.WaitUntilAsync(() => hub.Output.Any(l => l.Contains(BannerEnd, StringComparison.Ordinal)), "the banner's last line", seconds: 90);
        hub.Output.ShouldContain("  full log:     data/logs/hub.log (this console shows warnings and errors; Larkway__Logging__Console=all shows everything here too)");
        (await hub.StopAsync()).ShouldBe(0);

        hub.Output.ShouldNotContain(l => l.StartsWith("info:", StringComparison.Ordinal));
        var log = await File.ReadAllTextAsync(Path.Combine(folder, "data", "logs", "hub.log"));
        log.ShouldContain(" info: Larkway.Hub.Platform.Auth.HubAdminKey[4051] Admin API key generated and shown once");

        // What the secrets file holds (the admin key, the console password, the sandbox app's secrets) is in no log line.
        var secrets = SecretValues(await File.ReadAllTextAsync(hub.SecretsFile));
        secrets.Count.ShouldBeGreaterThanOrEqualTo(5);
        foreach (var secret in secrets)
        {
            log.ShouldNotContain(secret);
        }
    }

    [Fact]
    public async Task With_console_all_the_sandbox_console_shows_information_entries_and_the_file_still_has_them()
    {
        var folder = Directory.CreateTempSubdirectory("larkway-verbose-").FullName;
        var environment = Sandbox();
        environment["Larkway__Logging__Console"] = "all";
        await using var hub = await HubProcess.StartAsync(environment, folder);
        await HubSandbox.WaitUntilAsync(() => hub.Output.Any(l => l.Contains(BannerEnd, StringComparison.Ordinal)), "the banner's last line", seconds: 90);
        (await hub.StopAsync()).ShouldBe(0);

        hub.Output.ShouldContain("info: Larkway.Hub.Platform.Auth.HubAdminKey[4051]");
        hub.Output.ShouldContain("  full log:     data/logs/hub.log (and on this console: Larkway__Logging__Console=all)");
        (await File.ReadAllTextAsync(Path.Combine(folder, "data", "logs", "hub.log"))).ShouldContain(" info: Larkway.Hub.Platform.Auth.HubAdminKey[4051]");
    }

    [Fact]
    public async Task An_unknown_console_setting_stops_the_start_with_a_sentence_naming_the_values()
    {
        var (exitCode, output) = await HubProcess.RunToExitAsync(new Dictionary<string, string> { ["LARKWAY_EMULATOR_PORT"] = "0", ["Larkway__Logging__Console"] = "verbose" });

        exitCode.ShouldBe(2);
        output.ShouldContain(l => l.Contains("Larkway:Logging:Console 'verbose' is not valid; use 'all'", StringComparison.Ordinal));
    }

    /// <summary>A sandbox on the OS's ports at appsettings.json's log levels (HubProcess lowers them for other tests).</summary>
    private static Dictionary<string, string> Sandbox() => new()
    {
        ["LARKWAY_EMULATOR_PORT"] = "0",
        ["Logging__LogLevel__Default"] = "Information",
    };

    /// <summary>The values of the secrets file's lines: "… label: secret" and "export NAME=value" (URLs and app ids are not secret).</summary>
    private static List<string> SecretValues(string file) =>
    [
        .. SecretLine().Matches(file).Select(m => m.Groups[1].Value),
        .. SecretExport().Matches(file).Select(m => m.Groups[1].Value),
    ];

    [GeneratedRegex(@"(?:admin key|for user 'admin'): (\S{16,})$", RegexOptions.Multiline)]
    private static partial Regex SecretLine();

    [GeneratedRegex(@"export (?:FEISHU_APP_SECRET|FEISHU_ENCRYPT_KEY|FEISHU_VERIFICATION_TOKEN|LARKWAY_ADMIN_KEY)=(\S+)")]
    private static partial Regex SecretExport();
}
