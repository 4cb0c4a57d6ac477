namespace Larkway.Feishu.Cards;

/// <summary>
/// Entry point for building cards, e.g.
/// <c>Card.V2().Header("Title", HeaderTemplate.Blue).Markdown("**hi**").Button("OK", ButtonType.Primary, value: new { action = "ok" }).Build()</c>.
/// Check hand-written or templated card JSON with <see cref="CardValidator"/>.
/// </summary>
public static class Card
{
    /// <summary>Starts a card JSON 1.0 (<c>elements</c> at the root; widest client support).</summary>
    public static CardBuilder V1() => new(CardSchemaVersion.V1);

    /// <summary>Starts a card JSON 2.0 (<c>"schema":"2.0"</c>; Feishu client 7.20+; always shared).</summary>
    public static CardBuilder V2() => new(CardSchemaVersion.V2);
}
