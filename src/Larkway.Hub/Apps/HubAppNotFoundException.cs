namespace Larkway.Hub.Apps;

/// <summary>No enabled app has the name.</summary>
public sealed class HubAppNotFoundException : Exception
{
    public HubAppNotFoundException()
    {
    }

    public HubAppNotFoundException(string message)
        : base(message)
    {
    }

    public HubAppNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal static HubAppNotFoundException For(string appName, bool disabled, string platform = HubAppPlatform.Feishu) => new(disabled
        ? $"The {HubAppPlatform.Display(platform)} app '{appName}' is disabled in the Hub; enable it (PATCH /api/v1/apps/{appName} {{\"enabled\":true}})."
        : $"The Hub has no {HubAppPlatform.Display(platform)} app named '{appName}' (GET /api/v1/apps lists them).");
}

