using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Hub's database.</summary>
public static class HubStorageServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="HubDbContext"/> (through <see cref="IDbContextFactory{TContext}"/>), migrations applied at
    /// startup, and the provider-specific pieces. Reads <c>Larkway:Storage</c> (<c>Provider</c>: <c>Sqlite</c> or
    /// <c>Postgres</c>/<c>PostgreSQL</c>; <c>ConnectionString</c>; SQLite's <c>BusyTimeout</c> and <c>Synchronous</c>) and
    /// <c>ConnectionStrings:Hub</c>; defaults to SQLite at <c>./data/larkway.db</c>. PostgreSQL needs a connection string.
    /// </summary>
    public static IServiceCollection AddHubStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<HubStorageOptions>()
            .Bind(configuration.GetSection(HubStorageOptions.SectionName))
            .PostConfigure(o =>
            {
                if (string.IsNullOrWhiteSpace(o.ConnectionString))
                {
                    // The SQLite default is no use to PostgreSQL: there the connection string stays empty and fails validation.
                    o.ConnectionString = configuration.GetConnectionString("Hub") is { Length: > 0 } cs
                        ? cs
                        : HubStorageOptions.ParseProvider(o.Provider) == HubStorageEngine.Sqlite ? HubStorageOptions.DefaultConnectionString : null;
                }
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HubStorageOptions>, HubStorageOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IHubStorageProvider>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<HubStorageOptions>>().Value;
            return HubStorageOptions.ParseProvider(options.Provider) switch
            {
                HubStorageEngine.Postgres => new PostgresHubStorageProvider(options.ConnectionString!),
                _ => new SqliteHubStorageProvider(options.ConnectionString!, options.BusyTimeout, options.Synchronous),
            };
        });
        services.TryAddSingleton<IDbContextFactory<HubDbContext>, HubDbContextFactory>();
        services.TryAddSingleton<HubDatabaseInitializer>();
        services.TryAddSingleton<HubSettingStore>();
        services.AddHostedService<HubStorageStartup>();
        return services;
    }
}
