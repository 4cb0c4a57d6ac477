namespace Larkway.Feishu.Docs;

/// <summary>
/// A block to write, with the blocks it holds (<see cref="Children"/>): list items may hold nested items, a callout or a
/// quote container holds paragraphs, a table holds its <see cref="DocxBlockType.TableCell"/> blocks row by row, each
/// holding the cell's content. Made with <see cref="DocxBlocks"/> or <see cref="DocxMarkdown"/>; written with
/// <see cref="DocxBlocksClient.AppendAsync"/>.
/// </summary>
public sealed record DocxNewBlock(DocxBlockType Type)
{
    /// <summary>The text of a text-shaped block.</summary>
    public DocxText? Text { get; init; }

    /// <summary>The blocks it holds.</summary>
    public IReadOnlyList<DocxNewBlock> Children { get; init; } = [];

    /// <summary>A table's rows and columns (its children are its cells, row by row).</summary>
    public (int Rows, int Columns)? TableSize { get; init; }

    /// <summary>Whether a table's first row is a header.</summary>
    public bool HeaderRow { get; init; }

    /// <summary>A callout's emoji (e.g. <c>bulb</c>) and background colour (1–15).</summary>
    public (string Emoji, int BackgroundColor)? Callout { get; init; }

    /// <summary>How many blocks it writes: itself and everything it holds.</summary>
    public int Count => 1 + Children.Sum(c => c.Count);
}

/// <summary>Builds the common blocks. Text over 100,000 characters is refused when written (Feishu's limit per block).</summary>
public static class DocxBlocks
{
    /// <summary>A paragraph of plain text.</summary>
    public static DocxNewBlock Paragraph(string text) => Paragraph(DocxTextElement.Run(text));

    /// <summary>A paragraph of runs.</summary>
    public static DocxNewBlock Paragraph(params IReadOnlyList<DocxTextElement> elements) => TextShaped(DocxBlockType.Text, elements);

    /// <summary>A heading of <paramref name="level"/> 1–9.</summary>
    public static DocxNewBlock Heading(int level, string text) => Heading(level, DocxTextElement.Run(text));

    /// <summary>A heading of <paramref name="level"/> 1–9, of runs.</summary>
    public static DocxNewBlock Heading(int level, params IReadOnlyList<DocxTextElement> elements)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(level, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, 9);
        return TextShaped(DocxBlockType.Heading1 + (level - 1), elements);
    }

    /// <summary>A bulleted item, with nested items.</summary>
    public static DocxNewBlock Bullet(IReadOnlyList<DocxTextElement> elements, params IReadOnlyList<DocxNewBlock> children) =>
        TextShaped(DocxBlockType.Bullet, elements) with { Children = children };

    /// <summary>A numbered item, with nested items.</summary>
    public static DocxNewBlock Ordered(IReadOnlyList<DocxTextElement> elements, params IReadOnlyList<DocxNewBlock> children) =>
        TextShaped(DocxBlockType.Ordered, elements) with { Children = children };

    /// <summary>A to-do item.</summary>
    public static DocxNewBlock Todo(string text, bool done = false) =>
        new(DocxBlockType.Todo) { Text = new DocxText([DocxTextElement.Run(text)], new DocxTextStyle { Done = done }) };

    /// <summary>A code block in <paramref name="language"/> (<see cref="DocxCodeLanguage"/>).</summary>
    public static DocxNewBlock Code(string code, int language = DocxCodeLanguage.PlainText) =>
        new(DocxBlockType.Code) { Text = new DocxText([DocxTextElement.Run(code)], new DocxTextStyle { Language = language, Wrap = false }) };

    /// <summary>A one-paragraph quote.</summary>
    public static DocxNewBlock Quote(params IReadOnlyList<DocxTextElement> elements) => TextShaped(DocxBlockType.Quote, elements);

    /// <summary>A quote holding several blocks.</summary>
    public static DocxNewBlock QuoteContainer(params IReadOnlyList<DocxNewBlock> children) =>
        new(DocxBlockType.QuoteContainer) { Children = NonEmpty(children) };

    /// <summary>A horizontal rule.</summary>
    public static DocxNewBlock Divider() => new(DocxBlockType.Divider);

    /// <summary>A callout with <paramref name="emoji"/> (e.g. <c>bulb</c>) on <paramref name="backgroundColor"/> (1–15; 5 light blue).</summary>
    public static DocxNewBlock Callout(string emoji, int backgroundColor, params IReadOnlyList<DocxNewBlock> children)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(emoji);
        ArgumentOutOfRangeException.ThrowIfLessThan(backgroundColor, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(backgroundColor, 15);
        return new(DocxBlockType.Callout) { Callout = (emoji, backgroundColor), Children = NonEmpty(children) };
    }

    /// <summary>
    /// A table of text cells, row by row (rows shorter than the widest are padded). Feishu allows 100 columns and 2,000
    /// cells.
    /// </summary>
    public static DocxNewBlock Table(IReadOnlyList<IReadOnlyList<string>> rows, bool headerRow = true) =>
        Table([.. rows.Select(r => (IReadOnlyList<IReadOnlyList<DocxTextElement>>)[.. r.Select(c => (IReadOnlyList<DocxTextElement>)[DocxTextElement.Run(c)])])], headerRow);

    /// <summary>A table whose cells are runs, row by row.</summary>
    public static DocxNewBlock Table(IReadOnlyList<IReadOnlyList<IReadOnlyList<DocxTextElement>>> rows, bool headerRow = true)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var columns = rows.Count == 0 ? 0 : rows.Max(r => r.Count);
        if (rows.Count == 0 || columns == 0)
        {
            throw new ArgumentException("A table needs at least one row and one column.", nameof(rows));
        }

        if (columns > DocxLimits.MaxTableColumns || rows.Count * columns > DocxLimits.MaxTableCells)
        {
            throw new ArgumentException($"A table of {rows.Count} × {columns} is over Feishu's limits ({DocxLimits.MaxTableColumns} columns, {DocxLimits.MaxTableCells} cells).", nameof(rows));
        }

        var cells = new List<DocxNewBlock>(rows.Count * columns);
        foreach (var row in rows)
        {
            for (var c = 0; c < columns; c++)
            {
                // A cell must hold a block; an empty one holds an empty paragraph.
                var content = c < row.Count ? row[c] : [];
                cells.Add(new DocxNewBlock(DocxBlockType.TableCell) { Children = [Paragraph(content.Count == 0 ? [DocxTextElement.Run("")] : content)] });
            }
        }

        return new DocxNewBlock(DocxBlockType.Table) { TableSize = (rows.Count, columns), HeaderRow = headerRow, Children = cells };
    }

    private static DocxNewBlock TextShaped(DocxBlockType type, IReadOnlyList<DocxTextElement> elements)
    {
        ArgumentNullException.ThrowIfNull(elements);
        return new(type) { Text = new DocxText(elements.Count == 0 ? [DocxTextElement.Run("")] : elements) };
    }

    // Callouts and quote containers must hold at least one block.
    private static IReadOnlyList<DocxNewBlock> NonEmpty(IReadOnlyList<DocxNewBlock> children) => children.Count == 0 ? [Paragraph("")] : children;
}

/// <summary>The documented limits of docx calls and documents.</summary>
public static class DocxLimits
{
    /// <summary>Blocks one "create descendants" call writes.</summary>
    public const int MaxDescendantsPerCall = 1000;

    /// <summary>Requests in one batch update.</summary>
    public const int MaxBatchUpdateRequests = 200;

    /// <summary>Blocks a page of the block list holds.</summary>
    public const int MaxBlocksPageSize = 500;

    /// <summary>Characters (UTF-16) in one block's text.</summary>
    public const int MaxTextLength = 100_000;

    /// <summary>Columns of a table.</summary>
    public const int MaxTableColumns = 100;

    /// <summary>Cells of a table.</summary>
    public const int MaxTableCells = 2000;

    /// <summary>Characters of a title.</summary>
    public const int MaxTitleLength = 800;

    /// <summary>Edits a second per app and, separately, per document.</summary>
    public const int EditsPerSecond = 3;

    /// <summary>Reads a second per app (document, raw content, blocks).</summary>
    public const int ReadsPerSecond = 5;
}
