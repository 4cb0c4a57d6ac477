using System.Text;
using System.Text.RegularExpressions;

namespace Larkway.Emulator.AiBackend;

/// <summary>
/// The fake model: a deterministic answer derived from the question (the same question, turn and length always give the
/// same answer), split into the tokens it is streamed in. The answer echoes the question, names every placeholder it
/// received (<c>[PHONE_1]</c>, <c>&lt;EMAIL_2&gt;</c>) so a client's masking round trip can be checked, says in words what
/// was masked (the bare names, which a client's restorer leaves alone, so a person sees what the backend saw), then adds
/// the configured number of words of a fixed explanation, so whoever reads it in a chat knows what answered.
/// </summary>
internal static partial class FakeAnswer
{
    // What the generated words say: the first sentence is the default 24 words; longer answers repeat the paragraph.
    private static readonly string[] Script = (
        "This is the Emulator's fake AI backend, not a model: it repeats each question as it arrived, so you see what the Hub sent. "
        + "A real backend, Dify or OpenAI-compatible, would answer here instead; this one only shows that the question got through "
        + "and that the answer streams back into the chat, one word after another.").Split(' ');

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

        var asked = question.Trim();
        text.Append("You asked: ").Append(asked);
        if (!EndsSentence(asked))
        {
            text.Append('.');
        }

        if (files is { Count: > 0 })
        {
            text.Append(" Files read: ").AppendJoin(", ", files).Append('.');
        }

        var placeholders = Placeholders(question);
        if (placeholders.Count > 0)
        {
            text.Append(" Placeholders kept: ").AppendJoin(", ", placeholders).Append('.');
            text.Append(" The Hub masked ").Append(placeholders.Count == 1 ? "one value" : placeholders.Count + " values")
                .Append(" before the question reached me: ").AppendJoin(", ", placeholders.Select(p => p[1..^1])).Append('.');
        }

        for (var i = 0; i < words; i++)
        {
            text.Append(' ').Append(Script[i % Script.Length]);
        }

        // Cut mid-sentence, the answer still ends like one.
        if (words > 0 && !EndsSentence(Script[(words - 1) % Script.Length]))
        {
            while (text[^1] is ',' or ';' or ':')
            {
                text.Length--;
            }

            text.Append('…');
        }

        return text.ToString();
    }

    private static bool EndsSentence(string text) => text.Length > 0 && text[^1] is '.' or '?' or '!' or '。' or '？' or '！';

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

    [GeneratedRegex(@"\[[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_\d+\]|<[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_\d+>", RegexOptions.CultureInvariant)]
    private static partial Regex PlaceholderPattern();

    [GeneratedRegex(@"\s*\S+|\s+$", RegexOptions.CultureInvariant)]
    private static partial Regex TokenPattern();
}
