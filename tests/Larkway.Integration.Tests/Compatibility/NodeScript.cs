using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;

namespace Larkway.Integration.Tests.Compatibility;

/// <summary>
/// A node script that runs while the test drives the Emulator: its stdout JSON lines are read as they
/// come. Disposing kills the process (only this one, by its handle) if it is still running.
/// </summary>
internal sealed class NodeScript : IAsyncDisposable
{
    /// <summary>A hang guard only; nothing asserts on time.</summary>
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly Channel<JsonElement> _lines = Channel.CreateUnbounded<JsonElement>();
    private readonly Task<string> _error;
    private readonly Task _reader;

    private NodeScript(Process process)
    {
        _process = process;
        _error = process.StandardError.ReadToEndAsync();
        _reader = Task.Run(ReadAsync);
    }

    public static NodeScript Start(string workingDirectory, string script, params string[] arguments) =>
        StartWith(new Dictionary<string, string>(), workingDirectory, script, arguments);

    /// <summary>Starts the script with <paramref name="environment"/> added to this process's (e.g. NODE_EXTRA_CA_CERTS).</summary>
    public static NodeScript StartWith(IReadOnlyDictionary<string, string> environment, string workingDirectory, string script, params string[] arguments)
    {
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        info.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return new NodeScript(Process.Start(info) ?? throw new InvalidOperationException("could not start node"));
    }

    /// <summary>The next line that has <paramref name="property"/>; fails on an "error" line or when the script ends.</summary>
    public async Task<JsonElement> NextAsync(string property)
    {
        using var guard = new CancellationTokenSource(Guard);
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(guard.Token);
                if (line.TryGetProperty("error", out var error))
                {
                    throw new InvalidOperationException($"the node script failed: {error}; stderr: {await StderrSoFarAsync()}");
                }

                if (line.TryGetProperty(property, out var value))
                {
                    return value;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            throw new TimeoutException($"the node script printed no '{property}' line; stderr: {await StderrSoFarAsync()}", e);
        }
    }

    public async Task<int> ExitCodeAsync()
    {
        using var guard = new CancellationTokenSource(Guard);
        await _process.WaitForExitAsync(guard.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        await _reader;
        _process.Dispose();
    }

    private async Task<string> StderrSoFarAsync() =>
        _process.HasExited ? await _error : "(still running)";

    private async Task ReadAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            // The SDK may log; only our own one-object JSON lines count.
            if (line.StartsWith('{'))
            {
                try
                {
                    using var document = JsonDocument.Parse(line);
                    _lines.Writer.TryWrite(document.RootElement.Clone());
                }
                catch (JsonException)
                {
                    // not one of ours
                }
            }
        }

        _lines.Writer.TryComplete();
    }
}
