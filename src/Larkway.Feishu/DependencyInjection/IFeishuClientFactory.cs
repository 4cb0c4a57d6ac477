namespace Larkway.Feishu;

/// <summary>Gives the client of each app registered with <c>AddFeishu()</c> / <c>AddApp(name, …)</c>.</summary>
public interface IFeishuClientFactory
{
    /// <summary>
    /// The client of the app named <paramref name="name"/> (<see cref="Microsoft.Extensions.Options.Options.DefaultName"/>,
    /// the empty string, for the default app). The same instance for the same name.
    /// </summary>
    /// <exception cref="InvalidOperationException">No app of that name was registered.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The app's options are invalid.</exception>
    FeishuClient GetClient(string name);
}
