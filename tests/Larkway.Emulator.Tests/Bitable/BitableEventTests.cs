using System.Text.Json;
using Larkway.Emulator.Tests.Approval;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Bitable;

/// <summary>
/// drive.file.bitable_record_changed_v1 and …field_changed_v1: only for bases the app subscribed to (drive v1 subscribe),
/// keyed by field id, without formula values, through the common event delivery (signed, encrypted, droppable).
/// </summary>
public sealed class BitableEventTests
{
    private const string Apps = BitableApi.Apps;
    private const string RecordChanged = "drive.file.bitable_record_changed_v1";
    private const string FieldChanged = "drive.file.bitable_field_changed_v1";

    [Fact]
    public async Task Record_and_field_changes_of_a_subscribed_base_arrive_keyed_by_field_id_without_formulas()
    {
        await using var receiver = await EventReceiver.StartAsync("bitable-encrypt-key-1");
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        await ApprovalApi.SubscribeEventsAsync(emulator, receiver);
        var (appToken, _) = await BitableApi.CreateBaseAsync(emulator, token);
        var (quiet, quietTable) = await BitableApi.CreateBaseAsync(emulator, token, "Not subscribed");
        var (tableId, _, ids) = await BitableApi.CreateTableAsync(emulator, token, appToken, "Deals",
            BitableApi.Field("Title", 1), BitableApi.Field("Amount", 2), BitableApi.Field("Owner", 11), BitableApi.Field("Double", 20, new { formula_expression = "bitable::$table[x].$field[y]*2" }));
        var (title, amount, owner, formula) = (ids[0], ids[1], ids[2], ids[3]);

        using (var get = await emulator.GetAsync($"/open-apis/drive/v1/files/{appToken}/get_subscribe?file_type=bitable", token))
        {
            Assert.False(get.Data.GetProperty("is_subscribe").GetBoolean());
        }

        using (var subscribe = await emulator.PostJsonAsync($"/open-apis/drive/v1/files/{appToken}/subscribe?file_type=bitable", new { }, token))
        {
            Assert.True(subscribe.Code == 0, subscribe.Text);
        }

        using (var get = await emulator.GetAsync($"/open-apis/drive/v1/files/{appToken}/get_subscribe?file_type=bitable", token))
        {
            Assert.True(get.Data.GetProperty("is_subscribe").GetBoolean());
        }

        // A write to the base nobody subscribed to comes first; it must raise nothing.
        await BitableApi.CreateRecordAsync(emulator, token, quiet, quietTable, new { 文本 = "silent" });
        var bob = emulator.User("bob@example.com");
        var recordId = await BitableApi.CreateRecordAsync(emulator, token, appToken, tableId, new { Title = "Renewal", Amount = 5, Owner = new[] { new { id = bob.OpenId } } });

        var added = Event(receiver, await receiver.WaitForEventAsync(RecordChanged));
        Assert.True(receiver.SignatureValid(receiver.Requests[^1]));
        Assert.Equal("bitable", added.GetProperty("file_type").GetString());
        Assert.Equal(appToken, added.GetProperty("file_token").GetString());
        Assert.Equal(tableId, added.GetProperty("table_id").GetString());
        Assert.Equal(emulator.State.FindApp(emulator.Options.AppId)!.BotOpenId, added.GetProperty("operator_id").GetProperty("open_id").GetString());
        Assert.Equal(emulator.Clock.GetUtcNow().ToUnixTimeSeconds(), added.GetProperty("update_time").GetInt64());
        var action = Assert.Single(added.GetProperty("action_list").EnumerateArray());
        Assert.Equal("record_added", action.GetProperty("action").GetString());
        Assert.Equal(recordId, action.GetProperty("record_id").GetString());
        Assert.Equal(0, action.GetProperty("before_value").GetArrayLength());
        var after = action.GetProperty("after_value").EnumerateArray().ToDictionary(v => v.GetProperty("field_id").GetString()!);
        Assert.Equal(new[] { title, amount, owner }.Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
        Assert.False(after.ContainsKey(formula));
        using (var text = JsonDocument.Parse(after[title].GetProperty("field_value").GetString()!))
        {
            Assert.Equal("Renewal", text.RootElement[0].GetProperty("text").GetString());
        }

        Assert.Equal("5", after[amount].GetProperty("field_value").GetString());
        var identity = after[owner].GetProperty("field_identity_value").GetProperty("users")[0];
        Assert.Equal(bob.UserId, identity.GetProperty("user_id").GetProperty("user_id").GetString());
        Assert.Equal(bob.Name, identity.GetProperty("name").GetString());
        var revision = added.GetProperty("revision").GetInt32();

        // An edit carries only the cells it changed, before and after.
        using (var update = await BitableApi.SendAsync(emulator, HttpMethod.Put, $"{Apps}/{appToken}/tables/{tableId}/records/{recordId}", new { fields = new { Amount = 7, Title = "Renewal" } }, token))
        {
            Assert.True(update.Code == 0, update.Text);
        }

        var edited = Event(receiver, await receiver.WaitForEventAsync(RecordChanged, skip: 1));
        var edit = edited.GetProperty("action_list")[0];
        Assert.Equal("record_edited", edit.GetProperty("action").GetString());
        Assert.Equal("5", Assert.Single(edit.GetProperty("before_value").EnumerateArray()).GetProperty("field_value").GetString());
        Assert.Equal("7", Assert.Single(edit.GetProperty("after_value").EnumerateArray()).GetProperty("field_value").GetString());
        Assert.Equal(revision + 1, edited.GetProperty("revision").GetInt32());

        // A field added, then the record deleted by a user in the Feishu client.
        using (var field = await emulator.PostJsonAsync($"{Apps}/{appToken}/tables/{tableId}/fields", new { field_name = "Stage", type = 3, property = new { options = new[] { new { name = "New" } } } }, token))
        {
            Assert.True(field.Code == 0, field.Text);
        }

        var fieldEvent = Event(receiver, await receiver.WaitForEventAsync(FieldChanged));
        var fieldAction = fieldEvent.GetProperty("action_list")[0];
        Assert.Equal("field_added", fieldAction.GetProperty("action").GetString());
        Assert.Equal("Stage", fieldAction.GetProperty("after_value").GetProperty("name").GetString());
        Assert.Equal(3, fieldAction.GetProperty("after_value").GetProperty("type").GetInt32());
        Assert.Equal("New", fieldAction.GetProperty("after_value").GetProperty("property").GetProperty("options")[0].GetProperty("name").GetString());

        using (var delete = await emulator.SendAsync(HttpMethod.Delete, $"/_emulator/bitable/bases/{appToken}/tables/{tableId}/records/{recordId}?user=alice@example.com", null, null))
        {
            Assert.True(delete.Code == 0, delete.Text);
        }

        var deleted = Event(receiver, await receiver.WaitForEventAsync(RecordChanged, skip: 2));
        var deletion = deleted.GetProperty("action_list")[0];
        Assert.Equal("record_deleted", deletion.GetProperty("action").GetString());
        Assert.Equal(0, deletion.GetProperty("after_value").GetArrayLength());
        Assert.Contains(deletion.GetProperty("before_value").EnumerateArray(), v => v.GetProperty("field_id").GetString() == title);
        Assert.Equal(emulator.User("alice@example.com").OpenId, deleted.GetProperty("operator_id").GetProperty("open_id").GetString());

        Assert.All(receiver.Requests.Where(r => receiver.EventTypeOf(r) is RecordChanged or FieldChanged), r => Assert.NotEqual(quiet, receiver.Plain(r).GetProperty("event").GetProperty("file_token").GetString()));
        Assert.Equal(3, receiver.Requests.Count(r => receiver.EventTypeOf(r) == RecordChanged));
    }

    [Fact]
    public async Task Only_subscribed_apps_receive_events_and_a_batch_is_one_event_that_can_be_dropped()
    {
        await using var receiver = await EventReceiver.StartAsync();
        await using var otherReceiver = await EventReceiver.StartAsync();
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var other = await emulator.AddAppAsync("cli_other0000000003", developer: "another-developer");
        await ApprovalApi.SubscribeEventsAsync(emulator, receiver);
        await ApprovalApi.SubscribeEventsAsync(emulator, otherReceiver, "cli_other0000000003");
        var (appToken, tableId) = await BitableApi.CreateBaseAsync(emulator, token);
        using (var subscribe = await emulator.PostJsonAsync($"/open-apis/drive/v1/files/{appToken}/subscribe?file_type=bitable", new { }, token))
        {
            Assert.True(subscribe.Code == 0, subscribe.Text);
        }

        using (var badType = await emulator.PostJsonAsync($"/open-apis/drive/v1/files/{appToken}/subscribe?file_type=bitable&event_type=file.created_in_folder_v1", new { }, token))
        {
            Assert.Equal(400, badType.Status);
            Assert.Equal(1069602, badType.Code);
        }

        using (var missing = await emulator.PostJsonAsync("/open-apis/drive/v1/files/NoSuchBase/subscribe?file_type=bitable", new { }, token))
        {
            Assert.Equal(1069604, missing.Code);
        }

        using (var notSubscribed = await emulator.SendAsync(HttpMethod.Delete, $"/open-apis/drive/v1/files/{appToken}/delete_subscribe?file_type=bitable", null, other))
        {
            Assert.Equal(1069605, notSubscribed.Code);
        }

        using (var drop = await emulator.PostJsonAsync("/_emulator/events/drops", new { event_type = RecordChanged, count = 1 }, null))
        {
            Assert.True(drop.Code == 0, drop.Text);
        }

        using (var dropped = await emulator.PostJsonAsync($"{Apps}/{appToken}/tables/{tableId}/records", new { fields = new { 文本 = "lost" } }, token))
        {
            Assert.Equal(0, dropped.Code);
        }

        using (var batch = await emulator.PostJsonAsync($"{Apps}/{appToken}/tables/{tableId}/records/batch_create", new { records = new[] { new { fields = new { 文本 = "a" } }, new { fields = new { 文本 = "b" } } } }, other))
        {
            Assert.Equal(0, batch.Code);
        }

        var received = Event(receiver, await receiver.WaitForEventAsync(RecordChanged));
        Assert.Equal(2, received.GetProperty("action_list").GetArrayLength());
        Assert.Single(receiver.Requests, r => receiver.EventTypeOf(r) == RecordChanged);
        Assert.DoesNotContain(otherReceiver.Requests, r => otherReceiver.EventTypeOf(r) == RecordChanged);

        // Unsubscribed: nothing more arrives.
        using (var unsubscribe = await emulator.SendAsync(HttpMethod.Delete, $"/open-apis/drive/v1/files/{appToken}/delete_subscribe?file_type=bitable", null, token))
        {
            Assert.True(unsubscribe.Code == 0, unsubscribe.Text);
        }

        await BitableApi.CreateRecordAsync(emulator, token, appToken, tableId, new { 文本 = "after" });
        using var events = await emulator.GetAsync("/_emulator/events", null);
        Assert.Equal(2, events.Data.GetProperty("events").EnumerateArray().Count(e => e.GetProperty("event_type").GetString() == RecordChanged));
    }

    private static JsonElement Event(EventReceiver receiver, ReceivedRequest request)
    {
        var plain = receiver.Plain(request);
        Assert.Equal("2.0", plain.GetProperty("schema").GetString());
        return plain.GetProperty("event");
    }
}
