using System.Net;
using System.Net.Sockets;

namespace Larkway.Integration.Tests.Hub;

/// <summary>A start that cannot work ends with one line that names the setting to change, exit code 2, and no stack trace.</summary>
public sealed class HubStartFailureTests
{
    [Fact]
    public async Task A_port_another_program_holds_is_one_line_naming_the_port_and_the_urls_setting()
    {
        using var holder = Hold(out var port);

        var (exitCode, output) = await HubProcess.RunToExitAsync(new Dictionary<string, string>(), "--urls", $"http://127.0.0.1:{port}");

        exitCode.ShouldBe(2, string.Join('\n', output));
        var line = WithoutProgress(output).ShouldHaveSingleItem();
        line.ShouldContain($"port {port} is in use by another program");
        line.ShouldContain("--urls");
    }

    [Fact]
    public async Task The_sandbox_Emulators_port_held_by_another_program_names_LARKWAY_EMULATOR_PORT()
    {
        using var holder = Hold(out var port);

        var (exitCode, output) = await HubProcess.RunToExitAsync(
            new Dictionary<string, string> { ["LARKWAY_EMULATOR_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            "--urls", "http://127.0.0.1:0");

        exitCode.ShouldBe(2, string.Join('\n', output));
        var line = WithoutProgress(output).ShouldHaveSingleItem();
        line.ShouldContain($"sandbox Emulator cannot listen on http://127.0.0.1:{port}: port {port} is in use by another program");
        line.ShouldContain("LARKWAY_EMULATOR_PORT");
    }

    [Fact]
    public async Task A_second_Hub_on_a_data_folder_another_Hub_holds_exits_naming_the_folder_and_the_process_and_the_first_still_serves()
    {
        var data = Directory.CreateTempSubdirectory("larkway-locked-").FullName;
        var settings = new Dictionary<string, string>
        {
            ["LARKWAY_EMULATOR_PORT"] = "0",
            ["Larkway__Storage__ConnectionString"] = $"Data Source={Path.Combine(data, "larkway.db")}",
        };
        await using var first = await HubProcess.StartAsync(settings);

        // Other ports, as a port-in-use hint would lead a user to: the folder is what the two would share.
        var (exitCode, output) = await HubProcess.RunToExitAsync(settings, "--urls", "http://127.0.0.1:0");

        exitCode.ShouldBe(2, string.Join('\n', output));
        var line = WithoutProgress(output).ShouldHaveSingleItem();
        line.ShouldContain($"The data folder {data} is in use by another Hub (process {first.ProcessId}, started ");
        line.ShouldContain("One Hub runs per data folder");
        using var http = new HttpClient { BaseAddress = first.BaseUrl };
        (await http.GetAsync("/healthz")).StatusCode.ShouldBe(HttpStatusCode.OK);
        first.HasExited.ShouldBeFalse();
    }

    [Fact]
    public async Task A_SQLite_database_whose_folder_cannot_be_made_is_one_line_naming_the_file_and_the_setting()
    {
        // A regular file where the database's folder should be: no user, root included, can create a folder under it.
        var blocker = Path.GetTempFileName();
        var database = Path.Combine(blocker, "data", "larkway.db");

        var (exitCode, output) = await RunQuietAsync(new() { ["Larkway__Storage__ConnectionString"] = $"Data Source={database}" });

        exitCode.ShouldBe(2, string.Join('\n', output));
        var line = WithoutProgress(output).ShouldHaveSingleItem();
        line.ShouldStartWith($"larkway hub: The Hub cannot open its SQLite database {database}:");
        line.ShouldContain("Larkway:Storage:ConnectionString");
    }

    [Fact]
    public async Task A_malformed_SQLite_connection_string_is_one_line_naming_the_setting()
    {
        var (exitCode, output) = await RunQuietAsync(new() { ["Larkway__Storage__ConnectionString"] = "Data Source=x.db;Colour=blue" });

        exitCode.ShouldBe(2, string.Join('\n', output));
        WithoutProgress(output).ShouldHaveSingleItem().ShouldContain("Larkway:Storage:ConnectionString is not a valid SQLite connection string");
    }

    [Fact]
    public async Task An_unreachable_PostgreSQL_is_one_line_naming_the_server_without_the_password()
    {
        using var closed = Hold(out var port);
        closed.Stop(); // a port nothing listens on

        var (exitCode, output) = await RunQuietAsync(new()
        {
            ["Larkway__Storage__Provider"] = "Postgres",
            ["Larkway__Storage__ConnectionString"] = $"Host=127.0.0.1;Port={port};Database=larkway;Username=larkway;Password=hunter2-secret;Timeout=5",
        });

        exitCode.ShouldBe(2, string.Join('\n', output));
        var line = WithoutProgress(output).ShouldHaveSingleItem();
        line.ShouldStartWith($"larkway hub: The Hub cannot use its PostgreSQL database 127.0.0.1:{port}/larkway:");
        line.ShouldNotContain("hunter2-secret");
    }

    [Theory]
    [InlineData("127.0.0.1:8085")] // no scheme: the commonest slip
    [InlineData("notaurl")]
    public async Task A_listening_address_that_is_not_a_URL_is_one_line_naming_the_urls_setting(string urls)
    {
        var (exitCode, output) = await HubProcess.RunToExitAsync(new Dictionary<string, string> { ["LARKWAY_EMULATOR_PORT"] = "0" }, "--urls", urls);

        exitCode.ShouldBe(2, string.Join('\n', output));
        var line = WithoutProgress(output).ShouldHaveSingleItem();
        line.ShouldStartWith($"larkway hub: The Hub cannot listen on '{urls}': it is not a URL to listen on");
        line.ShouldContain("--urls");
    }

    [Fact]
    public async Task A_setting_of_the_wrong_type_is_one_line_naming_the_setting_and_the_value()
    {
        var (exitCode, output) = await RunQuietAsync(new() { ["Larkway__Outbound__AllowPrivateNetworks"] = "perhaps" });

        exitCode.ShouldBe(2, string.Join('\n', output));
        var line = WithoutProgress(output).ShouldHaveSingleItem();
        line.ShouldStartWith("larkway hub: ");
        line.ShouldContain("'perhaps' at 'Larkway:Outbound:AllowPrivateNetworks'");
        line.ShouldContain("Boolean");
    }

    [Theory]
    [InlineData("not base64!", "is not base64")]
    [InlineData("c2hvcnQ=", "must be 32 bytes (it is 5)")]
    public async Task A_key_encryption_key_that_cannot_be_one_is_one_line_saying_how_to_make_one(string key, string reason)
    {
        var (exitCode, output) = await RunQuietAsync(new() { ["Larkway__DataProtection__KeyEncryptionKey"] = key });

        exitCode.ShouldBe(2, string.Join('\n', output));
        var line = WithoutProgress(output).ShouldHaveSingleItem();
        line.ShouldStartWith($"larkway hub: Larkway:DataProtection:KeyEncryptionKey {reason}");
        line.ShouldContain("openssl rand -base64 32");
    }

    /// <summary>A sandbox start on free ports with the given settings, logging warnings and errors only (a failure must add none).</summary>
    private static Task<(int ExitCode, IReadOnlyList<string> Output)> RunQuietAsync(Dictionary<string, string> settings)
    {
        settings["LARKWAY_EMULATOR_PORT"] = "0";
        settings["Logging__LogLevel__Default"] = "Warning";
        return HubProcess.RunToExitAsync(settings, "--urls", "http://127.0.0.1:0");
    }

    /// <summary>Another program's listener on a free loopback port.</summary>
    private static TcpListener Hold(out int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        port = ((IPEndPoint)listener.LocalEndpoint).Port;
        return listener;
    }

    /// <summary>The output without the sandbox's progress lines ("Starting the sandbox's Emulator…"), which come before any failure.</summary>
    private static List<string> WithoutProgress(IEnumerable<string> output) =>
        [.. output.Where(line => !(line.EndsWith('…') && !line.Contains(':', StringComparison.Ordinal)))];
}
