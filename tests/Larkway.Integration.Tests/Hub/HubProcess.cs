using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Larkway.Integration.Tests.Infrastructure;

namespace Larkway.Integration.Tests.Hub;

/// <summary>The Hub as a separate OS process, so a test can kill it outright (SIGKILL) and start it again on the same database.</summary>
internal sealed partial class HubProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly string _secretsFolder;

    private HubProcess(Process process, string secretsFile, string secretsFolder)
    {
        _process = process;
        SecretsFile = secretsFile;
        _secretsFolder = secretsFolder;
    }

    /// <summary>
    /// Where the Hub writes the secrets it generates on a first start: its stdout is redirected here, so it is no terminal.
    /// A fresh temporary file unless the environment names one.
    /// </summary>
    public string SecretsFile { get; }

    /// <summary>Where the Hub listens, as its start banner names it.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>What the process wrote to stdout and stderr so far, a line each.</summary>
    public IReadOnlyList<string> Output => [.. _output];

    public bool HasExited => _process.HasExited;

    public int ProcessId => _process.Id;

    public int ExitCode => _process.ExitCode;

    /// <summary>The process's resident set size in bytes (VmRSS from /proc).</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException("no VmRSS in /proc status");
    }

    /// <summary>
    /// Starts the Hub; <paramref name="workingDirectory"/> holds its <c>./data</c> (default: the test's output folder).
    /// It binds a port of the OS's choice and the test reads it from the start banner: a port picked free beforehand can
    /// be taken by another test's server before the Hub binds it, and that server then answers the test's requests.
    /// </summary>
    public static async Task<HubProcess> StartAsync(IReadOnlyDictionary<string, string> environment, string? workingDirectory = null)
    {
        var info = HubStartInfo(workingDirectory ?? AppContext.BaseDirectory, []);
        info.Environment["urls"] = "http://127.0.0.1:0";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        var secretsFolder = Directory.CreateTempSubdirectory("larkway-secrets-").FullName;
        info.Environment["Larkway__Bootstrap__SecretsFile"] = Path.Combine(secretsFolder, "first-start-secrets.txt");
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the Hub");
        var hub = new HubProcess(process, info.Environment["Larkway__Bootstrap__SecretsFile"]!, secretsFolder);
        process.OutputDataReceived += (_, e) => hub.Record(e.Data);
        process.ErrorDataReceived += (_, e) => hub.Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await WaitUntilAnsweringAsync(hub, process);
        }
        catch
        {
            // A start that never answered is not left running (it would hold its ports and a core after the test).
            await hub.DisposeAsync();
            throw;
        }

        return hub;
    }

    private static async Task WaitUntilAnsweringAsync(HubProcess hub, Process process)
    {
        await HubSandbox.WaitUntilAsync(() =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the Hub exited with code {process.ExitCode}:\n" + string.Join('\n', hub.Output.TakeLast(20)));
            }

            var listening = hub.Output.Select(l => ListeningOn().Match(l)).FirstOrDefault(m => m.Success);
            if (listening is not null)
            {
                hub.BaseUrl = new Uri(listening.Groups[1].Value);
            }

            return listening is not null;
        }, "the Hub process's start banner (\"Larkway Hub listening on …\")", seconds: 60);

        using var http = new HttpClient { BaseAddress = hub.BaseUrl, Timeout = TimeSpan.FromSeconds(2) };
        await HubSandbox.WaitUntilAsync(() =>
        {
            try
            {
                using var response = http.GetAsync("/healthz").GetAwaiter().GetResult();
                return response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
            catch (TaskCanceledException)
            {
                return false;
            }
        }, "the Hub process to answer /healthz", seconds: 60);
    }

    /// <summary>
    /// The environment of a Hub process against <paramref name="emulator"/>: the Emulator's Feishu app in webhook mode (the
    /// sandbox's external encrypt key and verification token), <paramref name="adminKey"/>, and the storage settings.
    /// </summary>
    public static Dictionary<string, string> AgainstEmulator(Larkway.Emulator.Hosting.EmulatorServer emulator, IReadOnlyDictionary<string, string> storage, string adminKey) => new(storage)
    {
        ["FEISHU_APP_ID"] = emulator.State.Apps[0].AppId,
        ["FEISHU_APP_SECRET"] = emulator.State.Apps[0].AppSecret,
        ["FEISHU_BASE_URL"] = emulator.BaseUrl.ToString(),
        ["FEISHU_EVENT_MODE"] = "webhook",
        ["FEISHU_ENCRYPT_KEY"] = HubSandbox.ExternalEncryptKey,
        ["FEISHU_VERIFICATION_TOKEN"] = HubSandbox.ExternalVerificationToken,
        ["LARKWAY_ADMIN_KEY"] = adminKey,
    };

    /// <summary>Runs the Hub with <paramref name="arguments"/> until it exits on its own (a start that must fail); its exit code and output lines.</summary>
    public static async Task<(int ExitCode, IReadOnlyList<string> Output)> RunToExitAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var info = HubStartInfo(Directory.CreateTempSubdirectory("larkway-hub-run-").FullName, arguments);
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the Hub");
        var output = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("the Hub did not exit within 60 s; output:\n" + string.Join('\n', output));
        }

        process.WaitForExit(); // drains the output readers
        return (process.ExitCode, [.. output]);
    }

    /// <summary>SIGTERM, as systemd and Ctrl+C stop it, and the exit code once it has stopped.</summary>
    public async Task<int> StopAsync(int seconds = 30)
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, no lease release.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        TemporaryFolder.Delete(_secretsFolder);
    }

    private void Record(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    /// <summary><c>dotnet Larkway.Hub.dll</c> with <paramref name="arguments"/>, its output redirected.</summary>
    private static ProcessStartInfo HubStartInfo(string workingDirectory, string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Larkway.Hub.dll"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    /// <summary>The banner's first line, plain or inside a JSON log event.</summary>
    [GeneratedRegex(@"Larkway Hub listening on (https?://[^\s/""]+)")]
    private static partial Regex ListeningOn();
}
