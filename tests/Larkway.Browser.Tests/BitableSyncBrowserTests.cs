using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;

namespace Larkway.Browser.Tests;

/// <summary>
/// Issue 16 §3, the console's Bitable syncs in Chromium: a sync created through the API is listed paused; its dry run shows
/// what a first pass would do; resumed, it loads both ways; a row changed on both sides waits with both sides shown until
/// "Keep Bitable"; a row nobody can own waits in the dead letters with the reason. Screenshots at 1280 and 800 px.
/// </summary>
public sealed class BitableSyncBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task An_operator_checks_the_dry_run_resumes_a_sync_settles_a_conflict_and_sees_a_refused_row()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser, new Dictionary<string, string?>
        {
            ["Larkway:Directory:ReconcileEnabled"] = "false",
            ["Larkway:BitableSync:PollInterval"] = "00:00:00.100",

            // This test brings its own base and table; the sandbox's sample has a test of its own.
            ["Larkway:Sandbox:BitableSample"] = "false",
        });
        var emulator = hub.Host.Emulator!;
        using var control = new HttpClient { BaseAddress = emulator.BaseUrl };
        var (appToken, tableId) = await SeedBaseAsync(control);
        var database = $"Data Source={Path.Combine(Directory.CreateTempSubdirectory("larkway-erp-").FullName, "erp.db")}";
        await ExecuteAsync(database, "CREATE TABLE orders (order_no TEXT PRIMARY KEY, amount REAL, status TEXT, owner TEXT)");
        await ExecuteAsync(database, "INSERT INTO orders VALUES ('PO-1', 120, 'Open', 'bob@example.com'), ('PO-2', 80, 'Paid', NULL), ('PO-3', 45.5, 'Open', NULL)");

        using var api = hub.Api(ConsoleHub.AdminKey);
        string id;
        using (var created = await api.PostAsJsonAsync("/api/v1/bitable-syncs", new
        {
            name = "ERP orders",
            app_token = appToken,
            table_id = tableId,
            database = new { kind = "sqlite", connection_string = database },
            table = "orders",
            key = new { column = "order_no", field = "Order" },
            columns = new[] { new { column = "amount", field = "Amount" }, new { column = "status", field = "Status" }, new { column = "owner", field = "Owner" } },
            conflicts = "hold_for_review",
            interval_seconds = 3600,
        }))
        {
            var text = await created.Content.ReadAsStringAsync();
            created.StatusCode.ShouldBe(HttpStatusCode.Created, text);
            id = JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
        }

        var page = hub.Page;
        await hub.SignInAsync();
        await Menu.GoToAsync(page, "Bitable syncs");
        await Assertions.Expect(page.Locator("tr[data-sync]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("tr[data-sync]")).ToContainTextAsync("paused");
        await Screenshots.SaveWidthsAsync(page, "console-bitable-syncs");

        await page.GetByRole(AriaRole.Link, new() { Name = "ERP orders" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("ERP orders");
        await page.GetByRole(AriaRole.Button, new() { Name = "Dry run" }).ClickAsync();
        await Assertions.Expect(page.Locator("#dry-run-actions")).ToContainTextAsync("3 × add to Bitable");
        await Assertions.Expect(page.Locator("#dry-run-actions")).ToContainTextAsync("1 × write to the database");
        await Assertions.Expect(page.Locator("#dry-run-sample tbody tr")).ToHaveCountAsync(4);
        await Screenshots.SaveWidthsAsync(page, "console-bitable-sync-dry-run");

        await page.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash")).ToContainTextAsync("Resumed");
        // A click posts a form and the browser is still loading the answer when it returns; a reload then would cut that
        // navigation short (Chromium: "Not attached to an active page"), so each click waits for its flash first.
        // The pass is listed once it starts; its rows count when it ends, and the page shows them after a reload.
        await Wait.UntilAsync(async () =>
        {
            await page.ReloadAsync();
            return (await page.Locator("#passes tbody tr").CountAsync()) >= 1
                && (await page.Locator("#sync-rows").TextContentAsync())?.Contains("0 to Bitable, 0 to the database", StringComparison.Ordinal) == false;
        }, "the first pass's rows");
        await Assertions.Expect(page.Locator("#sync-rows")).ToContainTextAsync("3 to Bitable, 1 to the database");

        // PO-2 changes in both places while the sync is paused, so no pass (the echo of its own first writes, say) carries
        // one change across before the other is made.
        await page.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash")).ToContainTextAsync("Paused");
        await Wait.UntilAsync(async () => !JsonDocument.Parse(await api.GetStringAsync($"/api/v1/bitable-syncs/{id}")).RootElement.GetProperty("status").GetProperty("running").GetBoolean(), "no pass running");
        await ExecuteAsync(database, "UPDATE orders SET amount = 90 WHERE order_no = 'PO-2'");
        var po2 = await RecordIdAsync(control, appToken, "PO-2");
        using (var edited = await control.PatchAsJsonAsync($"/_emulator/bitable/bases/{appToken}/tables/{tableId}/records/{po2}", new { user = "alice@example.com", fields = new Dictionary<string, object> { ["Amount"] = 95 } }))
        {
            edited.EnsureSuccessStatusCode();
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash")).ToContainTextAsync("Resumed");
        await Wait.UntilAsync(async () =>
        {
            await page.ReloadAsync();
            return await page.Locator("tr[data-conflict]").CountAsync() == 1;
        }, "the held conflict");
        await Assertions.Expect(page.Locator("tr[data-conflict]")).ToContainTextAsync("90");
        await Assertions.Expect(page.Locator("tr[data-conflict]")).ToContainTextAsync("95");
        await Screenshots.SaveWidthsAsync(page, "console-bitable-sync-conflict");
        await page.GetByRole(AriaRole.Button, new() { Name = "Keep Bitable" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash")).ToContainTextAsync("Bitable's record will be written");
        await Wait.UntilAsync(async () => await AmountAsync(database, "PO-2") == 95, "Bitable's side in the database");

        // A row whose owner nobody has.
        await ExecuteAsync(database, "INSERT INTO orders VALUES ('PO-4', 10, 'Open', 'nobody@example.com')");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run now" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash")).ToContainTextAsync("A pass runs now");
        await Wait.UntilAsync(async () =>
        {
            await page.ReloadAsync();
            return await page.Locator("tr[data-dead-letter]").CountAsync() == 1;
        }, "the dead letter");
        await Assertions.Expect(page.Locator("tr[data-dead-letter]")).ToContainTextAsync("nobody@example.com");
        await Assertions.Expect(page.Locator("#no-conflicts")).ToBeVisibleAsync();
        await Screenshots.SaveWidthsAsync(page, "console-bitable-sync");
        hub.CspViolations.ShouldBeEmpty();
        (await page.ContentAsync()).ShouldNotContain(database);
    }

    [Fact]
    public async Task An_operator_creates_a_sync_in_the_form_fixes_what_it_reports_sees_the_dry_run_and_edits_it()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser, new Dictionary<string, string?>
        {
            ["Larkway:Directory:ReconcileEnabled"] = "false",
            ["Larkway:Sandbox:BitableSample"] = "false",
        });
        using var control = new HttpClient { BaseAddress = hub.Host.Emulator!.BaseUrl };
        var (appToken, tableId) = await SeedBaseAsync(control);
        var database = $"Data Source={Path.Combine(Directory.CreateTempSubdirectory("larkway-erp-").FullName, "erp.db")}";
        await ExecuteAsync(database, "CREATE TABLE orders (order_no TEXT PRIMARY KEY, amount REAL, status TEXT, owner TEXT)");
        await ExecuteAsync(database, "INSERT INTO orders VALUES ('PO-1', 120, 'Open', 'bob@example.com'), ('PO-2', 80, 'Paid', NULL)");

        var page = hub.Page;
        await hub.SignInAsync();
        await page.GotoAsync(hub.Url("/console/bitable-syncs"));
        await page.GetByRole(AriaRole.Link, new() { Name = "New sync" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("New Bitable sync");

        // A misspelt field, a line without "=", no connection string for the SQLite file.
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("ERP orders");
        await page.GetByLabel("Base app_token").FillAsync(appToken);
        await page.GetByLabel("Table id").FillAsync(tableId);
        await page.GetByLabel("Where the table is").SelectOptionAsync("sqlite");
        await page.GetByLabel("Table", new() { Exact = true }).FillAsync("orders");
        await page.GetByLabel("Key column").FillAsync("order_no");
        await page.GetByLabel("Key field").FillAsync("Order");
        await page.GetByLabel("Columns, one per line").FillAsync("amount = Amuont\nstatus");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create (paused)" }).ClickAsync();
        await Assertions.Expect(page.Locator("#form-problems")).ToContainTextAsync("not saved");
        await Assertions.Expect(page.Locator(".field-error[data-field='columns']")).ToContainTextAsync("Line 2");
        (await page.GetByLabel("Name", new() { Exact = true }).InputValueAsync()).ShouldBe("ERP orders");

        // The form's own problem fixed, the service's: an external database needs its connection string.
        await page.GetByLabel("Columns, one per line").FillAsync("amount = Amuont\nstatus = Status\nowner = Owner");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create (paused)" }).ClickAsync();
        await Assertions.Expect(page.Locator(".field-error[data-field='database.connection_string']")).ToContainTextAsync("connection string");

        // Then it checks the live schemas: the misspelt field is named, with the table's fields to pick from.
        await page.GetByLabel("Connection string").FillAsync(database);
        await page.GetByLabel("Columns, one per line").FillAsync("amount = Amuont\nstatus = Status\nowner = Owner");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create (paused)" }).ClickAsync();
        await Assertions.Expect(page.Locator(".field-error[data-field='columns']")).ToContainTextAsync("Amuont");
        await Assertions.Expect(page.Locator(".field-error[data-field='columns']")).ToContainTextAsync("Amount");
        (await page.GetByLabel("Connection string").InputValueAsync()).ShouldBeEmpty();
        await Screenshots.SaveWidthsAsync(page, "console-bitable-sync-new");

        await page.GetByLabel("Connection string").FillAsync(database);
        await page.GetByLabel("Columns, one per line").FillAsync("amount = Amount\nstatus = Status\nowner = Owner");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create (paused)" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash")).ToContainTextAsync("created, paused");
        await Assertions.Expect(page.Locator("#sync-state")).ToHaveTextAsync("paused");
        await Assertions.Expect(page.Locator("#dry-run-actions")).ToContainTextAsync("2 × add to Bitable");
        await Assertions.Expect(page.Locator("#dry-run-actions")).ToContainTextAsync("1 × write to the database");

        // Edited: the stored connection string is kept when the box is left empty; fields show by id.
        await page.GetByRole(AriaRole.Link, new() { Name = "Edit" }).ClickAsync();
        (await page.GetByLabel("Key field").InputValueAsync()).ShouldStartWith("fld");
        (await page.GetByLabel("Connection string").GetAttributeAsync("placeholder")).ShouldBe("(stored encrypted)");
        await page.GetByLabel("Seconds between passes").FillAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.Locator(".field-error[data-field='interval_seconds']")).ToContainTextAsync("At least 5");
        await page.GetByLabel("Seconds between passes").FillAsync("30");
        await page.GetByLabel("A row changed on both sides").SelectOptionAsync("latest_wins");
        await Screenshots.SaveWidthsAsync(page, "console-bitable-sync-edit");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash")).ToContainTextAsync("saved");
        await Assertions.Expect(page.Locator("#sync-status")).ToContainTextAsync("every 30 s");
        await Assertions.Expect(page.Locator("#sync-status")).ToContainTextAsync("latest_wins");
        await Assertions.Expect(page.Locator("#dry-run-actions")).ToBeVisibleAsync();
        hub.CspViolations.ShouldBeEmpty();
        (await page.ContentAsync()).ShouldNotContain(database);
    }

    private static async Task<(string AppToken, string TableId)> SeedBaseAsync(HttpClient control)
    {
        using var seeded = await control.PostAsJsonAsync("/_emulator/bitable/bases", new
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
                        new { field_name = "Status", type = 3, property = new { options = new[] { new { name = "Open" }, new { name = "Paid" } } } },
                        new { field_name = "Owner", type = 11 },
                        new { field_name = "Updated", type = 1002 },
                    },
                    records = new object[] { new Dictionary<string, object> { ["Order"] = "PO-9", ["Amount"] = 9, ["Status"] = "Open" } },
                },
            },
        });
        var data = JsonDocument.Parse(await seeded.Content.ReadAsStringAsync()).RootElement.GetProperty("data");
        return (data.GetProperty("app_token").GetString()!, data.GetProperty("tables")[0].GetProperty("table_id").GetString()!);
    }

    private static async Task<string> RecordIdAsync(HttpClient control, string appToken, string order)
    {
        var dump = JsonDocument.Parse(await control.GetStringAsync($"/_emulator/bitable/bases/{appToken}")).RootElement;
        return dump.GetProperty("data").GetProperty("tables")[0].GetProperty("records").EnumerateArray()
            .Single(r => r.GetProperty("fields").GetProperty("Order")[0].GetProperty("text").GetString() == order).GetProperty("record_id").GetString()!;
    }

    private static async Task<double> AmountAsync(string database, string order)
    {
        await using var connection = new SqliteConnection(database);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT amount FROM orders WHERE order_no = $k";
        command.Parameters.AddWithValue("$k", order);
        return Convert.ToDouble(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new SqliteConnection(database);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
