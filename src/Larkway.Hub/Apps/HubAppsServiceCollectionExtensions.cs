using Larkway.Channels.Messages;
using Larkway.Hub.Platform.Units;
using Larkway.Hub.Apps.Connections;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Larkway.Hub.Apps;
using Larkway.Hub.Platform.Configuration;
using Larkway.Hub.Platform.DataProtection;
using Larkway.Hub.Platform.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Hub's stored apps, of every platform, and the encryption of its stored secrets.</summary>
public static class HubAppsServiceCollectionExtensions
{
    /// <summary>The Data Protection application name: fixed, so every replica and every restart can decrypt.</summary>
    public const string DataProtectionApplicationName = "Larkway.Hub";

    /// <summary>
    /// Adds ASP.NET Core Data Protection with its key ring in the Hub database (<c>hub_data_protection_keys</c>) and
    /// <see cref="HubSecretProtector"/>. Idempotent. Needs <c>AddHubStorage</c>.
    /// </summary>
    public static IServiceCollection AddHubDataProtection(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(DbXmlRepository)))
        {
            return services;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddDataProtection().SetApplicationName(DataProtectionApplicationName);
        services.AddSingleton(sp => new DbXmlRepository(
            sp.GetRequiredService<IDbContextFactory<HubDbContext>>(),
            sp.GetRequiredService<HubDatabaseInitializer>(),
            sp.GetRequiredService<IHubStorageProvider>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = sp.GetRequiredService<DbXmlRepository>()));

        // The key ring lives in the database it protects secrets of: with Larkway:DataProtection:KeyEncryptionKey its keys
        // are stored encrypted with a key kept outside it; without, HubKeyRingStartup warns once (in place of Data
        // Protection's own warning). An encryptor the host configures (a certificate, a KMS) is kept.
        services.AddOptions<HubDataProtectionOptions>().BindConfiguration(HubDataProtectionOptions.SectionName);
        services.TryAddSingleton<HubKeyRingCipher>();
        services.AddHostedService<HubKeyRingStartup>();
        services.AddOptions<KeyManagementOptions>().PostConfigure<HubKeyRingCipher>((o, cipher) =>
            o.XmlEncryptor ??= cipher.Enabled ? new HubKeyRingEncryptor(cipher) : new NullXmlEncryptor());
        services.TryAddSingleton(sp => new HubSecretProtector(sp.GetRequiredService<IDataProtectionProvider>()));
        services.TryAddSingleton<HubKeyedHash>();
        return services;
    }

    /// <summary>
    /// Adds <see cref="HubAppService"/> and the stored apps of every platform. Reads <c>Larkway:Apps</c>. Needs
    /// <c>AddHubStorage</c> and <c>AddHubInbox</c>; map with <c>MapHubApps</c>. Each platform's room adds its apps'
    /// clients and maps their callbacks (Feishu's: <c>AddHubFeishu</c>, which also keeps users' Feishu tokens, and
    /// <c>MapHubFeishu</c>).
    /// </summary>
    public static IServiceCollection AddHubApps(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddHubDataProtection();
        services.AddOptions<HubAppsOptions>().Bind(configuration.GetSection(HubAppsOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HubAppsOptions>, HubAppsOptionsValidator>());
        services.TryAddSingleton(sp => new HubAppRegistry(
            sp.GetRequiredService<IDbContextFactory<HubDbContext>>(),
            sp.GetRequiredService<HubDatabaseInitializer>(),
            sp.GetRequiredService<HubSecretProtector>(),
            sp.GetRequiredService<IOptions<HubAppsOptions>>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<HubPlatforms>(),
            sp.GetService<HubSettings>()));

        // Each platform's descriptor (AddHubPlatform), connection test (IPlatformConnectionTest) and its apps' clients come
        // from its room (AddHubFeishu, AddHubDingTalk, AddHubWeCom); the registry is over whatever the rooms added.
        services.TryAddSingleton(sp => new HubPlatforms(sp.GetServices<HubPlatformInfo>()));
        services.AddPlatformRequirement<HubPlatformInfo>("the apps", "what its apps are: names, checks, permissions, callback paths");
        services.AddPlatformRequirement<IPlatformConnectionTest>("the apps", "the test of an app's connection");
        services.AddPlatformSeam<ILongConnectionStates>();

        services.TryAddSingleton(sp => new HubAppService(
            sp.GetRequiredService<IDbContextFactory<HubDbContext>>(),
            sp.GetRequiredService<HubDatabaseInitializer>(),
            sp.GetRequiredService<IHubStorageProvider>(),
            sp.GetRequiredService<HubSecretProtector>(),
            sp.GetRequiredService<HubAppRegistry>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<PlatformPieces<IPlatformConnectionTest>>(),
            sp.GetRequiredService<HubPlatforms>(),
            sp.GetService<HubSettings>()));
        return services;
    }

    /// <summary>
    /// Registers a messaging platform as one unit, named by <paramref name="platform"/>: its facts (<see cref="AddHubPlatform"/>)
    /// and, on the builder returned, every piece it supplies to the shared rooms. The start checks the unit against what
    /// the rooms added require, naming any piece left out.
    /// </summary>
    public static HubPlatformUnitBuilder AddHubPlatformUnit(this IServiceCollection services, HubPlatformInfo platform)
    {
        ArgumentNullException.ThrowIfNull(platform);
        services.AddHubPlatform(platform);
        return services.AddHubPlatformUnit(new ChannelPlatform(platform.Name)).Supply(platform);
    }

    /// <summary>
    /// Registers only a platform's facts, its <see cref="HubPlatformInfo"/> (a platform's room registers its whole unit
    /// with <see cref="AddHubPlatformUnit(IServiceCollection, HubPlatformInfo)"/>), which <see cref="HubPlatforms"/> then serves: its name and
    /// aliases are accepted by the Apps API, its rules check its apps, its table lists their permissions. Each room calls
    /// it once in its <c>AddHub…</c>; a name registered twice keeps the first.
    /// </summary>
    public static IServiceCollection AddHubPlatform(this IServiceCollection services, HubPlatformInfo platform)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(platform);
        HubPlatformCatalog.Add(platform);
        if (!services.Any(d => d.ServiceType == typeof(HubPlatformInfo) && d.ImplementationInstance is HubPlatformInfo known && known.Name == platform.Name))
        {
            services.AddSingleton(platform);
        }

        services.TryAddSingleton(sp => new HubPlatforms(sp.GetServices<HubPlatformInfo>()));
        return services;
    }
}
