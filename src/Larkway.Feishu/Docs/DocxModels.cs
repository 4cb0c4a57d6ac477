using System.Text.Json;

namespace Larkway.Feishu.Docs;

/// <summary>A docx document's metadata.</summary>
/// <param name="DocumentId">Its id (27 characters), also the id of its root <see cref="DocxBlockType.Page"/> block.</param>
/// <param name="RevisionId">Its revision: 1 when created, advanced by every edit.</param>
/// <param name="Title">Its title.</param>
public sealed record DocxDocument(string DocumentId, long RevisionId, string? Title);

/// <summary>The kinds of docx block (<c>block_type</c>). Kinds the client does not name come as their number.</summary>
public enum DocxBlockType
{
    /// <summary>The document's root: its title.</summary>
    Page = 1,
    /// <summary>A paragraph.</summary>
    Text = 2,
    /// <summary>Heading level 1 (levels 2–9 follow: 4 … 11).</summary>
    Heading1 = 3,
    /// <summary>Heading level 2.</summary>
    Heading2 = 4,
    /// <summary>Heading level 3.</summary>
    Heading3 = 5,
    /// <summary>Heading level 4.</summary>
    Heading4 = 6,
    /// <summary>Heading level 5.</summary>
    Heading5 = 7,
    /// <summary>Heading level 6.</summary>
    Heading6 = 8,
    /// <summary>Heading level 7.</summary>
    Heading7 = 9,
    /// <summary>Heading level 8.</summary>
    Heading8 = 10,
    /// <summary>Heading level 9.</summary>
    Heading9 = 11,
    /// <summary>One item of a bulleted list.</summary>
    Bullet = 12,
    /// <summary>One item of a numbered list.</summary>
    Ordered = 13,
    /// <summary>A code block.</summary>
    Code = 14,
    /// <summary>A quote (one paragraph).</summary>
    Quote = 15,
    /// <summary>An equation.</summary>
    Equation = 16,
    /// <summary>A to-do item.</summary>
    Todo = 17,
    /// <summary>An embedded base.</summary>
    Bitable = 18,
    /// <summary>A highlighted box holding other blocks.</summary>
    Callout = 19,
    /// <summary>A group chat card.</summary>
    ChatCard = 20,
    /// <summary>A horizontal rule.</summary>
    Divider = 22,
    /// <summary>An attached file.</summary>
    File = 23,
    /// <summary>Columns.</summary>
    Grid = 24,
    /// <summary>One column of a grid.</summary>
    GridColumn = 25,
    /// <summary>An embedded web page.</summary>
    Iframe = 26,
    /// <summary>An image.</summary>
    Image = 27,
    /// <summary>An embedded sheet.</summary>
    Sheet = 30,
    /// <summary>A table; its cells are <see cref="TableCell"/> blocks.</summary>
    Table = 31,
    /// <summary>One cell of a table, holding blocks.</summary>
    TableCell = 32,
    /// <summary>A quote holding several blocks.</summary>
    QuoteContainer = 34,
}

/// <summary>
/// One block of a document as Feishu returns it. Text-shaped kinds (paragraphs, headings, list items, code, quotes,
/// to-dos, the page title) carry <see cref="Text"/>; tables carry <see cref="Table"/>; every kind keeps its JSON in
/// <see cref="Raw"/>.
/// </summary>
public sealed record DocxBlock(string BlockId, DocxBlockType Type)
{
    /// <summary>The parent block's id; null for the page.</summary>
    public string? ParentId { get; init; }

    /// <summary>The ids of its children, in order.</summary>
    public IReadOnlyList<string> Children { get; init; } = [];

    /// <summary>The text of a text-shaped block.</summary>
    public DocxText? Text { get; init; }

    /// <summary>The shape of a table.</summary>
    public DocxTable? Table { get; init; }

    /// <summary>The block as it came.</summary>
    public JsonElement Raw { get; init; }

    /// <summary>The heading level (1–9), or 0 when the block is not a heading.</summary>
    public int HeadingLevel => Type is >= DocxBlockType.Heading1 and <= DocxBlockType.Heading9 ? Type - DocxBlockType.Heading1 + 1 : 0;
}

/// <summary>The text of a block: its elements and the block's style.</summary>
public sealed record DocxText(IReadOnlyList<DocxTextElement> Elements, DocxTextStyle? Style = null)
{
    /// <summary>The text as plain characters (mentions by their title or id, equations as written).</summary>
    public string PlainText => string.Concat(Elements.Select(e => e.PlainText));
}

/// <summary>
/// One element of a block's text. <see cref="Kind"/> is its wire key: <c>text_run</c>, <c>mention_user</c>,
/// <c>mention_doc</c>, <c>equation</c>, or another the client keeps without reading.
/// </summary>
public sealed record DocxTextElement(string Kind, string Content)
{
    /// <summary>The run's style (bold, a link, …).</summary>
    public DocxTextElementStyle? Style { get; init; }

    /// <summary>The user a <c>mention_user</c> names.</summary>
    public string? UserId { get; init; }

    /// <summary>The document a <c>mention_doc</c> links (its token).</summary>
    public string? DocToken { get; init; }

    /// <summary>The link of a <c>mention_doc</c>, decoded.</summary>
    public string? Url { get; init; }

    /// <summary>The element as text.</summary>
    public string PlainText => Content;

    /// <summary>A run of text.</summary>
    public static DocxTextElement Run(string content, DocxTextElementStyle? style = null) => new("text_run", content) { Style = style };
}

/// <summary>The inline style of a run. <see cref="Link"/> is the plain URL (the wire form is URL-encoded; the client does it).</summary>
public sealed record DocxTextElementStyle
{
    /// <summary>Bold.</summary>
    public bool Bold { get; init; }

    /// <summary>Italic.</summary>
    public bool Italic { get; init; }

    /// <summary>Struck through.</summary>
    public bool Strikethrough { get; init; }

    /// <summary>Underlined.</summary>
    public bool Underline { get; init; }

    /// <summary>Inline code.</summary>
    public bool InlineCode { get; init; }

    /// <summary>The run links here (a plain URL, e.g. <c>https://example.com/a?b=1</c>).</summary>
    public string? Link { get; init; }

    /// <summary>Whether the style sets nothing.</summary>
    public bool IsPlain => !Bold && !Italic && !Strikethrough && !Underline && !InlineCode && Link is null;
}

/// <summary>A block's style: alignment, a to-do's state, a code block's language.</summary>
public sealed record DocxTextStyle
{
    /// <summary>1 left, 2 centre, 3 right.</summary>
    public int? Align { get; init; }

    /// <summary>Whether a to-do is done.</summary>
    public bool? Done { get; init; }

    /// <summary>Whether a heading (or a block with children) is folded.</summary>
    public bool? Folded { get; init; }

    /// <summary>A code block's language (<see cref="DocxCodeLanguage"/>).</summary>
    public int? Language { get; init; }

    /// <summary>Whether a code block wraps.</summary>
    public bool? Wrap { get; init; }
}

/// <summary>A table's shape: its cells' block ids row by row, and its size.</summary>
public sealed record DocxTable(IReadOnlyList<string> Cells, int RowSize, int ColumnSize)
{
    /// <summary>Whether the first row is a header.</summary>
    public bool HeaderRow { get; init; }
}

/// <summary>The code languages a code block names (<c>style.language</c>), the common ones; Feishu lists 75.</summary>
public static class DocxCodeLanguage
{
    /// <summary>Plain text.</summary>
    public const int PlainText = 1;
    /// <summary>Bash.</summary>
    public const int Bash = 7;
    /// <summary>C#.</summary>
    public const int CSharp = 8;
    /// <summary>C++.</summary>
    public const int Cpp = 9;
    /// <summary>C.</summary>
    public const int C = 10;
    /// <summary>CSS.</summary>
    public const int Css = 12;
    /// <summary>Dockerfile.</summary>
    public const int Dockerfile = 18;
    /// <summary>Go.</summary>
    public const int Go = 22;
    /// <summary>HTML.</summary>
    public const int Html = 24;
    /// <summary>JSON.</summary>
    public const int Json = 28;
    /// <summary>Java.</summary>
    public const int Java = 29;
    /// <summary>JavaScript.</summary>
    public const int JavaScript = 30;
    /// <summary>Kotlin.</summary>
    public const int Kotlin = 32;
    /// <summary>Markdown.</summary>
    public const int Markdown = 39;
    /// <summary>PHP.</summary>
    public const int Php = 43;
    /// <summary>PowerShell.</summary>
    public const int PowerShell = 46;
    /// <summary>Python.</summary>
    public const int Python = 49;
    /// <summary>Ruby.</summary>
    public const int Ruby = 52;
    /// <summary>Rust.</summary>
    public const int Rust = 53;
    /// <summary>SQL.</summary>
    public const int Sql = 56;
    /// <summary>Shell.</summary>
    public const int Shell = 60;
    /// <summary>Swift.</summary>
    public const int Swift = 61;
    /// <summary>TypeScript.</summary>
    public const int TypeScript = 63;
    /// <summary>XML.</summary>
    public const int Xml = 66;
    /// <summary>YAML.</summary>
    public const int Yaml = 67;

    private static readonly Dictionary<string, int> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["text"] = PlainText, ["plaintext"] = PlainText, ["bash"] = Bash, ["sh"] = Shell, ["shell"] = Shell, ["zsh"] = Shell,
        ["csharp"] = CSharp, ["cs"] = CSharp, ["c#"] = CSharp, ["cpp"] = Cpp, ["c++"] = Cpp, ["c"] = C, ["css"] = Css,
        ["dockerfile"] = Dockerfile, ["go"] = Go, ["golang"] = Go, ["html"] = Html, ["json"] = Json, ["java"] = Java,
        ["javascript"] = JavaScript, ["js"] = JavaScript, ["kotlin"] = Kotlin, ["kt"] = Kotlin, ["markdown"] = Markdown, ["md"] = Markdown,
        ["php"] = Php, ["powershell"] = PowerShell, ["ps1"] = PowerShell, ["python"] = Python, ["py"] = Python, ["ruby"] = Ruby,
        ["rb"] = Ruby, ["rust"] = Rust, ["rs"] = Rust, ["sql"] = Sql, ["swift"] = Swift, ["typescript"] = TypeScript, ["ts"] = TypeScript,
        ["xml"] = Xml, ["yaml"] = Yaml, ["yml"] = Yaml,
    };

    /// <summary>The language of a Markdown fence's info string (<c>csharp</c>, <c>py</c>, …); plain text when unknown.</summary>
    public static int Of(string? name) => name is not null && ByName.TryGetValue(name.Trim(), out var language) ? language : PlainText;
}
