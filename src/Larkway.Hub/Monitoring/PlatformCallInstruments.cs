namespace Larkway.Hub.Monitoring;

/// <summary>
/// A platform client's call and token instruments on the <c>Larkway</c> meter, as the clients' one chassis names them:
/// <c>larkway.{prefix}.calls</c> tagged <c>{prefix}.code</c> (<c>"0"</c> for success, none when the caller cancelled
/// first) and <c>larkway.{prefix}.token.requests</c> tagged <c>{prefix}.token.outcome</c>. The platform's room registers
/// one, so the recorder counts its calls with the others' without naming it.
/// </summary>
/// <param name="Prefix">The instruments' prefix, the platform as the seams key it: <c>dingtalk</c>.</param>
/// <param name="AppTag">The tag naming the app a call was made for: <c>dingtalk.app_key</c>.</param>
internal sealed record PlatformCallInstruments(string Prefix, string AppTag)
{
    /// <summary>The counter of calls.</summary>
    public string Calls => $"larkway.{Prefix}.calls";

    /// <summary>The calls' tag carrying the platform's code as a string.</summary>
    public string CodeTag => Prefix + ".code";

    /// <summary>The counter of token fetches.</summary>
    public string TokenRequests => $"larkway.{Prefix}.token.requests";

    /// <summary>The token fetches' tag, <c>success</c> or the failure's code.</summary>
    public string TokenOutcomeTag => Prefix + ".token.outcome";
}
