using Larkway.Hub.Platform.Auth;
using Larkway.Hub.Platform.Auth.ApiKeys;
using Larkway.Hub.Platform.Configuration;
using Larkway.Hub.Platform.Observability;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers how the Hub's APIs know their callers.</summary>
public static class HubAuthServiceCollectionExtensions
{
    /// <summary>
    /// Adds the bearer authentication scheme (<see cref="HubAuth.BearerScheme"/>: the admin key or an API key) and the
    /// policies endpoints require (<see cref="HubAuth.AdminPolicy"/>, <see cref="HubAuth.CallerPolicy"/>,
    /// <see cref="HubAuth.MaySendPolicy"/>), and the admin key itself: from <c>Larkway:AdminKey</c> /
    /// <c>LARKWAY_ADMIN_KEY</c>, else generated at first start, stored hashed and shown once (on standard output when it
    /// is a terminal, else in the file <c>Larkway:Bootstrap:SecretsFile</c>; <c>Larkway:Bootstrap:SecretOutput</c> =
    /// auto, terminal or file). Needs <c>AddHubStorage</c>: the API keys (<see cref="ApiKeyStore"/>) are its table <c>api_keys</c>.
    /// </summary>
    public static IServiceCollection AddHubAuth(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            var text = configuration[HubConsole.OutputSetting];
            var output = HubSecretOutput.Auto;
            if (!string.IsNullOrEmpty(text) && !(Enum.TryParse(text, ignoreCase: true, out output) && Enum.IsDefined(output) && !char.IsAsciiDigit(text[0])))
            {
                throw new HubConfigurationException($"{HubConsole.OutputSetting} '{text}' is not valid; use 'auto' (a terminal if standard output is one, else the file), 'terminal' or 'file'.");
            }

            // A JSON log on standard output takes no plain line: the notices become its events.
            var structured = sp.GetService<ObservabilitySettings>()?.LogFormat == LogFormat.Json ? sp.GetRequiredService<ILogger<HubConsole>>() : null;
            // In the sandbox the secrets file is its key store, kept; elsewhere a hand-over to store and delete.
            var sandbox = sp.GetService<HubSettings>()?.Mode == HubMode.Sandbox;
            return new HubConsole(output, configuration[HubConsole.FileSetting], structured, keepsFile: sandbox);
        });
        services.TryAddSingleton<HubAdminKey>();
        services.TryAddSingleton<ApiKeyStore>();
        services.TryAddSingleton<ApiKeyService>();
        services.TryAddSingleton<BearerKeyThrottle>();
        services.AddHostedService<HubAdminKeyStartup>();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, BearerKeyHandler>(HubAuth.BearerScheme, displayName: null, _ => { });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, MaySendRequirement>());
        services.AddAuthorizationBuilder()
            .AddPolicy(HubAuth.AdminPolicy, p => p.AddAuthenticationSchemes(HubAuth.BearerScheme).RequireAuthenticatedUser().RequireRole(HubAuth.AdminRole))
            .AddPolicy(HubAuth.CallerPolicy, p => p.AddAuthenticationSchemes(HubAuth.BearerScheme).RequireAuthenticatedUser())
            .AddPolicy(HubAuth.MaySendPolicy, p => p.AddAuthenticationSchemes(HubAuth.BearerScheme).RequireAuthenticatedUser().AddRequirements(new MaySendRequirement()));
        return services;
    }
}
