using System.Text.Json;
using Larkway.Feishu.Bitable;
using Larkway.Hub.BitableSync;

namespace Larkway.Hub.Tests.BitableSync;

/// <summary>Attachments by URL or file token: an uploaded URL reads back as itself, so the two sides compare equal.</summary>
public sealed class SyncSchemaAttachmentTests
{
    private const string Invoice = "https://erp.example.com/files/invoice-1.pdf";

    private static readonly BitableField[] Fields =
    [
        new() { FieldId = "fldOrder", FieldName = "Order", Type = BitableFieldType.Text, IsPrimary = true },
        new() { FieldId = "fldFiles", FieldName = "Files", Type = BitableFieldType.Attachment },
    ];

    private static readonly SyncColumn[] Columns = [new("order_no", ColumnKind.Text, "text"), new("files", ColumnKind.Text, "text")];

    [Fact]
    public void An_uploaded_url_writes_as_its_token_and_reads_back_as_the_url_while_other_tokens_stay_tokens()
    {
        var schema = Schema() with { Files = FileIndex.From(new Dictionary<string, string> { [Invoice] = "boxInvoice" }) };
        var files = schema.Columns.Single(c => c.Column == "files");
        var record = new BitableRecord("recOrder", new BitableFieldValues(new Dictionary<string, JsonElement>
        {
            ["Order"] = Json("""[{"type":"text","text":"PO-1"}]"""),
            ["Files"] = Json("""[{"file_token":"boxInvoice","name":"invoice-1.pdf"},{"file_token":"boxAddedByHand","name":"scan.png"}]"""),
        }));

        schema.ToBitable(files, $"{Invoice}, boxAddedByHand", new Dictionary<string, string?>()).ShouldBe(new BitableValue.Attachments("boxInvoice", "boxAddedByHand"));
        schema.FromBitable(record).ShouldBe(["PO-1", $"{Invoice},boxAddedByHand"]);
        schema.FromDatabase(new DbRow("PO-1", new Dictionary<string, object?> { ["order_no"] = "PO-1", ["files"] = $"{Invoice}, boxAddedByHand" })).ShouldBe(["PO-1", $"{Invoice},boxAddedByHand"]);
    }

    [Fact]
    public void A_url_that_gave_no_file_is_refused_with_the_reason_and_one_not_yet_uploaded_is_refused_too()
    {
        var failed = Schema() with { Files = FileIndex.Empty with { Failed = new Dictionary<string, string> { [Invoice] = "fetching it answered HTTP 404 Not Found" } } };
        var files = failed.Columns.Single(c => c.Column == "files");

        Should.Throw<FormatException>(() => failed.ToBitable(files, Invoice, new Dictionary<string, string?>())).Message.ShouldContain("HTTP 404");
        Should.Throw<FormatException>(() => Schema().ToBitable(files, "http://erp.example.com/other.pdf", new Dictionary<string, string?>())).Message.ShouldContain("not uploaded");
    }

    [Fact]
    public void A_dry_run_takes_a_url_it_would_upload_without_refusing_the_row()
    {
        var schema = Schema() with { Files = FileIndex.Empty with { ToUpload = new HashSet<string> { Invoice } } };

        schema.ToBitable(schema.Columns.Single(c => c.Column == "files"), Invoice, new Dictionary<string, string?>()).ShouldBe(new BitableValue.Attachments(Invoice));
    }

    private static SyncSchema Schema() => SyncSchema.Resolve(new("order_no", "fldOrder", [new("order_no", "fldOrder"), new("files", "fldFiles")]), Fields, Columns);

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
