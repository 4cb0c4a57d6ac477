using System.Text;

namespace Larkway.Channels.Tests.Masking.Corpus;

/// <summary>One labelled sample: the text and the spans a perfect masker would find.</summary>
internal sealed record CorpusSample(string Source, string Text, IReadOnlyList<ExpectedSpan> Expected)
{
    /// <summary>Reads a line marked up as <c>… {{detector:value}} …</c> (pii-corpus.txt's format).</summary>
    public static CorpusSample Parse(string source, string line)
    {
        var text = new StringBuilder();
        var expected = new List<ExpectedSpan>();
        var i = 0;
        while (i < line.Length)
        {
            var open = line.IndexOf("{{", i, StringComparison.Ordinal);
            if (open < 0)
            {
                text.Append(line, i, line.Length - i);
                break;
            }

            text.Append(line, i, open - i);
            var colon = line.IndexOf(':', open);
            var close = line.IndexOf("}}", open, StringComparison.Ordinal);
            if (colon < 0 || close < 0 || colon > close)
            {
                throw new FormatException($"{source}: a mark is {{{{detector:value}}}}: {line}");
            }

            var detector = line[(open + 2)..colon];
            var value = line[(colon + 1)..close];
            expected.Add(new ExpectedSpan(detector, text.Length, value.Length));
            text.Append(value);
            i = close + 2;
        }

        return new CorpusSample(source, text.ToString(), expected);
    }
}

/// <summary>A span the masker should find.</summary>
internal readonly record struct ExpectedSpan(string Detector, int Start, int Length);
