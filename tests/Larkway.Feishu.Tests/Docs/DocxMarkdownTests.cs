using Larkway.Feishu.Docs;

namespace Larkway.Feishu.Tests.Docs;

/// <summary>An answer's Markdown becomes real docx blocks, not one paragraph of asterisks.</summary>
public class DocxMarkdownTests
{
    [Fact]
    public void Headings_paragraphs_and_inline_styles_become_blocks_and_styled_runs()
    {
        var blocks = DocxMarkdown.ToBlocks("""
            # Leave policy

            You get **20 days**, *more* with ~~manager~~ approval; see [the form](https://hr.example.com/form?x=1) or `LEAVE-1`.
            """);

        Assert.Equal([DocxBlockType.Heading1, DocxBlockType.Text], blocks.Select(b => b.Type));
        Assert.Equal("Leave policy", blocks[0].Text!.PlainText);
        var runs = blocks[1].Text!.Elements;
        Assert.Equal("You get 20 days, more with manager approval; see the form or LEAVE-1.", blocks[1].Text!.PlainText);
        Assert.Contains(runs, r => r.Content == "20 days" && r.Style!.Bold);
        Assert.Contains(runs, r => r.Content == "more" && r.Style!.Italic);
        Assert.Contains(runs, r => r.Content == "manager" && r.Style!.Strikethrough);
        Assert.Contains(runs, r => r.Content == "the form" && r.Style!.Link == "https://hr.example.com/form?x=1");
        Assert.Contains(runs, r => r.Content == "LEAVE-1" && r.Style!.InlineCode);
    }

    [Fact]
    public void Nested_lists_to_dos_code_quotes_rules_and_tables_keep_their_shape()
    {
        var blocks = DocxMarkdown.ToBlocks("""
            - Annual
              - Carry-over up to 5
            1. Ask your manager
            2. File the form
            - [x] Read the handbook
            - [ ] Book the trip

            ```csharp
            var days = 20;
            ```

            > Ask early.

            ---

            | Days | Who |
            |------|-----|
            | 20   | Everyone |
            """);

        Assert.Equal(
            [DocxBlockType.Bullet, DocxBlockType.Ordered, DocxBlockType.Ordered, DocxBlockType.Todo, DocxBlockType.Todo, DocxBlockType.Code, DocxBlockType.Quote, DocxBlockType.Divider, DocxBlockType.Table],
            blocks.Select(b => b.Type));
        var nested = Assert.Single(blocks[0].Children);
        Assert.Equal((DocxBlockType.Bullet, "Carry-over up to 5"), (nested.Type, nested.Text!.PlainText));
        Assert.Equal((true, "Read the handbook"), (blocks[3].Text!.Style!.Done!.Value, blocks[3].Text!.PlainText));
        Assert.False(blocks[4].Text!.Style!.Done);
        Assert.Equal(("var days = 20;", DocxCodeLanguage.CSharp), (blocks[5].Text!.PlainText, blocks[5].Text!.Style!.Language!.Value));
        Assert.Equal("Ask early.", blocks[6].Text!.PlainText);
        var table = blocks[8];
        Assert.Equal((2, 2), table.TableSize);
        Assert.True(table.HeaderRow);
        Assert.Equal(["Days", "Who", "20", "Everyone"], table.Children.Select(cell => cell.Children[0].Text!.PlainText));
    }

    [Fact]
    public void Script_links_raw_html_and_images_never_become_live_links_or_markup()
    {
        var blocks = DocxMarkdown.ToBlocks("""
            [click](javascript:alert(1)) <b>bold?</b> ![chart](https://img.example.com/c.png)
            """);

        var runs = Assert.Single(blocks).Text!.Elements;
        Assert.DoesNotContain(runs, r => r.Style?.Link?.StartsWith("javascript", StringComparison.OrdinalIgnoreCase) == true);
        Assert.Contains("<b>", string.Concat(runs.Select(r => r.Content)), StringComparison.Ordinal);
        Assert.Contains(runs, r => r.Content == "chart" && r.Style!.Link == "https://img.example.com/c.png");
    }

    [Fact]
    public void A_quote_of_several_paragraphs_is_a_quote_container_and_an_empty_answer_writes_nothing()
    {
        var blocks = DocxMarkdown.ToBlocks("> First.\n>\n> Second.");

        var container = Assert.Single(blocks);
        Assert.Equal(DocxBlockType.QuoteContainer, container.Type);
        Assert.Equal(["First.", "Second."], container.Children.Select(c => c.Text!.PlainText));
        Assert.Empty(DocxMarkdown.ToBlocks("   \n\n"));
    }
}
