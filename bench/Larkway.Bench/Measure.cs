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

    /// <summary>
    /// Times each call on its own, the two sides alternating call by call (which goes first alternates
    /// too), and returns each side's latencies in µs. A stall of the machine then hits one call of each
    /// side, not a whole round of one, and medians of single calls shrug off the few it hits.
    /// </summary>
    public static async Task<(double[] First, double[] Second)> PairedAsync(Func<Task> first, Func<Task> second, int pairs)
    {
        var a = new double[pairs];
        var b = new double[pairs];
        for (var i = 0; i < pairs; i++)
        {
            if (i % 2 == 0)
            {
                a[i] = await TimeAsync(first);
                b[i] = await TimeAsync(second);
            }
            else
            {
                b[i] = await TimeAsync(second);
                a[i] = await TimeAsync(first);
            }
        }

        return (a, b);
    }

    private static async Task<double> TimeAsync(Func<Task> call)
    {
        var started = Stopwatch.GetTimestamp();
        await call();
        return Stopwatch.GetElapsedTime(started).TotalMicroseconds;
    }
}
