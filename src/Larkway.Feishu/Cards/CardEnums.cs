namespace Larkway.Feishu.Cards;

/// <summary>The card JSON structure version: 1.0 (<c>elements</c> at the root) or 2.0 (<c>"schema":"2.0"</c>, <c>body.elements</c>).</summary>
public enum CardSchemaVersion
{
    /// <summary>Card JSON 1.0: <c>{"config","header","elements"}</c>.</summary>
    V1,

    /// <summary>Card JSON 2.0: <c>{"schema":"2.0","config","header","body":{"elements"}}</c>.</summary>
    V2,
}

/// <summary>Header colour theme (<c>header.template</c>).</summary>
public enum HeaderTemplate
{
    /// <summary><c>default</c></summary>
    Default,
    /// <summary><c>blue</c></summary>
    Blue,
    /// <summary><c>wathet</c></summary>
    Wathet,
    /// <summary><c>turquoise</c></summary>
    Turquoise,
    /// <summary><c>green</c></summary>
    Green,
    /// <summary><c>yellow</c></summary>
    Yellow,
    /// <summary><c>orange</c></summary>
    Orange,
    /// <summary><c>red</c></summary>
    Red,
    /// <summary><c>carmine</c></summary>
    Carmine,
    /// <summary><c>violet</c></summary>
    Violet,
    /// <summary><c>purple</c></summary>
    Purple,
    /// <summary><c>indigo</c></summary>
    Indigo,
    /// <summary><c>grey</c></summary>
    Grey,
}

/// <summary>Button style (<c>type</c>).</summary>
public enum ButtonType
{
    /// <summary><c>default</c>: black text with a border.</summary>
    Default,
    /// <summary><c>primary</c>: blue text with a border.</summary>
    Primary,
    /// <summary><c>danger</c>: red text with a border.</summary>
    Danger,
}

/// <summary>How a text object's <c>content</c> is rendered.</summary>
public enum TextFormat
{
    /// <summary><c>plain_text</c></summary>
    PlainText,
    /// <summary><c>lark_md</c>: the Feishu markdown subset.</summary>
    LarkMd,
}
