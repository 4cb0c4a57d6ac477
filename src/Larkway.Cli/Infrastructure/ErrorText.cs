using System.Globalization;
using System.Text.Json;

namespace Larkway.Cli.Infrastructure;

/// <summary>Exception messages as a user reads them: without the framework's parameter names and parser positions.</summary>
internal static class ErrorText
{
    /// <summary>An argument error's sentence without its "(Parameter 'text')" suffix.</summary>
    public static string Of(ArgumentException exception)
    {
        var text = exception.Message;
        var suffix = $" (Parameter '{exception.ParamName}')";
        return exception.ParamName is not null && text.EndsWith(suffix, StringComparison.Ordinal) ? text[..^suffix.Length] : text;
    }

    /// <summary>A JSON parse error with its line and column counted from 1, e.g. "'}' is an invalid start of a value (line 1, column 8)".</summary>
    public static string Of(JsonException exception)
    {
        var text = exception.Message;
        foreach (var tail in (ReadOnlySpan<string>)[" Path:", " LineNumber:"])
        {
            if (text.IndexOf(tail, StringComparison.Ordinal) is var at and >= 0)
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
