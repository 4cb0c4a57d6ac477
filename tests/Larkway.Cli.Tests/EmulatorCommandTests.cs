using Larkway.Cli.Infrastructure;

namespace Larkway.Cli.Tests;

/// <summary><c>larkway emulator</c> with its TLS listener and its DingTalk API host: what it prints, and a bad host name refused before anything listens.</summary>
public sealed class EmulatorCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("larkway-cli-tls-").FullName;

    [Fact]
    public async Task With_an_https_port_it_prints_where_tls_is_served_and_how_to_trust_the_kept_authority()
    {
        var printed = await RunUntilPrintedAsync(["emulator", "--port", "0", "--https-port", "0", "--tls-folder", _folder], "Debian:");

        var authority = Path.Combine(_folder, "larkway-emulator-ca.pem");
        Assert.True(File.Exists(authority));
        Assert.Matches(@"https/wss:  https://127\.0\.0\.1:\d+/", printed);
        Assert.Contains($"NODE_EXTRA_CA_CERTS={authority}", printed, StringComparison.Ordinal);
        Assert.Contains($"SSL_CERT_FILE={authority} REQUESTS_CA_BUNDLE={authority}", printed, StringComparison.Ordinal);
        Assert.Contains("update-ca-certificates", printed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_dingtalk_api_port_it_prints_the_dingtalk_api_host_and_serves_dingtalks_token_there()
    {
        using var http = new HttpClient();
        HttpResponseMessage? reply = null;
        var body = "";
        await RunUntilPrintedAsync(["emulator", "--port", "0", "--dingtalk-api-port", "0"], "app id:", async shown =>
        {
            var host = System.Text.RegularExpressions.Regex.Match(shown, @"DingTalk:   (http://127\.0\.0\.1:\d+/) \(.*endpoint 127\.0\.0\.1:\d+\)");
            Assert.True(host.Success, shown);
            reply = await http.PostAsync(new Uri(new Uri(host.Groups[1].Value), "/v1.0/oauth2/accessToken"),
                new StringContent("""{"appKey":"dinglarkwayemu000001","appSecret":"larkway-emulator-dingtalk-dev-secret-0001"}""", System.Text.Encoding.UTF8, "application/json"));
            body = await reply.Content.ReadAsStringAsync();
        });

        using var answered = reply;
        Assert.NotNull(answered);
        Assert.Equal(System.Net.HttpStatusCode.OK, answered.StatusCode);
        Assert.Contains("\"accessToken\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tls_host_that_is_no_host_name_is_refused_naming_it()
    {
        var run = await CliRun.RunAsync("emulator", "--port", "0", "--https-port", "0", "--tls-folder", _folder, "--tls-host", "not a host");

        Assert.NotEqual(ExitCodes.Success, run.ExitCode);
        Assert.Contains("'not a host' (--tls-host", run.Error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>
    /// Runs the command until it has printed <paramref name="marker"/>, does <paramref name="whileRunning"/> with what it
    /// printed, stops it as Ctrl+C does and checks it ended cleanly; returns what it printed.
    /// </summary>
    private static async Task<string> RunUntilPrintedAsync(string[] arguments, string marker, Func<string, Task>? whileRunning = null)
    {
        var output = new StringWriter();
        var shared = TextWriter.Synchronized(output);
        using var error = new StringWriter();
        var context = new CliContext(shared, error, _ => null, new StringReader(string.Empty));
        using var stop = new CancellationTokenSource();

        var run = CliApp.RunAsync(arguments, context, stop.Token);
        var printed = await PrintedAsync(shared, output, marker, run);
        if (whileRunning is not null)
        {
            await whileRunning(printed);
        }

        await stop.CancelAsync();
        Assert.Equal(ExitCodes.Success, await run);
        return printed;
    }

    /// <summary>What the command printed once <paramref name="marker"/> is in it (it keeps running until cancelled); a hang guard, not a timing check.</summary>
    private static async Task<string> PrintedAsync(TextWriter shared, StringWriter output, string marker, Task<int> run)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            string text;
            lock (shared)
            {
                text = output.ToString();
            }

            if (text.Contains(marker, StringComparison.Ordinal))
            {
                return text;
            }

            Assert.False(run.IsCompleted, "the emulator command ended early: " + text);
            await Task.Delay(50, guard.Token);
        }
    }
}
