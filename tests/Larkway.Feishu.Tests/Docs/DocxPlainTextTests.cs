using System.Text.Json;
using Larkway.Feishu.Docs;

namespace Larkway.Feishu.Tests.Docs;

/// <summary>A document read as text keeps its structure, and a budget keeps whole blocks.</summary>
public class DocxPlainTextTests
{
    private static DocxBlock Text(string id, DocxBlockType type, string text, params string[] children) =>
        new(id, type) { Text = new DocxText([DocxTextElement.Run(text)]), Children = children };

    private static IReadOnlyList<DocxBlock> Handbook() =>
    [
        Text("doc", DocxBlockType.Page, "Handbook", "h", "b", "t", "c"),
        Text("h", DocxBlockType.Heading2, "Leave"),
        Text("b", DocxBlockType.Bullet, "Annual", "b2"),
        Text("b2", DocxBlockType.Bullet, "Carry-over"),
        new("t", DocxBlockType.Table) { Table = new DocxTable(["c1", "c2", "c3", "c4"], 2, 2), Children = ["c1", "c2", "c3", "c4"] },
        new("c1", DocxBlockType.TableCell) { Children = ["p1"] },
        Text("p1", DocxBlockType.Text, "Days"),
        new("c2", DocxBlockType.TableCell) { Children = ["p2"] },
        Text("p2", DocxBlockType.Text, "Who"),
        new("c3", DocxBlockType.TableCell) { Children = ["p3"] },
        Text("p3", DocxBlockType.Text, "20"),
        new("c4", DocxBlockType.TableCell) { Children = ["p4"] },
        Text("p4", DocxBlockType.Text, "Everyone | staff"),
        Text("c", DocxBlockType.Code, "var x = 1;"),
    ];

    [Fact]
    public void Blocks_read_in_order_with_headings_nesting_tables_and_code_marked()
    {
        var sections = DocxPlainText.Sections(Handbook());

        Assert.Equal(
            ["## Leave", "- Annual", "  - Carry-over", "| Days | Who |", "| 20 | Everyone \\| staff |", "```\nvar x = 1;\n```"],
            sections.Select(s => s.Text));
        Assert.Equal(["h", "b", "b2", "t", "t#1", "c"], sections.Select(s => s.BlockId));
    }

    [Fact]
    public void A_budget_keeps_whole_sections_and_says_when_it_cut()
    {
        var sections = DocxPlainText.Sections(Handbook());

        var (some, cut) = DocxPlainText.Within(sections, 32);
        var (all, whole) = DocxPlainText.Within(sections, 10_000);

        Assert.Equal("## Leave\n- Annual\n  - Carry-over", some);
        Assert.True(cut);
        Assert.False(whole);
        Assert.EndsWith("```", all, StringComparison.Ordinal);
        Assert.Equal(("## Le", true), DocxPlainText.Within(sections, 5));
    }

    [Fact]
    public void A_malformed_tree_with_a_cycle_is_read_once()
    {
        var blocks = new[]
        {
            Text("doc", DocxBlockType.Page, "T", "a"),
            Text("a", DocxBlockType.Bullet, "loop", "a", "missing"),
        };

        Assert.Equal(["- loop"], DocxPlainText.Sections(blocks).Select(s => s.Text));
        Assert.Equal(JsonValueKind.Undefined, blocks[0].Raw.ValueKind);
    }
}
