using System.Text.Json;
using Larkway.Feishu;
using Larkway.Feishu.Bitable;
using Larkway.Integration.Tests.Infrastructure;

namespace Larkway.Integration.Tests.Bitable;

/// <summary>
/// client.Bitable against the Emulator's Bitable engine over the wire (issue 16 §5): each field type written in its write
/// shape reads back in its read shape, through get and search.
/// </summary>
public sealed class BitableWireTests(ClientFixture fx) : IClassFixture<ClientFixture>
{
    private const string Shanghai = "Asia/Shanghai";

    [Fact]
    public async Task Every_field_type_written_in_its_write_shape_reads_back_typed_in_its_read_shape()
    {
        var bitable = fx.Client.Bitable;
        var app = (await bitable.Apps.CreateAsync(new BitableAppCreate { Name = "Field types", TimeZone = Shanghai })).AppToken;
        var customers = await bitable.Tables.CreateAsync(app, new BitableTableCreate("Customers") { Fields = [BitableFieldDefinition.Text("Name")] });
        var acme = await bitable.Records.CreateAsync(app, customers.TableId, new BitableRecordFields { ["Name"] = new BitableValue.Text("Acme") });
        var table = await bitable.Tables.CreateAsync(app, new BitableTableCreate("Orders")
        {
            DefaultViewName = "All",
            Fields =
            [
                BitableFieldDefinition.Text("Title"),
                BitableFieldDefinition.Email("Email"),
                BitableFieldDefinition.Barcode("Barcode"),
                BitableFieldDefinition.Number("Amount", "0.00"),
                BitableFieldDefinition.Currency("Price", "CNY"),
                BitableFieldDefinition.Progress("Done"),
                BitableFieldDefinition.Rating("Stars"),
                BitableFieldDefinition.SingleSelect("Status", "Open", "Paid"),
                BitableFieldDefinition.MultiSelect("Tags", "red", "green", "blue"),
                BitableFieldDefinition.DateTime("Due"),
                BitableFieldDefinition.Checkbox("Urgent"),
                BitableFieldDefinition.User("Owner"),
                BitableFieldDefinition.Phone("Phone"),
                BitableFieldDefinition.Url("Site"),
                BitableFieldDefinition.Attachment("Files"),
                BitableFieldDefinition.SingleLink("Customer", customers.TableId),
                BitableFieldDefinition.DuplexLink("Accounts", customers.TableId, "Orders"),
                BitableFieldDefinition.Location("Place"),
                BitableFieldDefinition.GroupChat("Chats"),
                BitableFieldDefinition.CreatedTime("Created"),
                BitableFieldDefinition.ModifiedTime("Modified"),
                BitableFieldDefinition.CreatedUser("Creator"),
                BitableFieldDefinition.ModifiedUser("Modifier"),
                BitableFieldDefinition.AutoNumber("No"),
            ],
        });
        var fileToken = await bitable.Media.UploadAsync(app, "%PDF-1.4 order"u8.ToArray(), "po.pdf");
        var due = new DateTimeOffset(2026, 12, 24, 9, 30, 0, TimeSpan.FromHours(8));
        var chat = fx.GeneralChat;

        var written = await bitable.Records.CreateAsync(app, table.TableId, new BitableRecordFields
        {
            ["Title"] = new BitableValue.Text("PO-1"),
            ["Email"] = new BitableValue.Text("buyer@example.com"),
            ["Barcode"] = new BitableValue.Text("6901234567892"),
            ["Amount"] = new BitableValue.Number(1234.5m),
            ["Price"] = new BitableValue.Number(99.99m),
            ["Done"] = new BitableValue.Number(0.25m),
            ["Stars"] = new BitableValue.Number(4),
            ["Status"] = new BitableValue.SingleSelect("Paid"),
            ["Tags"] = new BitableValue.MultiSelect("red", "blue"),
            ["Due"] = new BitableValue.Date(due),
            ["Urgent"] = new BitableValue.Checkbox(true),
            ["Owner"] = new BitableValue.Persons(fx.Alice.OpenId),
            ["Phone"] = new BitableValue.Phone("+8613800000001"),
            ["Site"] = new BitableValue.Url("Portal", "https://erp.example.com/po/1"),
            ["Files"] = new BitableValue.Attachments(fileToken),
            ["Customer"] = new BitableValue.Links(acme.RecordId),
            ["Accounts"] = new BitableValue.Links(acme.RecordId),
            ["Place"] = new BitableValue.Location(116.397755, 39.903179),
            ["Chats"] = new BitableValue.GroupChats(chat.ChatId),
        });

        var got = await bitable.Records.GetAsync(app, table.TableId, written.RecordId, new BitableReadOptions { AutomaticFields = true });
        var found = await bitable.Records.SearchAsync(app, table.TableId, new BitableSearch { AutomaticFields = true }).SingleAsync();
        foreach (var record in new[] { got, found })
        {
            var cells = record.Fields;
            Assert.Equal("PO-1", cells.Get<BitableValue.Text>("Title")!.PlainText);
            Assert.Equal("buyer@example.com", cells.Get<BitableValue.Text>("Email")!.PlainText);
            Assert.Equal("6901234567892", cells.Get<BitableValue.Text>("Barcode")!.PlainText);
            Assert.Equal(1234.5m, cells.Get<BitableValue.Number>("Amount")!.Value);
            Assert.Equal(99.99m, cells.Get<BitableValue.Number>("Price")!.Value);
            Assert.Equal(0.25m, cells.Get<BitableValue.Number>("Done")!.Value);
            Assert.Equal(4m, cells.Get<BitableValue.Number>("Stars")!.Value);
            Assert.Equal("Paid", cells.Get<BitableValue.SingleSelect>("Status")!.Option);
            Assert.Equal(["red", "blue"], cells.Get<BitableValue.MultiSelect>("Tags")!.Options);
            Assert.Equal(due, cells.Get<BitableValue.Date>("Due")!.Value);
            Assert.True(cells.Get<BitableValue.Checkbox>("Urgent")!.Checked);
            var owner = Assert.Single(cells.Get<BitableValue.Persons>("Owner")!.People);
            Assert.Equal((fx.Alice.OpenId, fx.Alice.Name, fx.Alice.Email), (owner.Id, owner.Name, owner.Email));
            Assert.Equal("+8613800000001", cells.Get<BitableValue.Phone>("Phone")!.Value);
            Assert.Equal(new BitableValue.Url("Portal", "https://erp.example.com/po/1"), cells.Get<BitableValue.Url>("Site"));
            var file = Assert.Single(cells.Get<BitableValue.Attachments>("Files")!.Files);
            Assert.Equal((fileToken, "po.pdf", 14L), (file.FileToken, file.Name, file.Size));
            Assert.Equal([acme.RecordId], cells.Get<BitableValue.Links>("Customer")!.RecordIds);
            Assert.Equal([acme.RecordId], cells.Get<BitableValue.Links>("Accounts")!.RecordIds);
            var place = cells.Get<BitableValue.Location>("Place")!.Place;
            Assert.Equal((116.397755, 39.903179), (place.Longitude!.Value, place.Latitude!.Value));
            var linkedChat = Assert.Single(cells.Get<BitableValue.GroupChats>("Chats")!.Chats);
            Assert.Equal((chat.ChatId, chat.Name), (linkedChat.Id, linkedChat.Name));
            Assert.Equal("1", cells.Get<BitableValue.AutoNumber>("No")!.Value);
            Assert.Equal(record.CreatedTime, cells.Get<BitableValue.Date>("Created")!.Value);
            Assert.Equal(record.LastModifiedTime, cells.Get<BitableValue.Date>("Modified")!.Value);
            Assert.NotNull(cells.Get<BitableValue.Persons>("Creator"));
            Assert.NotNull(cells.Get<BitableValue.Persons>("Modifier"));
            Assert.NotNull(record.CreatedBy);
        }

        // The whole record typed by the table's fields, and every writable value written back as read changes nothing.
        var fields = await bitable.Fields.ListAsync(app, table.TableId).ToListAsync();
        var typed = got.Fields.Read(fields);
        Assert.Equal(fields.Count, typed.Count);
        var writable = new BitableRecordFields();
        foreach (var (name, value) in typed.Where(c => fields.Single(f => f.FieldName == c.Key).Type is not (BitableFieldType.CreatedTime or BitableFieldType.ModifiedTime or BitableFieldType.CreatedUser or BitableFieldType.ModifiedUser or BitableFieldType.AutoNumber)))
        {
            writable[name] = value;
        }

        var rewritten = await bitable.Records.UpdateAsync(app, table.TableId, got.RecordId, writable);
        var again = await bitable.Records.GetAsync(app, table.TableId, rewritten.RecordId);
        foreach (var name in writable.Names)
        {
            Assert.Equal(got.Fields[name].GetRawText(), again.Fields[name].GetRawText());
        }

        // The duplex link's other side lists the order; clearing a cell empties it.
        var back = await bitable.Records.GetAsync(app, customers.TableId, acme.RecordId);
        Assert.Equal([got.RecordId], back.Fields.Get<BitableValue.Links>("Orders")!.RecordIds);
        var cleared = await bitable.Records.UpdateAsync(app, table.TableId, got.RecordId, new BitableRecordFields { ["Tags"] = BitableValue.Clear, ["Owner"] = BitableValue.Clear });
        Assert.Null(cleared.Fields.Get<BitableValue.MultiSelect>("Tags"));
        Assert.False((await bitable.Records.GetAsync(app, table.TableId, got.RecordId)).Fields.ContainsKey("Owner"));
    }

    [Fact]
    public async Task A_file_for_attachment_cells_uploads_to_its_base_and_an_empty_one_is_refused_before_sending()
    {
        var bitable = fx.Client.Bitable;
        var app = (await bitable.Apps.CreateAsync(new BitableAppCreate { Name = "Attachments" })).AppToken;
        var table = await bitable.Tables.CreateAsync(app, new BitableTableCreate("Receipts") { Fields = [BitableFieldDefinition.Text("Title"), BitableFieldDefinition.Attachment("Scan")] });

        // From a stream, as an image: the cell names it with its name, size and type.
        using var png = new MemoryStream([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]);
        var token = await bitable.Media.UploadAsync(app, png, "收据.png", image: true);
        var record = await bitable.Records.CreateAsync(app, table.TableId, new BitableRecordFields { ["Title"] = new BitableValue.Text("R-1"), ["Scan"] = new BitableValue.Attachments(token) });
        var file = Assert.Single((await bitable.Records.GetAsync(app, table.TableId, record.RecordId)).Fields.Get<BitableValue.Attachments>("Scan")!.Files);
        Assert.Equal((token, "收据.png", 11L, "image/png"), (file.FileToken, file.Name, file.Size, file.Type));

        // Nothing goes out for an empty file; a base that does not exist is Feishu's refusal.
        var empty = await Assert.ThrowsAsync<FeishuApiException>(() => bitable.Media.UploadAsync(app, ReadOnlyMemory<byte>.Empty, "empty.pdf"));
        Assert.Contains("empty", empty.Message, StringComparison.Ordinal);
        var nowhere = await Assert.ThrowsAsync<FeishuApiException>(() => bitable.Media.UploadAsync("bascnNoSuchBase000000000000", "x"u8.ToArray(), "x.txt"));
        Assert.Equal(FeishuErrorCodes.DriveMediaParentNotFound, nowhere.Code);
    }
}
