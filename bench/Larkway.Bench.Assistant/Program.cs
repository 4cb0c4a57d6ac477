using System.Globalization;
using Larkway.Bench.Assistant;

// Assistant streaming benchmark: the Emulator (its rate limits and CardKit's 10 operations a second per card ON, its fake
// Dify as the backend) runs in this process, the Hub as a child process in webhook mode pointed at it. N people ask one
// question each at once; the driver reads every answer card's CardKit operations back from the Emulator. Then the first
// token through the Hub against the same question streamed straight from the fake Dify. Not a test: it prints figures for
// docs/benchmarks.md ("Assistant streaming"). bench/assistant.sh builds and runs it.
AssistantOptions options;
try
{
    options = AssistantOptions.Parse(args);
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync("assistant bench: " + ex.Message);
    await Console.Error.WriteLineAsync(AssistantOptions.Usage);
    return 2;
}

return await AssistantBenchmark.RunAsync(options);

/// <summary>Command-line options of the driver.</summary>
internal sealed record AssistantOptions
{
    public const string Usage = """
        usage: Larkway.Bench.Assistant --hub-dll <path to Larkway.Hub.dll>
                 [--conversations 10,50,100,200] [--samples 30] [--tokens-per-second 20] [--answer-words 120]
                 [--interval-ms 500] [--markdown <path>] [--work <dir>] [--hub-env NAME=value,NAME=value]
                 [--no-align] (do not start each round at a fresh minute of the Emulator's 1,000/min windows)
                 [--latency-samples 60] [--background-askers 5] (question → backend request, quiet and with a background load)
                 [--latency-only] (only that: no rounds, no first-token comparison)
                 [--linked-samples 30] [--linked-pages 100] (a question linking a document of that many pages against the same without)
                 [--linked-only] (only that)
        """;

    public required string HubDll { get; init; }

    /// <summary>Conversations asking at once, one round each.</summary>
    public IReadOnlyList<int> Conversations { get; init; } = [10, 50, 100, 200];

    /// <summary>First-token samples on each side (direct and through the Hub).</summary>
    public int Samples { get; init; } = 30;

    public int TokensPerSecond { get; init; } = 20;

    public int AnswerWords { get; init; } = 120;

    /// <summary>The assistant's <c>streaming.update_interval_ms</c>.</summary>
    public int IntervalMs { get; init; } = 500;

    public string? Markdown { get; init; }

    public string? Work { get; init; }

    /// <summary>Extra settings for the Hub process only (e.g. Larkway__Assistants__Concurrency=200).</summary>
    public IReadOnlyDictionary<string, string> HubEnv { get; init; } = new Dictionary<string, string>();

    public bool Align { get; init; } = true;

    /// <summary>Questions timed to the backend's request, on each side (quiet, with the background).</summary>
    public int LatencySamples { get; init; } = 60;

    /// <summary>Other people asking without pause during the background measurement.</summary>
    public int BackgroundAskers { get; init; } = 5;

    /// <summary>Only the question → backend request measurement.</summary>
    public bool LatencyOnly { get; init; }

    /// <summary>Questions linking the long document, and as many without it.</summary>
    public int LinkedSamples { get; init; } = 30;

    /// <summary>The linked document's length in pages (a heading and six paragraphs each).</summary>
    public int LinkedPages { get; init; } = 100;

    /// <summary>Only the linked-document measurement.</summary>
    public bool LinkedOnly { get; init; }

    public static AssistantOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var align = true;
        var latencyOnly = false;
        var linkedOnly = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument '{args[i]}'");
            }

            if (args[i] == "--no-align")
            {
                align = false;
                continue;
            }

            if (args[i] == "--latency-only")
            {
                latencyOnly = true;
                continue;
            }

            if (args[i] == "--linked-only")
            {
                linkedOnly = true;
                continue;
            }

            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{args[i]} needs a value");
            }

            values[args[i][2..]] = args[++i];
        }

        static int Positive(string name, string value) =>
            int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"--{name} must be a positive whole number, not '{value}'");

        int Int(string name, int fallback) => values.TryGetValue(name, out var v) ? Positive(name, v) : fallback;

        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        if (values.TryGetValue("hub-env", out var pairs))
        {
            foreach (var pair in pairs.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    throw new ArgumentException($"--hub-env takes NAME=value pairs separated by commas, not '{pair}'");
                }

                env[pair[..eq]] = pair[(eq + 1)..];
            }
        }

        return new AssistantOptions
        {
            HubDll = values.TryGetValue("hub-dll", out var dll) ? dll : throw new ArgumentException("--hub-dll is required"),
            Conversations = values.TryGetValue("conversations", out var list)
                ? [.. list.Split(',').Select(n => Positive("conversations", n))]
                : [10, 50, 100, 200],
            Samples = Int("samples", 30),
            TokensPerSecond = Int("tokens-per-second", 20),
            AnswerWords = Int("answer-words", 120),
            IntervalMs = Int("interval-ms", 500),
            Markdown = values.GetValueOrDefault("markdown"),
            Work = values.GetValueOrDefault("work"),
            HubEnv = env,
            Align = align,
            LatencySamples = Int("latency-samples", 60),
            BackgroundAskers = Int("background-askers", 5),
            LatencyOnly = latencyOnly,
            LinkedSamples = Int("linked-samples", 30),
            LinkedPages = Int("linked-pages", 100),
            LinkedOnly = linkedOnly,
        };
    }
}
