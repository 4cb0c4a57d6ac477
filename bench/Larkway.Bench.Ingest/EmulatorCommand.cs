using Larkway.Emulator.Hosting;

namespace Larkway.Bench.Ingest;

/// <summary>
/// <c>emulator</c>: runs the Emulator as its own process for the Hub's <c>FEISHU_BASE_URL</c>, prints
/// its URL on the first line, and on SIGTERM/Ctrl+C prints how many API calls it served (the ingest
/// benchmark uses an event type the bot does not answer, so that should be none or a handful).
/// </summary>
internal static class EmulatorCommand
{
    public static async Task<int> RunAsync()
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM,
            context =>
            {
                context.Cancel = true;
                stop.Cancel();
            });

        var options = new EmulatorOptions { Port = 0, EnforceRateLimits = false };
        await using var emulator = await EmulatorServer.StartAsync(options);
        Console.WriteLine(emulator.BaseUrl.ToString().TrimEnd('/'));
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }

        var calls = emulator.CallCounts;
        Console.WriteLine($"emulator: {calls.Values.Sum()} API calls served ({string.Join(", ", calls.Select(c => $"{c.Key}: {c.Value}"))})");
        return 0;
    }
}
