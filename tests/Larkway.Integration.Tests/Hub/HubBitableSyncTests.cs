using System.Data.Common;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Hub.BitableSync;
using Larkway.Hub.Platform.Storage;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// Issue 16 §3 against the Emulator's Bitable engine and a real database (an external SQLite file, and PostgreSQL): a sync
/// created through the API starts paused with a dry run; resumed, it loads both ways, then carries edits each way (the
/// database's by trigger capture, Bitable's by the record event), writes nothing back for its own writes, holds a row
/// changed on both sides until an operator picks a side, and puts a row Bitable cannot take in the dead letter while the
/// rest sync.
/// </summary>
public abstract class HubBitableSyncTests
{
    private static readonly Dictionary<string, string?> Quiet = new()
    {
        ["Larkway:Directory:ReconcileEnabled"] = "false",
        ["Larkway:BitableSync:PollInterval"] = "00:00:00.200",
    };

    /// <summary>An empty database for the synced table: its ADO.NET connection string and whether it is PostgreSQL.</summary>
    protected abstract Task<(string ConnectionString, bool Postgres)> DatabaseAsync();

    [Fact]
    public async Task A_two_way_sync_loads_both_sides_carries_edits_each_way_without_echoes_holds_conflicts_and_dead_letters_refused_rows()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        var (connection, postgres) = await DatabaseAsync();
        await ExecuteAsync(connection, postgres, postgres
            ? "CREATE TABLE orders (order_no text PRIMARY KEY, amount numeric, status text, urgent boolean, owner text, due timestamptz)"
            : "CREATE TABLE orders (order_no TEXT PRIMARY KEY, amount REAL, status TEXT, urgent INTEGER, owner TEXT, due INTEGER)");
        var due = new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
        for (var i = 1; i <= 5; i++)
        {
            await ExecuteAsync(connection, postgres, "INSERT INTO orders (order_no, amount, status, urgent, owner, due) VALUES (@k, @a, @s, @u, @o, @d)",
                ("k", $"PO-{i}"), ("a", 10m * i), ("s", i % 2 == 1 ? "Open" : "Paid"), ("u", postgres ? i == 1 : (object)(i == 1 ? 1 : 0)),
                ("o", i == 2 ? "bob@example.com" : null), ("d", postgres ? due.AddDays(i).UtcDateTime : due.AddDays(i).ToUnixTimeMilliseconds()));
        }

        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", Quiet);
        using var admin = Admin(hub);
        var (appToken, tableId) = await SeedBaseAsync(hub);

        // The app's event subscription points at the Hub, as set in the developer console.
        using (var subscribed = await hub.Control.PutAsJsonAsync($"/_emulator/apps/{hub.State.Apps[0].AppId}/event-subscription", new
        {
            url = new Uri(hub.Api.BaseAddress!, "/feishu/events").ToString(),
            encrypt_key = HubSandbox.ExternalEncryptKey,
            verification_token = HubSandbox.ExternalVerificationToken,
        }))
        {
            subscribed.EnsureSuccessStatusCode();
        }

        // Created paused; fields named by name are stored by id.
        var sync = await CreateAsync(admin, appToken, tableId, connection, postgres, "hold_for_review");
        sync.GetProperty("state").GetString().ShouldBe("paused");
        sync.GetProperty("database").GetProperty("connection_string").GetString().ShouldBe("(stored encrypted)");
        sync.GetProperty("key").GetProperty("field_id").GetString().ShouldStartWith("fld");
        var id = sync.GetProperty("id").GetString()!;

        // The dry run: five rows to create in Bitable, two records to insert in the database, nothing written.
        var dry = await PostAsync(admin, $"/api/v1/bitable-syncs/{id}/dry-run?sample=20");
        dry.GetProperty("actions").GetProperty("create_record").GetInt32().ShouldBe(5, dry.ToString());
        dry.GetProperty("actions").GetProperty("upsert_row").GetInt32().ShouldBe(2, dry.ToString());
        dry.GetProperty("sample").EnumerateArray().Single(r => r.GetProperty("key").GetString() == "PO-2").GetProperty("database").GetProperty("owner").GetString().ShouldBe("bob@example.com");
        (await RecordsAsync(hub, appToken)).Count.ShouldBe(2);

        // Resumed: the initial load both ways.
        await PostAsync(admin, $"/api/v1/bitable-syncs/{id}/resume");
        await WaitPassesAsync(admin, id, 1);
        var records = await RecordsAsync(hub, appToken);
        records.Count.ShouldBe(7);
        var po2 = records.Single(r => Text(r, "Order") == "PO-2");
        po2.GetProperty("fields").GetProperty("Amount").GetDecimal().ShouldBe(20m);
        po2.GetProperty("fields").GetProperty("Status").GetString().ShouldBe("Paid");
        po2.GetProperty("fields").GetProperty("Owner")[0].GetProperty("email").GetString().ShouldBe("bob@example.com");
        po2.GetProperty("fields").GetProperty("Due").GetInt64().ShouldBe(due.AddDays(2).ToUnixTimeMilliseconds());
        records.Single(r => Text(r, "Order") == "PO-1").GetProperty("fields").GetProperty("Urgent").GetBoolean().ShouldBeTrue();
        var rows = await RowsAsync(connection, postgres);
        rows.Count.ShouldBe(7);
        rows["PO-B1"].Amount.ShouldBe(7.5m);
        rows["PO-B1"].Owner.ShouldBe("carol@example.com");
        rows["PO-B2"].Status.ShouldBe("Paid");

        // Echo suppression: a pass over what it wrote itself writes nothing either way.
        var quiet = await RunAndWaitAsync(admin, id, full: true);
        (quiet.GetProperty("to_bitable").GetInt32(), quiet.GetProperty("to_database").GetInt32()).ShouldBe((0, 0), quiet.ToString());

        // The database changes (trigger capture): the record follows.
        await ExecuteAsync(connection, postgres, "UPDATE orders SET amount = 99 WHERE order_no = 'PO-3'");
        await RunAndWaitAsync(admin, id, full: false);
        (await RecordsAsync(hub, appToken)).Single(r => Text(r, "Order") == "PO-3").GetProperty("fields").GetProperty("Amount").GetDecimal().ShouldBe(99m);

        // A user edits a record in Bitable: its event wakes the sync and the row follows.
        var b2 = records.Single(r => Text(r, "Order") == "PO-B2").GetProperty("record_id").GetString()!;
        await EditRecordAsync(hub, appToken, tableId, b2, new Dictionary<string, object> { ["Amount"] = 123 });
        await HubSandbox.WaitUntilAsync(() => RowsAsync(connection, postgres).GetAwaiter().GetResult()["PO-B2"].Amount == 123m, "the Bitable edit in the database");

        // Both sides change one row: held, nothing written, until the operator picks Bitable's.
        var po4 = records.Single(r => Text(r, "Order") == "PO-4").GetProperty("record_id").GetString()!;
        // (Paused meanwhile, so no pass runs between the two edits and carries one over before the other is made.)
        await PostAsync(admin, $"/api/v1/bitable-syncs/{id}/pause");
        await WaitIdleAsync(admin, id);
        await ExecuteAsync(connection, postgres, "UPDATE orders SET status = 'Open' WHERE order_no = 'PO-4'");
        await EditRecordAsync(hub, appToken, tableId, po4, new Dictionary<string, object> { ["Status"] = "Lost" });
        await PostAsync(admin, $"/api/v1/bitable-syncs/{id}/resume");
        await HubSandbox.WaitUntilAsync(() => GetAsync(admin, $"/api/v1/bitable-syncs/{id}/conflicts").GetAwaiter().GetResult().GetProperty("items").GetArrayLength() == 1, "the conflict held");
        var conflict = (await GetAsync(admin, $"/api/v1/bitable-syncs/{id}/conflicts")).GetProperty("items")[0];
        conflict.GetProperty("key").GetString().ShouldBe("PO-4");
        conflict.GetProperty("database").GetProperty("status").GetString().ShouldBe("Open");
        conflict.GetProperty("bitable").GetProperty("status").GetString().ShouldBe("Lost");
        (await RowsAsync(connection, postgres))["PO-4"].Status.ShouldBe("Open");
        using (var resolved = await admin.PostAsJsonAsync($"/api/v1/bitable-syncs/{id}/conflicts/{conflict.GetProperty("id").GetInt64()}/resolve", new { side = "bitable" }))
        {
            resolved.StatusCode.ShouldBe(HttpStatusCode.NoContent, await resolved.Content.ReadAsStringAsync());
        }

        await HubSandbox.WaitUntilAsync(() => RowsAsync(connection, postgres).GetAwaiter().GetResult()["PO-4"].Status == "Lost", "the picked side written");
        await HubSandbox.WaitUntilAsync(() => GetAsync(admin, $"/api/v1/bitable-syncs/{id}/conflicts").GetAwaiter().GetResult().GetProperty("items").GetArrayLength() == 0, "the conflict settled");

        // A row whose owner is nobody Feishu knows goes to the dead letter; the row beside it syncs.
        await ExecuteAsync(connection, postgres, "INSERT INTO orders (order_no, amount, status, owner) VALUES ('PO-6', 60, 'Open', 'nobody@example.com'), ('PO-7', 70, 'Open', NULL)");
        await RunAndWaitAsync(admin, id, full: false);
        var letters = (await GetAsync(admin, $"/api/v1/bitable-syncs/{id}/dead-letters")).GetProperty("items");
        letters.GetArrayLength().ShouldBe(1, letters.ToString());
        letters[0].GetProperty("key").GetString().ShouldBe("PO-6");
        letters[0].GetProperty("message").GetString()!.ShouldContain("nobody@example.com");
        var final = await RecordsAsync(hub, appToken);
        final.Select(r => Text(r, "Order")).Order(StringComparer.Ordinal).ShouldBe(["PO-1", "PO-2", "PO-3", "PO-4", "PO-5", "PO-7", "PO-B1", "PO-B2"]);

        // Fixed and retried: it lands, and the dead letter is gone. (Paused meanwhile: the fix's own change capture would
        // otherwise start a pass that may carry the row over, and clear its dead letter, before the retry is asked for.)
        await PostAsync(admin, $"/api/v1/bitable-syncs/{id}/pause");
        await WaitIdleAsync(admin, id);
        await ExecuteAsync(connection, postgres, "UPDATE orders SET owner = 'dave@example.com' WHERE order_no = 'PO-6'");
        (await PostAsync(admin, $"/api/v1/bitable-syncs/{id}/dead-letters/retry")).GetProperty("retried").GetInt32().ShouldBe(1);
        await PostAsync(admin, $"/api/v1/bitable-syncs/{id}/resume");
        await HubSandbox.WaitUntilAsync(() => RecordsAsync(hub, appToken).GetAwaiter().GetResult().Any(r => Text(r, "Order") == "PO-6"), "the retried row in Bitable");
        await HubSandbox.WaitUntilAsync(() => GetAsync(admin, $"/api/v1/bitable-syncs/{id}/dead-letters").GetAwaiter().GetResult().GetProperty("items").GetArrayLength() == 0, "the dead letter cleared");

        // Every key once on each side.
        (await RecordsAsync(hub, appToken)).Select(r => Text(r, "Order")).ShouldBeUnique();
        (await RowsAsync(connection, postgres)).Count.ShouldBe(9);
    }

    [Fact]
    public async Task A_create_batch_whose_answer_was_lost_is_sent_again_by_the_next_attempt_with_its_client_token_and_makes_no_record_twice()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        var (connection, postgres) = await DatabaseAsync();
        await ExecuteAsync(connection, postgres, "CREATE TABLE orders (order_no text PRIMARY KEY, amount numeric, status text, urgent boolean, owner text, due bigint)");
        for (var i = 1; i <= 30; i++)
        {
            await ExecuteAsync(connection, postgres, "INSERT INTO orders (order_no, amount, status) VALUES (@k, @a, 'Open')", ("k", $"PO-{i}"), ("a", 10m * i));
        }

        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", new Dictionary<string, string?>(Quiet) { ["Larkway:BitableSync:RetryDelays:0"] = "00:00:00.500" });
        using var admin = Admin(hub);
        var (appToken, tableId) = await SeedBaseAsync(hub, withRecords: false);
        var id = (await CreateAsync(admin, appToken, tableId, connection, postgres, "database_wins", direction: "to_bitable")).GetProperty("id").GetString()!;

        // Bitable makes the records but every answer of the client's four attempts is lost: the pass fails as a crash after
        // the send would leave it, with the batch's plan saved and no mapping rows.
        using (var armed = await hub.Control.PostAsJsonAsync("/_emulator/faults", new { endpoint = "POST /open-apis/bitable/v1/apps/{app_token}/tables/{table_id}/records/batch_create", kind = "server_error_after", count = 4 }))
        {
            armed.EnsureSuccessStatusCode();
        }

        await PostAsync(admin, $"/api/v1/bitable-syncs/{id}/resume");
        await HubSandbox.WaitUntilAsync(() => PassesAsync(admin, id).GetAwaiter().GetResult().EnumerateArray().Any(p => p.GetProperty("outcome").GetString() == "ok"), "a pass that succeeded", seconds: 60);
        var passes = await PassesAsync(admin, id);
        passes.EnumerateArray().Count(p => p.GetProperty("outcome").GetString() != "ok").ShouldBeGreaterThanOrEqualTo(1, passes.ToString());

        // The next attempt sent the saved batch again with its client_token: Bitable answered the records it had made.
        var records = await RecordsAsync(hub, appToken);
        records.Select(r => Text(r, "Order")).Order(StringComparer.Ordinal).ShouldBe(Enumerable.Range(1, 30).Select(i => $"PO-{i}").Order(StringComparer.Ordinal));
        (await ScalarAsync(connection, postgres, "SELECT COUNT(*) FROM larkway_sync_map WHERE sync_id = @s", ("s", id))).ShouldBe(30L);
        (await ScalarAsync(connection, postgres, "SELECT COUNT(*) FROM larkway_sync_state WHERE sync_id = @s AND name = 'create_in_flight'", ("s", id))).ShouldBe(0L);
    }

    [Fact]
    public async Task Ten_thousand_rows_load_at_the_floor_of_write_calls_and_a_full_diff_after_writes_nothing()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        var (connection, postgres) = await DatabaseAsync();
        await ExecuteAsync(connection, postgres, "CREATE TABLE orders (order_no text PRIMARY KEY, amount numeric, status text, urgent boolean, owner text, due bigint)");
        await ExecuteAsync(connection, postgres, postgres
            ? "INSERT INTO orders (order_no, amount, status, urgent) SELECT 'PO-' || i, i * 1.5, CASE WHEN i % 3 = 0 THEN 'Paid' ELSE 'Open' END, i % 7 = 0 FROM generate_series(1, 10000) AS i"
            : "INSERT INTO orders (order_no, amount, status, urgent) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000) SELECT 'PO-' || i, i * 1.5, CASE WHEN i % 3 = 0 THEN 'Paid' ELSE 'Open' END, i % 7 = 0 FROM n");
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", Quiet);
        using var admin = Admin(hub);
        var (appToken, tableId) = await SeedBaseAsync(hub, withRecords: false);
        var id = (await CreateAsync(admin, appToken, tableId, connection, postgres, "database_wins")).GetProperty("id").GetString()!;
        (await hub.Control.DeleteAsync("/_emulator/calls")).EnsureSuccessStatusCode();

        await PostAsync(admin, $"/api/v1/bitable-syncs/{id}/resume");
        await WaitPassesAsync(admin, id, 1);

        // The floor: ⌈10,000 ÷ 500⌉ creates, one search page (the table was empty), the field list and the subscription.
        var calls = await CallsAsync(hub);
        calls.Where(c => c.Key.EndsWith("/records/batch_create", StringComparison.Ordinal)).Sum(c => c.Value).ShouldBe(20);
        calls.Where(c => c.Key.Contains("/bitable/", StringComparison.Ordinal) || c.Key.Contains("/drive/", StringComparison.Ordinal)).Sum(c => c.Value).ShouldBe(23, string.Join(", ", calls));
        var records = await RecordsAsync(hub, appToken);
        records.Count.ShouldBe(10_000);
        records.Select(r => Text(r, "Order")).Distinct(StringComparer.Ordinal).Count().ShouldBe(10_000);
        records.Single(r => Text(r, "Order") == "PO-9999").GetProperty("fields").GetProperty("Amount").GetDecimal().ShouldBe(14998.5m);
        (await ScalarAsync(connection, postgres, "SELECT COUNT(*) FROM larkway_sync_map WHERE sync_id = @s", ("s", id))).ShouldBe(10_000L);

        // A full diff over all of it: 20 search pages, nothing written either way.
        var diff = await RunAndWaitAsync(admin, id, full: true);
        (diff.GetProperty("to_bitable").GetInt32(), diff.GetProperty("to_database").GetInt32()).ShouldBe((0, 0), diff.ToString());
    }

    [Fact]
    public async Task Record_events_lost_on_the_way_are_healed_by_the_modified_time_reconciliation_with_no_update_lost()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        var (connection, postgres) = await DatabaseAsync();
        await ExecuteAsync(connection, postgres, "CREATE TABLE orders (order_no text PRIMARY KEY, amount numeric, status text, urgent boolean, owner text, due bigint)");
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", Quiet);
        using var admin = Admin(hub);
        var (appToken, tableId) = await SeedBaseAsync(hub);
        for (var i = 3; i <= 10; i++)
        {
            using var added = await hub.Control.PostAsJsonAsync($"/_emulator/bitable/bases/{appToken}/tables/{tableId}/records", new { user = "alice@example.com", fields = new Dictionary<string, object> { ["Order"] = $"PO-B{i}", ["Amount"] = i } });
            added.EnsureSuccessStatusCode();
        }

        var id = (await CreateAsync(admin, appToken, tableId, connection, postgres, "bitable_wins", direction: "to_database")).GetProperty("id").GetString()!;
        await PostAsync(admin, $"/api/v1/bitable-syncs/{id}/resume");
        await WaitPassesAsync(admin, id, 1);
        (await RowsAsync(connection, postgres)).Count.ShouldBe(10);

        // The app gets no events at all (none subscribed, as if every one were lost); users edit five records.
        var records = await RecordsAsync(hub, appToken);
        foreach (var record in records.Where(r => Text(r, "Order") is "PO-B1" or "PO-B3" or "PO-B5" or "PO-B7" or "PO-B9"))
        {
            await EditRecordAsync(hub, appToken, tableId, record.GetProperty("record_id").GetString()!, new Dictionary<string, object> { ["Amount"] = 1000 });
        }

        // One incremental pass (no full diff): its search from a day before the mark, compared by exact last_modified_time, finds all five.
        var pass = await RunAndWaitAsync(admin, id, full: false);
        pass.GetProperty("kind").GetString().ShouldBe("changes");
        pass.GetProperty("to_database").GetInt32().ShouldBe(5, pass.ToString());
        var rows = await RowsAsync(connection, postgres);
        rows.Where(r => r.Value.Amount == 1000m).Select(r => r.Key).Order(StringComparer.Ordinal).ShouldBe(["PO-B1", "PO-B3", "PO-B5", "PO-B7", "PO-B9"]);
    }

    [Fact]
    public async Task A_full_diff_asked_as_a_pass_was_claimed_is_run_by_that_pass_not_cleared_with_its_marks()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        var (connection, postgres) = await DatabaseAsync();
        await ExecuteAsync(connection, postgres, "CREATE TABLE orders (order_no text PRIMARY KEY, amount numeric, status text, urgent boolean, owner text, due bigint)");
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", Quiet);
        using var admin = Admin(hub);
        var (appToken, tableId) = await SeedBaseAsync(hub);
        var id = await StartOrdersSyncAsync(admin, "Claimed", appToken, tableId, connection, postgres, ("status", "Status"));
        await WaitIdleAsync(admin, id);

        // "Run a full diff" that lands just after the runner claimed a pass an event woke: the request is left as a mark
        // (the item was in progress), and the claimed item itself says "changes". The pass reads the mark and clears it.
        var db = await hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        await using (db)
        {
            db.BitableSyncDirtyRecords.Add(new BitableSyncDirtyRecordRow { SyncId = id, RecordId = BitableSyncStore.WakeMark, Action = BitableSyncStore.WakeFull, ChangedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        var asked = DateTimeOffset.UtcNow;
        await hub.Host.Services.GetRequiredService<BitableSyncStore>().WakeAsync(id, full: false, CancellationToken.None);
        JsonElement? pass = null;
        await HubSandbox.WaitUntilAsync(
            () => (pass = PassesAsync(admin, id).GetAwaiter().GetResult().EnumerateArray()
                .Where(p => p.GetProperty("started_at").GetDateTimeOffset() >= asked.AddMilliseconds(-1))
                .Select(p => (JsonElement?)p).LastOrDefault()) is not null,
            "the woken pass", seconds: 30);
        pass!.Value.GetProperty("kind").GetString().ShouldBe("full", "the full diff asked was run, not cleared with the pass's marks: " + pass.Value);
    }

    [Fact]
    public async Task With_every_fifth_record_event_lost_both_sides_converge_after_one_reconciliation_pass_with_no_update_lost()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        var (connection, postgres) = await DatabaseAsync();
        await ExecuteAsync(connection, postgres, "CREATE TABLE orders (order_no text PRIMARY KEY, amount numeric, status text, urgent boolean, owner text, due bigint)");
        await ExecuteAsync(connection, postgres, postgres
            ? "INSERT INTO orders (order_no, amount, status) SELECT 'PO-' || i, i, 'Open' FROM generate_series(1, 40) AS i"
            : "INSERT INTO orders (order_no, amount, status) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40) SELECT 'PO-' || i, i, 'Open' FROM n");
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", Quiet);
        using var admin = Admin(hub);
        var (appToken, tableId) = await SeedBaseAsync(hub, withRecords: false);
        using (var subscribed = await hub.Control.PutAsJsonAsync($"/_emulator/apps/{hub.State.Apps[0].AppId}/event-subscription", new
        {
            url = new Uri(hub.Api.BaseAddress!, "/feishu/events").ToString(),
            encrypt_key = HubSandbox.ExternalEncryptKey,
            verification_token = HubSandbox.ExternalVerificationToken,
        }))
        {
            subscribed.EnsureSuccessStatusCode();
        }

        var id = (await CreateAsync(admin, appToken, tableId, connection, postgres, "latest_wins")).GetProperty("id").GetString()!;
        await PostAsync(admin, $"/api/v1/bitable-syncs/{id}/resume");
        await WaitPassesAsync(admin, id, 1);
        var records = (await RecordsAsync(hub, appToken)).ToDictionary(r => Text(r, "Order")!, r => r.GetProperty("record_id").GetString()!, StringComparer.Ordinal);
        records.Count.ShouldBe(40);

        // From now on every fifth record event is lost on the way; users edit 25 records while the ERP changes 10 rows.
        using (var drop = await hub.Control.PostAsJsonAsync("/_emulator/events/drops", new { event_type = "drive.file.bitable_record_changed_v1", count = 1000, every = 5 }))
        {
            drop.EnsureSuccessStatusCode();
        }

        for (var i = 1; i <= 25; i++)
        {
            await EditRecordAsync(hub, appToken, tableId, records[$"PO-{i}"], new Dictionary<string, object> { ["Amount"] = 1000 + i });
            if (i % 5 == 0)
            {
                var row = 25 + (i / 5);
                await ExecuteAsync(connection, postgres, $"UPDATE orders SET amount = {2000 + row} WHERE order_no = 'PO-{row}'");
                await ExecuteAsync(connection, postgres, $"UPDATE orders SET status = 'Paid' WHERE order_no = 'PO-{row + 5}'");
            }
        }

        // One reconciliation pass after the last edit: both sides hold every change, none lost, and nothing moves after.
        await RunAndWaitAsync(admin, id, full: false);
        var rows = await RowsAsync(connection, postgres);
        Enumerable.Range(1, 25).Where(i => rows[$"PO-{i}"].Amount != 1000 + i).ShouldBeEmpty("Bitable edits missing from the database");
        var fields = (await RecordsAsync(hub, appToken)).ToDictionary(r => Text(r, "Order")!, r => r.GetProperty("fields"), StringComparer.Ordinal);
        Enumerable.Range(26, 5).Where(r => fields[$"PO-{r}"].GetProperty("Amount").GetDecimal() != 2000 + r).ShouldBeEmpty("database amounts missing from Bitable");
        Enumerable.Range(31, 5).Where(r => fields[$"PO-{r}"].GetProperty("Status").GetString() != "Paid").ShouldBeEmpty("database statuses missing from Bitable");
        var quiet = await RunAndWaitAsync(admin, id, full: true);
        (quiet.GetProperty("to_bitable").GetInt32(), quiet.GetProperty("to_database").GetInt32()).ShouldBe((0, 0), quiet.ToString());

        // Events were lost: at least one in five of the users' 25.
        var attempts = JsonDocument.Parse(await hub.Control.GetStringAsync("/_emulator/events")).RootElement.GetProperty("data").GetProperty("items");
        attempts.EnumerateArray().Count(a => a.GetProperty("event_type").GetString() == "drive.file.bitable_record_changed_v1" && a.TryGetProperty("error", out var error) && error.GetString()?.Contains("dropped", StringComparison.Ordinal) == true)
            .ShouldBeGreaterThanOrEqualTo(5);
    }

    [Fact]
    public async Task A_link_column_holds_the_linked_records_keys_both_ways_and_an_unknown_key_waits_in_the_dead_letter()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        var (connection, postgres) = await DatabaseAsync();
        await ExecuteAsync(connection, postgres, "CREATE TABLE orders (order_no text PRIMARY KEY, amount numeric, customer text)");
        await ExecuteAsync(connection, postgres, "INSERT INTO orders (order_no, amount, customer) VALUES ('PO-1', 10, 'ACME'), ('PO-2', 20, 'GLOBEX, ACME'), ('PO-3', 30, 'INITECH'), ('PO-4', 40, NULL)");
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", Quiet);
        using var admin = Admin(hub);
        using var seeded = await hub.Control.PostAsJsonAsync("/_emulator/bitable/bases", new
        {
            name = "Sales",
            tables = new object[]
            {
                new { name = "Orders", fields = new object[] { new { field_name = "Order", type = 1 }, new { field_name = "Amount", type = 2 }, new { field_name = "Updated", type = 1002 } } },
                new
                {
                    name = "Customers",
                    fields = new object[] { new { field_name = "Name", type = 1 } },
                    records = new object[] { new Dictionary<string, object> { ["Name"] = "ACME" }, new Dictionary<string, object> { ["Name"] = "GLOBEX" } },
                },
            },
        });
        var data = JsonDocument.Parse(await seeded.Content.ReadAsStringAsync()).RootElement.GetProperty("data");
        var appToken = data.GetProperty("app_token").GetString()!;
        var (tableId, customers) = (data.GetProperty("tables")[0].GetProperty("table_id").GetString()!, data.GetProperty("tables")[1]);
        var (acme, globex) = (customers.GetProperty("record_ids")[0].GetString()!, customers.GetProperty("record_ids")[1].GetString()!);

        // The link field, added through the Open API as a developer would.
        var token = await TenantTokenAsync(hub);
        using (var request = new HttpRequestMessage(HttpMethod.Post, $"/open-apis/bitable/v1/apps/{appToken}/tables/{tableId}/fields")
        {
            Content = JsonContent.Create(new { field_name = "Customer", type = 18, property = new { table_id = customers.GetProperty("table_id").GetString(), multiple = true } }),
        })
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var added = await hub.Control.SendAsync(request);
            JsonDocument.Parse(await added.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetInt32().ShouldBe(0);
        }

        var id = await StartOrdersSyncAsync(admin, "Orders with customers", appToken, tableId, connection, postgres, ("customer", "Customer"));

        // Keys became links; INITECH is nobody's key, so PO-3 waits with the reason while the rest landed.
        var links = (await RecordsAsync(hub, appToken)).ToDictionary(r => Text(r, "Order")!, r => r.GetProperty("fields").TryGetProperty("Customer", out var c) ? c.GetProperty("link_record_ids").EnumerateArray().Select(x => x.GetString()!).ToList() : [], StringComparer.Ordinal);
        links.Keys.Order(StringComparer.Ordinal).ShouldBe(["PO-1", "PO-2", "PO-4"]);
        links["PO-1"].ShouldBe([acme]);
        links["PO-2"].ShouldBe([globex, acme]);
        links["PO-4"].ShouldBeEmpty();
        var letter = (await GetAsync(admin, $"/api/v1/bitable-syncs/{id}/dead-letters")).GetProperty("items").EnumerateArray().ShouldHaveSingleItem();
        letter.GetProperty("key").GetString().ShouldBe("PO-3");
        letter.GetProperty("message").GetString()!.ShouldContain("INITECH");

        // A user relinks PO-1 to GLOBEX: the row holds GLOBEX's key. A full pass after writes nothing: keys and links agree.
        var po1 = (await RecordsAsync(hub, appToken)).Single(r => Text(r, "Order") == "PO-1").GetProperty("record_id").GetString()!;
        await EditRecordAsync(hub, appToken, tableId, po1, new Dictionary<string, object> { ["Customer"] = new[] { globex } });
        var relinked = await RunAndWaitAsync(admin, id, full: false);
        (await ScalarAsync(connection, postgres, "SELECT COUNT(*) FROM orders WHERE order_no = 'PO-1' AND customer = 'GLOBEX'")).ShouldBe(1L, relinked.ToString());
        var quiet = await RunAndWaitAsync(admin, id, full: true);
        (quiet.GetProperty("to_bitable").GetInt32(), quiet.GetProperty("to_database").GetInt32()).ShouldBe((0, 0), quiet.ToString());
    }

    [Fact]
    public async Task Attachments_named_by_url_are_fetched_and_uploaded_once_read_back_as_their_urls_and_a_dead_link_waits_in_the_dead_letter()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var files = await WebhookReceiver.StartAsync();
        files.Answer("/files/gone.pdf", 404, 404, 404, 404);
        var (invoice, photo, gone) = (files.Url("/files/invoice-1.pdf").ToString(), files.Url("/files/photo.png").ToString(), files.Url("/files/gone.pdf").ToString());
        var (connection, postgres) = await DatabaseAsync();
        await ExecuteAsync(connection, postgres, "CREATE TABLE orders (order_no text PRIMARY KEY, amount numeric, files text)");
        await ExecuteAsync(connection, postgres, "INSERT INTO orders (order_no, amount, files) VALUES ('PO-1', 10, @a), ('PO-2', 20, @b), ('PO-3', 30, @c), ('PO-4', 40, NULL)",
            ("a", invoice), ("b", $"{invoice}, {photo}"), ("c", gone));

        // The file server is on this machine's loopback, as an internal one would be on a private network: opened by name and port.
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", new Dictionary<string, string?>(Quiet) { ["Larkway:Outbound:AllowedHosts:0"] = files.BaseUrl.Authority });
        using var admin = Admin(hub);
        using var seeded = await hub.Control.PostAsJsonAsync("/_emulator/bitable/bases", new
        {
            name = "Invoices",
            tables = new[] { new { name = "Orders", fields = new object[] { new { field_name = "Order", type = 1 }, new { field_name = "Amount", type = 2 }, new { field_name = "Files", type = 17 }, new { field_name = "Updated", type = 1002 } } } },
        });
        var data = JsonDocument.Parse(await seeded.Content.ReadAsStringAsync()).RootElement.GetProperty("data");
        var (appToken, tableId) = (data.GetProperty("app_token").GetString()!, data.GetProperty("tables")[0].GetProperty("table_id").GetString()!);

        var id = await StartOrdersSyncAsync(admin, "Orders with invoices", appToken, tableId, connection, postgres, ("files", "Files"));

        // Each URL was fetched once and uploaded once: PO-2 names the invoice PO-1 has, and gets the same file.
        files.At("/files/invoice-1.pdf").Count.ShouldBe(1);
        files.At("/files/photo.png").Count.ShouldBe(1);
        var cells = (await RecordsAsync(hub, appToken)).ToDictionary(r => Text(r, "Order")!, r => r.GetProperty("fields").TryGetProperty("Files", out var f) ? f.EnumerateArray().Select(x => (Token: x.GetProperty("file_token").GetString()!, Name: x.GetProperty("name").GetString()!)).ToList() : [], StringComparer.Ordinal);
        cells.Keys.Order(StringComparer.Ordinal).ShouldBe(["PO-1", "PO-2", "PO-4"]);
        cells["PO-1"].Select(f => f.Name).ShouldBe(["invoice-1.pdf"]);
        cells["PO-2"].Select(f => f.Name).ShouldBe(["invoice-1.pdf", "photo.png"]);
        cells["PO-2"][0].Token.ShouldBe(cells["PO-1"][0].Token);
        cells["PO-4"].ShouldBeEmpty();
        using (var download = new HttpRequestMessage(HttpMethod.Get, $"/open-apis/drive/v1/medias/{cells["PO-1"][0].Token}/download"))
        {
            download.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TenantTokenAsync(hub));
            using var bytes = await hub.Control.SendAsync(download);
            (await bytes.Content.ReadAsStringAsync()).ShouldBe("ok");
        }

        // The dead link waits with the reason; the rest landed.
        var letter = (await GetAsync(admin, $"/api/v1/bitable-syncs/{id}/dead-letters")).GetProperty("items").EnumerateArray().ShouldHaveSingleItem();
        letter.GetProperty("key").GetString().ShouldBe("PO-3");
        letter.GetProperty("message").GetString()!.ShouldContain("HTTP 404");

        // A user changes PO-1's amount in Bitable: the row keeps its URL (the file reads back as the URL it came from),
        // and a full pass after writes nothing either way and fetches nothing again.
        var po1 = (await RecordsAsync(hub, appToken)).Single(r => Text(r, "Order") == "PO-1").GetProperty("record_id").GetString()!;
        await EditRecordAsync(hub, appToken, tableId, po1, new Dictionary<string, object> { ["Amount"] = 11 });
        var edited = await RunAndWaitAsync(admin, id, full: false);
        (await ScalarAsync(connection, postgres, "SELECT COUNT(*) FROM orders WHERE order_no = 'PO-1' AND amount = 11 AND files = @u", ("u", invoice))).ShouldBe(1L, edited.ToString());
        var quiet = await RunAndWaitAsync(admin, id, full: true);
        (quiet.GetProperty("to_bitable").GetInt32(), quiet.GetProperty("to_database").GetInt32()).ShouldBe((0, 0), quiet.ToString());
        (files.At("/files/invoice-1.pdf").Count, files.At("/files/photo.png").Count).ShouldBe((1, 1));
    }

    /// <summary>
    /// Issue 28 §1: an attachment URL written into the business database is data, not an administrator's choice. URLs
    /// that reach the Hub's own machine (by name, by number in any notation, by IPv6 forms of it, through a public-looking
    /// name, through a redirect from an allowed server) or that are not http(s) are refused into the dead letter with the
    /// reason; nothing is requested from the inside and nothing is uploaded. The one allowed file server's file lands.
    /// </summary>
    protected async Task Attachment_urls_reaching_inside_are_refused_into_the_dead_letter_with_nothing_fetched_or_uploaded()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var files = await WebhookReceiver.StartAsync();
        var port = files.BaseUrl.Port;
        var secret = $"http://127.0.0.1:{port}/files/secret.txt";
        files.Redirect("/files/moved.pdf", secret);
        var urls = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PO-01"] = secret,
            ["PO-02"] = $"http://localhost:{port}/files/secret.txt",
            ["PO-03"] = $"http://[::1]:{port}/files/secret.txt",
            ["PO-04"] = $"http://[::ffff:127.0.0.1]:{port}/files/secret.txt",
            ["PO-05"] = $"http://2130706433:{port}/files/secret.txt",
            ["PO-06"] = $"http://0177.0.0.1:{port}/files/secret.txt",
            ["PO-07"] = $"http://cdn.example.net:{port}/files/secret.txt",           // a public-looking name resolving to 127.0.0.1
            ["PO-08"] = $"http://files.example.com:{port}/files/moved.pdf",          // allowed, but redirects to the inside
            ["PO-09"] = "file:///etc/passwd",
            ["PO-10"] = $"gopher://127.0.0.1:{port}/_GET%20/files/secret.txt",
            ["PO-11"] = $"http://files.example.com:{port}/files/invoice.pdf",        // allowed: lands
        };
        var (connection, postgres) = await DatabaseAsync();
        await ExecuteAsync(connection, postgres, "CREATE TABLE orders (order_no text PRIMARY KEY, amount numeric, files text)");
        foreach (var (key, url) in urls)
        {
            await ExecuteAsync(connection, postgres, "INSERT INTO orders (order_no, amount, files) VALUES (@k, 1, @u)", ("k", key), ("u", url));
        }

        await using var hub = await HubSandbox.StartAgainstAsync(
            emulator, "webhook", new Dictionary<string, string?>(Quiet) { ["Larkway:Outbound:AllowedHosts:0"] = $"files.example.com:{port}" }, configure: builder =>
                builder.Services.AddSingleton<Larkway.Hub.Platform.Outbound.IOutboundDns>(new LoopbackNamesDns("cdn.example.net", "files.example.com")));
        using var admin = Admin(hub);
        using var seeded = await hub.Control.PostAsJsonAsync("/_emulator/bitable/bases", new
        {
            name = "Invoices",
            tables = new[] { new { name = "Orders", fields = new object[] { new { field_name = "Order", type = 1 }, new { field_name = "Amount", type = 2 }, new { field_name = "Files", type = 17 } } } },
        });
        var data = JsonDocument.Parse(await seeded.Content.ReadAsStringAsync()).RootElement.GetProperty("data");
        var appToken = data.GetProperty("app_token").GetString()!;

        await StartOrdersSyncAsync(admin, "Orders with links", appToken, data.GetProperty("tables")[0].GetProperty("table_id").GetString()!, connection, postgres, ("files", "Files"));

        // The inside was never asked; the allowed server saw its two requests, the redirect and the file.
        files.At("/files/secret.txt").ShouldBeEmpty();
        files.Received.Select(r => r.Path).Order(StringComparer.Ordinal).ShouldBe(["/files/invoice.pdf", "/files/moved.pdf"]);
        (await CallsAsync(hub)).Where(c => c.Key.EndsWith("/medias/upload_all", StringComparison.Ordinal)).Sum(c => c.Value).ShouldBe(1);
        (await RecordsAsync(hub, appToken)).Select(r => Text(r, "Order")).ShouldBe(["PO-11"]);

        var id = (await GetAsync(admin, "/api/v1/bitable-syncs")).GetProperty("items").EnumerateArray().Single().GetProperty("id").GetString()!;
        var letters = (await GetAsync(admin, $"/api/v1/bitable-syncs/{id}/dead-letters")).GetProperty("items").EnumerateArray()
            .ToDictionary(l => l.GetProperty("key").GetString()!, l => l.GetProperty("message").GetString()!, StringComparer.Ordinal);
        letters.Keys.Order(StringComparer.Ordinal).ShouldBe(urls.Keys.Where(k => k != "PO-11").Order(StringComparer.Ordinal));
        foreach (var key in new[] { "PO-01", "PO-02", "PO-03", "PO-04", "PO-05", "PO-06", "PO-07" })
        {
            letters[key].ShouldContain($"{urls[key]} resolves to a private address (", customMessage: key);
            letters[key].ShouldContain("Larkway:Outbound:AllowedHosts", customMessage: key);
        }

        letters["PO-08"].ShouldContain($"{urls["PO-08"]} redirects to {secret}, which resolves to a private address (127.0.0.1, loopback)");
        letters["PO-09"].ShouldContain("'file:///etc/passwd' is not an http or https URL");
        letters["PO-10"].ShouldContain($"'{urls["PO-10"]}' is not an http or https URL");
    }

    /// <summary>Public-looking names that resolve to this machine; any other name goes to the system's resolver.</summary>
    private sealed class LoopbackNamesDns(params string[] names) : Larkway.Hub.Platform.Outbound.IOutboundDns
    {
        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
            names.Contains(host, StringComparer.OrdinalIgnoreCase) ? Task.FromResult(new[] { IPAddress.Loopback }) : Dns.GetHostAddressesAsync(host, cancellationToken);
    }

    /// <summary>
    /// PostgreSQL only: its capture trigger notifies the Hub, which wakes the sync at once — the sync's interval is an hour,
    /// so only the notification can carry these changes within the wait.
    /// </summary>
    protected async Task A_committed_change_wakes_the_sync_without_waiting_for_its_interval()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        var (connection, postgres) = await DatabaseAsync();
        await ExecuteAsync(connection, postgres, "CREATE TABLE orders (order_no text PRIMARY KEY, amount numeric, status text)");
        await ExecuteAsync(connection, postgres, "INSERT INTO orders (order_no, amount, status) VALUES ('PO-1', 10, 'Open')");
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", Quiet);
        using var admin = Admin(hub);
        var (appToken, tableId) = await SeedBaseAsync(hub, withRecords: false);
        var id = await StartOrdersSyncAsync(admin, "ERP orders", appToken, tableId, connection, postgres, ("status", "Status"));

        foreach (var amount in new[] { 42m, 43m })
        {
            await ExecuteAsync(connection, postgres, "UPDATE orders SET amount = @a WHERE order_no = 'PO-1'", ("a", amount));
            await HubSandbox.WaitUntilAsync(
                () => RecordsAsync(hub, appToken).GetAwaiter().GetResult().Single(r => Text(r, "Order") == "PO-1").GetProperty("fields").GetProperty("Amount").GetDecimal() == amount,
                $"amount {amount} in Bitable", seconds: 60);
        }

        var passes = await PassesAsync(admin, id);
        passes.EnumerateArray().ShouldAllBe(p => p.GetProperty("outcome").GetString() == "ok");
    }

    [Fact]
    public async Task A_load_through_429_storms_server_errors_and_an_expired_token_lands_every_row_once()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        var (connection, postgres) = await DatabaseAsync();
        await ExecuteAsync(connection, postgres, "CREATE TABLE orders (order_no text PRIMARY KEY, amount numeric, status text, urgent boolean, owner text, due bigint)");
        await ExecuteAsync(connection, postgres, postgres
            ? "INSERT INTO orders (order_no, amount, status) SELECT 'PO-' || i, i, 'Open' FROM generate_series(1, 2000) AS i"
            : "INSERT INTO orders (order_no, amount, status) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) SELECT 'PO-' || i, i, 'Open' FROM n");
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", new Dictionary<string, string?>(Quiet) { ["Larkway:BitableSync:RetryDelays:0"] = "00:00:00.500" });
        using var admin = Admin(hub);
        var (appToken, tableId) = await SeedBaseAsync(hub, withRecords: false);
        var id = (await CreateAsync(admin, appToken, tableId, connection, postgres, "database_wins", direction: "to_bitable")).GetProperty("id").GetString()!;

        // Every other create answered 429 (a storm), two 500s on them besides, the token expired on the field list, and the
        // base's write gate answering 1254290 (too fast) and 1254291 (a write conflict) once each.
        const string Creates = "POST /open-apis/bitable/v1/apps/{app_token}/tables/{table_id}/records/batch_create";
        foreach (var fault in new object[]
        {
            new { endpoint = Creates, kind = "rate_limit", count = 3, every = 2, reset_seconds = 1 },
            new { endpoint = Creates, kind = "server_error", count = 2 },
            new { endpoint = "GET /open-apis/bitable/v1/apps/{app_token}/tables/{table_id}/fields", kind = "invalid_token", count = 1 },
        })
        {
            using var armed = await hub.Control.PostAsJsonAsync("/_emulator/faults", fault);
            armed.EnsureSuccessStatusCode();
        }

        foreach (var kind in new[] { "too_many_requests", "write_conflict" })
        {
            using var armed = await hub.Control.PostAsJsonAsync("/_emulator/bitable/faults", new { kind, app_token = appToken });
            armed.EnsureSuccessStatusCode();
        }

        await PostAsync(admin, $"/api/v1/bitable-syncs/{id}/resume");
        await HubSandbox.WaitUntilAsync(() => PassesAsync(admin, id).GetAwaiter().GetResult().EnumerateArray().Any(p => p.GetProperty("outcome").GetString() == "ok"), "a pass that succeeded", seconds: 90);

        // Every fault was met (none left armed), and still each row is there once.
        JsonDocument.Parse(await hub.Control.GetStringAsync("/_emulator/faults")).RootElement.GetProperty("data").GetProperty("items").GetArrayLength().ShouldBe(0);
        JsonDocument.Parse(await hub.Control.GetStringAsync("/_emulator/bitable/faults")).RootElement.GetProperty("data").GetProperty("items").GetArrayLength().ShouldBe(0);
        var orders = (await RecordsAsync(hub, appToken)).Select(r => Text(r, "Order")).ToList();
        orders.Count.ShouldBe(2000);
        orders.ShouldBeUnique();
        (await ScalarAsync(connection, postgres, "SELECT COUNT(*) FROM larkway_sync_map WHERE sync_id = @s", ("s", id))).ShouldBe(2000L);
    }

    [Fact]
    public async Task A_sync_that_does_not_fit_the_schemas_is_refused_with_what_to_fix()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        var (connection, postgres) = await DatabaseAsync();
        await ExecuteAsync(connection, postgres, "CREATE TABLE orders (order_no text PRIMARY KEY, amount numeric)");
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", Quiet);
        using var admin = Admin(hub);
        var (appToken, tableId) = await SeedBaseAsync(hub, withRecords: false);

        async Task<JsonElement> RefusedAsync(object body)
        {
            using var reply = await admin.PostAsJsonAsync("/api/v1/bitable-syncs", body);
            var text = await reply.Content.ReadAsStringAsync();
            reply.StatusCode.ShouldBe(HttpStatusCode.BadRequest, text);
            return JsonDocument.Parse(text).RootElement;
        }

        var database = new { kind = postgres ? "postgres" : "sqlite", connection_string = connection };
        var missing = await RefusedAsync(new { name = "x", app_token = appToken, table_id = tableId, database, table = "orders", key = new { column = "order_no", field = "Order" }, columns = new[] { new { column = "amount", field = "Price" }, new { column = "colour", field = "Amount" } } });
        missing.GetProperty("detail").GetString()!.ShouldContain("no field 'Price'");
        missing.GetProperty("detail").GetString()!.ShouldContain("no column 'colour'");

        var noTable = await RefusedAsync(new { name = "x", app_token = appToken, table_id = tableId, database, table = "invoices", key = new { column = "order_no", field = "Order" } });
        noTable.GetProperty("detail").GetString()!.ShouldContain("no table 'invoices'");

        var badEnum = await RefusedAsync(new { name = "x", app_token = appToken, table_id = tableId, database, table = "orders", key = new { column = "order_no", field = "Order" }, conflicts = "coin_toss" });
        badEnum.GetProperty("detail").GetString()!.ShouldContain("database_wins, bitable_wins, latest_wins, hold_for_review");

        var noBase = await RefusedAsync(new { name = "x", app_token = "bascnNoSuchBase000000000000", table_id = tableId, database, table = "orders", key = new { column = "order_no", field = "Order" } });
        noBase.GetProperty("detail").GetString()!.ShouldContain("Check app_token and table_id");

        // The connection string never comes back, in an answer or an error.
        var listed = await GetAsync(admin, "/api/v1/bitable-syncs");
        listed.GetProperty("items").GetArrayLength().ShouldBe(0);

        // Before its first pass a sync may move to another table; once it has run, its mapping rows tie it to the one it has.
        await ExecuteAsync(connection, postgres, "CREATE TABLE orders_archive (order_no text PRIMARY KEY, amount numeric)");
        object Body(string name, string table) => new { name, app_token = appToken, table_id = tableId, database, table, key = new { column = "order_no", field = "Order" }, interval_seconds = 3600 };
        using var created = await admin.PostAsJsonAsync("/api/v1/bitable-syncs", Body("Orders", "orders"));
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        using (var moved = await admin.PutAsJsonAsync($"/api/v1/bitable-syncs/{id}", Body("Orders", "orders_archive")))
        {
            moved.StatusCode.ShouldBe(HttpStatusCode.OK, await moved.Content.ReadAsStringAsync());
        }

        await PostAsync(admin, $"/api/v1/bitable-syncs/{id}/resume");
        await WaitPassesAsync(admin, id, 1);
        using (var back = await admin.PutAsJsonAsync($"/api/v1/bitable-syncs/{id}", Body("Orders", "orders")))
        {
            var text = await back.Content.ReadAsStringAsync();
            back.StatusCode.ShouldBe(HttpStatusCode.BadRequest, text);
            var detail = JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString()!;
            detail.ShouldContain("Was 'orders_archive'");
            detail.ShouldContain("create a new sync");
        }

        using (var renamed = await admin.PutAsJsonAsync($"/api/v1/bitable-syncs/{id}", Body("Archived orders", "orders_archive")))
        {
            renamed.StatusCode.ShouldBe(HttpStatusCode.OK, await renamed.Content.ReadAsStringAsync());
        }
    }

    /// <summary>A two-way sync of orders (key, amount and <paramref name="column"/>), resumed and past its first pass; its id.</summary>
    private static async Task<string> StartOrdersSyncAsync(HttpClient admin, string name, string appToken, string tableId, string connection, bool postgres, (string Column, string Field) column)
    {
        using var created = await admin.PostAsJsonAsync("/api/v1/bitable-syncs", new
        {
            name,
            app_token = appToken,
            table_id = tableId,
            database = new { kind = postgres ? "postgres" : "sqlite", connection_string = connection },
            table = "orders",
            key = new { column = "order_no", field = "Order" },
            columns = new[] { new { column = "amount", field = "Amount" }, new { column = column.Column, field = column.Field } },
            direction = "both",
            conflicts = "latest_wins",
            interval_seconds = 3600,
        });
        var text = await created.Content.ReadAsStringAsync();
        created.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        var id = JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
        await PostAsync(admin, $"/api/v1/bitable-syncs/{id}/resume");
        await WaitPassesAsync(admin, id, 1);
        return id;
    }

    /// <summary>The sandbox app's tenant token from the Emulator, for Open API calls a developer would make.</summary>
    private static async Task<string> TenantTokenAsync(HubSandbox hub)
    {
        var secret = hub.State.Apps[0];
        using var reply = await hub.Control.PostAsJsonAsync("/open-apis/auth/v3/tenant_access_token/internal", new { app_id = secret.AppId, app_secret = secret.AppSecret });
        return JsonDocument.Parse(await reply.Content.ReadAsStringAsync()).RootElement.GetProperty("tenant_access_token").GetString()!;
    }

    private async Task<JsonElement> CreateAsync(HttpClient admin, string appToken, string tableId, string connection, bool postgres, string conflicts, string direction = "both")
    {
        using var reply = await admin.PostAsJsonAsync("/api/v1/bitable-syncs", new
        {
            name = "ERP orders",
            app_token = appToken,
            table_id = tableId,
            database = new { kind = postgres ? "postgres" : "sqlite", connection_string = connection },
            table = "orders",
            key = new { column = "order_no", field = "Order" },
            columns = new[]
            {
                new { column = "amount", field = "Amount" },
                new { column = "status", field = "Status" },
                new { column = "urgent", field = "Urgent" },
                new { column = "owner", field = "Owner" },
                new { column = "due", field = "Due" },
            },
            direction,
            conflicts,
            interval_seconds = 3600,
        });
        var text = await reply.Content.ReadAsStringAsync();
        reply.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement;
    }

    private static async Task<(string AppToken, string TableId)> SeedBaseAsync(HubSandbox hub, bool withRecords = true)
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
                    fields = new object[]
                    {
                        new { field_name = "Order", type = 1 },
                        new { field_name = "Amount", type = 2 },
                        new { field_name = "Status", type = 3, property = new { options = new[] { new { name = "Open" }, new { name = "Paid" }, new { name = "Lost" } } } },
                        new { field_name = "Urgent", type = 7 },
                        new { field_name = "Owner", type = 11 },
                        new { field_name = "Due", type = 5 },
                        new { field_name = "Updated", type = 1002 },
                    },
                    records = withRecords
                        ? new object[]
                        {
                            new Dictionary<string, object> { ["Order"] = "PO-B1", ["Amount"] = 7.5, ["Status"] = "Open", ["Owner"] = new[] { new { id = "carol@example.com" } } },
                            new Dictionary<string, object> { ["Order"] = "PO-B2", ["Amount"] = 12, ["Status"] = "Paid" },
                        }
                        : [],
                },
            },
        });
        var json = JsonDocument.Parse(await seeded.Content.ReadAsStringAsync()).RootElement;
        json.GetProperty("code").GetInt32().ShouldBe(0, json.ToString());
        var data = json.GetProperty("data");
        return (data.GetProperty("app_token").GetString()!, data.GetProperty("tables")[0].GetProperty("table_id").GetString()!);
    }

    private static async Task<List<JsonElement>> RecordsAsync(HubSandbox hub, string appToken)
    {
        var dump = JsonDocument.Parse(await hub.Control.GetStringAsync($"/_emulator/bitable/bases/{appToken}")).RootElement;
        return [.. dump.GetProperty("data").GetProperty("tables")[0].GetProperty("records").EnumerateArray()];
    }

    private static async Task EditRecordAsync(HubSandbox hub, string appToken, string tableId, string recordId, Dictionary<string, object> fields)
    {
        using var reply = await hub.Control.PatchAsJsonAsync($"/_emulator/bitable/bases/{appToken}/tables/{tableId}/records/{recordId}", new { user = "alice@example.com", fields });
        reply.EnsureSuccessStatusCode();
    }

    private static async Task<JsonElement> RunAndWaitAsync(HttpClient admin, string id, bool full)
    {
        // A pass that started after the request (one already running may have read the changes before them).
        await WaitIdleAsync(admin, id);
        var asked = DateTimeOffset.UtcNow;
        await PostAsync(admin, $"/api/v1/bitable-syncs/{id}/run?full={(full ? "true" : "false")}");
        JsonElement? found = null;
        try
        {
            await HubSandbox.WaitUntilAsync(
                () => (found = PassesAsync(admin, id).GetAwaiter().GetResult().EnumerateArray()
                    .Where(p => p.GetProperty("started_at").GetDateTimeOffset() >= asked.AddMilliseconds(-1) && (!full || p.GetProperty("kind").GetString() == "full"))
                    .Select(p => (JsonElement?)p).LastOrDefault()) is not null,
                "a pass after the request", seconds: 30);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"No pass after {asked:O} (full {full}): {await PassesAsync(admin, id)} {await GetAsync(admin, $"/api/v1/bitable-syncs/{id}")}");
        }
        found!.Value.GetProperty("outcome").GetString().ShouldBe("ok", found.Value.ToString());
        return found.Value;
    }

    /// <summary>Until no pass runs (a pause stops the next pass, not one under way).</summary>
    private static Task WaitIdleAsync(HttpClient admin, string id) =>
        HubSandbox.WaitUntilAsync(() => !GetAsync(admin, $"/api/v1/bitable-syncs/{id}").GetAwaiter().GetResult().GetProperty("status").GetProperty("running").GetBoolean(), "no pass running", seconds: 60);

    private static async Task WaitPassesAsync(HttpClient admin, string id, long passes)
    {
        await HubSandbox.WaitUntilAsync(() => GetAsync(admin, $"/api/v1/bitable-syncs/{id}").GetAwaiter().GetResult().GetProperty("status").GetProperty("passes").GetInt64() >= passes, $"pass {passes}", seconds: 60);
        var last = (await PassesAsync(admin, id))[0];
        last.GetProperty("outcome").GetString().ShouldBe("ok", last.ToString());
    }

    private static async Task<Dictionary<string, long>> CallsAsync(HubSandbox hub)
    {
        var json = JsonDocument.Parse(await hub.Control.GetStringAsync("/_emulator/calls")).RootElement;
        return json.GetProperty("data").GetProperty("items").EnumerateArray()
            .ToDictionary(c => c.GetProperty("endpoint").GetString()!, c => c.GetProperty("count").GetInt64(), StringComparer.Ordinal);
    }

    private static string? Text(JsonElement record, string field) =>
        record.GetProperty("fields").TryGetProperty(field, out var cell) ? (cell.ValueKind == JsonValueKind.Array ? string.Concat(cell.EnumerateArray().Select(s => s.GetProperty("text").GetString())) : cell.GetString()) : null;

    private static HttpClient Admin(HubSandbox hub)
    {
        var client = new HttpClient { BaseAddress = hub.Api.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        return client;
    }

    /// <summary>The newest page of a sync's passes (newest first).</summary>
    private static async Task<JsonElement> PassesAsync(HttpClient admin, string id) => (await GetAsync(admin, $"/api/v1/bitable-syncs/{id}/passes")).GetProperty("items");

    private static async Task<JsonElement> GetAsync(HttpClient admin, string path)
    {
        using var reply = await admin.GetAsync(path);
        var text = await reply.Content.ReadAsStringAsync();
        reply.IsSuccessStatusCode.ShouldBeTrue(text);
        return JsonDocument.Parse(text).RootElement;
    }

    private static async Task<JsonElement> PostAsync(HttpClient admin, string path)
    {
        using var reply = await admin.PostAsync(path, null);
        var text = await reply.Content.ReadAsStringAsync();
        reply.IsSuccessStatusCode.ShouldBeTrue(text);
        return JsonDocument.Parse(text).RootElement;
    }

    private sealed record Row(decimal? Amount, string? Status, string? Owner);

    private static async Task<Dictionary<string, Row>> RowsAsync(string connectionString, bool postgres)
    {
        await using var connection = Open(connectionString, postgres);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT order_no, amount, status, owner FROM orders";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<string, Row>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            rows[reader.GetString(0)] = new Row(reader.IsDBNull(1) ? null : Convert.ToDecimal(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3));
        }

        return rows;
    }

    private static async Task ExecuteAsync(string connectionString, bool postgres, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = Open(connectionString, postgres);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(string connectionString, bool postgres, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = Open(connectionString, postgres);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static DbConnection Open(string connectionString, bool postgres) => postgres ? new NpgsqlConnection(connectionString) : new SqliteConnection(connectionString);
}

/// <summary>The sync against an external SQLite file.</summary>
public sealed class SqliteHubBitableSyncTests : HubBitableSyncTests
{
    protected override Task<(string ConnectionString, bool Postgres)> DatabaseAsync() =>
        Task.FromResult(($"Data Source={Path.Combine(Directory.CreateTempSubdirectory("larkway-erp-").FullName, "erp.db")}", false));

    /// <summary>The refusals do not depend on the database; run once.</summary>
    [Fact]
    public Task Attachment_urls_reaching_inside_are_refused_with_nothing_fetched_or_uploaded() =>
        Attachment_urls_reaching_inside_are_refused_into_the_dead_letter_with_nothing_fetched_or_uploaded();
}

/// <summary>The sync against an external PostgreSQL database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresHubBitableSyncTests(PostgresCluster cluster) : HubBitableSyncTests
{
    protected override async Task<(string ConnectionString, bool Postgres)> DatabaseAsync() => (await cluster.CreateDatabaseAsync(), true);

    [Fact]
    public Task A_committed_change_to_the_table_wakes_the_sync_at_once() => A_committed_change_wakes_the_sync_without_waiting_for_its_interval();
}

/// <summary>The sandbox's sample: an ERP table and an Orders base joined by a paused sync that works once resumed.</summary>
public sealed class HubBitableSyncSampleTests
{
    [Fact]
    public async Task The_sandbox_starts_with_a_paused_sample_sync_that_loads_both_ways_when_resumed_and_is_made_once()
    {
        var data = Directory.CreateTempSubdirectory("larkway-sample-").FullName;
        var settings = new Dictionary<string, string?> { ["Larkway:Directory:ReconcileEnabled"] = "false", ["Larkway:BitableSync:PollInterval"] = "00:00:00.200" };
        string id;
        await using (var hub = await HubSandbox.StartAsync(settings, data))
        {
            using var admin = new HttpClient { BaseAddress = hub.Api.BaseAddress };
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
            var syncs = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/bitable-syncs")).RootElement;
            var sample = syncs.GetProperty("items").EnumerateArray().ShouldHaveSingleItem();
            sample.GetProperty("name").GetString().ShouldBe("Sample: ERP orders");
            sample.GetProperty("state").GetString().ShouldBe("paused");
            id = sample.GetProperty("id").GetString()!;

            (await admin.PostAsync($"/api/v1/bitable-syncs/{id}/resume", null)).EnsureSuccessStatusCode();
            await HubSandbox.WaitUntilAsync(() => JsonDocument.Parse(admin.GetStringAsync($"/api/v1/bitable-syncs/{id}/passes").GetAwaiter().GetResult()).RootElement.GetProperty("items").EnumerateArray().Any(p => p.GetProperty("outcome").GetString() == "ok"), "the sample's first pass", seconds: 60);
            var status = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/bitable-syncs/{id}")).RootElement.GetProperty("status");
            (status.GetProperty("rows_to_bitable").GetInt64(), status.GetProperty("rows_to_database").GetInt64()).ShouldBe((4L, 1L));
        }

        // Started again on the same data: the same sample, not a second one.
        await using (var again = await HubSandbox.StartAsync(settings, data))
        {
            using var admin = new HttpClient { BaseAddress = again.Api.BaseAddress };
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
            var syncs = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/bitable-syncs")).RootElement;
            syncs.GetProperty("items").EnumerateArray().ShouldHaveSingleItem().GetProperty("id").GetString().ShouldBe(id);
        }
    }
}
