namespace Larkway.WeCom;

/// <summary>Gives the client of a WeCom app registered with <c>AddWeCom()</c> / <c>AddApp(name, …)</c>, by name.</summary>
public interface IWeComClientFactory
{
    /// <summary>
    /// The client of the app named <paramref name="name"/> (the empty string for the default app). The same instance for
    /// the same name; do not dispose it, it is shared.
    /// </summary>
    /// <exception cref="InvalidOperationException">No app of that name was registered.</exception>
    /// <exception cref="WeComApiException">The app's CorpId or CorpSecret is missing.</exception>
    /// <exception cref="ArgumentException">Another of the app's options is invalid.</exception>
    WeComClient GetClient(string name);
}
