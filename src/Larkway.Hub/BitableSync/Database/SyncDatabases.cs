using Larkway.Hub.Platform.DataProtection;
using Larkway.Hub.Platform.Storage;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.BitableSync;

/// <summary>Opens a sync's database: the Hub's own (its provider and connection), or the external one whose connection string is stored protected.</summary>
internal sealed class SyncDatabases(IOptions<HubStorageOptions> storage, HubSecretProtector secrets)
{
    public SyncDatabase For(BitableSyncRow sync) => sync.DatabaseKind switch
    {
        SyncDatabaseKind.Hub => new SyncDatabase(HubStorageOptions.ParseProvider(storage.Value.Provider) == HubStorageEngine.Postgres, storage.Value.ConnectionString ?? HubStorageOptions.DefaultConnectionString),
        SyncDatabaseKind.Postgres => new SyncDatabase(true, secrets.Unprotect(sync.ConnectionProtected ?? throw new SyncConfigurationException("The sync has no connection string."))),
        _ => new SyncDatabase(false, secrets.Unprotect(sync.ConnectionProtected ?? throw new SyncConfigurationException("The sync has no connection string."))),
    };

    /// <summary>A database from a connection string not yet stored (a create's check and dry run).</summary>
    public SyncDatabase For(SyncDatabaseKind kind, string? connectionString) => kind switch
    {
        SyncDatabaseKind.Hub => new SyncDatabase(HubStorageOptions.ParseProvider(storage.Value.Provider) == HubStorageEngine.Postgres, storage.Value.ConnectionString ?? HubStorageOptions.DefaultConnectionString),
        _ => new SyncDatabase(kind == SyncDatabaseKind.Postgres, connectionString ?? ""),
    };
}
