using System.Text;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Extensions.TaskLists;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using MdTable = Markdig.Extensions.Tables.Table;

namespace Larkway.Feishu.Docs;

/// <summary>
/// Reads Markdown (CommonMark with pipe tables, strikethrough and task lists) into docx blocks: headings, paragraphs with
/// bold, italic, strikethrough, inline code and links, nested bulleted and numbered lists, to-dos, fenced code with its
/// language, quotes, rules and tables. Images become their link (uploading media is not done here); raw HTML is kept
/// as text, never interpreted.
/// </summary>
public static class DocxMarkdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseEmphasisExtras(Markdig.Extensions.EmphasisExtras.EmphasisExtraOptions.Strikethrough)
        .UseTaskLists()
        .Build();

    /// <summary>The blocks of <paramref name="markdown"/>, in order.</summary>
    public static IReadOnlyList<DocxNewBlock> ToBlocks(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var document = Markdown.Parse(markdown, Pipeline);
        var blocks = new List<DocxNewBlock>();
        foreach (var block in document)
        {
            Add(block, blocks);
        }

        return blocks;
    }

    private static void Add(Block block, List<DocxNewBlock> into)
    {
        switch (block)
        {
            case HeadingBlock heading:
                into.Add(DocxBlocks.Heading(Math.Clamp(heading.Level, 1, 9), Runs(heading.Inline)));
                break;
            case ParagraphBlock paragraph:
                into.Add(DocxBlocks.Paragraph(Runs(paragraph.Inline)));
                break;
            case ListBlock list:
                into.AddRange(Items(list));
                break;
            case FencedCodeBlock fenced:
                into.Add(DocxBlocks.Code(Lines(fenced), DocxCodeLanguage.Of(fenced.Info)));
                break;
            case CodeBlock code:
                into.Add(DocxBlocks.Code(Lines(code)));
                break;
            case QuoteBlock quote:
                into.Add(Quote(quote));
                break;
            case ThematicBreakBlock:
                into.Add(DocxBlocks.Divider());
                break;
            case MdTable table:
                into.Add(Table(table));
                break;
            case LeafBlock leaf:
                // HTML blocks and anything else written as leaves: their text as it stands.
                var text = Lines(leaf);
                if (text.Length > 0)
                {
                    into.Add(DocxBlocks.Paragraph(text));
                }

                break;
            case ContainerBlock container:
                foreach (var child in container)
                {
                    Add(child, into);
                }

                break;
        }
    }

    private static IEnumerable<DocxNewBlock> Items(ListBlock list)
    {
        foreach (var item in list.OfType<ListItemBlock>())
        {
            // The item's first paragraph is its text; what follows (nested lists, more paragraphs) are its children.
            var first = item.FirstOrDefault() as ParagraphBlock;
            var children = new List<DocxNewBlock>();
            foreach (var rest in item.Skip(first is null ? 0 : 1))
            {
                Add(rest, children);
            }

            var runs = first is null ? [] : Runs(first.Inline);
            if (first?.Inline?.FirstChild is TaskList task)
            {
                yield return DocxBlocks.Todo(string.Concat(runs.Select(r => r.Content)).TrimStart(), task.Checked) with { Children = children };
                continue;
            }

            yield return list.IsOrdered ? DocxBlocks.Ordered(runs, children) : DocxBlocks.Bullet(runs, children);
        }
    }

    private static DocxNewBlock Quote(QuoteBlock quote)
    {
        var inner = new List<DocxNewBlock>();
        foreach (var child in quote)
        {
            Add(child, inner);
        }

        // One paragraph is a quote block; more are a quote container holding them.
        return inner is [{ Type: DocxBlockType.Text, Text: { } text }] ? DocxBlocks.Quote(text.Elements) : DocxBlocks.QuoteContainer(inner);
    }

    private static DocxNewBlock Table(MdTable table)
    {
        var rows = table.OfType<TableRow>()
            .Select(row => (IReadOnlyList<IReadOnlyList<DocxTextElement>>)[.. row.OfType<TableCell>().Select(CellRuns)])
            .ToList();
        var header = table.OfType<TableRow>().FirstOrDefault()?.IsHeader ?? false;
        return DocxBlocks.Table(rows, header);
    }

    private static IReadOnlyList<DocxTextElement> CellRuns(TableCell cell) =>
        [.. cell.OfType<ParagraphBlock>().SelectMany(p => Runs(p.Inline))];

    private static string Lines(LeafBlock leaf)
    {
        var text = new StringBuilder();
        var lines = leaf.Lines;
        for (var i = 0; i < lines.Count; i++)
        {
            if (i > 0)
            {
                text.Append('\n');
            }

            text.Append(lines.Lines[i].Slice.ToString());
        }

        return text.ToString();
    }

    private static List<DocxTextElement> Runs(ContainerInline? inline)
    {
        var runs = new List<DocxTextElement>();
        if (inline is not null)
        {
            Walk(inline, new DocxTextElementStyle(), runs);
        }

        return Merge(runs);
    }

    private static void Walk(ContainerInline container, DocxTextElementStyle style, List<DocxTextElement> runs)
    {
        foreach (var inline in container)
        {
            switch (inline)
            {
                case LiteralInline literal:
                    runs.Add(DocxTextElement.Run(literal.Content.ToString(), style));
                    break;
                case CodeInline code:
                    runs.Add(DocxTextElement.Run(code.Content, style with { InlineCode = true }));
                    break;
                case LineBreakInline:
                    runs.Add(DocxTextElement.Run("\n", style));
                    break;
                case HtmlEntityInline entity:
                    runs.Add(DocxTextElement.Run(entity.Transcoded.ToString(), style));
                    break;
                case AutolinkInline auto:
                    runs.Add(DocxTextElement.Run(auto.Url, style with { Link = auto.IsEmail ? "mailto:" + auto.Url : auto.Url }));
                    break;
                case HtmlInline html:
                    runs.Add(DocxTextElement.Run(html.Tag, style));
                    break;
                case TaskList:
                    break;
                case LinkInline { IsImage: true } image:
                    // An image is shown as its link: the picture would need an upload into the document.
                    var alt = image.FirstChild is null ? image.Url : string.Concat(image.Descendants<LiteralInline>().Select(l => l.Content.ToString()));
                    runs.Add(DocxTextElement.Run(string.IsNullOrEmpty(alt) ? image.Url ?? "" : alt, style with { Link = Linkable(image.Url) }));
                    break;
                case LinkInline link:
                    Walk(link, style with { Link = Linkable(link.Url) }, runs);
                    break;
                case EmphasisInline emphasis:
                    Walk(emphasis, Emphasised(style, emphasis), runs);
                    break;
                case ContainerInline nested:
                    Walk(nested, style, runs);
                    break;
            }
        }
    }

    private static DocxTextElementStyle Emphasised(DocxTextElementStyle style, EmphasisInline emphasis) => emphasis.DelimiterChar switch
    {
        '~' => style with { Strikethrough = true },
        _ when emphasis.DelimiterCount >= 2 => style with { Bold = true },
        _ => style with { Italic = true },
    };

    // Feishu takes http(s) links only; a relative or script link stays text.
    private static string? Linkable(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeMailto) ? url : null;

    /// <summary>Joins neighbouring runs of the same style (Markdig splits literals at every delimiter it considered).</summary>
    private static List<DocxTextElement> Merge(List<DocxTextElement> runs)
    {
        var merged = new List<DocxTextElement>(runs.Count);
        foreach (var run in runs.Where(r => r.Content.Length > 0))
        {
            if (merged.Count > 0 && merged[^1].Style == run.Style)
            {
                merged[^1] = merged[^1] with { Content = merged[^1].Content + run.Content };
            }
            else
            {
                merged.Add(run);
            }
        }

        return merged;
    }
}
