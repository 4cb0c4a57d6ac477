namespace Larkway.Feishu.AspNetCore.Authentication;

/// <summary>Default values of Feishu sign-in (<c>AddAuthentication().AddFeishu()</c>).</summary>
public static class FeishuAuthenticationDefaults
{
    /// <summary>The scheme name: <c>Feishu</c>.</summary>
    public const string AuthenticationScheme = "Feishu";

    /// <summary>The name shown on a sign-in button: <c>Feishu</c>.</summary>
    public const string DisplayName = "Feishu";

    /// <summary>
    /// Where Feishu sends the browser back: <c>/signin-feishu</c>. Its absolute URL goes into the app's redirect URLs
    /// (developer console → Security settings).
    /// </summary>
    public const string CallbackPath = "/signin-feishu";

    /// <summary>
    /// The scope that makes Feishu issue a refresh token; asked for on its own when tokens are kept
    /// (<see cref="Microsoft.AspNetCore.Authentication.RemoteAuthenticationOptions.SaveTokens"/> or
    /// <see cref="FeishuAuthenticationOptions.StoreUserTokens"/>).
    /// </summary>
    public const string OfflineAccessScope = "offline_access";
}
