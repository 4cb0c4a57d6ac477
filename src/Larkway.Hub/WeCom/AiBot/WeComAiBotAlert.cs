using Larkway.Hub.Alerts;

namespace Larkway.Hub.WeCom.AiBot;

/// <summary>The alert on the WeCom AI bots' connections: the rule "a long connection is not held" under its own name and key.</summary>
internal static class WeComAiBotAlert
{
    public static readonly LongConnectionAlert Rule = new("wecom_aibot_down", "WeComAiBotDown", "WeCom AI bot connection down", WeComAiBotDuty.Connection);
}
