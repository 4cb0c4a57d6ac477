using System.Globalization;
using Larkway.Bench.Ingest;

// Event-ingest benchmark: an open-loop load generator that sends signed + encrypted v2 events to
// the Hub's webhook endpoint and to the node-sdk's EventDispatcher behind Node's http server, the
// two interleaved round by round at each offered load. Not a test: it prints figures for
// docs/benchmarks.md. bench/ingest.sh starts the servers and runs this; see docs/benchmarks.md.
if (args.Length > 0 && args[0] == "emulator")
{
    return await EmulatorCommand.RunAsync(args[1..]);
}

IngestOptions options;
try
{
    options = IngestOptions.Parse(args);
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync("ingest bench: " + ex.Message);
    await Console.Error.WriteLineAsync(IngestOptions.Usage);
    return 2;
}

return await IngestBenchmark.RunAsync(options);

/// <summary>Command-line options of the generator.</summary>
internal sealed record IngestOptions
{
    public const string Usage = """
        usage: Larkway.Bench.Ingest --hub <url> --node <url> --encrypt-key <key> --verification-token <token>
                 [--loads 250,500,1000,2000] [--seconds 5] [--rounds 5] [--connections 64] [--warmup 2000]
                 [--admin-key <key>] [--hub-db <path>] [--hub-pid <pid>] [--node-pid <pid>]
                 [--event-type im.message.reaction.created_v1] [--markdown <file>]
                 [--mode open|closed|both] [--clients 64] [--closed-start-rate 3000] [--warmup-seconds 20]
                 [--mix group=60,mention=15,p2p=15,reaction=10] [--emulator <url>] [--emulator-info <file>]
               Larkway.Bench.Ingest emulator [--info <file>]
        """;

    public required Uri Hub { get; init; }

    public required Uri Node { get; init; }

    public required string EncryptKey { get; init; }

    public required string VerificationToken { get; init; }

    public IReadOnlyList<int> Loads { get; init; } = [250, 500, 1000, 2000];

    public double Seconds { get; init; } = 5;

    public int Rounds { get; init; } = 5;

    public int Connections { get; init; } = 64;

    public int Warmup { get; init; } = 2000;

    public string? AdminKey { get; init; }

    public string? HubDb { get; init; }

    public int? HubPid { get; init; }

    public int? NodePid { get; init; }

    public string EventType { get; init; } = BenchDefaults.EventType;

    public string? Markdown { get; init; }

    /// <summary>open (the offered loads), closed (fixed connections, as fast as answers come back), or both.</summary>
    public string Mode { get; init; } = "open";

    /// <summary>Closed loop: connections per target, each sending its next event when the answer arrives.</summary>
    public int Clients { get; init; } = 64;

    /// <summary>Closed loop: events/s to prepare for in the first round (later rounds prepare for what the target reached).</summary>
    public double ClosedStartRate { get; init; } = 3000;

    /// <summary>The mix of events (see <see cref="EventMix"/>); null sends <see cref="EventType"/> only, as before.</summary>
    public string? Mix { get; init; }

    /// <summary>The Emulator both servers call (posting the messages the bots answer; counting replies).</summary>
    public Uri? Emulator { get; init; }

    /// <summary>The file <c>emulator --info</c> wrote.</summary>
    public string? EmulatorInfo { get; init; }

    /// <summary>After the open-loop warm-up, this long closed loop per target (not reported), so the rounds meet warm processes.</summary>
    public double WarmupSeconds { get; init; } = 20;

    /// <summary>A file written when the measured rounds start (bench/ingest.sh starts perf on it).</summary>
    public string? MeasuringMarker { get; init; }

    public static IngestOptions Parse(string[] args)
    {
        var parsed = new BenchArgs(args);
        string Required(string name) => parsed.Required(name);
        string? Optional(string name) => parsed.Optional(name);
        int? Int(string name) => parsed.Int(name);

        var options = new IngestOptions
        {
            Hub = new Uri(Required("hub")),
            Node = new Uri(Required("node")),
            EncryptKey = Required("encrypt-key"),
            VerificationToken = Required("verification-token"),
            AdminKey = Optional("admin-key"),
            HubDb = Optional("hub-db"),
            HubPid = Int("hub-pid"),
            NodePid = Int("node-pid"),
            Markdown = Optional("markdown"),
            Mix = Optional("mix"),
            Emulator = Optional("emulator") is { } emulator ? new Uri(emulator) : null,
            EmulatorInfo = Optional("emulator-info"),
            MeasuringMarker = Optional("measuring-marker"),
        };
        if (Optional("loads") is { } loads)
        {
            options = options with { Loads = loads.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToArray() };
        }

        return options with
        {
            Seconds = Optional("seconds") is { } s ? double.Parse(s, CultureInfo.InvariantCulture) : options.Seconds,
            Rounds = Int("rounds") ?? options.Rounds,
            Connections = Int("connections") ?? options.Connections,
            Warmup = Int("warmup") ?? options.Warmup,
            EventType = Optional("event-type") ?? options.EventType,
            Mode = Optional("mode") is { } mode ? (mode is "open" or "closed" or "both" ? mode : throw new ArgumentException("--mode is open, closed or both")) : options.Mode,
            Clients = Int("clients") ?? options.Clients,
            WarmupSeconds = Optional("warmup-seconds") is { } ws ? double.Parse(ws, CultureInfo.InvariantCulture) : options.WarmupSeconds,
            ClosedStartRate = Optional("closed-start-rate") is { } rate ? double.Parse(rate, CultureInfo.InvariantCulture) : options.ClosedStartRate,
        };
    }
}
