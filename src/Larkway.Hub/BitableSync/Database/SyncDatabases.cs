using Larkway.Hub.Platform.DataProtection;

namespace Larkway.Hub.BitableSync;

/// <summary>
/// Opens a sync's database: the external PostgreSQL or SQLite one whose connection string is stored protected, checked by
/// <see cref="SyncDatabaseGuard"/> each time (create, edit, every pass and dry run), so a row stored by an older version
/// is held to today's rules.
/// </summary>
internal sealed class SyncDatabases(HubSecretProtector secrets, SyncDatabaseGuard guard)
{
    /// <summary>Why a sync of kind <c>hub</c> no longer runs or may be made (issue 28 §2).</summary>
    public const string HubKindRefused =
        "Kind 'hub' (the Hub's own database) is no longer allowed: that database holds the Hub's keys, tokens and sessions. "
        + "Give your own database: kind 'postgres' or 'sqlite' with its connection_string.";

    /// <summary>Why no sync may name <paramref name="table"/>, or null.</summary>
    public string? TableProblem(string table) => guard.TableProblem(table);

    /// <exception cref="SyncConfigurationException">The sync names what no sync may reach (its message says what to change).</exception>
    public SyncDatabase For(BitableSyncRow sync)
    {
        if (sync.DatabaseKind == SyncDatabaseKind.Hub)
        {
            throw new SyncConfigurationException(HubKindRefused + " Edit this sync to another kind, or delete it.");
        }

        var connection = secrets.Unprotect(sync.ConnectionProtected ?? throw new SyncConfigurationException("The sync has no connection string."));
        return For(sync.DatabaseKind, connection, sync.TableName);
    }

    /// <summary>A database from a connection string not yet stored (a create's or edit's check).</summary>
    /// <exception cref="SyncConfigurationException">The kind, the table or the file may not be used.</exception>
    public SyncDatabase For(SyncDatabaseKind kind, string? connectionString, string table)
    {
        if (kind == SyncDatabaseKind.Hub)
        {
            throw new SyncConfigurationException(HubKindRefused);
        }

        if (guard.TableProblem(table) is { } problem)
        {
            throw new SyncConfigurationException(problem);
        }

        return kind == SyncDatabaseKind.Postgres
            ? new SyncDatabase(true, connectionString ?? "")
            : new SyncDatabase(false, guard.Sqlite(connectionString ?? ""), guard);
    }
}
