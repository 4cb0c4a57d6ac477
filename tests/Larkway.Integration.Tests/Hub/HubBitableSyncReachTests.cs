using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Hub.BitableSync;
using Larkway.Hub.Platform.DataProtection;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// Issue 28 §2 and §3: a sync never reaches the Hub's own tables or files, whatever its kind (kind hub retired, a Hub table
/// refused by name, the Hub's SQLite file refused by path, relative, through a symbolic link or as a hard link, a stored row of an older
/// version held to the same rules at its pass); a refused SQLite string creates no file; a failed connection's text and
/// password reach no answer, page, log line or stored status; dead letters and the dry run answer in bounded pages.
/// </summary>
public sealed class HubBitableSyncReachTests
{
    private static readonly Dictionary<string, string?> Quiet = new()
    {
        ["Larkway:Directory:ReconcileEnabled"] = "false",
        ["Larkway:BitableSync:PollInterval"] = "00:00:00.200",
    };

    [Fact]
    public async Task Kind_is_required_kind_hub_is_refused_and_no_sync_names_a_Hub_table_or_the_Hubs_own_SQLite_file()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", Quiet);
        using var admin = Admin(hub);
        var (appToken, tableId) = await SeedBaseAsync(hub);
        var erp = Path.Combine(Directory.CreateTempSubdirectory("larkway-erp-").FullName, "erp.db");
        foreach (var table in new[] { "orders", "console_admins", "hub_data_protection_keys", "__EFMigrationsHistory", "larkway_sync_map" })
        {
            await SqliteAsync(erp, $"CREATE TABLE \"{table}\" (order_no TEXT PRIMARY KEY, amount REAL)");
        }

        object Body(object? database, string table = "orders") => new { name = "x", app_token = appToken, table_id = tableId, database, table, key = new { column = "order_no", field = "Order" } };

        // Kind left out (it was hub by default), or hub: refused with what to give instead.
        (await RefusedAsync(admin, Body(null))).ShouldContain("database.kind: Required");
        (await RefusedAsync(admin, Body(new { connection_string = $"Data Source={erp}" }))).ShouldContain("database.kind: Required");
        (await RefusedAsync(admin, Body(new { kind = "hub" }))).ShouldContain("keys, tokens and sessions");

        // A Hub table by any spelling, even in a database of the caller's own that has one of that name.
        foreach (var table in new[] { "console_admins", "HUB_DATA_PROTECTION_KEYS", "main.\"console_admins\"", "__EFMigrationsHistory", "larkway_sync_map" })
        {
            (await RefusedAsync(admin, Body(new { kind = "sqlite", connection_string = $"Data Source={erp}" }, table))).ShouldContain("the Hub's own tables");
        }

        // The Hub's own SQLite file: absolute, relative, through a symbolic link, or its WAL.
        var hubDb = Path.Combine(hub.DataDirectory, "larkway.db");
        var link = Path.Combine(Directory.CreateTempSubdirectory("larkway-link-").FullName, "erp.db");
        File.CreateSymbolicLink(link, hubDb);
        var linkedFolder = Path.Combine(Directory.CreateTempSubdirectory("larkway-link-").FullName, "data");
        Directory.CreateSymbolicLink(linkedFolder, hub.DataDirectory);
        // A hard link is another name of the same file (same device and inode): no path comparison sees it. It must live on
        // the data directory's file system, so it sits beside the database under a name of its own.
        var hardLink = Path.Combine(hub.DataDirectory, "erp-orders.db");
        HardLink(hubDb, hardLink);
        foreach (var path in new[] { hubDb, Path.GetRelativePath(Environment.CurrentDirectory, hubDb), link, Path.Combine(linkedFolder, "larkway.db"), hubDb + "-wal", hardLink })
        {
            (await RefusedAsync(admin, Body(new { kind = "sqlite", connection_string = $"Data Source={path}" }))).ShouldContain("the Hub's own database", customMessage: path);
        }

        // A file that is not a SQLite database (a data file of the Hub's kind), memory, a URI: refused, named as such.
        var notDb = Path.Combine(Path.GetDirectoryName(erp)!, "state.json");
        await File.WriteAllTextAsync(notDb, "{\"secret\": \"keep me\"}");
        (await RefusedAsync(admin, Body(new { kind = "sqlite", connection_string = $"Data Source={notDb}" }))).ShouldContain("not a SQLite database");
        (await File.ReadAllTextAsync(notDb)).ShouldBe("{\"secret\": \"keep me\"}");
        (await RefusedAsync(admin, Body(new { kind = "sqlite", connection_string = "Data Source=:memory:" }))).ShouldContain("memory");
        (await RefusedAsync(admin, Body(new { kind = "sqlite", connection_string = $"Data Source=file:{hubDb}?mode=rw" }))).ShouldContain("URI");

        // A missing file is never created, whatever mode the string asks for.
        var missing = Path.Combine(Path.GetDirectoryName(erp)!, "typo.db");
        (await RefusedAsync(admin, Body(new { kind = "sqlite", connection_string = $"Data Source={missing};Mode=ReadWriteCreate" }))).ShouldContain("never creates one");
        File.Exists(missing).ShouldBeFalse();

        // The caller's own table in the caller's own file still works.
        using var created = await admin.PostAsJsonAsync("/api/v1/bitable-syncs", Body(new { kind = "sqlite", connection_string = $"Data Source={erp}" }));
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_file_swapped_for_a_link_to_the_Hubs_database_after_the_check_is_refused_at_the_open()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", Quiet);
        var databases = hub.Host.Services.GetRequiredService<SyncDatabases>();
        var erp = Path.Combine(Directory.CreateTempSubdirectory("larkway-erp-").FullName, "erp.db");
        await SqliteAsync(erp, "CREATE TABLE orders (order_no TEXT PRIMARY KEY, amount REAL)");

        // The path passes its check while it is the caller's own file; a later open of the same sync still works.
        var checkedDatabase = databases.For(SyncDatabaseKind.Sqlite, $"Data Source={erp}", "orders");
        (await checkedDatabase.ColumnsAsync("orders", CancellationToken.None)).Select(c => c.Name).ToArray().ShouldBe(new[] { "order_no", "amount" });

        // Between the check and a later open, whoever can write the folder puts a link to the Hub's database in its place
        // (the pool is emptied so the next open is a fresh one, as after the pool let its idle handle go).
        SqliteConnection.ClearAllPools();
        File.Delete(erp);
        File.CreateSymbolicLink(erp, Path.Combine(hub.DataDirectory, "larkway.db"));

        var refused = await Should.ThrowAsync<SyncConfigurationException>(() => checkedDatabase.PrepareAsync("orders", "order_no", triggers: true, CancellationToken.None));
        refused.Message.ShouldContain("the Hub's own database");
        await using (var db = await hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync())
        {
            var engineTables = await db.Database.SqlQueryRaw<string>("SELECT name AS \"Value\" FROM sqlite_master WHERE name LIKE 'larkway_sync_%'").ToListAsync();
            engineTables.ShouldBeEmpty("nothing was written to the Hub's database");
        }
    }

    [Fact]
    public async Task A_hub_kind_sync_stored_by_an_older_version_does_not_run_and_says_why()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", Quiet);
        using var admin = Admin(hub);
        var (appToken, tableId) = await SeedBaseAsync(hub);
        var id = await StoreAsync(hub, SyncDatabaseKind.Hub, null, "console_admins", appToken, tableId, SyncState.Active);

        await HubSandbox.WaitUntilAsync(() => Passes(admin, id).Any(), "the stored sync's pass");
        Passes(admin, id)[0].GetProperty("outcome").GetString()!.ShouldContain("no longer allowed");
        using (var dry = await admin.PostAsync($"/api/v1/bitable-syncs/{id}/dry-run", null))
        {
            dry.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await dry.Content.ReadAsStringAsync()).ShouldContain("Edit this sync to another kind, or delete it");
        }

        // Nothing of the Hub's table reached Bitable.
        var dump = JsonDocument.Parse(await hub.Control.GetStringAsync($"/_emulator/bitable/bases/{appToken}")).RootElement;
        dump.GetProperty("data").GetProperty("tables")[0].GetProperty("records").GetArrayLength().ShouldBe(0);

        // A stored sqlite sync naming a Hub table is held at its pass just the same.
        var erp = Path.Combine(Directory.CreateTempSubdirectory("larkway-erp-").FullName, "erp.db");
        await SqliteAsync(erp, "CREATE TABLE console_admins (order_no TEXT PRIMARY KEY, amount REAL)");
        var stored = await StoreAsync(hub, SyncDatabaseKind.Sqlite, $"Data Source={erp}", "console_admins", appToken, tableId, SyncState.Active);
        await HubSandbox.WaitUntilAsync(() => Passes(admin, stored).Any(), "the stored sqlite sync's pass");
        Passes(admin, stored)[0].GetProperty("outcome").GetString()!.ShouldContain("the Hub's own tables");
    }

    [Fact]
    public async Task A_failed_connections_host_and_password_reach_no_answer_page_log_or_stored_status()
    {
        const string Password = "Pw-hunter2-do-not-leak";
        var port = FreePort();
        var connection = $"Host=127.0.0.1;Port={port};Username=erp_owner;Password={Password};Database=erp;Timeout=2";
        var logs = new LogCapture();
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", new Dictionary<string, string?>(Quiet) { ["Larkway:BitableSync:RetryDelays:0"] = "00:00:00.200" });
        hub.Host.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
        using var admin = Admin(hub);
        var (appToken, tableId) = await SeedBaseAsync(hub);
        string[] secrets = [Password, connection, $"127.0.0.1:{port}", "erp_owner"];

        // At create: the answer says what failed, not where or as whom.
        var refused = await RefusedAsync(admin, new { name = "x", app_token = appToken, table_id = tableId, database = new { kind = "postgres", connection_string = connection }, table = "orders", key = new { column = "order_no", field = "Order" } });
        refused.ShouldContain("PostgreSQL cannot be reached");

        // At a pass of a stored sync: its history, its queue item, its page and the log.
        var id = await StoreAsync(hub, SyncDatabaseKind.Postgres, connection, "orders", appToken, tableId, SyncState.Active);
        await HubSandbox.WaitUntilAsync(() => Passes(admin, id).Length >= 2, "two failed passes", seconds: 60);
        var passes = await admin.GetStringAsync($"/api/v1/bitable-syncs/{id}/passes");
        passes.ShouldContain("PostgreSQL cannot be reached");
        var db = await hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        await using (db)
        {
            var stored = string.Join("\n", await db.Set<WorkItemRow>().Where(w => w.Queue == BitableSyncRunner.QueueName).Select(w => w.LastError ?? "").ToListAsync())
                + string.Join("\n", await db.BitableSyncPasses.Select(p => p.Outcome).ToListAsync());
            stored.ShouldNotBeEmpty();
            foreach (var secret in secrets)
            {
                stored.ShouldNotContain(secret);
            }
        }

        using var console = new ConsoleClient(hub.Host.BaseUrl);
        (await console.SignInAsync(hub.Host.BootstrapAdminPassword!)).Dispose();
        var page = await console.Http.GetStringAsync($"/console/bitable-syncs/{id}");
        page.ShouldContain("PostgreSQL cannot be reached");
        var everything = refused + passes + page + string.Join("\n", logs.Lines.Select(l => l.Message + (l.Exception?.ToString() ?? "")));
        foreach (var secret in secrets)
        {
            everything.ShouldNotContain(secret);
        }
    }

    [Fact]
    public async Task Dead_letters_are_paged_from_the_database_and_the_dry_run_lists_its_first_problems_with_their_total()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", Quiet);
        using var admin = Admin(hub);
        var (appToken, tableId) = await SeedBaseAsync(hub);

        // 300 rows whose amount is no number: each refused by the dry run.
        var erp = Path.Combine(Directory.CreateTempSubdirectory("larkway-erp-").FullName, "erp.db");
        await SqliteAsync(erp, "CREATE TABLE orders (order_no TEXT PRIMARY KEY, amount REAL)");
        await SqliteAsync(erp, "INSERT INTO orders WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300) SELECT 'PO-' || i, 'not a number' FROM n");
        using var created = await admin.PostAsJsonAsync("/api/v1/bitable-syncs", new
        {
            name = "ERP", app_token = appToken, table_id = tableId, database = new { kind = "sqlite", connection_string = $"Data Source={erp}" }, table = "orders",
            key = new { column = "order_no", field = "Order" }, columns = new[] { new { column = "amount", field = "Amount" } }, direction = "to_bitable",
        });
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        using (var dry = await admin.PostAsync($"/api/v1/bitable-syncs/{id}/dry-run", null))
        {
            var json = JsonDocument.Parse(await dry.Content.ReadAsStringAsync()).RootElement;
            json.GetProperty("problems").GetArrayLength().ShouldBe(BitableSyncService.MaxDryRunProblems, json.ToString());
            json.GetProperty("problems_total").GetInt32().ShouldBe(300);
        }

        // 2,000 dead letters: pages of 50 (or up to 200), with the total and a cursor that walks them all once.
        var db = await hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        await using (db)
        {
            db.BitableSyncDeadLetters.AddRange(Enumerable.Range(1, 2000).Select(i => new BitableSyncDeadLetterRow
            {
                SyncId = id, RowKey = $"PO-{i}", Direction = "to_bitable", Message = new string('x', 500), FailedAt = DateTimeOffset.UtcNow, Attempts = 1,
            }));
            await db.SaveChangesAsync();
        }

        using (var first = await admin.GetAsync($"/api/v1/bitable-syncs/{id}/dead-letters"))
        {
            var text = await first.Content.ReadAsStringAsync();
            text.Length.ShouldBeLessThan(64 * 1024);
            var json = JsonDocument.Parse(text).RootElement;
            (json.GetProperty("items").GetArrayLength(), json.GetProperty("total").GetInt32()).ShouldBe((50, 2000));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? after = null;
        do
        {
            var page = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/bitable-syncs/{id}/dead-letters?limit=200{(after is null ? "" : "&after=" + after)}")).RootElement;
            page.GetProperty("items").GetArrayLength().ShouldBeLessThanOrEqualTo(200);
            foreach (var letter in page.GetProperty("items").EnumerateArray())
            {
                seen.Add(letter.GetProperty("key").GetString()!).ShouldBeTrue();
            }

            after = page.TryGetProperty("next", out var next) ? next.GetString() : null;
        }
        while (after is not null);
        seen.Count.ShouldBe(2000);
        (await RefusedAsync(admin, null, $"/api/v1/bitable-syncs/{id}/dead-letters?limit=201")).ShouldContain("limit");
        (await RefusedAsync(admin, null, $"/api/v1/bitable-syncs/{id}/conflicts?after=x")).ShouldContain("after");

        // The console's page: one page of them, with the total and a link to the next.
        using var console = new ConsoleClient(hub.Host.BaseUrl);
        (await console.SignInAsync(hub.Host.BootstrapAdminPassword!)).Dispose();
        var html = await console.Http.GetStringAsync($"/console/bitable-syncs/{id}");
        html.ShouldContain("Showing 50 of 2000");
        html.ShouldContain("id=\"dead-letters-next\"");
        html.Length.ShouldBeLessThan(256 * 1024);
    }

    private static JsonElement[] Passes(HttpClient admin, string id) =>
        [.. JsonDocument.Parse(admin.GetStringAsync($"/api/v1/bitable-syncs/{id}/passes").GetAwaiter().GetResult()).RootElement.GetProperty("items").EnumerateArray()];

    /// <summary>A sync written straight to the Hub's store, as an older version (or a bypassed check) would have left it.</summary>
    private static async Task<string> StoreAsync(HubSandbox hub, SyncDatabaseKind kind, string? connection, string table, string appToken, string tableId, SyncState state)
    {
        var services = hub.Host.Services;
        var fields = JsonDocument.Parse(await hub.Control.GetStringAsync($"/_emulator/bitable/bases/{appToken}")).RootElement.GetProperty("data").GetProperty("tables")[0].GetProperty("fields");
        var key = fields.EnumerateArray().First(f => f.GetProperty("field_name").GetString() == "Order").GetProperty("field_id").GetString()!;
        var id = "bsy_" + Guid.NewGuid().ToString("N");
        await services.GetRequiredService<BitableSyncStore>().AddAsync(
            new BitableSyncRow
            {
                Id = id, Name = id, AppToken = appToken, TableId = tableId, DatabaseKind = kind, TableName = table, State = state,
                ConnectionProtected = connection is null ? null : services.GetRequiredService<HubSecretProtector>().Protect(connection),
                MappingJson = new SyncMapping("order_no", key, [new SyncColumnMapping("order_no", key)]).ToJson(), Direction = SyncDirection.ToBitable,
                IntervalSeconds = 3600, FullDiffEvery = 60, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
            },
            CancellationToken.None);
        return id;
    }

    private static async Task<string> RefusedAsync(HttpClient admin, object? body, string path = "/api/v1/bitable-syncs")
    {
        using var reply = body is null ? await admin.GetAsync(path) : await admin.PostAsJsonAsync(path, body);
        var text = await reply.Content.ReadAsStringAsync();
        reply.StatusCode.ShouldBe(HttpStatusCode.BadRequest, text);
        return text;
    }

    /// <summary>Makes <paramref name="link"/> a hard link to <paramref name="target"/> (.NET has no call for it: <c>ln</c>).</summary>
    private static void HardLink(string target, string link)
    {
        using var ln = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("ln", [target, link]) { RedirectStandardError = true })!;
        var error = ln.StandardError.ReadToEnd();
        ln.WaitForExit();
        ln.ExitCode.ShouldBe(0, error);
    }

    private static async Task SqliteAsync(string file, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={file}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static HttpClient Admin(HubSandbox hub)
    {
        var client = new HttpClient { BaseAddress = hub.Api.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        return client;
    }

    private static async Task<(string AppToken, string TableId)> SeedBaseAsync(HubSandbox hub)
    {
        using var seeded = await hub.Control.PostAsJsonAsync("/_emulator/bitable/bases", new
        {
            name = "Orders",
            user = "carol@example.com",
            tables = new[]
            {
                new
                {
                    name = "Orders",
                    fields = new object[] { new { field_name = "Order", type = 1 }, new { field_name = "Amount", type = 2 } },
                    records = Array.Empty<object>(),
                },
            },
        });
        var json = JsonDocument.Parse(await seeded.Content.ReadAsStringAsync()).RootElement;
        json.GetProperty("code").GetInt32().ShouldBe(0, json.ToString());
        var data = json.GetProperty("data");
        return (data.GetProperty("app_token").GetString()!, data.GetProperty("tables")[0].GetProperty("table_id").GetString()!);
    }
}

/// <summary>Issue 28 §2 on a Hub whose own database is PostgreSQL: a postgres sync on that very database still names none of its tables, whatever search path it sets.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresHubBitableSyncReachTests(PostgresCluster cluster)
{
    [Fact]
    public async Task A_postgres_sync_on_the_Hubs_own_database_is_refused_every_Hub_table()
    {
        var hubDatabase = await cluster.CreateDatabaseAsync();
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", new Dictionary<string, string?>
        {
            ["Larkway:Directory:ReconcileEnabled"] = "false",
            ["Larkway:Storage:Provider"] = "Postgres",
            ["Larkway:Storage:ConnectionString"] = hubDatabase,
        });
        using var admin = new HttpClient { BaseAddress = hub.Api.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        using var seeded = await hub.Control.PostAsJsonAsync("/_emulator/bitable/bases", new
        {
            name = "Orders", user = "carol@example.com",
            tables = new[] { new { name = "Orders", fields = new object[] { new { field_name = "Order", type = 1 } }, records = Array.Empty<object>() } },
        });
        var data = JsonDocument.Parse(await seeded.Content.ReadAsStringAsync()).RootElement.GetProperty("data");
        var (appToken, tableId) = (data.GetProperty("app_token").GetString()!, data.GetProperty("tables")[0].GetProperty("table_id").GetString()!);

        // The tables are there, in the database the sync names (so only the rule refuses them).
        await using (var connection = new NpgsqlConnection(hubDatabase))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM information_schema.tables WHERE table_name IN ('hub_data_protection_keys', 'console_admins', '__EFMigrationsHistory')", connection);
            ((long)(await command.ExecuteScalarAsync())!).ShouldBe(3L);
        }

        foreach (var connection in new[] { hubDatabase, hubDatabase + ";Search Path=public", hubDatabase + ";SearchPath=pg_catalog,public" })
        {
            foreach (var table in new[] { "hub_data_protection_keys", "console_admins", "__EFMigrationsHistory", "larkway_sync_map", "public.console_admins" })
            {
                using var reply = await admin.PostAsJsonAsync("/api/v1/bitable-syncs", new
                {
                    name = "x", app_token = appToken, table_id = tableId, database = new { kind = "postgres", connection_string = connection }, table,
                    key = new { column = "id", field = "Order" },
                });
                var text = await reply.Content.ReadAsStringAsync();
                reply.StatusCode.ShouldBe(HttpStatusCode.BadRequest, text);
                text.ShouldContain("the Hub's own tables");
                text.ShouldNotContain(hubDatabase);
            }
        }
    }
}
