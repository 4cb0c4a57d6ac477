using System.Text;

namespace Larkway.Feishu.Docs;

/// <summary>One block of a document as text (a table row is one too), with the id of the block it comes from.</summary>
public sealed record DocxSection(string BlockId, string Text);

/// <summary>
/// A document's blocks as text, block by block in reading order — headings as <c>#</c>, list items as <c>-</c> or
/// <c>1.</c> (nested ones indented), code fenced, quotes with <c>&gt;</c>, tables row by row with <c>|</c> — so a reader
/// can keep whole blocks within a size budget (<see cref="Within"/>) instead of cutting text mid-sentence.
/// </summary>
public static class DocxPlainText
{
    /// <summary>The sections of a document's blocks (all of them, as <see cref="DocxBlocksClient.List"/> returns them).</summary>
    public static IReadOnlyList<DocxSection> Sections(IReadOnlyList<DocxBlock> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        var byId = new Dictionary<string, DocxBlock>(StringComparer.Ordinal);
        foreach (var block in blocks)
        {
            byId.TryAdd(block.BlockId, block);
        }

        var sections = new List<DocxSection>();
        var page = blocks.FirstOrDefault(b => b.Type == DocxBlockType.Page);
        if (page is null)
        {
            // No page among them (a partial list): each block as it comes.
            foreach (var block in blocks)
            {
                Add(block, byId, 0, sections, new HashSet<string>(StringComparer.Ordinal));
            }

            return sections;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal) { page.BlockId };
        foreach (var child in page.Children)
        {
            if (byId.TryGetValue(child, out var block))
            {
                Add(block, byId, 0, sections, seen);
            }
        }

        return sections;
    }

    /// <summary>
    /// Whole sections, in order, until the next would pass <paramref name="maxChars"/>; <c>Cut</c> says whether any were
    /// left out. A first section longer than the budget is cut at a line break (or at the budget) so something is read.
    /// </summary>
    public static (string Text, bool Cut) Within(IReadOnlyList<DocxSection> sections, int maxChars)
    {
        ArgumentNullException.ThrowIfNull(sections);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxChars);
        var text = new StringBuilder();
        for (var i = 0; i < sections.Count; i++)
        {
            var section = sections[i].Text;
            var needed = section.Length + (text.Length > 0 ? 1 : 0);
            if (text.Length + needed > maxChars)
            {
                if (text.Length == 0)
                {
                    var cut = section.LastIndexOf('\n', Math.Min(maxChars, section.Length) - 1);
                    text.Append(section, 0, cut > 0 ? cut : maxChars);
                }

                return (text.ToString(), true);
            }

            if (text.Length > 0)
            {
                text.Append('\n');
            }

            text.Append(section);
        }

        return (text.ToString(), false);
    }

    private static void Add(DocxBlock block, Dictionary<string, DocxBlock> byId, int depth, List<DocxSection> into, HashSet<string> seen)
    {
        // A malformed tree (a block listed twice, a cycle) is read once.
        if (!seen.Add(block.BlockId))
        {
            return;
        }

        var indent = new string(' ', depth * 2);
        switch (block.Type)
        {
            case DocxBlockType.Table when block.Table is { } table:
                AddTable(block, table, byId, into, seen);
                return;
            case DocxBlockType.Divider:
                into.Add(new DocxSection(block.BlockId, "---"));
                return;
            case DocxBlockType.Code when block.Text is { } code:
                into.Add(new DocxSection(block.BlockId, $"```\n{code.PlainText}\n```"));
                return;
        }

        if (block.Text is { } text)
        {
            var line = block.Type switch
            {
                _ when block.HeadingLevel > 0 => new string('#', block.HeadingLevel) + " " + text.PlainText,
                DocxBlockType.Bullet => indent + "- " + text.PlainText,
                DocxBlockType.Ordered => indent + "1. " + text.PlainText,
                DocxBlockType.Todo => indent + (text.Style?.Done == true ? "- [x] " : "- [ ] ") + text.PlainText,
                DocxBlockType.Quote => "> " + text.PlainText,
                _ => indent + text.PlainText,
            };
            if (line.Trim().Length > 0)
            {
                into.Add(new DocxSection(block.BlockId, line));
            }
        }

        // List items nest their sub-items one level deeper; containers (callouts, quotes, grids) at the same level.
        var childDepth = block.Type is DocxBlockType.Bullet or DocxBlockType.Ordered or DocxBlockType.Todo ? depth + 1 : depth;
        foreach (var child in block.Children)
        {
            if (byId.TryGetValue(child, out var nested))
            {
                Add(nested, byId, childDepth, into, seen);
            }
        }
    }

    private static void AddTable(DocxBlock block, DocxTable table, Dictionary<string, DocxBlock> byId, List<DocxSection> into, HashSet<string> seen)
    {
        var columns = Math.Max(1, table.ColumnSize);
        var cells = table.Cells.Count > 0 ? table.Cells : block.Children;
        for (var row = 0; row * columns < cells.Count; row++)
        {
            var values = cells.Skip(row * columns).Take(columns).Select(id => CellText(id, byId, seen));
            into.Add(new DocxSection(row == 0 ? block.BlockId : $"{block.BlockId}#{row}", "| " + string.Join(" | ", values) + " |"));
        }
    }

    private static string CellText(string cellId, Dictionary<string, DocxBlock> byId, HashSet<string> seen)
    {
        if (!byId.TryGetValue(cellId, out var cell) || !seen.Add(cellId))
        {
            return "";
        }

        var parts = new List<DocxSection>();
        foreach (var child in cell.Children)
        {
            if (byId.TryGetValue(child, out var nested))
            {
                Add(nested, byId, 0, parts, seen);
            }
        }

        return string.Join(" ", parts.Select(p => p.Text.Replace("\n", " ", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal)));
    }
}
