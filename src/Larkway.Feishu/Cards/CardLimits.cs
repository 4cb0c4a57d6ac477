namespace Larkway.Feishu.Cards;

/// <summary>Documented card limits the validator applies.</summary>
public static class CardLimits
{
    /// <summary>
    /// 30 KB: the send-message API caps card (and post) request bodies at 30 KB (codes 230025 / 19036).
    /// Applied to the compact card JSON; the request around it adds a little more.
    /// </summary>
    public const int MaxCardBytes = 30 * 1024;

    /// <summary>
    /// 200: a JSON 2.0 card holds at most 200 components plus elements (objects with a <c>tag</c>, text objects
    /// included) — card-json-v2-structure, error 300305. No count limit is documented for JSON 1.0.
    /// </summary>
    public const int MaxV2Components = 200;

    /// <summary>
    /// 5: "容器类组件最多支持嵌套五层组件" (column_set, form and container pages). Counted here as nested
    /// containers (column_set — with its columns — form, interactive_container, collapsible_panel).
    /// </summary>
    public const int MaxContainerDepth = 5;

    /// <summary>100: a JSON 2.0 button's text content is at most 100 characters.</summary>
    public const int MaxButtonTextLength = 100;
}
