using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Larkway.Emulator.AiBackend;

/// <summary>A piece of a completed document as retrieval returns it; its ids are derived, so the same text gives the same ids.</summary>
internal sealed record KnowledgeSegment(KnowledgeDocument Document, int Position, string Content)
{
    public string Id => DerivedId("segment");

    public string IndexNodeId => DerivedId("index-node");

    public string IndexNodeHash => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Content)));

    private string DerivedId(string kind) =>
        new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(':', kind, Document.Id, Document.Batch, Position.ToString(CultureInfo.InvariantCulture))))[..16]).ToString("D");
}

/// <summary>
/// The fake's retrieval: no embeddings. A document's text is cut into segments at blank lines (a longer paragraph at the
/// last space before <see cref="SegmentChars"/>), and a segment scores the share of the query's distinct words it holds
/// (a CJK character counts as a word, so Chinese queries match too). Segments are cut at call time; nothing is stored.
/// </summary>
internal static class KnowledgeRetrieval
{
    public const int SegmentChars = 500;

    public static IEnumerable<string> Segments(string text)
    {
        foreach (var paragraph in text.ReplaceLineEndings("\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var rest = paragraph.AsMemory();
            while (rest.Length > SegmentChars)
            {
                var cut = rest.Span[..SegmentChars].LastIndexOfAny(' ', '\n', '\t');
                if (cut <= 0)
                {
                    // No space to cut at (e.g. Chinese text): cut at the limit, never inside a surrogate pair.
                    cut = char.IsHighSurrogate(rest.Span[SegmentChars - 1]) ? SegmentChars - 1 : SegmentChars;
                }

                yield return rest[..cut].ToString().Trim();
                rest = rest[cut..].TrimStart();
            }

            if (rest.Length > 0)
            {
                yield return rest.ToString();
            }
        }
    }

    /// <summary>The best <paramref name="topK"/> segments holding any word of <paramref name="query"/>, best first, at or above <paramref name="threshold"/>.</summary>
    public static IReadOnlyList<(KnowledgeSegment Segment, double Score)> Search(IEnumerable<KnowledgeDocument> documents, string query, int topK, double? threshold)
    {
        var wanted = Words(query);
        if (wanted.Count == 0)
        {
            return [];
        }

        var found = new List<(KnowledgeSegment Segment, double Score)>();
        foreach (var document in documents)
        {
            var position = 0;
            foreach (var content in Segments(document.Text))
            {
                position++;
                var shared = Words(content);
                shared.IntersectWith(wanted);
                var score = Math.Round((double)shared.Count / wanted.Count, 4);
                if (score > 0 && score >= (threshold ?? 0))
                {
                    found.Add((new KnowledgeSegment(document, position, content), score));
                }
            }
        }

        return [.. found.OrderByDescending(f => f.Score).ThenBy(f => f.Segment.Document.Position).ThenBy(f => f.Segment.Position).Take(topK)];
    }

    /// <summary>The distinct words of <paramref name="text"/>, lower-cased: runs of letters and digits, and each CJK character alone.</summary>
    public static HashSet<string> Words(string text)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        var word = new StringBuilder();
        foreach (var c in text)
        {
            if (IsCjk(c))
            {
                Flush();
                words.Add(c.ToString());
            }
            else if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
            }
            else
            {
                Flush();
            }
        }

        Flush();
        return words;

        void Flush()
        {
            if (word.Length > 0)
            {
                words.Add(word.ToString());
                word.Clear();
            }
        }
    }

    private static bool IsCjk(char c) => c is (>= '\u3040' and <= '\u30FF') or (>= '\u3400' and <= '\u4DBF') or (>= '\u4E00' and <= '\u9FFF') or (>= '\uAC00' and <= '\uD7AF') or (>= '\uF900' and <= '\uFAFF');
}
