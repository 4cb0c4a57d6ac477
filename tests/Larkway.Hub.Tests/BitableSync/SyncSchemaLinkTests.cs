using System.Text.Json;
using Larkway.Feishu.Bitable;
using Larkway.Hub.BitableSync;

namespace Larkway.Hub.Tests.BitableSync;

/// <summary>Links by key: a link column holds the linked records' keys; group chats their chat ids.</summary>
public sealed class SyncSchemaLinkTests
{
    private static readonly BitableField[] Fields =
    [
        new() { FieldId = "fldOrder", FieldName = "Order", Type = BitableFieldType.Text, IsPrimary = true },
        new() { FieldId = "fldCust", FieldName = "Customer", Type = BitableFieldType.SingleLink, Property = new BitableFieldProperty { TableId = "tblCustomers" } },
        new() { FieldId = "fldChats", FieldName = "Chats", Type = BitableFieldType.GroupChat },
    ];

    private static readonly SyncColumn[] Columns = [new("order_no", ColumnKind.Text, "text"), new("customer", ColumnKind.Text, "text"), new("chats", ColumnKind.Text, "text")];

    [Fact]
    public void A_link_reads_as_its_records_keys_and_keys_write_back_as_record_ids()
    {
        var schema = Schema();
        var record = new BitableRecord("recOrder", new BitableFieldValues(new Dictionary<string, JsonElement>
        {
            ["Order"] = Json("""[{"type":"text","text":"PO-1"}]"""),
            ["Customer"] = Json("""{"link_record_ids":["recAcme","recGlobex"]}"""),
            ["Chats"] = Json("""[{"id":"oc_1","name":"Buyers"}]"""),
        }));

        schema.FromBitable(record).ShouldBe(["PO-1", "ACME,GLOBEX", "oc_1"]);
        schema.FromDatabase(new DbRow("PO-1", new Dictionary<string, object?> { ["order_no"] = "PO-1", ["customer"] = "ACME, GLOBEX", ["chats"] = "oc_1" })).ShouldBe(["PO-1", "ACME,GLOBEX", "oc_1"]);
        var customer = schema.Columns.Single(c => c.Column == "customer");
        schema.ToBitable(customer, "GLOBEX,ACME", new Dictionary<string, string?>()).ShouldBe(new BitableValue.Links("recGlobex", "recAcme"));
        schema.ToBitable(schema.Columns.Single(c => c.Column == "chats"), "oc_1,oc_2", new Dictionary<string, string?>()).ShouldBe(new BitableValue.GroupChats("oc_1", "oc_2"));
    }

    [Fact]
    public void A_key_no_linked_record_has_is_refused_with_what_to_do()
    {
        var schema = Schema();

        var refused = Should.Throw<FormatException>(() => schema.ToBitable(schema.Columns.Single(c => c.Column == "customer"), "ACME,INITECH", new Dictionary<string, string?>()));

        refused.Message.ShouldContain("INITECH");
        refused.Message.ShouldContain("tblCustomers");
    }

    [Fact]
    public void A_link_field_that_names_no_table_pauses_its_column()
    {
        var fields = Fields.Select(f => f.FieldId == "fldCust" ? f with { Property = null } : f).ToList();

        var schema = SyncSchema.Resolve(Mapping(), fields, Columns);

        schema.Columns.Select(c => c.Column).ShouldNotContain("customer");
        schema.Problems.ShouldHaveSingleItem().Column.ShouldBe("customer");
    }

    private static SyncMapping Mapping() =>
        new("order_no", "fldOrder", [new("order_no", "fldOrder"), new("customer", "fldCust"), new("chats", "fldChats")]);

    private static SyncSchema Schema() => SyncSchema.Resolve(Mapping(), Fields, Columns) with
    {
        Links = new Dictionary<string, LinkIndex>
        {
            ["tblCustomers"] = new("tblCustomers", new Dictionary<string, string> { ["recAcme"] = "ACME", ["recGlobex"] = "GLOBEX" }, new Dictionary<string, string> { ["ACME"] = "recAcme", ["GLOBEX"] = "recGlobex" }),
        },
    };

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
