using System.Text;
using System.Text.Encodings.Web;

namespace Larkway.Channels.Rendering;

/// <summary>How a platform counts the size of a text against its limit.</summary>
public enum TextMeasure
{
    /// <summary>UTF-16 code units (.NET <see cref="string.Length"/>; what "characters" usually means in the docs).</summary>
    Utf16,

    /// <summary>Bytes of UTF-8 (WeCom's limits).</summary>
    Utf8Bytes,

    /// <summary>
    /// Bytes of UTF-8 once written as a JSON string with relaxed escaping (quotes, backslashes and control characters
    /// escaped, characters beyond the BMP as <c>\uXXXX\uXXXX</c>): Feishu content as Larkway.Feishu serializes it.
    /// </summary>
    JsonRelaxedUtf8Bytes,

    /// <summary>
    /// Bytes once written as a JSON string with System.Text.Json's default escaping (every non-ASCII character as
    /// <c>\uXXXX</c>, HTML-sensitive characters escaped): DingTalk's msgParam as Larkway.DingTalk serializes it.
    /// </summary>
    JsonEscapedBytes,
}

/// <summary>Measures text as a platform counts it.</summary>
public static class TextMeasurer
{
    /// <summary>The size of <paramref name="text"/> under <paramref name="measure"/>.</summary>
    public static int Measure(string text, TextMeasure measure)
    {
        ArgumentNullException.ThrowIfNull(text);
        return measure switch
        {
            TextMeasure.Utf16 => text.Length,
            TextMeasure.Utf8Bytes => Encoding.UTF8.GetByteCount(text),
            _ => Cumulative(text, measure)[text.Length],
        };
    }

    /// <summary>
    /// The size of every prefix: entry <c>i</c> is the size of <c>text[..i]</c>. A surrogate pair's size is counted at
    /// the index after it (the index between its halves repeats the size before it).
    /// </summary>
    internal static int[] Cumulative(string text, TextMeasure measure)
    {
        var sums = new int[text.Length + 1];
        var total = 0;
        var i = 0;
        while (i < text.Length)
        {
            var width = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            total += ScalarSize(text.AsSpan(i, width), measure);
            if (width == 2)
            {
                sums[i + 1] = sums[i];
            }

            i += width;
            sums[i] = total;
        }

        return sums;
    }

    private static int ScalarSize(ReadOnlySpan<char> scalar, TextMeasure measure)
    {
        switch (measure)
        {
            case TextMeasure.Utf16:
                return scalar.Length;
            case TextMeasure.Utf8Bytes:
                return Encoding.UTF8.GetByteCount(scalar);
        }

        var encoder = measure == TextMeasure.JsonRelaxedUtf8Bytes ? JavaScriptEncoder.UnsafeRelaxedJsonEscaping : JavaScriptEncoder.Default;
        if (scalar.Length == 1 && scalar[0] < 128)
        {
            var table = measure == TextMeasure.JsonRelaxedUtf8Bytes ? RelaxedAscii : DefaultAscii;
            return table[scalar[0]];
        }

        return Encoding.UTF8.GetByteCount(encoder.Encode(scalar.ToString()));
    }

    private static readonly int[] RelaxedAscii = AsciiTable(JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
    private static readonly int[] DefaultAscii = AsciiTable(JavaScriptEncoder.Default);

    private static int[] AsciiTable(JavaScriptEncoder encoder)
    {
        var table = new int[128];
        for (var c = 0; c < 128; c++)
        {
            table[c] = encoder.Encode(((char)c).ToString()).Length;
        }

        return table;
    }
}
