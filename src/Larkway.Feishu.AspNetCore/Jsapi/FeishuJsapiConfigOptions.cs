namespace Larkway.Feishu.AspNetCore.Jsapi;

/// <summary>
/// Who may get <c>h5sdk.config</c> parameters from <c>MapFeishuJsapiConfig</c>: pages whose origin is on
/// <see cref="AllowedOrigins"/>, signed with the JSAPI ticket of the app <see cref="AppName"/> names.
/// </summary>
public sealed class FeishuJsapiConfigOptions
{
    /// <summary>
    /// The origins (<c>https://h5.example.com</c>, <c>http://localhost:5173</c>: scheme, host and port, no path) of the H5
    /// pages this endpoint signs for: the app's H5 trusted domains. A page elsewhere gets 403. At least one is needed.
    /// </summary>
    public IList<string> AllowedOrigins { get; set; } = [];

    /// <summary>The app of <c>services.AddFeishu()</c> whose ticket signs (null or empty: the default app; or a name from <c>AddApp</c>).</summary>
    public string? AppName { get; set; }

    internal FeishuJsapiConfigOptions Clone() => new() { AllowedOrigins = [.. AllowedOrigins], AppName = AppName };
}
