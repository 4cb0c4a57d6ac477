namespace Larkway.DingTalk;

/// <summary>Gives the client of a DingTalk app registered with <c>AddDingTalk()</c> / <c>AddApp(name, …)</c>, by name.</summary>
public interface IDingTalkClientFactory
{
    /// <summary>
    /// The client of the app named <paramref name="name"/> (the empty string for the default app). The same instance for
    /// the same name; do not dispose it, it is shared.
    /// </summary>
    /// <exception cref="InvalidOperationException">No app of that name was registered.</exception>
    /// <exception cref="DingTalkApiException">The app's AppKey or AppSecret is missing.</exception>
    /// <exception cref="ArgumentException">Another of the app's options is invalid.</exception>
    DingTalkClient GetClient(string name);
}
