using Larkway.Feishu;
using Larkway.Feishu.AspNetCore.Authentication;
using Larkway.Feishu.Authen;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds Feishu / Lark sign-in to <c>services.AddAuthentication()</c>.</summary>
public static class FeishuAuthenticationExtensions
{
    /// <summary>Adds Feishu sign-in under <see cref="FeishuAuthenticationDefaults.AuthenticationScheme"/> with the default app of <c>services.AddFeishu()</c>.</summary>
    public static AuthenticationBuilder AddFeishu(this AuthenticationBuilder builder) =>
        builder.AddFeishu(FeishuAuthenticationDefaults.AuthenticationScheme, _ => { });

    /// <summary>Adds Feishu sign-in under <see cref="FeishuAuthenticationDefaults.AuthenticationScheme"/>.</summary>
    public static AuthenticationBuilder AddFeishu(this AuthenticationBuilder builder, Action<FeishuAuthenticationOptions> configureOptions) =>
        builder.AddFeishu(FeishuAuthenticationDefaults.AuthenticationScheme, configureOptions);

    /// <summary>Adds Feishu sign-in under <paramref name="authenticationScheme"/> (e.g. one scheme per app).</summary>
    public static AuthenticationBuilder AddFeishu(this AuthenticationBuilder builder, string authenticationScheme, Action<FeishuAuthenticationOptions> configureOptions) =>
        builder.AddFeishu(authenticationScheme, FeishuAuthenticationDefaults.DisplayName, configureOptions);

    /// <summary>
    /// Adds Feishu sign-in under <paramref name="authenticationScheme"/>, shown as <paramref name="displayName"/>. The
    /// options are checked when the host starts, each message saying what to set; an app from <c>services.AddFeishu()</c>
    /// must be registered by then. Registers the in-memory <see cref="IFeishuUserTokenStore"/> unless the host has one.
    /// </summary>
    public static AuthenticationBuilder AddFeishu(this AuthenticationBuilder builder, string authenticationScheme, string? displayName, Action<FeishuAuthenticationOptions> configureOptions)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(authenticationScheme);
        ArgumentNullException.ThrowIfNull(configureOptions);

        builder.Services.TryAddSingleton(sp => new FeishuSignInClients(
            sp.GetService<Logging.ILoggerFactory>(), sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        builder.Services.TryAddSingleton<IFeishuUserTokenStore, InMemoryFeishuUserTokenStore>();
        // What AddOAuth does, with a display name that may be null (a scheme not offered on sign-in pages).
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<FeishuAuthenticationOptions>, OAuthPostConfigureOptions<FeishuAuthenticationOptions, FeishuAuthenticationHandler>>());
        builder.AddRemoteScheme<FeishuAuthenticationOptions, FeishuAuthenticationHandler>(authenticationScheme, displayName, configureOptions);

        // After the options' own check (registered with the scheme), and like it, a problem throws with what to do.
        builder.Services.AddOptions<FeishuAuthenticationOptions>(authenticationScheme)
            .Validate<IServiceProvider>((options, services) => AppProblem(authenticationScheme, options, services) is not { } problem
                ? true
                : throw new InvalidOperationException(problem))
            .ValidateOnStart();
        return builder;
    }

    /// <summary>What is wrong with the app a scheme without ClientId names, or null.</summary>
    internal static string? AppProblem(string scheme, FeishuAuthenticationOptions options, IServiceProvider services)
    {
        if (options.HasOwnApp)
        {
            return null;
        }

        var name = options.AppName ?? string.Empty;
        return services.GetService(typeof(IFeishuClientFactory)) switch
        {
            null => $"Feishu sign-in '{scheme}' has no ClientId, so it uses {(name.Length == 0 ? "the default app" : $"app '{name}'")} of services.AddFeishu(): call services.AddFeishu(…){(name.Length == 0 ? string.Empty : $".AddApp(\"{name}\", …)")}, or set ClientId and ClientSecret.",
            FeishuClientFactory library when !library.IsRegistered(name) => name.Length == 0
                ? $"Feishu sign-in '{scheme}' uses the default app of services.AddFeishu(), which is not registered: call services.AddFeishu(o => …), or set AppName or ClientId."
                : $"Feishu sign-in '{scheme}' uses app '{name}', which is not registered: call services.AddFeishu().AddApp(\"{name}\", o => …).",
            _ => null,
        };
    }
}
