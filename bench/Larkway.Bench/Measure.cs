using System.Diagnostics;

namespace Larkway.Bench;

/// <summary>Times a batch of sequential calls and counts what they allocate.</summary>
internal static class Measure
{
    public sealed record Sample(double MicrosPerCall, double BytesPerCall);

    public static async Task WarmUpAsync(Func<Task> call, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await call();
        }
    }

    public static async Task<Sample> RunAsync(Func<Task> call, int count)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            await call();
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        return new Sample(elapsed.TotalMicroseconds / count, (double)allocated / count);
    }
}
