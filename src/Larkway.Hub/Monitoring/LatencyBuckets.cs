using System.Globalization;

namespace Larkway.Hub.Monitoring;

/// <summary>
/// The fixed buckets the recorder counts event latencies in (upper bounds, seconds; one more bucket for anything
/// above the last). 2 s — the success metric's limit — is a bound, so "share within 2 s" is exact; the p95 is estimated
/// by linear interpolation inside its bucket.
/// </summary>
public static class LatencyBuckets
{
    /// <summary>Upper bounds in seconds, inclusive.</summary>
    public static readonly double[] Bounds = [0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10, 30, 60, 300];

    /// <summary>Number of buckets: one per bound and one above.</summary>
    public static int Count => Bounds.Length + 1;

    /// <summary>The bucket of a latency.</summary>
    public static int IndexOf(double seconds)
    {
        var bounds = Bounds;
        for (var i = 0; i < bounds.Length; i++)
        {
            if (seconds <= bounds[i])
            {
                return i;
            }
        }

        return bounds.Length;
    }

    /// <summary>How many counts fall within <paramref name="seconds"/>, which must be one of <see cref="Bounds"/>.</summary>
    public static long CountWithin(IReadOnlyList<long> counts, double seconds)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var last = Array.IndexOf(Bounds, seconds);
        if (last < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "Not a bucket bound.");
        }

        long within = 0;
        for (var i = 0; i <= last && i < counts.Count; i++)
        {
            within += counts[i];
        }

        return within;
    }

    /// <summary>
    /// The <paramref name="quantile"/> (0–1) of the counts, interpolated inside its bucket; null with no counts. A quantile
    /// in the open top bucket is reported as its lower bound (the true value is above it: see <paramref name="above"/>).
    /// </summary>
    public static double? Quantile(IReadOnlyList<long> counts, double quantile, out bool above)
    {
        ArgumentNullException.ThrowIfNull(counts);
        above = false;
        long total = 0;
        foreach (var c in counts)
        {
            total += c;
        }

        if (total == 0)
        {
            return null;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(quantile * total));
        long cumulative = 0;
        for (var i = 0; i < counts.Count; i++)
        {
            if (counts[i] == 0 || cumulative + counts[i] < rank)
            {
                cumulative += counts[i];
                continue;
            }

            var lower = i == 0 ? 0 : Bounds[i - 1];
            if (i >= Bounds.Length)
            {
                above = true;
                return lower;
            }

            var upper = Bounds[i];
            return lower + ((upper - lower) * (rank - cumulative) / counts[i]);
        }

        return null;
    }

    /// <summary>Counts as stored: comma-separated, empty when all are zero.</summary>
    public static string Format(IReadOnlyList<long> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var any = false;
        foreach (var c in counts)
        {
            any |= c != 0;
        }

        return any ? string.Join(',', counts.Select(c => c.ToString(CultureInfo.InvariantCulture))) : "";
    }

    /// <summary>Adds stored counts to <paramref name="into"/>; anything unreadable is skipped (a row of a later version with more buckets adds its known part).</summary>
    public static void AddParsed(string? stored, long[] into)
    {
        ArgumentNullException.ThrowIfNull(into);
        if (string.IsNullOrEmpty(stored))
        {
            return;
        }

        var i = 0;
        foreach (var part in stored.Split(','))
        {
            if (i >= into.Length)
            {
                break;
            }

            if (long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                into[i] += value;
            }

            i++;
        }
    }
}
