using Larkway.Cli.Infrastructure;

namespace Larkway.Cli.Tests;

/// <summary><c>larkway emulator</c> with its TLS listener: what it prints, and a bad host name refused before anything listens.</summary>
public sealed class EmulatorCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("larkway-cli-tls-").FullName;

    [Fact]
    public async Task With_an_https_port_it_prints_where_tls_is_served_and_how_to_trust_the_kept_authority()
    {
        var output = new StringWriter();
        var shared = TextWriter.Synchronized(output);
        using var error = new StringWriter();
        var context = new CliContext(shared, error, _ => null, new StringReader(string.Empty));
        using var stop = new CancellationTokenSource();

        var run = CliApp.RunAsync(["emulator", "--port", "0", "--https-port", "0", "--tls-folder", _folder], context, stop.Token);
        var printed = await PrintedAsync(shared, output, "Debian:", run);
        await stop.CancelAsync();
        Assert.Equal(ExitCodes.Success, await run);

        var authority = Path.Combine(_folder, "larkway-emulator-ca.pem");
        Assert.True(File.Exists(authority));
        Assert.Matches(@"https/wss:  https://127\.0\.0\.1:\d+/", printed);
        Assert.Contains($"NODE_EXTRA_CA_CERTS={authority}", printed, StringComparison.Ordinal);
        Assert.Contains($"SSL_CERT_FILE={authority} REQUESTS_CA_BUNDLE={authority}", printed, StringComparison.Ordinal);
        Assert.Contains("update-ca-certificates", printed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tls_host_that_is_no_host_name_is_refused_naming_it()
    {
        var run = await CliRun.RunAsync("emulator", "--port", "0", "--https-port", "0", "--tls-folder", _folder, "--tls-host", "not a host");

        Assert.NotEqual(ExitCodes.Success, run.ExitCode);
        Assert.Contains("'not a host' (--tls-host", run.Error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

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
