using Larkway.Hub.Apps;

namespace Larkway.Hub.WeCom;

/// <summary>The WeCom room's questions about a stored app (the shared model names no platform).</summary>
internal static class WeComStoredApps
{
    /// <summary>True for a WeCom app (its client comes from <see cref="HubWeComClients"/>).</summary>
    public static bool IsWeCom(this StoredApp app) => app.Platform == HubAppPlatform.WeCom;

    /// <summary>True for a WeCom app with an AI bot whose connection the Hub holds.</summary>
    public static bool HasAiBot(this StoredApp app) => app.IsWeCom() && app.AiBotId is not null && app.AiBotSecret is not null;
}
