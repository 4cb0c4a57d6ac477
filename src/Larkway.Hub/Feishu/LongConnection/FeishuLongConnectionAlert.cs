using Larkway.Hub.Alerts;

namespace Larkway.Hub.Feishu.LongConnection;

/// <summary>
/// The alert on Feishu's long connection: the rule "a long connection is not held" every room's connection has, under the
/// name and key it had before it was that rule (<c>long_connection_down</c>, <c>LongConnectionDown</c>), so configurations
/// and stored alerts keep meaning it.
/// </summary>
internal static class FeishuLongConnectionAlert
{
    public static readonly LongConnectionAlert Rule = new("long_connection_down", "LongConnectionDown", "Long connection down", FeishuLongConnectionDuty.Connection);
}
