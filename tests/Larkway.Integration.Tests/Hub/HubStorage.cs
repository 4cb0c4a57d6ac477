using Larkway.Hub.Tests.TestSupport;

namespace Larkway.Integration.Tests.Hub;

/// <summary>The storage environment variables of a Hub process: a new, empty database on either provider.</summary>
internal static class HubStorage
{
    /// <summary>A SQLite file in a new temp directory (one Hub at a time: its folder is locked while a Hub runs on it).</summary>
    public static Dictionary<string, string> NewSqlite(string prefix) => new()
    {
        ["Larkway__Storage__Provider"] = "Sqlite",
        ["Larkway__Storage__ConnectionString"] = $"Data Source={Path.Combine(Directory.CreateTempSubdirectory(prefix).FullName, "larkway.db")}",
    };

    /// <summary>A database of its own on the test run's throwaway PostgreSQL cluster (dropped with the cluster).</summary>
    public static async Task<Dictionary<string, string>> NewPostgresAsync(PostgresCluster cluster) => new()
    {
        ["Larkway__Storage__Provider"] = "Postgres",
        ["Larkway__Storage__ConnectionString"] = await cluster.CreateDatabaseAsync(),
    };
}
