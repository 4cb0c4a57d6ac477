using System.Globalization;

namespace Larkway.Bench.Ingest;

/// <summary>The ingest benchmarks' command line: <c>--name value</c> pairs, read by name.</summary>
internal sealed class BenchArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public BenchArgs(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"unexpected argument '{args[i]}'");
            }

            _values[args[i][2..]] = args[++i];
        }
    }

    public string Required(string name) => Optional(name) ?? throw new ArgumentException($"--{name} is required");

    public string? Optional(string name) => _values.TryGetValue(name, out var v) && v.Length > 0 ? v : null;

    public int? Int(string name) => Optional(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : null;

    public double? Double(string name) => Optional(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : null;
}
