using System.Text.Json;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Bitable;

/// <summary>Bases, tables, fields and views over the raw wire (bitable v1 §8.1, §8.3, §8.4).</summary>
public sealed class BitableBaseTests
{
    private const string Apps = BitableApi.Apps;

    [Fact]
    public async Task A_new_base_has_one_table_and_answers_get_update_and_copy()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using var created = await emulator.PostJsonAsync(Apps, new { name = "Orders", folder_token = "fldcnX", time_zone = "Europe/Berlin" }, token);
        Assert.Equal(200, created.Status);
        Assert.True(created.Code == 0, created.Text);
        var app = created.Data.GetProperty("app");
        var appToken = app.GetProperty("app_token").GetString()!;
        Assert.Equal(27, appToken.Length);
        Assert.Equal("Orders", app.GetProperty("name").GetString());
        Assert.Equal("fldcnX", app.GetProperty("folder_token").GetString());
        Assert.Equal("Europe/Berlin", app.GetProperty("time_zone").GetString());
        Assert.EndsWith(appToken, app.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("tbl", app.GetProperty("default_table_id").GetString(), StringComparison.Ordinal);

        using var get = await emulator.GetAsync($"{Apps}/{appToken}", token);
        Assert.Equal("Europe/Berlin", get.Data.GetProperty("app").GetProperty("time_zone").GetString());
        Assert.False(get.Data.GetProperty("app").GetProperty("is_advanced").GetBoolean());
        var revision = get.Data.GetProperty("app").GetProperty("revision").GetInt32();

        using var update = await BitableApi.SendAsync(emulator, HttpMethod.Put, $"{Apps}/{appToken}", new { name = "Orders 2026", is_advanced = true }, token);
        Assert.True(update.Code == 0, update.Text);
        Assert.Equal("Orders 2026", update.Data.GetProperty("app").GetProperty("name").GetString());
        Assert.True(update.Data.GetProperty("app").GetProperty("is_advanced").GetBoolean());
        using (var again = await emulator.GetAsync($"{Apps}/{appToken}", token))
        {
            Assert.Equal(revision + 1, again.Data.GetProperty("app").GetProperty("revision").GetInt32());
        }

        using var tables = await emulator.GetAsync($"{Apps}/{appToken}/tables", token);
        var table = Assert.Single(tables.Data.GetProperty("items").EnumerateArray());
        Assert.Equal("数据表", table.GetProperty("name").GetString());
        var tableId = table.GetProperty("table_id").GetString()!;
        await BitableApi.CreateRecordAsync(emulator, token, appToken, tableId, new { 文本 = "first" });

        using var copy = await emulator.PostJsonAsync($"{Apps}/{appToken}/copy", new { name = "Copy", without_content = true }, token);
        Assert.True(copy.Code == 0, copy.Text);
        var copyToken = copy.Data.GetProperty("app").GetProperty("app_token").GetString()!;
        Assert.NotEqual(appToken, copyToken);
        var empty = await BitableApi.SearchAsync(emulator, token, copyToken, tableId, new { });
        Assert.Equal(0, empty.GetProperty("total").GetInt32());

        using var missing = await emulator.GetAsync($"{Apps}/NoSuchBase0000000000000000000/tables", token);
        Assert.Equal(200, missing.Status);
        Assert.Equal(1254040, missing.Code);

        using var longName = await emulator.PostJsonAsync(Apps, new { name = new string('x', 256) }, token);
        Assert.Equal(400, longName.Status);
        Assert.Equal(1254031, longName.Code);
    }

    [Fact]
    public async Task Tables_are_created_with_fields_renamed_listed_in_pages_and_deleted_but_never_the_last()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var (appToken, defaultTable) = await BitableApi.CreateBaseAsync(emulator, token);

        using var created = await emulator.PostJsonAsync($"{Apps}/{appToken}/tables", new
        {
            table = new
            {
                name = "  Customers  ",
                default_view_name = "All",
                fields = new object[]
                {
                    BitableApi.Field("Name", 1),
                    BitableApi.Field("Tier", 3, new { options = new[] { new { name = "Gold", color = 1 }, new { name = "Silver", color = 2 } } }),
                },
            },
        }, token);
        Assert.True(created.Code == 0, created.Text);
        var tableId = created.Data.GetProperty("table_id").GetString()!;
        Assert.Matches("^tbl[A-Za-z0-9]{13}$", tableId);
        Assert.Matches("^vew[A-Za-z0-9]{7}$", created.Data.GetProperty("default_view_id").GetString());
        Assert.Equal(2, created.Data.GetProperty("field_id_list").GetArrayLength());

        // The index field may only be text, number, date, phone, URL, formula or location.
        using var badPrimary = await emulator.PostJsonAsync($"{Apps}/{appToken}/tables", new { table = new { name = "Bad", fields = new[] { BitableApi.Field("Pick", 3) } } }, token);
        Assert.Equal(400, badPrimary.Status);
        Assert.Equal(1254012, badPrimary.Code);

        using var duplicate = await emulator.PostJsonAsync($"{Apps}/{appToken}/tables", new { table = new { name = "Customers" } }, token);
        Assert.Equal(1254013, duplicate.Code);
        using var badName = await emulator.PostJsonAsync($"{Apps}/{appToken}/tables", new { table = new { name = "a/b" } }, token);
        Assert.Equal(1254001, badName.Code);
        using var viewWithoutFields = await emulator.PostJsonAsync($"{Apps}/{appToken}/tables", new { table = new { name = "Other", default_view_name = "V" } }, token);
        Assert.Equal(1254001, viewWithoutFields.Code);

        using var batch = await emulator.PostJsonAsync($"{Apps}/{appToken}/tables/batch_create", new { tables = new[] { new { name = "T1" }, new { name = "T2" } } }, token);
        Assert.Equal(2, batch.Data.GetProperty("table_ids").GetArrayLength());

        using var page1 = await emulator.GetAsync($"{Apps}/{appToken}/tables?page_size=2", token);
        Assert.True(page1.Data.GetProperty("has_more").GetBoolean());
        Assert.Equal(4, page1.Data.GetProperty("total").GetInt32());
        var pageToken = page1.Data.GetProperty("page_token").GetString()!;
        using var page2 = await emulator.GetAsync($"{Apps}/{appToken}/tables?page_size=2&page_token={pageToken}", token);
        Assert.False(page2.Data.GetProperty("has_more").GetBoolean());
        Assert.Equal(["T1", "T2"], page2.Data.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        using var zero = await emulator.GetAsync($"{Apps}/{appToken}/tables?page_size=0", token);
        Assert.Equal(400, zero.Status);
        Assert.Equal(1254011, zero.Code);
        using var tooBig = await emulator.GetAsync($"{Apps}/{appToken}/tables?page_size=101", token);
        Assert.Equal(99992402, tooBig.Code);
        Assert.Equal("page_size", tooBig.Json.GetProperty("error").GetProperty("field_violations")[0].GetProperty("field").GetString());

        using var rename = await BitableApi.SendAsync(emulator, HttpMethod.Patch, $"{Apps}/{appToken}/tables/{tableId}", new { name = "Clients" }, token);
        Assert.Equal("Clients", rename.Data.GetProperty("name").GetString());
        using var renameTaken = await BitableApi.SendAsync(emulator, HttpMethod.Patch, $"{Apps}/{appToken}/tables/{tableId}", new { name = "T1" }, token);
        Assert.Equal(1254013, renameTaken.Code);

        var others = page1.Data.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("table_id").GetString()!).Concat(page2.Data.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("table_id").GetString()!)).ToList();
        using var deleteAll = await emulator.PostJsonAsync($"{Apps}/{appToken}/tables/batch_delete", new { table_ids = others }, token);
        Assert.Equal(403, deleteAll.Status);
        Assert.Equal(1254034, deleteAll.Code);
        using var deleteOne = await BitableApi.SendAsync(emulator, HttpMethod.Delete, $"{Apps}/{appToken}/tables/{defaultTable}", null, token);
        Assert.True(deleteOne.Code == 0, deleteOne.Text);
        using var gone = await BitableApi.SendAsync(emulator, HttpMethod.Delete, $"{Apps}/{appToken}/tables/{defaultTable}", null, token);
        Assert.Equal(1254041, gone.Code);
    }

    [Fact]
    public async Task Fields_are_created_with_options_updated_converting_cells_and_deleted_but_not_the_index()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var (appToken, _) = await BitableApi.CreateBaseAsync(emulator, token);
        var (tableId, viewId, ids) = await BitableApi.CreateTableAsync(emulator, token, appToken, "Orders", BitableApi.Field("Order", 1), BitableApi.Field("Amount", 1));
        var fields = $"{Apps}/{appToken}/tables/{tableId}/fields";

        using var created = await emulator.PostJsonAsync(fields, new { field_name = "Status", type = 3, property = new { options = new[] { new { name = "Open" }, new { name = "Closed" } } }, description = new { text = "where it stands" } }, token);
        Assert.True(created.Code == 0, created.Text);
        var status = created.Data.GetProperty("field");
        Assert.Matches("^fld[A-Za-z0-9]{7}$", status.GetProperty("field_id").GetString());
        Assert.Equal("SingleSelect", status.GetProperty("ui_type").GetString());
        Assert.False(status.GetProperty("is_primary").GetBoolean());
        var options = status.GetProperty("property").GetProperty("options");
        Assert.Equal(["Open", "Closed"], options.EnumerateArray().Select(o => o.GetProperty("name").GetString()));
        Assert.All(options.EnumerateArray(), o => Assert.StartsWith("opt", o.GetProperty("id").GetString(), StringComparison.Ordinal));

        using var duplicate = await emulator.PostJsonAsync(fields, new { field_name = "Status", type = 1 }, token);
        Assert.Equal(1254014, duplicate.Code);
        using var lookup = await emulator.PostJsonAsync(fields, new { field_name = "Ref", type = 19 }, token);
        Assert.Equal(1254012, lookup.Code);
        using var blank = await emulator.PostJsonAsync(fields, new { field_name = " ", type = 1 }, token);
        Assert.Equal(400, blank.Status);
        Assert.Equal(1254028, blank.Code);
        using var noOptionName = await emulator.PostJsonAsync(fields, new { field_name = "X", type = 4, property = new { options = new[] { new { name = "" } } } }, token);
        Assert.Equal(1254026, noOptionName.Code);
        using var badUi = await emulator.PostJsonAsync(fields, new { field_name = "X", type = 2, ui_type = "Email" }, token);
        Assert.Equal(1254001, badUi.Code);

        // A text field turned into a number keeps the cells that read as numbers and clears the rest.
        var good = await BitableApi.CreateRecordAsync(emulator, token, appToken, tableId, new { Order = "A-1", Amount = "12.5" });
        var bad = await BitableApi.CreateRecordAsync(emulator, token, appToken, tableId, new { Order = "A-2", Amount = "lots" });
        using var toNumber = await BitableApi.SendAsync(emulator, HttpMethod.Put, $"{fields}/{ids[1]}", new { field_name = "Amount (EUR)", type = 2, property = new { formatter = "0.00" } }, token);
        Assert.True(toNumber.Code == 0, toNumber.Text);
        Assert.Equal("Number", toNumber.Data.GetProperty("field").GetProperty("ui_type").GetString());
        Assert.Equal("0.00", toNumber.Data.GetProperty("field").GetProperty("property").GetProperty("formatter").GetString());
        using var records = await emulator.PostJsonAsync($"{Apps}/{appToken}/tables/{tableId}/records/batch_get", new { record_ids = new[] { good, bad } }, token);
        var byId = records.Data.GetProperty("records").EnumerateArray().ToDictionary(r => r.GetProperty("record_id").GetString()!, r => r.GetProperty("fields"));
        Assert.Equal(12.5, byId[good].GetProperty("Amount (EUR)").GetDouble());
        Assert.False(byId[bad].TryGetProperty("Amount (EUR)", out _));

        using var list = await emulator.GetAsync($"{fields}?page_size=2&text_field_as_array=true", token);
        Assert.True(list.Data.GetProperty("has_more").GetBoolean());
        Assert.Equal(3, list.Data.GetProperty("total").GetInt32());
        Assert.True(list.Data.GetProperty("items")[0].GetProperty("is_primary").GetBoolean());

        using var deletePrimary = await BitableApi.SendAsync(emulator, HttpMethod.Delete, $"{fields}/{ids[0]}", null, token);
        Assert.Equal(1254012, deletePrimary.Code);
        using var delete = await BitableApi.SendAsync(emulator, HttpMethod.Delete, $"{fields}/{status.GetProperty("field_id").GetString()}", null, token);
        Assert.True(delete.Data.GetProperty("deleted").GetBoolean());
        _ = viewId;
    }

    [Fact]
    public async Task A_field_create_with_a_client_token_is_done_once()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var (appToken, tableId) = await BitableApi.CreateBaseAsync(emulator, token);
        var path = $"{Apps}/{appToken}/tables/{tableId}/fields?client_token=fe599b60-450f-46ff-b2ef-9f6675625b97";
        using var first = await emulator.PostJsonAsync(path, new { field_name = "Note", type = 1 }, token);
        using var second = await emulator.PostJsonAsync(path, new { field_name = "Note", type = 1 }, token);
        Assert.True(second.Code == 0, second.Text);
        Assert.Equal(first.Data.GetProperty("field").GetProperty("field_id").GetString(), second.Data.GetProperty("field").GetProperty("field_id").GetString());
        using var other = await emulator.PostJsonAsync(path, new { field_name = "Other", type = 1 }, token);
        Assert.Equal(400, other.Status);
        Assert.Equal(1255006, other.Code);
        using var notUuid = await emulator.PostJsonAsync($"{Apps}/{appToken}/tables/{tableId}/fields?client_token=abc", new { field_name = "X", type = 1 }, token);
        Assert.Equal(400, notUuid.Status);
        Assert.Equal(1254037, notUuid.Code);
    }

    [Fact]
    public async Task Views_are_created_patched_with_a_filter_read_back_and_deleted_but_not_the_last()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var (appToken, _) = await BitableApi.CreateBaseAsync(emulator, token);
        var (tableId, viewId, ids) = await BitableApi.CreateTableAsync(emulator, token, appToken, "Tasks", BitableApi.Field("Task", 1), BitableApi.Field("Due", 5), BitableApi.Field("Done", 7));
        var views = $"{Apps}/{appToken}/tables/{tableId}/views";

        using var kanban = await emulator.PostJsonAsync(views, new { view_name = "Board", view_type = "kanban" }, token);
        Assert.True(kanban.Code == 0, kanban.Text);
        Assert.Equal("kanban", kanban.Data.GetProperty("view").GetProperty("view_type").GetString());
        using var badType = await emulator.PostJsonAsync(views, new { view_name = "X", view_type = "calendar" }, token);
        Assert.Equal(1254019, badType.Code);
        using var brackets = await emulator.PostJsonAsync(views, new { view_name = "a[b]" }, token);
        Assert.Equal(1254022, brackets.Code);
        using var empty = await emulator.PostJsonAsync(views, new { view_name = "" }, token);
        Assert.Equal(1254021, empty.Code);
        using var duplicate = await emulator.PostJsonAsync(views, new { view_name = "Board" }, token);
        Assert.Equal(1254020, duplicate.Code);

        using var patched = await BitableApi.SendAsync(emulator, HttpMethod.Patch, $"{views}/{viewId}", new
        {
            view_name = "Open tasks",
            property = new
            {
                filter_info = new { conjunction = "and", conditions = new[] { new { field_id = ids[2], @operator = "is", value = "[\"false\"]" }, new { field_id = ids[1], @operator = "isGreater", value = "[\"ExactDate\",1642672432000]" } } },
                hidden_fields = new[] { ids[2] },
            },
        }, token);
        Assert.True(patched.Code == 0, patched.Text);
        using var got = await emulator.GetAsync($"{views}/{viewId}", token);
        var view = got.Data.GetProperty("view");
        Assert.Equal("Open tasks", view.GetProperty("view_name").GetString());
        var conditions = view.GetProperty("property").GetProperty("filter_info").GetProperty("conditions");
        Assert.Equal(2, conditions.GetArrayLength());
        Assert.Equal(7, conditions[0].GetProperty("field_type").GetInt32());
        Assert.StartsWith("con", conditions[0].GetProperty("condition_id").GetString(), StringComparison.Ordinal);
        Assert.Equal("[\"ExactDate\",\"1642672432000\"]", conditions[1].GetProperty("value").GetString());
        Assert.Equal(ids[2], view.GetProperty("property").GetProperty("hidden_fields")[0].GetString());

        using var badFilter = await BitableApi.SendAsync(emulator, HttpMethod.Patch, $"{views}/{viewId}", new { property = new { filter_info = new { conjunction = "and", conditions = new[] { new { field_id = ids[1], @operator = "contains", value = "[\"x\"]" } } } } }, token);
        Assert.Equal(1254018, badFilter.Code);
        using var hidePrimary = await BitableApi.SendAsync(emulator, HttpMethod.Patch, $"{views}/{viewId}", new { property = new { hidden_fields = new[] { ids[0] } } }, token);
        Assert.Equal(1254001, hidePrimary.Code);

        using var list = await emulator.GetAsync(views, token);
        Assert.Equal(2, list.Data.GetProperty("total").GetInt32());
        Assert.Equal("Public", list.Data.GetProperty("items")[0].GetProperty("view_public_level").GetString());

        using var fieldsInView = await emulator.GetAsync($"{Apps}/{appToken}/tables/{tableId}/fields?view_id={viewId}", token);
        Assert.True(fieldsInView.Data.GetProperty("items")[2].GetProperty("is_hidden").GetBoolean());

        var kanbanId = kanban.Data.GetProperty("view").GetProperty("view_id").GetString();
        using var deleted = await BitableApi.SendAsync(emulator, HttpMethod.Delete, $"{views}/{kanbanId}", null, token);
        Assert.True(deleted.Code == 0, deleted.Text);
        using var last = await BitableApi.SendAsync(emulator, HttpMethod.Delete, $"{views}/{viewId}", null, token);
        Assert.NotEqual(0, last.Code);
        using var missing = await emulator.GetAsync($"{views}/{kanbanId}", token);
        Assert.Equal(1254042, missing.Code);
    }
}
