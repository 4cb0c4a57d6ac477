using System.Globalization;
using System.Text.Json;

namespace Larkway.Hub.Platform.Http;

/// <summary>
/// A JSON parse error as a caller can act on it: the parser's sentence and where, in lines and columns counted from 1 —
/// without the framework's "Path: $ | LineNumber: 0 | BytePositionInLine: 7." tail.
/// </summary>
public static class JsonErrorText
{
    /// <summary>E.g. "'}' is an invalid start of a value (line 1, column 8)".</summary>
    public static string Describe(JsonException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var text = exception.Message;
        foreach (var tail in (ReadOnlySpan<string>)[" Path:", " LineNumber:"])
        {
            var at = text.IndexOf(tail, StringComparison.Ordinal);
            if (at >= 0)
            {
                text = text[..at];
            }
        }

        text = text.TrimEnd().TrimEnd('.');
        return exception.LineNumber is { } line
            ? string.Create(CultureInfo.InvariantCulture, $"{text} (line {line + 1}, column {(exception.BytePositionInLine ?? 0) + 1})")
            : text;
    }
}
