using System.Globalization;
using Larkway.Bench.DingTalkIngest;
using Larkway.Bench.Ingest;

// The Hub's ingest of DingTalk Stream robot messages beside its ingest of Feishu webhook events: one Hub holds the Stream
// connections of a DingTalk app whose Stream server is this driver (each push timed at the socket), another takes signed
// Feishu events over HTTP (the event-ingest generator's own), both at the same offered loads, alternating round by round.
// Not a test: it prints figures for docs/benchmarks.md. bench/dingtalk-ingest.sh starts the processes and runs this.
switch (args.FirstOrDefault())
{
    case "emulator":
        return await EmulatorCommand.RunAsync(args[1..]);
    case "session-sink":
        return await SessionSink.RunAsync();
}

DingTalkIngestOptions options;
try
{
    options = DingTalkIngestOptions.Parse(args);
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync("dingtalk ingest bench: " + ex.Message);
    await Console.Error.WriteLineAsync(DingTalkIngestOptions.Usage);
    return 2;
}

return await SideBySideBenchmark.RunAsync(options);

/// <summary>Command-line options of the driver.</summary>
internal sealed record DingTalkIngestOptions
{
    public const string Usage = """
        usage: Larkway.Bench.DingTalkIngest --dingtalk-hub <url> --feishu-hub <url> --admin-key <key>
                 --encrypt-key <key> --verification-token <token> --emulator <url> --emulator-info <file> --session-sink <url>
                 [--dingtalk-pid <pid>] [--feishu-pid <pid>] [--emulator-pid <pid>] [--sink-pid <pid>] [--dingtalk-db <path>] [--feishu-db <path>]
                 [--loads 250,500,1000,2000] [--seconds 10] [--rounds 3] [--warmup-rate 1000] [--warmup-seconds 10]
                 [--group-percent 50] [--connections 64] [--markdown <file>] [--measuring-marker <file>]
               Larkway.Bench.DingTalkIngest emulator [--info <file>]
               Larkway.Bench.DingTalkIngest session-sink
        """;

    public required Uri DingTalkHub { get; init; }

    public required Uri FeishuHub { get; init; }

    /// <summary>Both Hubs' admin key.</summary>
    public required string AdminKey { get; init; }

    /// <summary>The Feishu Hub's Encrypt Key and Verification Token.</summary>
    public required string EncryptKey { get; init; }

    public required string VerificationToken { get; init; }

    /// <summary>The Emulator the Feishu Hub answers through (and where the messages its bot answers are posted first).</summary>
    public required Uri Emulator { get; init; }

    /// <summary>The file <c>emulator --info</c> wrote.</summary>
    public required string EmulatorInfo { get; init; }

    /// <summary>Where the DingTalk messages' session webhooks point (<c>session-sink</c>).</summary>
    public required Uri SessionSink { get; init; }

    public int? DingTalkPid { get; init; }

    public int? FeishuPid { get; init; }

    /// <summary>The Emulator's process: it takes the Feishu bot's replies (its CPU per message is reported beside the Hub's).</summary>
    public int? EmulatorPid { get; init; }

    /// <summary>The session sink's process: it takes the DingTalk bot's replies.</summary>
    public int? SinkPid { get; init; }

    public string? DingTalkDb { get; init; }

    public string? FeishuDb { get; init; }

    public IReadOnlyList<int> Loads { get; init; } = [250, 500, 1000, 2000];

    public double Seconds { get; init; } = 10;

    public int Rounds { get; init; } = 3;

    /// <summary>The warm-up's rate, per side.</summary>
    public int WarmupRate { get; init; } = 1000;

    /// <summary>The warm-up's length, per side (not reported).</summary>
    public double WarmupSeconds { get; init; } = 10;

    /// <summary>Share of group messages that @-mention the bot (the rest are one-to-one), on both platforms.</summary>
    public int GroupPercent { get; init; } = 50;

    /// <summary>HTTP connections to the Feishu Hub.</summary>
    public int Connections { get; init; } = 64;

    public string? Markdown { get; init; }

    /// <summary>A file written when the measured rounds start (the script starts perf on it).</summary>
    public string? MeasuringMarker { get; init; }

    public static DingTalkIngestOptions Parse(string[] args)
    {
        var parsed = new BenchArgs(args);
        string Required(string name) => parsed.Required(name);
        string? Optional(string name) => parsed.Optional(name);
        int? Int(string name) => parsed.Int(name);
        double? Double(string name) => parsed.Double(name);

        var defaults = new DingTalkIngestOptions
        {
            DingTalkHub = new Uri(Required("dingtalk-hub")),
            FeishuHub = new Uri(Required("feishu-hub")),
            AdminKey = Required("admin-key"),
            EncryptKey = Required("encrypt-key"),
            VerificationToken = Required("verification-token"),
            Emulator = new Uri(Required("emulator")),
            EmulatorInfo = Required("emulator-info"),
            SessionSink = new Uri(Required("session-sink")),
        };
        var options = defaults with
        {
            DingTalkPid = Int("dingtalk-pid"),
            FeishuPid = Int("feishu-pid"),
            EmulatorPid = Int("emulator-pid"),
            SinkPid = Int("sink-pid"),
            DingTalkDb = Optional("dingtalk-db"),
            FeishuDb = Optional("feishu-db"),
            Loads = Optional("loads") is { } loads
                ? [.. loads.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => int.Parse(l, CultureInfo.InvariantCulture))]
                : defaults.Loads,
            Seconds = Double("seconds") ?? defaults.Seconds,
            Rounds = Int("rounds") ?? defaults.Rounds,
            WarmupRate = Int("warmup-rate") ?? defaults.WarmupRate,
            WarmupSeconds = Double("warmup-seconds") ?? defaults.WarmupSeconds,
            GroupPercent = Int("group-percent") ?? defaults.GroupPercent,
            Connections = Int("connections") ?? defaults.Connections,
            Markdown = Optional("markdown"),
            MeasuringMarker = Optional("measuring-marker"),
        };
        if (options.GroupPercent is < 0 or > 100 || options.Rounds < 1 || options.Seconds <= 0 || options.Loads.Count == 0 || options.Loads.Any(l => l <= 0))
        {
            throw new ArgumentException("--group-percent is 0–100; --rounds, --seconds and each of --loads must be positive");
        }

        return options;
    }
}
