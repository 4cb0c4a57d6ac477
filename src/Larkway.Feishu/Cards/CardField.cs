namespace Larkway.Feishu.Cards;

/// <summary>One entry of a JSON 1.0 <c>div</c>'s <c>fields</c>: <c>{"is_short":…,"text":{…}}</c>.</summary>
/// <param name="Text">The field's text.</param>
/// <param name="IsShort">True to lay the field out side by side with its neighbour (two per row).</param>
/// <param name="Format">How <paramref name="Text"/> is rendered; fields are usually <c>lark_md</c>.</param>
public sealed record CardField(string Text, bool IsShort = true, TextFormat Format = TextFormat.LarkMd);
