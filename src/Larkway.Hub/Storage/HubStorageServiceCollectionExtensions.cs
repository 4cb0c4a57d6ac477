using Larkway.Hub.Storage;
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
    /// startup, and the provider-specific pieces. Reads <c>Larkway:Storage</c> (<c>ConnectionString</c>,
    /// <c>Provider</c>, <c>BusyTimeout</c>) and <c>ConnectionStrings:Hub</c>; defaults to SQLite at
    /// <c>./data/larkway.db</c>.
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
                    o.ConnectionString = configuration.GetConnectionString("Hub") is { Length: > 0 } cs
                        ? cs
                        : HubStorageOptions.DefaultConnectionString;
                }
            })
            .Validate(o => string.Equals(o.Provider, "Sqlite", StringComparison.OrdinalIgnoreCase), "Larkway:Storage:Provider must be 'Sqlite' (PostgreSQL is not available yet).")
            .Validate(o => o.BusyTimeout > TimeSpan.Zero, "Larkway:Storage:BusyTimeout must be positive.")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IHubStorageProvider>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<HubStorageOptions>>().Value;
            return new SqliteHubStorageProvider(options.ConnectionString!, options.BusyTimeout, options.Synchronous);
        });
        services.AddDbContextFactory<HubDbContext>((sp, builder) => sp.GetRequiredService<IHubStorageProvider>().Configure(builder));
        services.TryAddSingleton<HubDatabaseInitializer>();
        services.AddHostedService<HubStorageStartup>();
        return services;
    }
}
