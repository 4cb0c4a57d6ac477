namespace Larkway.Feishu.Cards;

/// <summary>One option of a <c>select_static</c>: <c>{"text":{"tag":"plain_text","content":…},"value":…}</c>.</summary>
/// <param name="Text">What the user sees.</param>
/// <param name="Value">What the callback receives.</param>
public sealed record SelectOption(string Text, string Value);
