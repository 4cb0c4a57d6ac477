using System.Data.Common;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// Issue 16 §5: a Hub process killed with SIGKILL in the middle of a sync's initial load (batches in flight), started again
/// on the same databases: the load resumes, and every row is in Bitable exactly once — no batch that landed is made again,
/// none that did not is lost.
/// </summary>
public abstract class HubBitableSyncCrashTests
{
    private const string AdminKey = "bitable-crash-admin-key";
    private const int Rows = 3000;

    /// <summary>The Hub's storage settings, and the synced database's connection string and kind.</summary>
    protected abstract Task<(Dictionary<string, string> Hub, string Target, bool Postgres)> DatabasesAsync();

    [Fact]
    public async Task A_load_killed_mid_batch_resumes_with_every_row_in_Bitable_exactly_once()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        var (hubStorage, target, postgres) = await DatabasesAsync();
        await ExecuteAsync(target, postgres, "CREATE TABLE orders (order_no text PRIMARY KEY, amount numeric, status text)");
        await ExecuteAsync(target, postgres, postgres
            ? $"INSERT INTO orders SELECT 'PO-' || i, i, 'Open' FROM generate_series(1, {Rows}) AS i"
            : $"INSERT INTO orders WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Rows}) SELECT 'PO-' || i, i, 'Open' FROM n");
        using var control = new HttpClient { BaseAddress = emulator.BaseUrl };
        var (appToken, tableId) = await SeedAsync(control);

        // Each create takes a while, so the kill lands with batches landed, one in flight and others still to send.
        using (var slow = await control.PostAsJsonAsync("/_emulator/faults", new { endpoint = "POST /open-apis/bitable/v1/apps/{app_token}/tables/{table_id}/records/batch_create", kind = "delay", delay_ms = 400, count = 1000 }))
        {
            slow.EnsureSuccessStatusCode();
        }

        var environment = new Dictionary<string, string>(HubProcess.AgainstEmulator(emulator, hubStorage, AdminKey))
        {
            ["Larkway__Directory__ReconcileEnabled"] = "false",

            // A short lease, so the restarted Hub takes back the pass the killed one held.
            ["Larkway__BitableSync__LeaseDuration"] = "00:00:10",
            ["Larkway__BitableSync__PollInterval"] = "00:00:00.200",
        };

        string id;
        await using (var first = await HubProcess.StartAsync(environment))
        {
            using var admin = Admin(first.BaseUrl);
            using (var created = await admin.PostAsJsonAsync("/api/v1/bitable-syncs", new
            {
                name = "ERP orders",
                app_token = appToken,
                table_id = tableId,
                database = new { kind = postgres ? "postgres" : "sqlite", connection_string = target },
                table = "orders",
                key = new { column = "order_no", field = "Order" },
                columns = new[] { new { column = "amount", field = "Amount" }, new { column = "status", field = "Status" } },
                direction = "to_bitable",
                interval_seconds = 3600,
            }))
            {
                var text = await created.Content.ReadAsStringAsync();
                Assert.True(created.IsSuccessStatusCode, text);
                id = JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
            }

            (await admin.PostAsync($"/api/v1/bitable-syncs/{id}/resume", null)).EnsureSuccessStatusCode();
            await HubSandbox.WaitUntilAsync(() => RecordCountAsync(control).GetAwaiter().GetResult() >= 500, "the first batch in Bitable", seconds: 60);
            await first.KillAsync();
        }

        var atKill = await RecordCountAsync(control);
        Assert.InRange(atKill, 500, Rows - 1);

        await using var second = await HubProcess.StartAsync(environment);
        using (var admin = Admin(second.BaseUrl))
        {
            await HubSandbox.WaitUntilAsync(() => LastOutcomeAsync(admin, id).GetAwaiter().GetResult() == "ok", "a pass that ends", seconds: 90);
        }

        var dump = JsonDocument.Parse(await control.GetStringAsync($"/_emulator/bitable/bases/{appToken}")).RootElement;
        var orders = dump.GetProperty("data").GetProperty("tables")[0].GetProperty("records").EnumerateArray()
            .Select(r => r.GetProperty("fields").GetProperty("Order")[0].GetProperty("text").GetString()).ToList();
        Assert.Equal(Rows, orders.Count);
        Assert.Equal(Rows, orders.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(Rows, await ScalarAsync(target, postgres, $"SELECT COUNT(*) FROM larkway_sync_map WHERE sync_id = '{id}'"));
        Assert.Equal(0, await ScalarAsync(target, postgres, $"SELECT COUNT(*) FROM larkway_sync_state WHERE sync_id = '{id}' AND name = 'create_in_flight'"));
    }

    private static HttpClient Admin(Uri baseUrl)
    {
        var client = new HttpClient { BaseAddress = baseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        return client;
    }

    private static async Task<string?> LastOutcomeAsync(HttpClient admin, string id)
    {
        var passes = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/bitable-syncs/{id}/passes")).RootElement.GetProperty("items");
        return passes.GetArrayLength() == 0 ? null : passes[0].GetProperty("outcome").GetString();
    }

    private static async Task<int> RecordCountAsync(HttpClient control)
    {
        var bases = JsonDocument.Parse(await control.GetStringAsync("/_emulator/bitable/bases")).RootElement;
        return bases.GetProperty("data").GetProperty("items")[0].GetProperty("tables")[0].GetProperty("records").GetInt32();
    }

    private static async Task<(string AppToken, string TableId)> SeedAsync(HttpClient control)
    {
        using var seeded = await control.PostAsJsonAsync("/_emulator/bitable/bases", new
        {
            name = "Orders",
            tables = new[]
            {
                new
                {
                    name = "Orders",
                    fields = new object[]
                    {
                        new { field_name = "Order", type = 1 },
                        new { field_name = "Amount", type = 2 },
                        new { field_name = "Status", type = 3, property = new { options = new[] { new { name = "Open" } } } },
                    },
                    records = Array.Empty<object>(),
                },
            },
        });
        var data = JsonDocument.Parse(await seeded.Content.ReadAsStringAsync()).RootElement.GetProperty("data");
        return (data.GetProperty("app_token").GetString()!, data.GetProperty("tables")[0].GetProperty("table_id").GetString()!);
    }

    private static async Task ExecuteAsync(string connectionString, bool postgres, string sql)
    {
        await using var connection = Open(connectionString, postgres);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<int> ScalarAsync(string connectionString, bool postgres, string sql)
    {
        await using var connection = Open(connectionString, postgres);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static DbConnection Open(string connectionString, bool postgres) => postgres ? new NpgsqlConnection(connectionString) : new SqliteConnection(connectionString);
}

public sealed class SqliteHubBitableSyncCrashTests : HubBitableSyncCrashTests
{
    protected override Task<(Dictionary<string, string> Hub, string Target, bool Postgres)> DatabasesAsync() =>
        Task.FromResult((HubStorage.NewSqlite("larkway-bitable-crash-"), $"Data Source={Path.Combine(Directory.CreateTempSubdirectory("larkway-erp-").FullName, "erp.db")}", false));
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresHubBitableSyncCrashTests(PostgresCluster cluster) : HubBitableSyncCrashTests
{
    protected override async Task<(Dictionary<string, string> Hub, string Target, bool Postgres)> DatabasesAsync() =>
        (await HubStorage.NewPostgresAsync(cluster), await cluster.CreateDatabaseAsync(), true);
}
