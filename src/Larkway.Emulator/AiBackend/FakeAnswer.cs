using System.Text;
using System.Text.RegularExpressions;

namespace Larkway.Emulator.AiBackend;

/// <summary>
/// The fake model: a deterministic answer derived from the question (the same question, turn and length always give the
/// same answer), split into the tokens it is streamed in. The answer echoes the question, names every placeholder it
/// received (<c>[PHONE_1]</c>, <c>&lt;EMAIL_2&gt;</c>) so a client's masking round trip can be checked, then adds the
/// configured number of generated words.
/// </summary>
internal static partial class FakeAnswer
{
    private static readonly string[] Vocabulary =
    [
        "the", "assistant", "checked", "your", "request", "and", "found", "that", "a", "simple", "answer", "works", "best",
        "here", "because", "policy", "allows", "it", "today", "so", "please", "note", "next", "steps", "are", "clear",
        "team", "will", "follow", "up", "with", "details", "soon", "meanwhile", "review", "document", "shared", "earlier",
    ];

    /// <summary>The longest run of non-space characters sent as one token (CJK text has no spaces to split on).</summary>
    private const int MaxTokenChars = 4;

    /// <summary>
    /// The whole answer to <paramref name="question"/> in conversation turn <paramref name="turn"/> (1 = first), naming the
    /// <paramref name="files"/> that came with it.
    /// </summary>
    public static string Compose(string question, int words, int turn, IReadOnlyList<string>? files = null)
    {
        var text = new StringBuilder();
        if (turn > 1)
        {
            text.Append("(turn ").Append(turn).Append(") ");
        }

        text.Append("You asked: ").Append(question.Trim()).Append('.');
        if (files is { Count: > 0 })
        {
            text.Append(" Files read: ").AppendJoin(", ", files).Append('.');
        }

        var placeholders = Placeholders(question);
        if (placeholders.Count > 0)
        {
            text.Append(" Placeholders kept: ").AppendJoin(", ", placeholders).Append('.');
        }

        var random = new Random(Seed(question, turn));
        for (var i = 0; i < words; i++)
        {
            text.Append(' ').Append(Vocabulary[random.Next(Vocabulary.Length)]);
        }

        if (words > 0)
        {
            text.Append('.');
        }

        return text.ToString();
    }

    /// <summary>The placeholders in <paramref name="text"/>, in order of first appearance, each once.</summary>
    public static IReadOnlyList<string> Placeholders(string text) =>
        [.. PlaceholderPattern().Matches(text).Select(m => m.Value).Distinct(StringComparer.Ordinal)];

    /// <summary>The tokens the answer is streamed in; concatenated they are the answer, character for character.</summary>
    public static IReadOnlyList<string> Tokens(string answer)
    {
        var tokens = new List<string>();
        foreach (Match match in TokenPattern().Matches(answer))
        {
            var token = match.Value;
            var lead = token.Length - token.TrimStart().Length;
            var first = Math.Min(token.Length, lead + MaxTokenChars);
            tokens.Add(token[..first]);
            for (var i = first; i < token.Length; i += MaxTokenChars)
            {
                tokens.Add(token.Substring(i, Math.Min(MaxTokenChars, token.Length - i)));
            }
        }

        return tokens;
    }

    /// <summary>A rough token count of a prompt (its words), for the usage figures.</summary>
    public static int CountTokens(string text) => Tokens(text).Count;

    // FNV-1a: string.GetHashCode is randomised per process, and the answer must be the same across restarts.
    private static int Seed(string question, int turn)
    {
        var hash = 2166136261u;
        foreach (var c in question)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)((hash ^ (uint)turn) & 0x7fffffff);
    }

    [GeneratedRegex(@"\[[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_\d+\]|<[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_\d+>", RegexOptions.CultureInvariant)]
    private static partial Regex PlaceholderPattern();

    [GeneratedRegex(@"\s*\S+|\s+$", RegexOptions.CultureInvariant)]
    private static partial Regex TokenPattern();
}
