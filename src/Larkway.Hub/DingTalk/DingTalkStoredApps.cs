using Larkway.Hub.Apps;

namespace Larkway.Hub.DingTalk;

/// <summary>The DingTalk room's question about a stored app: is it one of ours (the shared model names no platform).</summary>
internal static class DingTalkStoredApps
{
    /// <summary>True for a DingTalk app (its client comes from <see cref="HubDingTalkClients"/>).</summary>
    public static bool IsDingTalk(this StoredApp app) => app.Platform == HubAppPlatform.DingTalk;
}
