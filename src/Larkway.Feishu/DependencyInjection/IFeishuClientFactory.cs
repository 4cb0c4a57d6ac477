namespace Larkway.Feishu;

/// <summary>
/// Gives the client of an app by name: the apps registered with <c>AddFeishu()</c> / <c>AddApp(name, …)</c>, and in a
/// host that replaces it (see <see cref="FeishuClientFactory"/>), apps it keeps elsewhere, e.g. in a database.
/// </summary>
public interface IFeishuClientFactory
{
    /// <summary>
    /// The client of the app named <paramref name="name"/> (<see cref="Microsoft.Extensions.Options.Options.DefaultName"/>,
    /// the empty string, for the default app). The same instance for the same name. Do not dispose it; it is shared.
    /// </summary>
    /// <exception cref="InvalidOperationException">No app of that name was registered.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The app's options are invalid.</exception>
    FeishuClient GetClient(string name);

    /// <summary>
    /// The client of the app named <paramref name="name"/>, for factories whose apps live in storage: finding one may
    /// read it, and callers that can await should call this rather than <see cref="GetClient"/>, which would block on
    /// that read. Returns <see cref="GetClient"/>'s client unless an implementation overrides it.
    /// </summary>
    /// <exception cref="InvalidOperationException">No app of that name was registered.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The app's options are invalid.</exception>
    ValueTask<FeishuClient> GetClientAsync(string name, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(GetClient(name));
    }
}
