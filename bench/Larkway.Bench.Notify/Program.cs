using System.Globalization;
using Larkway.Bench.Notify;

// Notification benchmark: the Emulator (rate limits ON) runs in this process, the Hub as a child process pointed at
// it; rounds of notifications go in through the Hub's REST API and the driver watches them arrive in the Emulator.
// Not a test: it prints figures for docs/benchmarks.md ("Notifications"). bench/notify.sh builds and runs it.
NotifyOptions options;
try
{
    options = NotifyOptions.Parse(args);
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync("notify bench: " + ex.Message);
    await Console.Error.WriteLineAsync(NotifyOptions.Usage);
    return 2;
}

return await NotifyBenchmark.RunAsync(options);

/// <summary>Command-line options of the driver.</summary>
internal sealed record NotifyOptions
{
    public const string Usage = """
        usage: Larkway.Bench.Notify --hub-dll <path to Larkway.Hub.dll>
                 [--rounds 300,1200] [--users 500] [--concurrency 16] [--markdown <path>] [--work <dir>]
                 [--no-align] (do not wait for a fresh minute of the Emulator's 1,000/min window before a round)
        """;

    public required string HubDll { get; init; }

    /// <summary>Notifications per round.</summary>
    public IReadOnlyList<int> Rounds { get; init; } = [300, 1200];

    /// <summary>People in the tenant (recipients are drawn from them).</summary>
    public int Users { get; init; } = 500;

    /// <summary>Notifications posted at once.</summary>
    public int Concurrency { get; init; } = 16;

    public string? Markdown { get; init; }

    public string? Work { get; init; }

    public bool Align { get; init; } = true;

    public static NotifyOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument '{args[i]}'");
            }

            if (args[i] == "--no-align")
            {
                flags.Add("no-align");
                continue;
            }

            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{args[i]} needs a value");
            }

            values[args[i][2..]] = args[++i];
        }

        int Int(string name, int fallback) => values.TryGetValue(name, out var v)
            ? int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"--{name} must be a positive whole number")
            : fallback;

        return new NotifyOptions
        {
            HubDll = values.TryGetValue("hub-dll", out var dll) ? dll : throw new ArgumentException("--hub-dll is required"),
            Rounds = values.TryGetValue("rounds", out var rounds)
                ? [.. rounds.Split(',').Select(r => int.TryParse(r, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException("--rounds is a comma-separated list of positive counts"))]
                : [300, 1200],
            Users = Int("users", 500),
            Concurrency = Int("concurrency", 16),
            Markdown = values.GetValueOrDefault("markdown"),
            Work = values.GetValueOrDefault("work"),
            Align = !flags.Contains("no-align"),
        };
    }
}
