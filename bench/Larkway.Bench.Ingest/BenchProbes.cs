using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Larkway.Bench.Ingest;

/// <summary>What the ingest benchmarks read of the machine and of the server processes they measure (Linux /proc).</summary>
internal static class ProcessProbe
{
    /// <summary>The 1, 5 and 15 minute load averages.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    /// <summary>User + system CPU seconds a process has used so far, NaN when unknown.</summary>
    public static double CpuSeconds(int? pid)
    {
        var path = $"/proc/{pid}/stat";
        if (pid is null || !File.Exists(path))
        {
            return double.NaN;
        }

        // Fields after the command name (which is in parentheses and may hold spaces): utime and stime are 14 and 15.
        var stat = File.ReadAllText(path);
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / 100.0;
    }

    /// <summary>A process's peak resident memory (VmHWM), e.g. "166 MiB"; null when unknown.</summary>
    public static string? PeakRss(int? pid)
    {
        if (pid is null || !File.Exists($"/proc/{pid}/status"))
        {
            return null;
        }

        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? null : (long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024).ToString("N0", CultureInfo.InvariantCulture) + " MiB";
    }
}

/// <summary>What the Emulator counted.</summary>
internal static class EmulatorProbe
{
    /// <summary>Replies the Emulator has answered so far (its call counter); -1 when it cannot be asked.</summary>
    public static async Task<long> RepliesAsync(HttpClient http, Uri? emulator)
    {
        if (emulator is null)
        {
            return -1;
        }

        try
        {
            using var json = JsonDocument.Parse(await http.GetStringAsync(new Uri(emulator, "/_emulator/calls")));
            return json.RootElement.GetProperty("data").GetProperty("items").EnumerateArray()
                .Where(i => i.GetProperty("endpoint").GetString()!.EndsWith("/reply", StringComparison.Ordinal))
                .Sum(i => i.GetProperty("count").GetInt64());
        }
        catch (HttpRequestException)
        {
            return -1;
        }
    }
}

/// <summary>The statistics the tables print.</summary>
internal static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>The nearest-rank percentile of sorted values; NaN for none.</summary>
    public static double Percentile(double[] sorted, double p)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}

/// <summary>A Hub's inbox through its admin API: what is left to handle, and the stored events' dedup keys.</summary>
internal sealed class HubInbox(HttpClient http, Uri hub, string? adminKey)
{
    /// <summary>
    /// Waits until the inbox has nothing pending or in progress, at most two minutes; null when the Hub has no admin API
    /// (no inbox: it dispatched before the ack).
    /// </summary>
    public async Task<TimeSpan?> DrainAsync()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (started.Elapsed < TimeSpan.FromMinutes(2))
        {
            var pending = await CountAsync("pending");
            var inProgress = await CountAsync("in_progress");
            if (pending is null || inProgress is null)
            {
                return null;
            }

            if (pending == 0 && inProgress == 0)
            {
                return started.Elapsed;
            }

            await Task.Delay(100);
        }

        await Console.Error.WriteLineAsync($"the inbox of the Hub at {hub} still had work after 2 minutes; going on");
        return started.Elapsed;
    }

    /// <summary>How many events have <paramref name="status"/> (and <paramref name="type"/>, when given); null when the API refuses.</summary>
    public async Task<long?> CountAsync(string? status, string? type = null)
    {
        var query = "/api/v1/events?limit=1" + (status is null ? "" : "&status=" + status) + (type is null ? "" : "&type=" + Uri.EscapeDataString(type));

        // A pooled connection can be reset under us after an overload; ask again before giving up.
        using var response = await SendWithRetryAsync(new Uri(hub, query), attempts: 5);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.TryGetProperty("total", out var total) ? total.GetInt64() : null;
    }

    /// <summary>Every listed event's dedup key, page by page; null with the status when the API refuses.</summary>
    public async Task<(List<string>? Keys, long Total, int Status)> DedupKeysAsync()
    {
        var keys = new List<string>();
        long total = 0;
        string? before = null;
        do
        {
            using var response = await SendWithRetryAsync(new Uri(hub, "/api/v1/events?limit=1000" + (before is null ? "" : "&before=" + before)), attempts: 3);
            if (!response.IsSuccessStatusCode)
            {
                return (null, 0, (int)response.StatusCode);
            }

            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            total = json.RootElement.GetProperty("total").GetInt64();
            foreach (var item in json.RootElement.GetProperty("items").EnumerateArray())
            {
                if (item.TryGetProperty("dedup_key", out var key) && key.GetString() is { } k)
                {
                    keys.Add(k);
                }
            }

            var next = json.RootElement.GetProperty("next");
            // The cursor is opaque (a string today, a number in older Hubs): passed back as it came.
            before = next.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String => Uri.EscapeDataString(next.GetString()!),
                _ => next.GetInt64().ToString(CultureInfo.InvariantCulture),
            };
        }
        while (before is not null);

        return (keys, total, 200);
    }

    private async Task<HttpResponseMessage> SendWithRetryAsync(Uri uri, int attempts)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            if (adminKey is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
            }

            try
            {
                return await http.SendAsync(request);
            }
            catch (HttpRequestException) when (attempt < attempts)
            {
                // A pooled connection reset after an overload: again on a fresh one.
                await Task.Delay(200);
            }
        }
    }
}

/// <summary>Reads a Hub's SQLite file with the <c>sqlite3</c> CLI (read-only), so the check needs no database code of the Hub's.</summary>
internal static class Sqlite3
{
    /// <summary>The rows of <paramref name="sql"/>, one string each; null when there is no sqlite3 CLI or the query fails.</summary>
    public static async Task<List<string>?> QueryAsync(string path, string sql)
    {
        try
        {
            var start = new System.Diagnostics.ProcessStartInfo("sqlite3")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add("-readonly");
            start.ArgumentList.Add(path);
            start.ArgumentList.Add(sql);
            using var process = System.Diagnostics.Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                await Console.Error.WriteLineAsync("sqlite3: " + (await error).Trim());
                return null;
            }

            return (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
