using System.Collections;
using System.Text.RegularExpressions;

namespace Larkway.Hub.Notifications.Types;

/// <summary>
/// Reads a template string's placeholders to say which ones a missing value came from: the engine names only the first
/// segment it could not find (<c>po</c> for <c>{{po.amount}}</c> when there is no po), a caller needs each field to
/// send (<c>po.amount</c>, <c>po.total</c>).
/// </summary>
internal static partial class TemplatePlaceholders
{
    /// <summary>Blocks that keep the data's root as their context; any other block (each, with, a helper) changes it.</summary>
    private static readonly HashSet<string> SameContextBlocks = new(StringComparer.Ordinal) { "if", "unless" };

    [GeneratedRegex(@"\{\{~?\{?(?<content>[^}]*)\}")]
    private static partial Regex Mustache();

    /// <summary>
    /// The placeholders of <paramref name="text"/> that the engine's missing <paramref name="name"/> can stand for: those
    /// from the data's root whose path <paramref name="data"/> lacks, and those inside blocks (which cannot be checked
    /// against the root); the bare name when none matches.
    /// </summary>
    public static IEnumerable<MissingValue> Missing(string text, string name, object? data)
    {
        var found = Placeholders(text)
            .Where(p => p.Placeholder.Split('.', '/').Contains(name, StringComparer.Ordinal))
            .Where(p => p.DataPath is null || !Resolves(data, p.DataPath))
            .DistinctBy(p => p.Placeholder)
            .ToList();
        return found.Count > 0 ? found : [new MissingValue("", name, null)];
    }

    /// <summary>The data field the first placeholder of <paramref name="text"/> names from the data's root, or null.</summary>
    public static string? FirstField(string text) => Placeholders(text).FirstOrDefault()?.DataPath;

    /// <summary>Every value placeholder (and helper argument) in template order, with its field from the root when it has one.</summary>
    private static IEnumerable<MissingValue> Placeholders(string text)
    {
        var blocks = new Stack<string>();
        foreach (Match match in Mustache().Matches(text))
        {
            var content = match.Groups["content"].Value.Trim().TrimEnd('~').Trim();
            if (content.Length == 0 || content[0] is '!' or '>')
            {
                continue;
            }

            if (content[0] is '#' or '^')
            {
                // A block's own argument never renders a missing value ({{#each nothing}} renders nothing).
                blocks.Push(content[0] == '^' ? "if" : content[1..].Trim().Split(' ', 2)[0]);
                continue;
            }

            if (content[0] == '/')
            {
                blocks.TryPop(out _);
                continue;
            }

            var words = content.TrimStart('&').Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (words is [var single])
            {
                if (single != "else")
                {
                    yield return Placeholder(single, InsideBlock(blocks), helper: false);
                }

                continue;
            }

            foreach (var argument in words.Skip(1).Where(a => a[0] is not ('\'' or '"' or '(') && !char.IsAsciiDigit(a[0])))
            {
                yield return Placeholder(argument, InsideBlock(blocks), helper: true);
            }
        }
    }

    private static MissingValue Placeholder(string expression, bool insideBlock, bool helper)
    {
        if (expression.StartsWith("@root.", StringComparison.Ordinal))
        {
            return new MissingValue("", expression, expression["@root.".Length..]);
        }

        var path = expression.StartsWith("this.", StringComparison.Ordinal) ? expression["this.".Length..]
            : expression.StartsWith("./", StringComparison.Ordinal) ? expression[2..]
            : expression;
        var fromRoot = !insideBlock && !helper && path[0] != '@' && !path.StartsWith("..", StringComparison.Ordinal) && path != "this";
        return new MissingValue("", expression, fromRoot ? path : null);
    }

    /// <summary>Whether a block around the placeholder changes the context.</summary>
    private static bool InsideBlock(Stack<string> blocks) => blocks.Any(b => !SameContextBlocks.Contains(b));

    /// <summary>Whether the dotted <paramref name="path"/> names a member of <paramref name="data"/> (dictionaries and lists, as rendered).</summary>
    private static bool Resolves(object? data, string path)
    {
        foreach (var segment in path.Split('.', '/'))
        {
            switch (data)
            {
                case IDictionary<string, object?> members when members.TryGetValue(segment, out var member):
                    data = member;
                    break;
                case IList items when int.TryParse(segment, out var index) && index >= 0 && index < items.Count:
                    data = items[index];
                    break;
                default:
                    return false;
            }
        }

        return true;
    }
}
