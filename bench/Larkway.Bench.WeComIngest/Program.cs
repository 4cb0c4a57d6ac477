using System.Globalization;
using Larkway.Bench.DingTalkIngest;
using Larkway.Bench.Ingest;
using Larkway.Bench.WeComIngest;

// The Hub's ingest of WeCom callbacks beside its ingest of DingTalk Stream messages and Feishu webhook events: three Hubs
// started alike, one per platform, at the same offered loads, taking turns round by round in one run, so each figure has
// its neighbours from the same minutes of the same (shared, noisy) machine. Not a test: it prints figures for
// docs/benchmarks.md. bench/wecom-ingest.sh starts the processes and runs this.
switch (args.FirstOrDefault())
{
    case "emulator":
        return await EmulatorCommand.RunAsync(args[1..]);
    case "session-sink":
        return await SessionSink.RunAsync();
    case "wecom-sink":
        return await WeComApiSink.RunAsync(args[1..]);
}

WeComIngestOptions options;
try
{
    options = WeComIngestOptions.Parse(args);
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync("wecom ingest bench: " + ex.Message);
    await Console.Error.WriteLineAsync(WeComIngestOptions.Usage);
    return 2;
}

return await ThreeWayBenchmark.RunAsync(options);

/// <summary>Command-line options of the driver.</summary>
internal sealed record WeComIngestOptions
{
    public const string Usage = """
        usage: Larkway.Bench.WeComIngest --wecom-hub <url> --dingtalk-hub <url> --feishu-hub <url> --admin-key <key>
                 --encrypt-key <key> --verification-token <token> --emulator <url> --emulator-info <file> --session-sink <url>
                 --wecom-sink <url> --wecom-corp-id <id> --wecom-secret <secret> --wecom-token <token> --wecom-aes-key <43 chars>
                 [--wecom-pid <pid>] [--dingtalk-pid <pid>] [--feishu-pid <pid>] [--emulator-pid <pid>] [--sink-pid <pid>] [--wecom-sink-pid <pid>]
                 [--wecom-db <path>] [--dingtalk-db <path>] [--feishu-db <path>]
                 [--loads 250,500,1000,2000] [--seconds 10] [--rounds 3] [--warmup-rate 1000] [--warmup-seconds 10]
                 [--group-percent 50] [--retry-percent 5] [--connections 64] [--markdown <file>] [--measuring-marker <file>]
               Larkway.Bench.WeComIngest emulator [--info <file>]
               Larkway.Bench.WeComIngest session-sink
               Larkway.Bench.WeComIngest wecom-sink --corp-id <id> --secret <secret>
        """;

    public required Uri WeComHub { get; init; }

    public required Uri DingTalkHub { get; init; }

    public required Uri FeishuHub { get; init; }

    /// <summary>The three Hubs' admin key.</summary>
    public required string AdminKey { get; init; }

    /// <summary>The Feishu Hub's Encrypt Key and Verification Token.</summary>
    public required string EncryptKey { get; init; }

    public required string VerificationToken { get; init; }

    /// <summary>The Emulator the Feishu Hub answers through.</summary>
    public required Uri Emulator { get; init; }

    /// <summary>The file <c>emulator --info</c> wrote.</summary>
    public required string EmulatorInfo { get; init; }

    /// <summary>Where the DingTalk messages' session webhooks point (<c>session-sink</c>).</summary>
    public required Uri SessionSink { get; init; }

    /// <summary>The WeCom app's server API (<c>wecom-sink</c>), where its bot's answers go.</summary>
    public required Uri WeComSink { get; init; }

    /// <summary>The WeCom app: corp id, Secret, callback Token and EncodingAESKey (the sink was started with the first two).</summary>
    public required string WeComCorpId { get; init; }

    public required string WeComSecret { get; init; }

    public required string WeComToken { get; init; }

    public required string WeComAesKey { get; init; }

    public int? WeComPid { get; init; }

    public int? DingTalkPid { get; init; }

    public int? FeishuPid { get; init; }

    public int? EmulatorPid { get; init; }

    public int? SinkPid { get; init; }

    public int? WeComSinkPid { get; init; }

    public string? WeComDb { get; init; }

    public string? DingTalkDb { get; init; }

    public string? FeishuDb { get; init; }

    public IReadOnlyList<int> Loads { get; init; } = [250, 500, 1000, 2000];

    public double Seconds { get; init; } = 10;

    public int Rounds { get; init; } = 3;

    public int WarmupRate { get; init; } = 1000;

    public double WarmupSeconds { get; init; } = 10;

    /// <summary>Share of group messages that @-mention the bot on Feishu and DingTalk (a WeCom app's messages are all one-to-one).</summary>
    public int GroupPercent { get; init; } = 50;

    /// <summary>Share of the WeCom requests that are retries of a message sent earlier in the run.</summary>
    public int RetryPercent { get; init; } = 5;

    /// <summary>HTTP connections to each HTTP Hub.</summary>
    public int Connections { get; init; } = 64;

    public string? Markdown { get; init; }

    public string? MeasuringMarker { get; init; }

    public static WeComIngestOptions Parse(string[] args)
    {
        var parsed = new BenchArgs(args);
        string Required(string name) => parsed.Required(name);
        string? Optional(string name) => parsed.Optional(name);
        int? Int(string name) => parsed.Int(name);
        double? Double(string name) => parsed.Double(name);

        var defaults = new WeComIngestOptions
        {
            WeComHub = new Uri(Required("wecom-hub")),
            DingTalkHub = new Uri(Required("dingtalk-hub")),
            FeishuHub = new Uri(Required("feishu-hub")),
            AdminKey = Required("admin-key"),
            EncryptKey = Required("encrypt-key"),
            VerificationToken = Required("verification-token"),
            Emulator = new Uri(Required("emulator")),
            EmulatorInfo = Required("emulator-info"),
            SessionSink = new Uri(Required("session-sink")),
            WeComSink = new Uri(Required("wecom-sink")),
            WeComCorpId = Required("wecom-corp-id"),
            WeComSecret = Required("wecom-secret"),
            WeComToken = Required("wecom-token"),
            WeComAesKey = Required("wecom-aes-key"),
        };
        var options = defaults with
        {
            WeComPid = Int("wecom-pid"),
            DingTalkPid = Int("dingtalk-pid"),
            FeishuPid = Int("feishu-pid"),
            EmulatorPid = Int("emulator-pid"),
            SinkPid = Int("sink-pid"),
            WeComSinkPid = Int("wecom-sink-pid"),
            WeComDb = Optional("wecom-db"),
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
            RetryPercent = Int("retry-percent") ?? defaults.RetryPercent,
            Connections = Int("connections") ?? defaults.Connections,
            Markdown = Optional("markdown"),
            MeasuringMarker = Optional("measuring-marker"),
        };
        if (options.GroupPercent is < 0 or > 100 || options.RetryPercent is < 0 or > 50 || options.Rounds < 1 || options.Seconds <= 0 || options.Loads.Count == 0 || options.Loads.Any(l => l <= 0))
        {
            throw new ArgumentException("--group-percent is 0–100, --retry-percent 0–50; --rounds, --seconds and each of --loads must be positive");
        }

        if (options.WeComAesKey.Length != 43)
        {
            throw new ArgumentException("--wecom-aes-key is an EncodingAESKey: 43 letters and digits");
        }

        return options;
    }
}
