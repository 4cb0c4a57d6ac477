using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Larkway.Bench;
using Larkway.Emulator.Hosting;
using Microsoft.Data.Sqlite;

// Bitable sync benchmark (issue 16 §6). The Emulator (rate limits on) runs in this process; the Hub is a child process
// pointed at it, syncing a SQLite table in the work directory. Per size: an initial load database → Bitable (calls
// against the floor, rows/s against the ceiling the limits allow); the same load killed mid-way and resumed by a new Hub
// process (the batches sent again, the records made twice); a load Bitable → database; then, at steady state, edits one
// at a time each way, timed from the edit to the change on the other side. Not a test: bench/bitable-sync.sh.
var options = BitableBenchOptions.Parse(args);
if (options is null)
{
    await Console.Error.WriteLineAsync("usage: Larkway.Bench.BitableSync --hub-dll <path> [--rows 10000,50000|none] [--edits 100|0] [--soak 10000|0] [--markdown <path>] [--work <dir>] [--postgres <server connection string>]");
    return 2;
}

const int Batch = 500;
var emulatorOptions = new EmulatorOptions { Port = 0 };
emulatorOptions.Bitable.MaxRecordsPerTable = Math.Max(emulatorOptions.Bitable.MaxRecordsPerTable, options.Rows.DefaultIfEmpty(0).Max() + 1000);
await using var emulator = await EmulatorServer.StartAsync(emulatorOptions);
using var control = new HttpClient { BaseAddress = emulator.BaseUrl, Timeout = TimeSpan.FromMinutes(5) };
var work = options.Work ?? Directory.CreateTempSubdirectory("larkway-bitable-").FullName;
var adminKey = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
var encryptKey = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
var settings = new Dictionary<string, string>(StringComparer.Ordinal)
{
    ["FEISHU_ENCRYPT_KEY"] = encryptKey,
    ["FEISHU_VERIFICATION_TOKEN"] = encryptKey,
    ["Larkway__Directory__ReconcileEnabled"] = "false",
    ["Larkway__BitableSync__LeaseDuration"] = "00:00:10",
    ["Larkway__BitableSync__PollInterval"] = "00:00:00.100",
};

var report = new StringBuilder();
report.AppendLine(CultureInfo.InvariantCulture, $"Emulator {emulator.BaseUrl} with its limits on: record writes {emulatorOptions.Bitable.TableWritesPerSecond}/s per table and one write at a time per base; search 20/s; a table holds at most {emulatorOptions.Bitable.MaxRecordsPerTable:N0} records here (the Emulator's default of 20,000 raised to fit the largest round). The sync writes {Batch} records per call, so the floor for a one-way load into Bitable is ⌈rows ÷ {Batch}⌉ creates plus the field list and one search page over the empty table; a load into the database is ⌈records ÷ 500⌉ search pages plus the field list and the base's subscription (for the record events).");
report.AppendLine();
report.AppendLine("| round | rows | API calls (floor) | creates | records made | time | rows/s | Hub CPU s |");
report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");

foreach (var rows in options.Rows)
{
    // 1. Database → Bitable, clean.
    {
        var dir = Fresh(work, $"load-{rows}");
        var database = await OrdersDatabaseAsync(dir, rows);
        var (appToken, tableId) = await SeedBaseAsync(control, 0);
        using var hub = BenchHub.Start(options.HubDll, emulator, dir, adminKey, settings, out var url);
        using var admin = Admin(url, adminKey);
        await BenchHub.WaitHealthyAsync(admin, hub);
        var id = await CreateSyncAsync(admin, appToken, tableId, database, "to_bitable", 3600);
        await ResetCallsAsync(control);
        var cpu = Memory.CpuSeconds(hub.Id);
        var clock = Stopwatch.StartNew();
        await PostAsync(admin, $"/api/v1/bitable-syncs/{id}/resume");
        await WaitPassAsync(admin, id);
        var took = clock.Elapsed;
        var calls = await CallsAsync(control);
        var floor = (rows + Batch - 1) / Batch + 2;
        report.AppendLine(Row("database → Bitable", rows, calls.Total, floor, calls.Creates, await RecordsAsync(control, appToken), took, Memory.CpuSeconds(hub.Id) - cpu));
        BenchHub.Stop(hub);
        await hub.WaitForExitAsync();
    }

    // 2. The same load, the Hub killed once a tenth has landed, resumed by a new Hub process.
    {
        var dir = Fresh(work, $"killed-{rows}");
        var database = await OrdersDatabaseAsync(dir, rows);
        var (appToken, tableId) = await SeedBaseAsync(control, 0);
        string id;
        await ResetCallsAsync(control);
        var clock = Stopwatch.StartNew();
        double cpu;
        using (var hub = BenchHub.Start(options.HubDll, emulator, dir, adminKey, settings, out var url))
        using (var admin = Admin(url, adminKey))
        {
            await BenchHub.WaitHealthyAsync(admin, hub);
            id = await CreateSyncAsync(admin, appToken, tableId, database, "to_bitable", 3600);
            await ResetCallsAsync(control);
            clock.Restart();
            await PostAsync(admin, $"/api/v1/bitable-syncs/{id}/resume");
            while (await RecordsAsync(control, appToken) < rows / 10)
            {
                await Task.Delay(5);
            }

            cpu = Memory.CpuSeconds(hub.Id);
            hub.Kill(entireProcessTree: true);
            await hub.WaitForExitAsync();
        }

        var atKill = await RecordsAsync(control, appToken);
        using (var hub = BenchHub.Start(options.HubDll, emulator, dir, adminKey, settings, out var url))
        using (var admin = Admin(url, adminKey))
        {
            await BenchHub.WaitHealthyAsync(admin, hub);
            var before = Memory.CpuSeconds(hub.Id);
            await WaitPassAsync(admin, id);
            var calls = await CallsAsync(control);
            var floor = (rows + Batch - 1) / Batch + 2;
            report.AppendLine(Row($"killed at {atKill:N0} records, resumed", rows, calls.Total, floor, calls.Creates, await RecordsAsync(control, appToken), clock.Elapsed, cpu + Memory.CpuSeconds(hub.Id) - before));
            BenchHub.Stop(hub);
            await hub.WaitForExitAsync();
        }
    }

    // 3. Bitable → database, clean.
    {
        var dir = Fresh(work, $"reverse-{rows}");
        var database = await OrdersDatabaseAsync(dir, 0);
        var (appToken, tableId) = await SeedBaseAsync(control, rows);
        using var hub = BenchHub.Start(options.HubDll, emulator, dir, adminKey, settings, out var url);
        using var admin = Admin(url, adminKey);
        await BenchHub.WaitHealthyAsync(admin, hub);
        var id = await CreateSyncAsync(admin, appToken, tableId, database, "to_database", 3600);
        await ResetCallsAsync(control);
        var cpu = Memory.CpuSeconds(hub.Id);
        var clock = Stopwatch.StartNew();
        await PostAsync(admin, $"/api/v1/bitable-syncs/{id}/resume");
        await WaitPassAsync(admin, id);
        var took = clock.Elapsed;
        var calls = await CallsAsync(control);
        var inDatabase = await CountAsync(database);
        report.AppendLine(Row("Bitable → database", rows, calls.Total, (rows + 499) / 500 + 2, calls.Creates, inDatabase, took, Memory.CpuSeconds(hub.Id) - cpu));
        BenchHub.Stop(hub);
        await hub.WaitForExitAsync();
    }
}

// 4. Steady state, both ways: edits one at a time.
if (options.Edits > 0)
{
    var dir = Fresh(work, "steady");
    var database = await OrdersDatabaseAsync(dir, 1000);
    var (appToken, tableId) = await SeedBaseAsync(control, 0);
    using var hub = BenchHub.Start(options.HubDll, emulator, dir, adminKey, settings, out var url);
    using var admin = Admin(url, adminKey);
    await BenchHub.WaitHealthyAsync(admin, hub);
    using (var subscribed = await control.PutAsJsonAsync($"/_emulator/apps/{emulator.State.Apps[0].AppId}/event-subscription", new { url = new Uri(url, "/feishu/events").ToString(), encrypt_key = encryptKey, verification_token = encryptKey }))
    {
        subscribed.EnsureSuccessStatusCode();
    }

    var id = await CreateSyncAsync(admin, appToken, tableId, database, "both", 5);
    await PostAsync(admin, $"/api/v1/bitable-syncs/{id}/resume");
    await WaitPassAsync(admin, id);
    var records = await RecordIdsAsync(control, appToken);
    var toDatabase = new List<double>();
    var toBitable = new List<double>();
    await ResetCallsAsync(control);
    for (var i = 0; i < options.Edits; i++)
    {
        // Bitable → database: a user's edit, its event, the pass it wakes.
        var key = $"PO-{(i * 7 % 1000) + 1}";
        var amount = 100_000 + i;
        var clock = Stopwatch.StartNew();
        using (var edited = await control.PatchAsJsonAsync($"/_emulator/bitable/bases/{appToken}/tables/{tableId}/records/{records[key]}", new { user = "alice@example.com", fields = new Dictionary<string, object> { ["Amount"] = amount } }))
        {
            edited.EnsureSuccessStatusCode();
        }

        while (await AmountAsync(database, key) != amount)
        {
            await Task.Delay(2);
        }

        toDatabase.Add(clock.Elapsed.TotalMilliseconds);

        // Database → Bitable: an update the triggers capture, found by the next pass (every 5 s).
        var other = $"PO-{(i * 13 % 1000) + 1}";
        var value = 200_000 + i;
        clock.Restart();
        await ExecuteAsync(database, $"UPDATE orders SET amount = {value.ToString(CultureInfo.InvariantCulture)} WHERE order_no = '{other}'");
        while (await RecordAmountAsync(control, appToken, other) != value)
        {
            await Task.Delay(5);
        }

        toBitable.Add(clock.Elapsed.TotalMilliseconds);
    }

    var calls = await CallsAsync(control);
    report.AppendLine();
    report.AppendLine(CultureInfo.InvariantCulture, $"Steady state ({options.Edits} edits each way, one at a time, on a two-way sync of 1,000 rows, pass interval 5 s, trigger capture):");
    report.AppendLine(CultureInfo.InvariantCulture, $"- Bitable → database (the record event wakes a pass): p50 {At(toDatabase, 0.5):F0} ms, p99 {At(toDatabase, 0.99):F0} ms, max {At(toDatabase, 1):F0} ms.");
    report.AppendLine(CultureInfo.InvariantCulture, $"- database → Bitable (found by the next pass, at most 5 s later): p50 {At(toBitable, 0.5):F0} ms, p99 {At(toBitable, 0.99):F0} ms, max {At(toBitable, 1):F0} ms.");
    report.AppendLine(CultureInfo.InvariantCulture, $"- Echoes: the Emulator counted {calls.Updates} record updates and {calls.Creates} creates for the {options.Edits} database edits. The {options.Edits} Bitable edits written to the database came back through the triggers and were not written to Bitable again; each echo would have added an update.");
    BenchHub.Stop(hub);
    await hub.WaitForExitAsync();
}

// 4b. Database → Bitable on PostgreSQL: the capture trigger's notification wakes a pass as the update commits.
if (options.Edits > 0 && options.Postgres is { } server)
{
    var dir = Fresh(work, "steady-postgres");
    var database = await PostgresOrdersDatabaseAsync(server, 1000);
    var (appToken, tableId) = await SeedBaseAsync(control, 0);
    using var hub = BenchHub.Start(options.HubDll, emulator, dir, adminKey, settings, out var url);
    using var admin = Admin(url, adminKey);
    await BenchHub.WaitHealthyAsync(admin, hub);
    var id = await CreateSyncAsync(admin, appToken, tableId, database, "to_bitable", 5, "postgres");
    await PostAsync(admin, $"/api/v1/bitable-syncs/{id}/resume");
    await WaitPassAsync(admin, id);
    var toBitable = new List<double>();
    for (var i = 0; i < options.Edits; i++)
    {
        var key = $"PO-{(i * 13 % 1000) + 1}";
        var value = 300_000 + i;
        var clock = Stopwatch.StartNew();
        await PostgresExecuteAsync(database, $"UPDATE orders SET amount = {value.ToString(CultureInfo.InvariantCulture)} WHERE order_no = '{key}'");
        while (await RecordAmountAsync(control, appToken, key) != value)
        {
            await Task.Delay(5);
        }

        toBitable.Add(clock.Elapsed.TotalMilliseconds);
    }

    report.AppendLine(CultureInfo.InvariantCulture, $"- database → Bitable on PostgreSQL ({options.Edits} edits, same sync settings; the trigger's NOTIFY wakes a pass as the update commits): p50 {At(toBitable, 0.5):F0} ms, p99 {At(toBitable, 0.99):F0} ms, max {At(toBitable, 1):F0} ms.");
    BenchHub.Stop(hub);
    await hub.WaitForExitAsync();
}

// 5. A two-way soak: updates on both sides at once, each side's on its own half of the rows, so any write the engine
// makes to a row on the side that changed it is an echo (a ping-pong write).
if (options.Soak > 0)
{
    const int Rows = 2000;
    var dir = Fresh(work, "soak");
    var database = await OrdersDatabaseAsync(dir, Rows);
    // Every update of a row, whoever made it: the bench's own (rows 1,001–2,000) and the engine's.
    await ExecuteAsync(database, "CREATE TABLE bench_writes (order_no TEXT NOT NULL); CREATE TRIGGER bench_writes_audit AFTER UPDATE ON orders BEGIN INSERT INTO bench_writes VALUES (NEW.order_no); END;");
    var (appToken, tableId) = await SeedBaseAsync(control, 0);
    using var hub = BenchHub.Start(options.HubDll, emulator, dir, adminKey, settings, out var url);
    using var admin = Admin(url, adminKey);
    await BenchHub.WaitHealthyAsync(admin, hub);
    using (var subscribed = await control.PutAsJsonAsync($"/_emulator/apps/{emulator.State.Apps[0].AppId}/event-subscription", new { url = new Uri(url, "/feishu/events").ToString(), encrypt_key = encryptKey, verification_token = encryptKey }))
    {
        subscribed.EnsureSuccessStatusCode();
    }

    var id = await CreateSyncAsync(admin, appToken, tableId, database, "both", 5);
    await PostAsync(admin, $"/api/v1/bitable-syncs/{id}/resume");
    await WaitPassAsync(admin, id);
    await ExecuteAsync(database, "DELETE FROM bench_writes");
    var before = await SyncTotalsAsync(admin, id);
    var records = await RecordIdsAsync(control, appToken);
    var half = options.Soak / 2;
    var expected = new System.Collections.Concurrent.ConcurrentDictionary<string, double>(StringComparer.Ordinal);
    var clock = Stopwatch.StartNew();
    var users = Task.Run(async () =>
    {
        for (var i = 0; i < half; i++)
        {
            var key = $"PO-{(i * 7919 % (Rows / 2)) + 1}";
            var amount = 1_000_000 + i;
            using var edited = await control.PatchAsJsonAsync($"/_emulator/bitable/bases/{appToken}/tables/{tableId}/records/{records[key]}", new { user = "alice@example.com", fields = new Dictionary<string, object> { ["Amount"] = amount } });
            edited.EnsureSuccessStatusCode();
            expected[key] = amount;
        }
    });
    var erp = Task.Run(async () =>
    {
        for (var i = 0; i < options.Soak - half; i++)
        {
            var key = $"PO-{(i * 7919 % (Rows / 2)) + (Rows / 2) + 1}";
            var amount = 2_000_000 + i;
            await ExecuteAsync(database, $"UPDATE orders SET amount = {amount.ToString(CultureInfo.InvariantCulture)} WHERE order_no = '{key}'");
            expected[key] = amount;
        }
    });
    await Task.WhenAll(users, erp);
    var made = clock.Elapsed;

    // Converged: every row's last value on both sides.
    while (true)
    {
        var inDatabase = await AmountsAsync(database);
        var inBitable = await RecordAmountsAsync(control, appToken);
        if (expected.All(e => inDatabase[e.Key] == e.Value && inBitable[e.Key] == e.Value))
        {
            break;
        }

        await Task.Delay(200);
    }

    var converged = clock.Elapsed;

    // The pass that wrote the last values records its counts when it ends.
    while (JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/bitable-syncs/{id}")).RootElement.GetProperty("status").GetProperty("running").GetBoolean())
    {
        await Task.Delay(50);
    }

    var after = await SyncTotalsAsync(admin, id);
    var writes = await WritesByHalfAsync(database, Rows / 2);
    var appWritten = await RecordsLastWrittenByAppAsync(control, appToken, Rows / 2);
    // Then quiet: two more full passes write nothing either way.
    var quietBefore = await SyncTotalsAsync(admin, id);
    for (var i = 0; i < 2; i++)
    {
        await RunFullAndWaitAsync(admin, id);
    }

    var quietAfter = await SyncTotalsAsync(admin, id);
    report.AppendLine();
    report.AppendLine(CultureInfo.InvariantCulture, $"Two-way soak ({options.Soak:N0} updates of {Rows:N0} rows, interval 5 s, latest change wins, record events on): users edited rows 1–1,000 in Bitable ({half:N0} edits) while the ERP updated rows 1,001–2,000 in the database ({options.Soak - half:N0} updates), at the same time; made in {made.TotalSeconds:F0} s, both sides equal {(converged - made).TotalSeconds:F1} s after the last.");
    report.AppendLine(CultureInfo.InvariantCulture, $"- Carried: {after.ToDatabase - before.ToDatabase:N0} rows written to the database (audit trigger: {writes.Low:N0} updates of rows 1–1,000) and {after.ToBitable - before.ToBitable:N0} records to Bitable; fewer than the edits, as edits of one row between two passes go as one.");
    report.AppendLine(CultureInfo.InvariantCulture, $"- Ping-pong writes: {writes.High - (options.Soak - half):N0} engine updates of the database's own rows 1,001–2,000 (audit trigger: {writes.High:N0} updates there, {options.Soak - half:N0} by the ERP); {appWritten:N0} of Bitable's own records 1–1,000 last written by the app rather than a user; then two full passes wrote {quietAfter.ToBitable - quietBefore.ToBitable + quietAfter.ToDatabase - quietBefore.ToDatabase:N0} rows.");
    BenchHub.Stop(hub);
    await hub.WaitForExitAsync();
}

var text = report.ToString();
Console.WriteLine(text);
if (options.Markdown is { } path)
{
    await File.WriteAllTextAsync(path, text);
}

return 0;

static string Fresh(string work, string name)
{
    var dir = Path.Combine(work, name);
    Directory.CreateDirectory(dir);
    return dir;
}

static double At(List<double> values, double q)
{
    values.Sort();
    return values.Count == 0 ? 0 : values[Math.Min(values.Count - 1, (int)Math.Ceiling(q * values.Count) - 1)];
}

static string Row(string round, int rows, long calls, int floor, long creates, long made, TimeSpan took, double cpu) => string.Create(CultureInfo.InvariantCulture,
    $"| {round} | {rows:N0} | {calls:N0} ({floor:N0}) | {creates:N0} | {made:N0} | {took.TotalSeconds:F1} s | {rows / took.TotalSeconds:N0} | {cpu:F1} |");

static HttpClient Admin(Uri url, string adminKey)
{
    var client = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(5) };
    client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
    return client;
}

static async Task PostAsync(HttpClient http, string path)
{
    using var response = await http.PostAsync(path, null);
    response.EnsureSuccessStatusCode();
}

static async Task<string> CreateSyncAsync(HttpClient admin, string appToken, string tableId, string database, string direction, int interval, string kind = "sqlite")
{
    using var created = await admin.PostAsJsonAsync("/api/v1/bitable-syncs", new
    {
        name = "bench " + Guid.NewGuid().ToString("N")[..8],
        app_token = appToken,
        table_id = tableId,
        database = new { kind, connection_string = database },
        table = "orders",
        key = new { column = "order_no", field = "Order" },
        columns = new[] { new { column = "amount", field = "Amount" }, new { column = "status", field = "Status" } },
        direction,
        conflicts = "latest_wins",
        interval_seconds = interval,
    });
    var text = await created.Content.ReadAsStringAsync();
    if (!created.IsSuccessStatusCode)
    {
        throw new InvalidOperationException(text);
    }

    return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
}

static async Task WaitPassAsync(HttpClient admin, string id)
{
    while (true)
    {
        var passes = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/bitable-syncs/{id}/passes")).RootElement.GetProperty("items");
        if (passes.EnumerateArray().Any(p => p.GetProperty("outcome").GetString() == "ok"))
        {
            return;
        }

        await Task.Delay(50);
    }
}

static async Task<(string AppToken, string TableId)> SeedBaseAsync(HttpClient control, int records)
{
    var rows = Enumerable.Range(1, records).Select(i => new Dictionary<string, object> { ["Order"] = $"PO-{i}", ["Amount"] = i, ["Status"] = "Open" }).ToArray();
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
                    new { field_name = "Status", type = 3, property = new { options = new[] { new { name = "Open" }, new { name = "Paid" } } } },
                },
                records = rows,
            },
        },
    });
    var data = JsonDocument.Parse(await seeded.Content.ReadAsStringAsync()).RootElement.GetProperty("data");
    return (data.GetProperty("app_token").GetString()!, data.GetProperty("tables")[0].GetProperty("table_id").GetString()!);
}

static async Task<string> OrdersDatabaseAsync(string dir, int rows)
{
    var database = $"Data Source={Path.Combine(dir, "erp.db")}";
    await ExecuteAsync(database, "CREATE TABLE orders (order_no TEXT PRIMARY KEY, amount REAL, status TEXT)");
    if (rows > 0)
    {
        await ExecuteAsync(database, $"INSERT INTO orders WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows.ToString(CultureInfo.InvariantCulture)}) SELECT 'PO-' || i, i, 'Open' FROM n");
    }

    return database;
}

/// <summary>A fresh database on the PostgreSQL server <paramref name="server"/> with an orders table of <paramref name="rows"/> rows.</summary>
static async Task<string> PostgresOrdersDatabaseAsync(string server, int rows)
{
    var name = "bench_" + Guid.NewGuid().ToString("N")[..12];
    await PostgresExecuteAsync(server, $"CREATE DATABASE {name}");
    var database = new Npgsql.NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    await PostgresExecuteAsync(database, "CREATE TABLE orders (order_no text PRIMARY KEY, amount double precision, status text)");
    await PostgresExecuteAsync(database, $"INSERT INTO orders SELECT 'PO-' || i, i, 'Open' FROM generate_series(1, {rows.ToString(CultureInfo.InvariantCulture)}) AS i");
    return database;
}

static async Task PostgresExecuteAsync(string database, string sql)
{
    await using var connection = new Npgsql.NpgsqlConnection(database);
    await connection.OpenAsync();
    await using var command = new Npgsql.NpgsqlCommand(sql, connection);
    await command.ExecuteNonQueryAsync();
}

static async Task ExecuteAsync(string database, string sql)
{
    await using var connection = new SqliteConnection(database);
    await connection.OpenAsync();
    await using var command = connection.CreateCommand();
    command.CommandText = sql;
    await command.ExecuteNonQueryAsync();
}

static async Task<long> CountAsync(string database)
{
    await using var connection = new SqliteConnection(database);
    await connection.OpenAsync();
    await using var command = connection.CreateCommand();
    command.CommandText = "SELECT COUNT(*) FROM orders";
    return (long)(await command.ExecuteScalarAsync())!;
}

static async Task<double> AmountAsync(string database, string key)
{
    await using var connection = new SqliteConnection(database);
    await connection.OpenAsync();
    await using var command = connection.CreateCommand();
    command.CommandText = "SELECT amount FROM orders WHERE order_no = $k";
    command.Parameters.AddWithValue("$k", key);
    return Convert.ToDouble(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
}

static async Task ResetCallsAsync(HttpClient control) => (await control.DeleteAsync("/_emulator/calls")).EnsureSuccessStatusCode();

static async Task<(long Total, long Creates, long Updates)> CallsAsync(HttpClient control)
{
    var items = JsonDocument.Parse(await control.GetStringAsync("/_emulator/calls")).RootElement.GetProperty("data").GetProperty("items").EnumerateArray()
        .Select(c => (Endpoint: c.GetProperty("endpoint").GetString()!, Count: c.GetProperty("count").GetInt64()))
        .Where(c => c.Endpoint.Contains("/bitable/", StringComparison.Ordinal) || c.Endpoint.Contains("/drive/", StringComparison.Ordinal)).ToList();
    return (items.Sum(c => c.Count), items.Where(c => c.Endpoint.EndsWith("/batch_create", StringComparison.Ordinal)).Sum(c => c.Count), items.Where(c => c.Endpoint.EndsWith("/batch_update", StringComparison.Ordinal)).Sum(c => c.Count));
}

static async Task<long> RecordsAsync(HttpClient control, string appToken)
{
    var bases = JsonDocument.Parse(await control.GetStringAsync("/_emulator/bitable/bases")).RootElement;
    return bases.GetProperty("data").GetProperty("items").EnumerateArray().Single(b => b.GetProperty("app_token").GetString() == appToken)
        .GetProperty("tables")[0].GetProperty("records").GetInt64();
}

static async Task<Dictionary<string, string>> RecordIdsAsync(HttpClient control, string appToken)
{
    var dump = JsonDocument.Parse(await control.GetStringAsync($"/_emulator/bitable/bases/{appToken}")).RootElement;
    return dump.GetProperty("data").GetProperty("tables")[0].GetProperty("records").EnumerateArray()
        .ToDictionary(r => r.GetProperty("fields").GetProperty("Order")[0].GetProperty("text").GetString()!, r => r.GetProperty("record_id").GetString()!, StringComparer.Ordinal);
}

static async Task<double> RecordAmountAsync(HttpClient control, string appToken, string key)
{
    var dump = JsonDocument.Parse(await control.GetStringAsync($"/_emulator/bitable/bases/{appToken}")).RootElement;
    return dump.GetProperty("data").GetProperty("tables")[0].GetProperty("records").EnumerateArray()
        .Single(r => r.GetProperty("fields").GetProperty("Order")[0].GetProperty("text").GetString() == key).GetProperty("fields").GetProperty("Amount").GetDouble();
}

static async Task<(long ToBitable, long ToDatabase)> SyncTotalsAsync(HttpClient admin, string id)
{
    var status = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/bitable-syncs/{id}")).RootElement.GetProperty("status");
    return (status.GetProperty("rows_to_bitable").GetInt64(), status.GetProperty("rows_to_database").GetInt64());
}

static async Task RunFullAndWaitAsync(HttpClient admin, string id)
{
    var before = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/bitable-syncs/{id}")).RootElement.GetProperty("status").GetProperty("passes").GetInt64();
    await PostAsync(admin, $"/api/v1/bitable-syncs/{id}/run?full=true");
    while (true)
    {
        // Interval passes may follow the full one: look at every pass since the request, newest first.
        var status = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/bitable-syncs/{id}")).RootElement.GetProperty("status");
        var since = (int)(status.GetProperty("passes").GetInt64() - before);
        var passes = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/bitable-syncs/{id}/passes")).RootElement.GetProperty("items").EnumerateArray().Take(since);
        if (since > 0 && passes.Any(p => p.GetProperty("kind").GetString() == "full"))
        {
            return;
        }

        await Task.Delay(100);
    }
}

static async Task<Dictionary<string, double>> AmountsAsync(string database)
{
    await using var connection = new SqliteConnection(database);
    await connection.OpenAsync();
    await using var command = connection.CreateCommand();
    command.CommandText = "SELECT order_no, amount FROM orders";
    var amounts = new Dictionary<string, double>(StringComparer.Ordinal);
    await using var reader = await command.ExecuteReaderAsync();
    while (await reader.ReadAsync())
    {
        amounts[reader.GetString(0)] = reader.GetDouble(1);
    }

    return amounts;
}

static async Task<(long Low, long High)> WritesByHalfAsync(string database, int half)
{
    await using var connection = new SqliteConnection(database);
    await connection.OpenAsync();
    await using var command = connection.CreateCommand();
    command.CommandText = $"SELECT SUM(CAST(substr(order_no, 4) AS INTEGER) <= {half.ToString(CultureInfo.InvariantCulture)}), SUM(CAST(substr(order_no, 4) AS INTEGER) > {half.ToString(CultureInfo.InvariantCulture)}) FROM bench_writes";
    await using var reader = await command.ExecuteReaderAsync();
    await reader.ReadAsync();
    return (reader.IsDBNull(0) ? 0 : reader.GetInt64(0), reader.IsDBNull(1) ? 0 : reader.GetInt64(1));
}

static async Task<Dictionary<string, double>> RecordAmountsAsync(HttpClient control, string appToken)
{
    var dump = JsonDocument.Parse(await control.GetStringAsync($"/_emulator/bitable/bases/{appToken}")).RootElement;
    return dump.GetProperty("data").GetProperty("tables")[0].GetProperty("records").EnumerateArray()
        .ToDictionary(r => r.GetProperty("fields").GetProperty("Order")[0].GetProperty("text").GetString()!, r => r.GetProperty("fields").GetProperty("Amount").GetDouble(), StringComparer.Ordinal);
}

/// <summary>Of records 1..<paramref name="half"/> (edited only by users), how many an app wrote last.</summary>
static async Task<int> RecordsLastWrittenByAppAsync(HttpClient control, string appToken, int half)
{
    var dump = JsonDocument.Parse(await control.GetStringAsync($"/_emulator/bitable/bases/{appToken}")).RootElement;
    return dump.GetProperty("data").GetProperty("tables")[0].GetProperty("records").EnumerateArray()
        .Where(r => int.Parse(r.GetProperty("fields").GetProperty("Order")[0].GetProperty("text").GetString()!.AsSpan(3), CultureInfo.InvariantCulture) <= half)
        .Count(r => !r.GetProperty("last_modified_by").TryGetProperty("email", out var email) || email.GetString() != "alice@example.com");
}

internal sealed record BitableBenchOptions(string HubDll, IReadOnlyList<int> Rows, int Edits, int Soak, string? Markdown, string? Work, string? Postgres)
{
    public static BitableBenchOptions? Parse(string[] args)
    {
        string? hub = null, markdown = null, work = null, postgres = null;
        IReadOnlyList<int> rows = [10_000, 50_000];
        var edits = 100;
        var soak = 10_000;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--hub-dll": hub = args[i + 1]; break;
                case "--rows": rows = args[i + 1] == "none" ? [] : [.. args[i + 1].Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture))]; break;
                case "--edits": edits = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--soak": soak = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--markdown": markdown = args[i + 1]; break;
                case "--work": work = args[i + 1]; break;
                case "--postgres": postgres = args[i + 1]; break;
                default: return null;
            }
        }

        return hub is null ? null : new BitableBenchOptions(hub, rows, edits, soak, markdown, work, postgres);
    }
}
