using Larkway.Feishu;
using Larkway.Feishu.Bitable;
using Larkway.Integration.Tests.Infrastructure;

namespace Larkway.Integration.Tests.Bitable;

/// <summary>
/// Record batches over the wire against the Emulator: split at the configured caps, a resend after a lost answer creates
/// nothing twice (the same client_token), a record Feishu refuses is isolated while the rest land, and searches page lazily.
/// </summary>
public sealed class BitableBatchWireTests(EmulatorFixture fx) : IClassFixture<EmulatorFixture>
{
    private const string Create = "/records/batch_create";

    [Fact]
    public async Task A_batch_over_the_cap_goes_in_chunks_and_a_search_pages_through_them_lazily()
    {
        using var recorder = new RecordingHandler();
        using var client = fx.CreateClient(recorder, o => o.Bitable = new BitableOptions { BatchCreateSize = 10, BatchUpdateSize = 8, BatchDeleteSize = 7, BatchGetSize = 6 });
        var (app, table) = await TableAsync(client);

        var made = await client.Bitable.Records.BatchCreateAsync(app, table, Enumerable.Range(1, 25).Select(Row));
        var updated = await client.Bitable.Records.BatchUpdateAsync(app, table, made.Select(r => new BitableRecordUpdate(r.RecordId, new BitableRecordFields { ["Amount"] = new BitableValue.Number(1) })));
        var got = await client.Bitable.Records.BatchGetAsync(app, table, made.Take(13).Select(r => r.RecordId));

        Assert.Equal(25, made.Select(r => r.RecordId).Distinct().Count());
        Assert.Equal(3, Calls(recorder, Create));
        Assert.Equal([10, 10, 5], recorder.Calls.Where(c => c.Path.EndsWith(Create, StringComparison.Ordinal)).Select(c => RecordsIn(c.Body)));
        Assert.Equal(25, updated.Count);
        Assert.Equal(4, Calls(recorder, "/records/batch_update"));
        Assert.Equal(13, got.Records.Count);
        Assert.Equal(3, Calls(recorder, "/records/batch_get"));

        // Lazily, page by page: 25 records in pages of 10.
        var pages = await client.Bitable.Records.SearchAsync(app, table).AsPages(pageSize: 10).ToListAsync();
        Assert.Equal([10, 10, 5], pages.Select(p => p.Items.Count));
        Assert.Equal(made.Select(r => r.RecordId).Order(StringComparer.Ordinal), pages.SelectMany(p => p.Items).Select(r => r.RecordId).Order(StringComparer.Ordinal));
        var first = await client.Bitable.Records.SearchAsync(app, table, pageSize: 10).Take(3).ToListAsync();
        Assert.Equal(3, first.Count);
        Assert.Equal(4, Calls(recorder, "/records/search"));

        // Deleted in chunks of 7; the last chunk names a record already gone, which Feishu refuses whole (1254043): halved
        // until the gone one stands alone, reported as not deleted, the others deleted.
        var deleted = await client.Bitable.Records.BatchDeleteAsync(app, table, made.Select(r => r.RecordId).Append(made[0].RecordId));
        Assert.Equal(26, deleted.Count);
        Assert.Equal(25, deleted.Take(25).Count(d => d.Deleted));
        Assert.False(deleted[25].Deleted);
        Assert.Equal([7, 7, 7, 5], recorder.Calls.Where(c => c.Path.EndsWith("/records/batch_delete", StringComparison.Ordinal)).Take(4).Select(c => RecordsIn(c.Body)));
        Assert.Empty(await client.Bitable.Records.SearchAsync(app, table).ToListAsync());
    }

    [Fact]
    public async Task A_batch_whose_answer_was_lost_is_resent_with_its_client_token_and_makes_no_record_twice()
    {
        using var recorder = new RecordingHandler();
        using var client = fx.CreateClient(recorder);
        var (app, table) = await TableAsync(client);

        // The Emulator applies the batch, then answers 500: the client's retry sends the same bytes and gets the first answer.
        await fx.Control.ArmFaultAsync("POST /open-apis/bitable/v1/apps/{app_token}/tables/{table_id}/records/batch_create", "server_error_after");
        var made = await client.Bitable.Records.BatchCreateAsync(app, table, Enumerable.Range(1, 12).Select(Row));

        var attempts = recorder.Calls.Where(c => c.Path.EndsWith(Create, StringComparison.Ordinal)).ToList();
        Assert.Equal(2, attempts.Count);
        Assert.Equal(attempts[0].Query, attempts[1].Query);
        Assert.Contains("client_token=", attempts[0].Query, StringComparison.Ordinal);
        Assert.Equal(attempts[0].Body, attempts[1].Body);
        Assert.Equal(12, made.Count);
        Assert.Equal(12, await client.Bitable.Records.SearchAsync(app, table).CountAsync());

        // A re-run of the same batch with the caller's own token (after a crash, say) creates nothing more either.
        var token = Guid.NewGuid();
        var once = await client.Bitable.Records.BatchCreateAsync(app, table, Enumerable.Range(100, 3).Select(Row), new BitableWriteOptions { ClientToken = token });
        var twice = await client.Bitable.Records.BatchCreateAsync(app, table, Enumerable.Range(100, 3).Select(Row), new BitableWriteOptions { ClientToken = token });
        Assert.Equal(once.Select(r => r.RecordId), twice.Select(r => r.RecordId));
        Assert.Equal(15, await client.Bitable.Records.SearchAsync(app, table).CountAsync());
    }

    [Fact]
    public async Task A_record_Feishu_refuses_is_isolated_by_halving_and_the_others_are_written()
    {
        using var recorder = new RecordingHandler();
        using var client = fx.CreateClient(recorder);
        var (app, table) = await TableAsync(client);
        var rows = Enumerable.Range(1, 8).Select(Row).ToList();
        // A person Feishu does not know: only the server can tell.
        rows[5] = new BitableRecordFields { ["Title"] = new BitableValue.Text("PO-6"), ["Owner"] = new BitableValue.Persons("ou_nobody_at_all") };

        var refused = await Assert.ThrowsAsync<BitableBatchException<BitableRecord>>(() => client.Bitable.Records.BatchCreateAsync(app, table, rows));

        var failure = Assert.Single(refused.Failures);
        Assert.Equal(5, failure.Index);
        Assert.True(FeishuErrorCodes.IsBitableRecordError(failure.Error.Code), failure.Error.Message);
        Assert.Equal([0, 1, 2, 3, 4, 6, 7], refused.Succeeded);
        Assert.Empty(refused.NotSent);
        var titles = await client.Bitable.Records.SearchAsync(app, table).Select(r => r.Fields.Get<BitableValue.Text>("Title")!.PlainText).ToListAsync();
        Assert.Equal(["PO-1", "PO-2", "PO-3", "PO-4", "PO-5", "PO-7", "PO-8"], titles.Order(StringComparer.Ordinal));
    }

    private static BitableRecordFields Row(int i) => new() { ["Title"] = new BitableValue.Text($"PO-{i}"), ["Amount"] = new BitableValue.Number(i) };

    private static async Task<(string App, string Table)> TableAsync(FeishuClient client)
    {
        var app = (await client.Bitable.Apps.CreateAsync(new BitableAppCreate { Name = "Batches" })).AppToken;
        var table = await client.Bitable.Tables.CreateAsync(app, new BitableTableCreate("Orders")
        {
            Fields = [BitableFieldDefinition.Text("Title"), BitableFieldDefinition.Number("Amount"), BitableFieldDefinition.User("Owner")],
        });
        return (app, table.TableId);
    }

    private static int Calls(RecordingHandler recorder, string suffix) =>
        recorder.Calls.Count(c => c.Method == "POST" && c.Path.EndsWith(suffix, StringComparison.Ordinal));

    private static int RecordsIn(string? body) =>
        System.Text.Json.JsonDocument.Parse(body!).RootElement.GetProperty("records").GetArrayLength();
}
