using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Larkway.Hub.Platform.Auth;
using Larkway.Hub.Platform.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Hub's admin API services.</summary>
public static class HubAdminServiceCollectionExtensions
{
    /// <summary>
    /// Adds the admin key (from <c>Larkway:AdminKey</c> / <c>LARKWAY_ADMIN_KEY</c> in <c>IConfiguration</c>, else
    /// generated at first start, stored hashed and shown once: on standard output when it is a terminal, else in the
    /// file <c>Larkway:Bootstrap:SecretsFile</c>; <c>Larkway:Bootstrap:SecretOutput</c> = auto, terminal or file). Needs <c>AddHubStorage</c>; map the
    /// endpoints with <c>MapHubAdminApi</c>.
    /// </summary>
    public static IServiceCollection AddHubAdminApi(this IServiceCollection services)
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

            return new HubConsole(output, configuration[HubConsole.FileSetting]);
        });
        services.TryAddSingleton<HubAdminKey>();
        services.TryAddSingleton<BearerKeyThrottle>();
        services.AddHostedService<HubAdminKeyStartup>();
        return services;
    }
}
