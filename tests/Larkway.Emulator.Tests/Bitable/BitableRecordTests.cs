using System.Text.Json;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Bitable;

/// <summary>Records over the raw wire: every field type's write and read shape, conversion errors, batches, client_token.</summary>
public sealed class BitableRecordTests
{
    private const string Apps = BitableApi.Apps;

    private static readonly object[] AllTypes =
    [
        BitableApi.Field("Title", 1),
        BitableApi.Field("Email", 1, uiType: "Email"),
        BitableApi.Field("Amount", 2, new { formatter = "0.00" }),
        BitableApi.Field("Stage", 3, new { options = new[] { new { name = "New" } } }),
        BitableApi.Field("Tags", 4),
        BitableApi.Field("Due", 5),
        BitableApi.Field("Done", 7),
        BitableApi.Field("Owner", 11, new { multiple = false }),
        BitableApi.Field("Phone", 13),
        BitableApi.Field("Site", 15),
        BitableApi.Field("Where", 22),
        BitableApi.Field("Chat", 23),
        BitableApi.Field("Created", 1001),
        BitableApi.Field("Modified", 1002),
        BitableApi.Field("Creator", 1003),
        BitableApi.Field("Editor", 1004),
        BitableApi.Field("No", 1005, new { auto_serial = new { type = "custom", options = new object[] { new { type = "fixed_text", value = "PO-" }, new { type = "system_number", value = "3" } } } }),
    ];

    [Fact]
    public async Task Every_field_type_is_written_in_its_write_shape_and_read_in_its_read_shape()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var (appToken, _) = await BitableApi.CreateBaseAsync(emulator, token);
        var (tableId, _, _) = await BitableApi.CreateTableAsync(emulator, token, appToken, "Deals", AllTypes);
        var bob = emulator.User("bob@example.com");
        var fields = new Dictionary<string, object>
        {
            ["Title"] = "Renewal",
            ["Email"] = "bob@example.com",
            ["Amount"] = 1200.5,
            ["Stage"] = "Won",
            ["Tags"] = new[] { "vip", "eu" },
            ["Due"] = 1772409600000,
            ["Done"] = true,
            ["Owner"] = new[] { new { id = bob.OpenId } },
            ["Phone"] = "+8613800000001",
            ["Site"] = new { text = "ACME", link = "https://acme.example" },
            ["Where"] = "116.397755,39.903179",
            ["Chat"] = new[] { new { id = emulator.GeneralChat.ChatId } },
        };
        using var created = await emulator.PostJsonAsync($"{Apps}/{appToken}/tables/{tableId}/records", new { fields }, token);
        Assert.True(created.Code == 0, created.Text);
        var record = created.Data.GetProperty("record");
        var recordId = record.GetProperty("record_id").GetString()!;
        Assert.Matches("^rec[A-Za-z0-9]{11}$", recordId);
        Assert.Equal(recordId, record.GetProperty("id").GetString());

        // The answer repeats the fields as written.
        Assert.Equal("Renewal", record.GetProperty("fields").GetProperty("Title").GetString());
        Assert.Equal(bob.OpenId, record.GetProperty("fields").GetProperty("Owner")[0].GetProperty("id").GetString());

        using var get = await emulator.GetAsync($"{Apps}/{appToken}/tables/{tableId}/records/{recordId}?automatic_fields=true&with_shared_url=true&text_field_as_array=true", token);
        Assert.True(get.Code == 0, get.Text);
        var read = get.Data.GetProperty("record");
        var f = read.GetProperty("fields");
        Assert.Equal("text", f.GetProperty("Title")[0].GetProperty("type").GetString());
        Assert.Equal("Renewal", f.GetProperty("Title")[0].GetProperty("text").GetString());
        Assert.Equal("mailto:bob@example.com", f.GetProperty("Email")[0].GetProperty("link").GetString());
        Assert.Equal("url", f.GetProperty("Email")[0].GetProperty("type").GetString());
        Assert.Equal(1200.5, f.GetProperty("Amount").GetDouble());
        Assert.Equal("Won", f.GetProperty("Stage").GetString());
        Assert.Equal(["vip", "eu"], f.GetProperty("Tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(1772409600000, f.GetProperty("Due").GetInt64());
        Assert.True(f.GetProperty("Done").GetBoolean());
        var owner = f.GetProperty("Owner")[0];
        Assert.Equal(bob.OpenId, owner.GetProperty("id").GetString());
        Assert.Equal(bob.Name, owner.GetProperty("name").GetString());
        Assert.Equal("bob@example.com", owner.GetProperty("email").GetString());
        Assert.Equal("+8613800000001", f.GetProperty("Phone").GetString());
        Assert.Equal("https://acme.example", f.GetProperty("Site").GetProperty("link").GetString());
        Assert.Equal("116.397755,39.903179", f.GetProperty("Where").GetProperty("location").GetString());
        Assert.Equal("Larkway Dev", f.GetProperty("Chat")[0].GetProperty("name").GetString());
        Assert.Equal(emulator.Clock.GetUtcNow().ToUnixTimeMilliseconds(), f.GetProperty("Created").GetInt64());
        Assert.Equal(emulator.Options.BotName, f.GetProperty("Creator")[0].GetProperty("name").GetString());
        Assert.Equal("PO-001", f.GetProperty("No").GetString());
        Assert.Equal(emulator.Clock.GetUtcNow().ToUnixTimeMilliseconds(), read.GetProperty("created_time").GetInt64());
        Assert.Contains(recordId, read.GetProperty("shared_url").GetString(), StringComparison.Ordinal);

        // A new option name became an option of the field.
        using var stage = await emulator.GetAsync($"{Apps}/{appToken}/tables/{tableId}/fields", token);
        var options = stage.Data.GetProperty("items").EnumerateArray().Single(x => x.GetProperty("field_name").GetString() == "Stage").GetProperty("property").GetProperty("options");
        Assert.Equal(["New", "Won"], options.EnumerateArray().Select(o => o.GetProperty("name").GetString()));

        // user_id_type: the same person by user_id; the legacy get gives text as a string by default.
        using var byUserId = await emulator.GetAsync($"{Apps}/{appToken}/tables/{tableId}/records/{recordId}?user_id_type=user_id", token);
        Assert.Equal(bob.UserId, byUserId.Data.GetProperty("record").GetProperty("fields").GetProperty("Owner")[0].GetProperty("id").GetString());
        Assert.Equal("Renewal", byUserId.Data.GetProperty("record").GetProperty("fields").GetProperty("Title").GetString());

        // A second record numbers on; an update changes only the cells it names; null clears one.
        var second = await BitableApi.CreateRecordAsync(emulator, token, appToken, tableId, new { Title = "Second" });
        emulator.Clock.Advance(TimeSpan.FromMinutes(5));
        using var update = await BitableApi.SendAsync(emulator, HttpMethod.Put, $"{Apps}/{appToken}/tables/{tableId}/records/{recordId}", new { fields = new { Amount = 99, Tags = (object?)null } }, token);
        Assert.True(update.Code == 0, update.Text);
        using var after = await emulator.PostJsonAsync($"{Apps}/{appToken}/tables/{tableId}/records/batch_get", new { record_ids = new[] { recordId, second, "recMissing000" }, automatic_fields = true }, token);
        var records = after.Data.GetProperty("records");
        Assert.Equal(99, records[0].GetProperty("fields").GetProperty("Amount").GetInt32());
        Assert.False(records[0].GetProperty("fields").TryGetProperty("Tags", out _));
        Assert.Equal("Renewal", records[0].GetProperty("fields").GetProperty("Title")[0].GetProperty("text").GetString());
        Assert.Equal(emulator.Clock.GetUtcNow().ToUnixTimeMilliseconds(), records[0].GetProperty("last_modified_time").GetInt64());
        Assert.Equal("PO-002", records[1].GetProperty("fields").GetProperty("No").GetString());
        Assert.Equal("recMissing000", after.Data.GetProperty("absent_record_ids")[0].GetString());
    }

    [Theory]
    [InlineData("Title", "12", 1254060)]
    [InlineData("Title", "[{\"type\":\"text\",\"text\":\"x\"}]", 1254060)]
    [InlineData("Amount", "\"12\"", 1254061)]
    [InlineData("Stage", "[\"a\"]", 1254062)]
    [InlineData("Tags", "\"vip\"", 1254063)]
    [InlineData("Due", "\"2026-03-02\"", 1254064)]
    [InlineData("Done", "\"yes\"", 1254065)]
    [InlineData("Owner", "[{\"id\":\"ou_nobody\"}]", 1254066)]
    [InlineData("Owner", "\"ou_x\"", 1254066)]
    [InlineData("Site", "\"https://x\"", 1254068)]
    [InlineData("Phone", "\"call me\"", 1254072)]
    [InlineData("Where", "\"somewhere\"", 1254015)]
    [InlineData("Created", "1", 1254015)]
    [InlineData("Nope", "\"x\"", 1254045)]
    public async Task A_value_of_the_wrong_shape_fails_with_its_types_code_and_writes_nothing(string field, string json, int code)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var (appToken, _) = await BitableApi.CreateBaseAsync(emulator, token);
        var (tableId, _, _) = await BitableApi.CreateTableAsync(emulator, token, appToken, "Deals", AllTypes);
        var body = "{\"records\":[{\"fields\":{\"Title\":\"ok\"}},{\"fields\":{\"" + field + "\":" + json + "}}]}";
        using var reply = await BitableApi.SendAsync(emulator, HttpMethod.Post, $"{Apps}/{appToken}/tables/{tableId}/records/batch_create", body, token);
        Assert.Equal(code, reply.Code);
        Assert.Equal(code is 1254015 ? 400 : 200, reply.Status);
        var all = await BitableApi.SearchAsync(emulator, token, appToken, tableId, new { });
        Assert.Equal(0, all.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Links_keep_their_other_side_and_lose_deleted_records()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var (appToken, _) = await BitableApi.CreateBaseAsync(emulator, token);
        var (customers, _, _) = await BitableApi.CreateTableAsync(emulator, token, appToken, "Customers", BitableApi.Field("Name", 1));
        var (orders, _, _) = await BitableApi.CreateTableAsync(emulator, token, appToken, "Orders", BitableApi.Field("Order", 1),
            BitableApi.Field("Customer", 21, new { table_id = customers, back_field_name = "Orders" }),
            BitableApi.Field("Ref", 18, new { table_id = customers, multiple = false }));
        var acme = await BitableApi.CreateRecordAsync(emulator, token, appToken, customers, new { Name = "ACME" });
        var globex = await BitableApi.CreateRecordAsync(emulator, token, appToken, customers, new { Name = "Globex" });
        var order = await BitableApi.CreateRecordAsync(emulator, token, appToken, orders, new { Order = "A-1", Customer = new[] { acme }, Ref = new[] { globex } });

        var customerRows = await BitableApi.SearchAsync(emulator, token, appToken, customers, new { });
        var acmeRow = customerRows.GetProperty("items").EnumerateArray().Single(r => r.GetProperty("record_id").GetString() == acme);
        Assert.Equal(order, acmeRow.GetProperty("fields").GetProperty("Orders").GetProperty("link_record_ids")[0].GetString());

        using var wrapped = await emulator.PostJsonAsync($"{Apps}/{appToken}/tables/{orders}/records", new { fields = new { Customer = new { link_record_ids = new[] { acme } } } }, token);
        Assert.Equal(400, wrapped.Status);
        Assert.Equal(1254074, wrapped.Code);
        using var two = await emulator.PostJsonAsync($"{Apps}/{appToken}/tables/{orders}/records", new { fields = new { Ref = new[] { acme, globex } } }, token);
        Assert.Equal(1254067, two.Code);
        using var unknown = await emulator.PostJsonAsync($"{Apps}/{appToken}/tables/{orders}/records", new { fields = new { Ref = new[] { "recNope" } } }, token);
        Assert.Equal(1254067, unknown.Code);

        using var deleted = await emulator.PostJsonAsync($"{Apps}/{appToken}/tables/{customers}/records/batch_delete", new { records = new[] { acme, globex } }, token);
        Assert.True(deleted.Code == 0, deleted.Text);
        Assert.True(deleted.Data.GetProperty("records")[0].GetProperty("deleted").GetBoolean());
        var orderRows = await BitableApi.SearchAsync(emulator, token, appToken, orders, new { });
        var fields = orderRows.GetProperty("items")[0].GetProperty("fields");
        Assert.False(fields.TryGetProperty("Customer", out _));
        Assert.False(fields.TryGetProperty("Ref", out _));
    }

    [Fact]
    public async Task Batches_have_their_limits_and_a_client_token_makes_a_create_happen_once()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.Bitable.MaxBatchWrite = 3);
        var token = await emulator.TenantTokenAsync();
        var (appToken, tableId) = await BitableApi.CreateBaseAsync(emulator, token);
        var records = $"{Apps}/{appToken}/tables/{tableId}/records";

        using var tooMany = await emulator.PostJsonAsync($"{records}/batch_create", new { records = Enumerable.Range(0, 4).Select(i => new { fields = new { 文本 = "r" + i } }) }, token);
        Assert.Equal(1254104, tooMany.Code);
        using var deleteTooMany = await emulator.PostJsonAsync($"{records}/batch_delete", new { records = Enumerable.Range(0, 501).Select(i => "rec" + i) }, token);
        Assert.Equal(1254104, deleteTooMany.Code);
        using var getTooMany = await emulator.PostJsonAsync($"{records}/batch_get", new { record_ids = Enumerable.Range(0, 101).Select(i => "rec" + i) }, token);
        Assert.Equal(99992402, getTooMany.Code);

        const string query = "?client_token=3c1d6c0e-9c1a-4b5e-8f3e-2a4b6c8d0e1f";
        using var first = await emulator.PostJsonAsync($"{records}/batch_create{query}", new { records = new[] { new { fields = new { 文本 = "once" } } } }, token);
        using var again = await emulator.PostJsonAsync($"{records}/batch_create{query}", new { records = new[] { new { fields = new { 文本 = "once" } } } }, token);
        Assert.True(again.Code == 0, again.Text);
        Assert.Equal(first.Data.GetProperty("records")[0].GetProperty("record_id").GetString(), again.Data.GetProperty("records")[0].GetProperty("record_id").GetString());
        var all = await BitableApi.SearchAsync(emulator, token, appToken, tableId, new { });
        Assert.Equal(1, all.GetProperty("total").GetInt32());

        using var update = await emulator.PostJsonAsync($"{records}/batch_update", new { records = new[] { new { record_id = "recNope", fields = new { 文本 = "x" } } } }, token);
        Assert.Equal(1254043, update.Code);
    }

    [Fact]
    public async Task A_user_token_writes_as_that_user_and_people_are_read_in_the_callers_ids()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var (appToken, _) = await BitableApi.CreateBaseAsync(emulator, token);
        var (tableId, _, _) = await BitableApi.CreateTableAsync(emulator, token, appToken, "People", BitableApi.Field("Name", 1), BitableApi.Field("Who", 11), BitableApi.Field("Creator", 1003));
        var other = await emulator.AddAppAsync("cli_other0000000001", developer: "someone-else");
        var alice = emulator.User("alice@example.com");
        var aliceInOther = emulator.State.OpenIdFor("cli_other0000000001", alice);
        Assert.NotEqual(alice.OpenId, aliceInOther);

        // The other app names Alice by its own open_id; the home app's id is not one of its ids.
        var recordId = await BitableApi.CreateRecordAsync(emulator, other, appToken, tableId, new { Name = "x", Who = new[] { new { id = aliceInOther } } });
        using var crossApp = await emulator.PostJsonAsync($"{Apps}/{appToken}/tables/{tableId}/records", new { fields = new { Who = new[] { new { id = alice.OpenId } } } }, other);
        Assert.Equal(1254066, crossApp.Code);

        using var read = await emulator.GetAsync($"{Apps}/{appToken}/tables/{tableId}/records/{recordId}", token);
        Assert.Equal(alice.OpenId, read.Data.GetProperty("record").GetProperty("fields").GetProperty("Who")[0].GetProperty("id").GetString());
        Assert.Equal("Bot of cli_other0000000001", read.Data.GetProperty("record").GetProperty("fields").GetProperty("Creator")[0].GetProperty("name").GetString());
        _ = JsonValueKind.Null;
    }
}
