namespace Larkway.Feishu;

/// <summary>The two public Open Platform hosts. Any other absolute URL (a local emulator, a proxy) works too.</summary>
public static class FeishuBaseUrls
{
    /// <summary>Feishu (mainland China): <c>https://open.feishu.cn</c>.</summary>
    public static Uri Feishu { get; } = new("https://open.feishu.cn");

    /// <summary>Lark (international): <c>https://open.larksuite.com</c>.</summary>
    public static Uri Lark { get; } = new("https://open.larksuite.com");
}
