using System.Globalization;
using System.Text;

namespace Larkway.Integration.Tests.Hub.Observability;

/// <summary>One sample line: <c>name{label="value",…} value</c>.</summary>
internal sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>
/// A scrape in the text exposition format 0.0.4, parsed the way a Prometheus server reads it (strictly enough that a
/// malformed line, a family declared twice or a sample of an undeclared family fails the test).
/// </summary>
internal sealed class PrometheusScrape
{
    private PrometheusScrape(Dictionary<string, string> types, Dictionary<string, string> help, List<PrometheusSample> samples)
    {
        Types = types;
        Help = help;
        Samples = samples;
    }

    /// <summary>Family name → counter, gauge, histogram, summary or untyped.</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    public IReadOnlyDictionary<string, string> Help { get; }

    public IReadOnlyList<PrometheusSample> Samples { get; }

    public IEnumerable<PrometheusSample> Of(string name) => Samples.Where(s => s.Name == name);

    public static PrometheusScrape Parse(string text)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var help = new Dictionary<string, string>(StringComparer.Ordinal);
        var samples = new List<PrometheusSample>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var rest = line["# HELP ".Length..];
                var space = rest.IndexOf(' ', StringComparison.Ordinal);
                var name = space < 0 ? rest : rest[..space];
                ValidName(name, line);
                help.TryAdd(name, space < 0 ? "" : rest[(space + 1)..]).ShouldBeTrue($"HELP twice: {line}");
                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                parts.Length.ShouldBe(4, line);
                ValidName(parts[2], line);
                parts[3].ShouldBeOneOf(["counter", "gauge", "histogram", "summary", "untyped"], line);
                types.TryAdd(parts[2], parts[3]).ShouldBeTrue($"TYPE twice: {line}");
                continue;
            }

            if (line.StartsWith('#'))
            {
                continue;
            }

            var sample = ParseSample(line);
            types.Keys.ShouldContain(
                f => sample.Name == f || (types[f] == "histogram" && (sample.Name == f + "_bucket" || sample.Name == f + "_sum" || sample.Name == f + "_count")),
                $"a sample of an undeclared family: {line}");
            samples.Add(sample);
        }

        return new PrometheusScrape(types, help, samples);
    }

    private static PrometheusSample ParseSample(string line)
    {
        var at = 0;
        while (at < line.Length && line[at] is not ('{' or ' '))
        {
            at++;
        }

        var name = line[..at];
        ValidName(name, line);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (at < line.Length && line[at] == '{')
        {
            at++;
            while (line[at] != '}')
            {
                var eq = line.IndexOf('=', at);
                var label = line[at..eq];
                label.ShouldMatch("^[a-zA-Z_][a-zA-Z0-9_]*$", line);
                line[eq + 1].ShouldBe('"', line);
                var value = new StringBuilder();
                at = eq + 2;
                while (line[at] != '"')
                {
                    if (line[at] == '\\')
                    {
                        at++;
                        value.Append(line[at] switch { 'n' => '\n', '\\' => '\\', '"' => '"', _ => throw new ShouldAssertException($"bad escape in {line}") });
                    }
                    else
                    {
                        value.Append(line[at]);
                    }

                    at++;
                }

                labels.TryAdd(label, value.ToString()).ShouldBeTrue($"label twice: {line}");
                at++;
                if (line[at] == ',')
                {
                    at++;
                }
            }

            at++;
        }

        line[at].ShouldBe(' ', line);
        var valueText = line[(at + 1)..].Split(' ')[0];
        var number = valueText switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.Parse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new PrometheusSample(name, labels, number);
    }

    private static void ValidName(string name, string line) => name.ShouldMatch("^[a-zA-Z_:][a-zA-Z0-9_:]*$", line);
}
