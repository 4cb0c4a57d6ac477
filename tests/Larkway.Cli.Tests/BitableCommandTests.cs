using System.Net.Http.Json;
using System.Text.Json;

namespace Larkway.Cli.Tests;

/// <summary>
/// Issue 16 §4 against the Emulator: <c>larkway bitable tables | schema | export | import</c>. An export imported into an
/// empty copy of the table writes every writable cell back as it was; the same import run again creates nothing; rows a
/// field refuses are reported with their line while the rest land; bad flags and filters say what to fix.
/// </summary>
public sealed class BitableCommandTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private static readonly object[] Fields =
    [
        new { field_name = "Order", type = 1 },
        new { field_name = "Amount", type = 2 },
        new { field_name = "Status", type = 3, property = new { options = new[] { new { name = "Open" }, new { name = "Paid" } } } },
        new { field_name = "Tags", type = 4, property = new { options = new[] { new { name = "urgent" }, new { name = "export, EU" } } } },
        new { field_name = "Due", type = 5 },
        new { field_name = "Done", type = 7 },
        new { field_name = "Owner", type = 11 },
        new { field_name = "Phone", type = 13 },
        new { field_name = "Link", type = 15 },
        new { field_name = "Place", type = 22 },
        new { field_name = "Updated", type = 1002 },
    ];

    [Fact]
    public async Task Tables_and_schema_list_the_base()
    {
        var (appToken, tableId, _) = await SeedAsync(withRecords: true);

        var tables = await CliRun.RunAsync(emulator.Environment, "bitable", "tables", "--app", appToken);
        Assert.True(tables.ExitCode == 0, tables.Error);
        Assert.Contains($"{tableId}\tOrders", tables.Output, StringComparison.Ordinal);
        Assert.Contains("\tEmpty", tables.Output, StringComparison.Ordinal);

        var schema = await CliRun.RunAsync(emulator.Environment, "bitable", "schema", "--app", appToken);
        Assert.True(schema.ExitCode == 0, schema.Error);
        Assert.Contains("\tStatus\tSingleSelect (3)\toptions: Open, Paid", schema.Output, StringComparison.Ordinal);
        Assert.Contains("\tUpdated\tModifiedTime (1002)\tread-only", schema.Output, StringComparison.Ordinal);

        var json = await CliRun.RunAsync(emulator.Environment, "bitable", "schema", "--app", appToken, "--json");
        var root = JsonDocument.Parse(json.Output).RootElement;
        Assert.Contains("Owner", root.GetProperty("tables")[0].GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task An_export_imported_into_an_empty_table_round_trips_every_writable_field_and_a_second_run_creates_nothing()
    {
        var (appToken, tableId, emptyId) = await SeedAsync(withRecords: true);
        using var dir = new TempDirectory();
        var csv = Path.Combine(dir.Path, "orders.csv");

        var exported = await CliRun.RunAsync(emulator.Environment, "bitable", "export", "--app", appToken, "--table", tableId, "--out", csv);
        Assert.True(exported.ExitCode == 0, exported.Error);
        Assert.Contains("exported 3 records", exported.Error, StringComparison.Ordinal);
        var text = await File.ReadAllTextAsync(csv);
        Assert.StartsWith("Order,Amount,Status,Tags,Due,Done,Owner,Phone,Link,Place,Updated\n", text, StringComparison.Ordinal);
        Assert.Contains("PO-1,120.5,Open,\"[\"\"urgent\"\",\"\"export, EU\"\"]\",2026-12-01T08:00:00Z,true,bob@example.com,+8613800000001,https://erp.example.com/po/1,\"116.397,39.909\",", text, StringComparison.Ordinal);

        var imported = await CliRun.RunAsync(emulator.Environment, "bitable", "import", "--app", appToken, "--table", emptyId, csv);
        Assert.True(imported.ExitCode == 0, imported.Error);
        Assert.Contains("imported 3 records, 0 rows refused", imported.Output, StringComparison.Ordinal);
        Assert.Contains("note: Updated is computed by Feishu and skipped", imported.Error, StringComparison.Ordinal);

        // The copy exports the same cells (the modified time aside).
        var again = await CliRun.RunAsync(emulator.Environment, "bitable", "export", "--app", appToken, "--table", emptyId);
        Assert.Equal(Cells(text), Cells(again.Output));

        // Running the same import again: the same client_tokens, nothing new.
        var rerun = await CliRun.RunAsync(emulator.Environment, "bitable", "import", "--app", appToken, "--table", emptyId, csv);
        Assert.True(rerun.ExitCode == 0, rerun.Error);
        var count = await CliRun.RunAsync(emulator.Environment, "bitable", "export", "--app", appToken, "--table", emptyId);
        Assert.Contains("exported 3 records", count.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refused_rows_are_reported_with_their_line_while_the_rest_import()
    {
        var (appToken, _, emptyId) = await SeedAsync(withRecords: false);
        using var dir = new TempDirectory();
        var csv = Path.Combine(dir.Path, "in.csv");
        await File.WriteAllTextAsync(csv, "Order,Amount,Due,Owner\nPO-1,10,2026-12-01,alice@example.com\nPO-2,lots,,\nPO-3,30,someday,\nPO-4,40,,nobody@example.com\n\"PO-5\nsecond line\",50,,\n");

        var run = await CliRun.RunAsync(emulator.Environment, "bitable", "import", "--app", appToken, "--table", emptyId, csv);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("imported 2 records, 3 rows refused", run.Output, StringComparison.Ordinal);
        Assert.Contains("line 3: field Amount: 'lots' is not a number", run.Error, StringComparison.Ordinal);
        Assert.Contains("line 4: field Due: 'someday' is not a date", run.Error, StringComparison.Ordinal);
        Assert.Contains("line 5: field Owner: no active user has the email 'nobody@example.com'", run.Error, StringComparison.Ordinal);

        var dry = await CliRun.RunAsync(emulator.Environment, "bitable", "import", "--app", appToken, "--table", emptyId, csv, "--dry-run");
        Assert.Contains("dry run: 2 rows would be imported, 3 refused", dry.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Filters_views_and_bad_input_say_what_to_fix()
    {
        var (appToken, tableId, _) = await SeedAsync(withRecords: true);

        var open = await CliRun.RunAsync(emulator.Environment, "bitable", "export", "--app", appToken, "--table", tableId, "--filter", """{"conjunction":"and","conditions":[{"field_name":"Status","operator":"is","value":["Open"]}]}""");
        Assert.True(open.ExitCode == 0, open.Error);
        Assert.Contains("exported 2 records", open.Error, StringComparison.Ordinal);

        var badField = await CliRun.RunAsync(emulator.Environment, "bitable", "export", "--app", appToken, "--table", tableId, "--filter", """{"conditions":[{"field_name":"Colour","operator":"is","value":["red"]}]}""");
        Assert.Equal((2, "error: --filter: the filter: conditions[0]: the table has no field 'Colour'"), (badField.ExitCode, badField.Error.Trim()));

        var badOperator = await CliRun.RunAsync(emulator.Environment, "bitable", "export", "--app", appToken, "--table", tableId, "--filter", """{"conditions":[{"field_name":"Done","operator":"isGreater","value":["true"]}]}""");
        Assert.Equal(2, badOperator.ExitCode);
        Assert.Contains("--filter:", badOperator.Error, StringComparison.Ordinal);

        var notJson = await CliRun.RunAsync(emulator.Environment, "bitable", "export", "--app", appToken, "--table", tableId, "--filter", "{status: open}");
        Assert.Equal(2, notJson.ExitCode);
        Assert.Contains("--filter: not JSON", notJson.Error, StringComparison.Ordinal);

        var badOut = await CliRun.RunAsync(emulator.Environment, "bitable", "export", "--app", appToken, "--table", tableId, "--out", "orders.xlsx");
        Assert.Equal((2, "error: --out: 'orders.xlsx' must end in .csv or .json"), (badOut.ExitCode, badOut.Error.Trim()));

        using var dir = new TempDirectory();
        var csv = Path.Combine(dir.Path, "bad.csv");
        await File.WriteAllTextAsync(csv, "Order,Colour\nPO-1,red\n");
        var unknown = await CliRun.RunAsync(emulator.Environment, "bitable", "import", "--app", appToken, "--table", tableId, csv);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("line 1: the table has no field 'Colour'; its fields: Order, Amount", unknown.Error, StringComparison.Ordinal);

        var noBase = await CliRun.RunAsync(emulator.Environment, "bitable", "tables", "--app", "bascnNoSuchBase000000000000");
        Assert.Equal(1, noBase.ExitCode);
        Assert.StartsWith("error: Feishu code ", noBase.Error, StringComparison.Ordinal);
    }

    private static IEnumerable<string> Cells(string csv) =>
        csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line[..line.LastIndexOf(',')]).Order(StringComparer.Ordinal);

    private async Task<(string AppToken, string TableId, string EmptyId)> SeedAsync(bool withRecords)
    {
        using var control = new HttpClient { BaseAddress = emulator.Server.BaseUrl };
        var due = new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var records = withRecords
            ? new object[]
            {
                new Dictionary<string, object> { ["Order"] = "PO-1", ["Amount"] = 120.5, ["Status"] = "Open", ["Tags"] = new[] { "urgent", "export, EU" }, ["Due"] = due, ["Done"] = true, ["Owner"] = new[] { new { id = "bob@example.com" } }, ["Phone"] = "+8613800000001", ["Link"] = new { text = "https://erp.example.com/po/1", link = "https://erp.example.com/po/1" }, ["Place"] = "116.397,39.909" },
                new Dictionary<string, object> { ["Order"] = "PO-2", ["Amount"] = 80, ["Status"] = "Paid", ["Tags"] = new[] { "urgent" } },
                new Dictionary<string, object> { ["Order"] = "PO-3", ["Amount"] = 45, ["Status"] = "Open" },
            }
            : [];
        using var seeded = await control.PostAsJsonAsync("/_emulator/bitable/bases", new
        {
            name = "Orders",
            user = "carol@example.com",
            tables = new object[] { new { name = "Orders", fields = Fields, records }, new { name = "Empty", fields = Fields, records = Array.Empty<object>() } },
        });
        var json = JsonDocument.Parse(await seeded.Content.ReadAsStringAsync()).RootElement;
        Assert.True(json.GetProperty("code").GetInt32() == 0, json.ToString());
        var data = json.GetProperty("data");
        return (data.GetProperty("app_token").GetString()!, data.GetProperty("tables")[0].GetProperty("table_id").GetString()!, data.GetProperty("tables")[1].GetProperty("table_id").GetString()!);
    }

    private sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("larkway-cli-bitable-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
