using System.Net;
using System.Text.Json;
using AngleSharp.Html.Parser;
using Larkway.Emulator.Tests.Approval;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Bitable;

/// <summary>The /bitable grid and the control API's seeding: a user's edits go through the API's checks and raise the events.</summary>
public sealed class BitablePageTests
{
    private const string RecordChanged = "drive.file.bitable_record_changed_v1";

    private static async Task<(string AppToken, string TableId, JsonElement FieldIds, string[] RecordIds)> SeedAsync(TestEmulator emulator)
    {
        using var seeded = await emulator.PostJsonAsync("/_emulator/bitable/bases", new
        {
            name = "Inventory <Q1>",
            time_zone = "Asia/Shanghai",
            user = "carol@example.com",
            tables = new[]
            {
                new
                {
                    name = "Items",
                    fields = new object[]
                    {
                        new { field_name = "Item", type = 1 },
                        new { field_name = "Qty", type = 2 },
                        new { field_name = "Kind", type = 3, property = new { options = new[] { new { name = "Tool" } } } },
                        new { field_name = "Ok", type = 7 },
                        new { field_name = "Buyer", type = 11 },
                        new { field_name = "Created by", type = 1003 },
                    },
                    records = new object[]
                    {
                        new { Item = "Hammer", Qty = 3, Kind = "Tool", Buyer = new[] { new { id = "bob@example.com" } } },
                        new { Item = "<script>x</script>", Qty = 1 },
                    },
                },
            },
        }, null);
        Assert.True(seeded.Code == 0, seeded.Text);
        var table = seeded.Data.GetProperty("tables")[0];
        return (seeded.Data.GetProperty("app_token").GetString()!, table.GetProperty("table_id").GetString()!, table.GetProperty("field_ids").Clone(),
            [.. table.GetProperty("record_ids").EnumerateArray().Select(r => r.GetString()!)]);
    }

    [Fact]
    public async Task The_control_api_seeds_a_base_the_grid_shows_it_encoded_and_the_api_reads_it()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var (appToken, tableId, fieldIds, recordIds) = await SeedAsync(emulator);

        var html = await emulator.Http.GetStringAsync($"/bitable/{appToken}");
        var document = new HtmlParser().ParseDocument(html);
        Assert.Contains("Inventory &lt;Q1&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>x", html, StringComparison.Ordinal);
        var rows = document.QuerySelectorAll("tr[data-record-id]");
        Assert.Equal(recordIds, rows.Select(r => r.GetAttribute("data-record-id")));
        var hammer = rows[0];
        Assert.Equal("Hammer", hammer.QuerySelector($"input[name=f_{fieldIds.GetProperty("Item").GetString()}]")!.GetAttribute("value"));
        Assert.Equal("Bob Li", hammer.QuerySelector($"input[name=f_{fieldIds.GetProperty("Buyer").GetString()}]")!.GetAttribute("value"));
        Assert.Contains("Carol", hammer.QuerySelector("span.computed")!.TextContent, StringComparison.Ordinal);

        var list = await emulator.Http.GetStringAsync("/bitable");
        Assert.Contains(appToken, list, StringComparison.Ordinal);

        var token = await emulator.TenantTokenAsync();
        var search = await BitableApi.SearchAsync(emulator, token, appToken, tableId, new { automatic_fields = true });
        Assert.Equal(emulator.User("carol@example.com").OpenId, search.GetProperty("items")[0].GetProperty("created_by").GetProperty("id").GetString());

        using var dump = await emulator.GetAsync($"/_emulator/bitable/bases/{appToken}", null);
        Assert.Equal(2, dump.Data.GetProperty("tables")[0].GetProperty("records").GetArrayLength());
    }

    [Fact]
    public async Task Grid_edits_add_change_and_delete_rows_as_the_acting_user_and_fire_the_events()
    {
        await using var receiver = await EventReceiver.StartAsync();
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        await ApprovalApi.SubscribeEventsAsync(emulator, receiver);
        var (appToken, tableId, fieldIds, recordIds) = await SeedAsync(emulator);
        using (var subscribe = await emulator.PostJsonAsync($"/open-apis/drive/v1/files/{appToken}/subscribe?file_type=bitable", new { }, token))
        {
            Assert.True(subscribe.Code == 0, subscribe.Text);
        }

        var alice = emulator.User("alice@example.com");
        var (item, qty, kind, ok, buyer) = (Id(fieldIds, "Item"), Id(fieldIds, "Qty"), Id(fieldIds, "Kind"), Id(fieldIds, "Ok"), Id(fieldIds, "Buyer"));
        var editable = string.Join(",", item, qty, kind, ok, buyer);
        var action = $"/bitable/{appToken}/tables/{tableId}/records";

        using var add = await PostFormAsync(emulator, action, ("operator", alice.OpenId), ("action", "add"), ("fields", editable), ("f_" + item, "Saw"), ("f_" + qty, "2"), ("f_" + kind, "Blade"), ("f_" + ok, "true"), ("f_" + buyer, "Dave Zhang"));
        Assert.Equal(HttpStatusCode.Redirect, add.StatusCode);
        Assert.True(add.Headers.Location!.ToString().Contains("notice=", StringComparison.Ordinal), Uri.UnescapeDataString(add.Headers.Location!.ToString()));
        var addedEvent = receiver.Plain(await receiver.WaitForEventAsync(RecordChanged)).GetProperty("event");
        Assert.Equal(alice.OpenId, addedEvent.GetProperty("operator_id").GetProperty("open_id").GetString());
        Assert.Equal("record_added", addedEvent.GetProperty("action_list")[0].GetProperty("action").GetString());
        var search = await BitableApi.SearchAsync(emulator, token, appToken, tableId, new { filter = new { conjunction = "and", conditions = new[] { new { field_name = "Item", @operator = "is", value = new[] { "Saw" } } } } });
        var saw = search.GetProperty("items")[0].GetProperty("fields");
        Assert.Equal(2, saw.GetProperty("Qty").GetInt32());
        Assert.Equal("Blade", saw.GetProperty("Kind").GetString());
        Assert.True(saw.GetProperty("Ok").GetBoolean());
        Assert.Equal(emulator.User("dave@example.com").OpenId, saw.GetProperty("Buyer")[0].GetProperty("id").GetString());

        // Saving a row with one changed cell edits that cell only.
        using var save = await PostFormAsync(emulator, $"{action}/{recordIds[0]}", ("operator", alice.OpenId), ("action", "save"), ("fields", editable), ("f_" + item, "Hammer"), ("f_" + qty, "4"), ("f_" + kind, "Tool"), ("f_" + buyer, "Bob Li"));
        Assert.Equal(HttpStatusCode.Redirect, save.StatusCode);
        var edited = receiver.Plain(await receiver.WaitForEventAsync(RecordChanged, skip: 1)).GetProperty("event").GetProperty("action_list")[0];
        Assert.Equal("record_edited", edited.GetProperty("action").GetString());
        Assert.Equal(qty, Assert.Single(edited.GetProperty("after_value").EnumerateArray(), v => v.GetProperty("field_id").GetString() != Id(fieldIds, "Created by")).GetProperty("field_id").GetString());

        // A value the field cannot take comes back as a notice, and nothing changes.
        using var bad = await PostFormAsync(emulator, $"{action}/{recordIds[0]}", ("operator", alice.OpenId), ("action", "save"), ("fields", qty), ("f_" + qty, "many"));
        Assert.Contains("1254061", Uri.UnescapeDataString(bad.Headers.Location!.ToString()), StringComparison.Ordinal);

        using var delete = await PostFormAsync(emulator, $"{action}/{recordIds[1]}", ("operator", alice.OpenId), ("action", "delete"), ("fields", string.Empty));
        Assert.Equal(HttpStatusCode.Redirect, delete.StatusCode);
        var deleted = receiver.Plain(await receiver.WaitForEventAsync(RecordChanged, skip: 2)).GetProperty("event").GetProperty("action_list")[0];
        Assert.Equal("record_deleted", deleted.GetProperty("action").GetString());

        using var request = new HttpRequestMessage(HttpMethod.Post, action) { Content = new FormUrlEncodedContent([new("operator", alice.OpenId), new("action", "add"), new("fields", item)]) };
        request.Headers.Add("Origin", "https://evil.example");
        using var crossSite = await emulator.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);
    }

    private static string Id(JsonElement fieldIds, string name) => fieldIds.GetProperty(name).GetString()!;

    private static async Task<HttpResponseMessage> PostFormAsync(TestEmulator emulator, string path, params (string Key, string Value)[] fields)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = emulator.Server.BaseUrl };
        return await client.PostAsync(path, new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))));
    }
}
