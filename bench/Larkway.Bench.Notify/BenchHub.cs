using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Larkway.Emulator.Hosting;

namespace Larkway.Bench;

/// <summary>
/// The Hub a benchmark measures: a child process (the published build) in webhook mode against the driver's Emulator,
/// SQLite in the work folder, its output in <c>hub.log</c> there. Shared by the notification and directory benchmarks.
/// </summary>
internal static class BenchHub
{
    /// <summary>Starts the Hub; <paramref name="settings"/> add to or override its environment (an empty value removes one).</summary>
    public static Process Start(string dll, EmulatorServer emulator, string work, string adminKey, IReadOnlyDictionary<string, string> settings, out Uri url)
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        url = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        var app = emulator.State.Apps[0];
        var secret = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        foreach (var (name, value) in new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = url.ToString(),
            ["FEISHU_APP_ID"] = app.AppId,
            ["FEISHU_APP_SECRET"] = app.AppSecret,
            ["FEISHU_BASE_URL"] = emulator.BaseUrl.ToString(),
            ["FEISHU_EVENT_MODE"] = "webhook",
            ["FEISHU_ENCRYPT_KEY"] = secret,
            ["FEISHU_VERIFICATION_TOKEN"] = secret,
            ["LARKWAY_ADMIN_KEY"] = adminKey,
            ["Larkway__Storage__ConnectionString"] = $"Data Source={Path.Combine(work, "larkway.db")}",
            ["Logging__LogLevel__Default"] = "Warning",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        }.Concat(settings))
        {
            if (value.Length == 0)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the Hub");
        var log = new StreamWriter(Path.Combine(work, "hub.log"), append: true) { AutoFlush = true };
        var gate = new Lock();
        void Write(string? line)
        {
            if (line is not null)
            {
                lock (gate)
                {
                    log.WriteLine(line);
                }
            }
        }

        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>The Hub goes with the driver, however the driver ends.</summary>
    public static void Stop(Process hub)
    {
        if (!hub.HasExited)
        {
            hub.Kill(entireProcessTree: true);
        }
    }

    /// <summary>Waits until <c>/healthz</c> answers (60 s at most), failing at once when the Hub exited.</summary>
    public static async Task WaitHealthyAsync(HttpClient http, Process hub)
    {
        for (var i = 0; i < 300; i++)
        {
            if (hub.HasExited)
            {
                throw new InvalidOperationException($"the Hub exited with code {hub.ExitCode}; see hub.log");
            }

            try
            {
                using var response = await http.GetAsync("/healthz");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("the Hub did not answer /healthz within 60 s");
    }
}

/// <summary>A process's resident memory from /proc/PID/status, in MB (and its CPU time from /proc/PID/stat).</summary>
internal readonly record struct Memory(double RssMb, double HwmMb)
{
    /// <summary>User + system CPU seconds the process has used (clock ticks of 1/100 s).</summary>
    public static double CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public static Memory Read(int pid)
    {
        try
        {
            double Field(string[] lines, string name) => lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal)) is { } line
                ? double.Parse(line[name.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024
                : 0;
            var status = File.ReadAllLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status");
            return new Memory(Field(status, "VmRSS:"), Field(status, "VmHWM:"));
        }
        catch (IOException)
        {
            return default;
        }
    }
}
