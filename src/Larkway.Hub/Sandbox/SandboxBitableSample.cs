using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Hub.BitableSync;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Sandbox;

/// <summary>
/// The sandbox's Bitable sample: an ERP's orders table (<c>sample-erp.db</c> beside the Emulator's state file) and an
/// <c>Orders</c> base in the sandbox Emulator, joined by a paused two-way sync, "Sample: ERP orders". Made once (kept with
/// the sandbox's state); <c>Larkway:Sandbox:BitableSample=false</c> leaves it out.
/// </summary>
internal static class SandboxBitableSample
{
    public const string SyncName = "Sample: ERP orders";

    private const string BaseName = "Orders";

    public static bool Enabled(IConfiguration configuration) => configuration.GetValue("Larkway:Sandbox:BitableSample", true);

    /// <summary>Makes the sample when it is missing; returns the sync's id, or null when the sandbox keeps no state (nothing would survive a restart).</summary>
    public static async Task<string?> EnsureAsync(EmulatorServer emulator, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (emulator.StateFile is not { } stateFile)
        {
            return null;
        }

        var syncs = services.GetRequiredService<BitableSyncService>();
        if ((await syncs.ListAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(s => s.Name == SyncName) is { } existing)
        {
            return existing.Id;
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(stateFile)) ?? ".";
        var database = new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, "sample-erp.db") }.ToString();
        await ErpTableAsync(database, cancellationToken).ConfigureAwait(false);
        var (appToken, tableId) = await BaseAsync(emulator, cancellationToken).ConfigureAwait(false);
        var created = await syncs.CreateAsync(
            new SyncInput(
                SyncName, "", appToken, tableId, SyncDatabaseKind.Sqlite, database, "erp_orders", "order_no", "Order",
                [("customer", "Customer"), ("amount", "Amount"), ("status", "Status"), ("owner_email", "Owner"), ("due", "Due")],
                SyncDirection.Both, ChangeCapture.Triggers, null, ConflictPolicy.HoldForReview, PropagateDeletes: false, null, IntervalSeconds: 30, FullDiffEvery: 20),
            cancellationToken).ConfigureAwait(false);
        return created.Value?.Id ?? throw new InvalidOperationException("The sandbox's Bitable sample could not be made: " + string.Join(" ", created.Problems?.Select(p => p.Message) ?? []));
    }

    private static async Task ErpTableAsync(string database, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(database);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS erp_orders (order_no TEXT PRIMARY KEY, customer TEXT, amount REAL, status TEXT, owner_email TEXT, due TEXT);
            INSERT OR IGNORE INTO erp_orders VALUES
              ('PO-1001', 'Northwind', 12800, 'Open', 'alice@example.com', '2026-12-05T00:00:00Z'),
              ('PO-1002', 'Contoso', 4350.5, 'Approved', 'bob@example.com', '2026-12-08T00:00:00Z'),
              ('PO-1003', 'Fabrikam', 990, 'Open', 'carol@example.com', NULL),
              ('PO-1004', 'Tailspin', 23000, 'Shipped', 'dave@example.com', '2026-11-30T00:00:00Z');
            """;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<(string AppToken, string TableId)> BaseAsync(EmulatorServer emulator, CancellationToken cancellationToken)
    {
        using var control = new HttpClient { BaseAddress = emulator.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        using var seeded = await control.PostAsJsonAsync("/_emulator/bitable/bases", new Dictionary<string, object>
        {
            ["name"] = BaseName,
            ["owner_app_id"] = emulator.State.Apps[0].AppId,
            ["tables"] = new object[]
            {
                new Dictionary<string, object>
                {
                    ["name"] = "Orders",
                    ["fields"] = new object[]
                    {
                        new Dictionary<string, object> { ["field_name"] = "Order", ["type"] = 1 },
                        new Dictionary<string, object> { ["field_name"] = "Customer", ["type"] = 1 },
                        new Dictionary<string, object> { ["field_name"] = "Amount", ["type"] = 2 },
                        new Dictionary<string, object> { ["field_name"] = "Status", ["type"] = 3, ["property"] = new Dictionary<string, object> { ["options"] = new[] { "Open", "Approved", "Shipped", "Closed" }.Select(o => new Dictionary<string, string> { ["name"] = o }).ToArray() } },
                        new Dictionary<string, object> { ["field_name"] = "Owner", ["type"] = 11 },
                        new Dictionary<string, object> { ["field_name"] = "Due", ["type"] = 5 },
                        new Dictionary<string, object> { ["field_name"] = "Updated", ["type"] = 1002 },
                    },
                    ["records"] = new object[]
                    {
                        new Dictionary<string, object> { ["Order"] = "PO-0999", ["Customer"] = "Adventure Works", ["Amount"] = 1500, ["Status"] = "Closed" },
                    },
                },
            },
        }, cancellationToken).ConfigureAwait(false);
        seeded.EnsureSuccessStatusCode();
        var data = JsonDocument.Parse(await seeded.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).RootElement.GetProperty("data");
        return (data.GetProperty("app_token").GetString()!, data.GetProperty("tables")[0].GetProperty("table_id").GetString()!);
    }
}
