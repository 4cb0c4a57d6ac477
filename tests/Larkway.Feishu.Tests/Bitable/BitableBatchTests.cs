using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Larkway.Feishu.Bitable;
using Larkway.Feishu.Tests.Infrastructure;

namespace Larkway.Feishu.Tests.Bitable;

/// <summary>
/// Record batches: split at the caps, idempotent through client tokens, bisected around bad records, shrunk on 1254607
/// and restored, capped on 1254104, retried on 1254291/1254290/1254608, and stopped with an exact account otherwise.
/// A small fake table answers here; the behaviours the Emulator can provoke (splitting, bisection of a record of the
/// wrong type, deleting ids that are gone, a lost answer retried with its client token) belong against it too.
/// </summary>
public class BitableBatchTests
{
    private const string App = "bascnApp1";
    private const string Table = "tblT1";

    private static BitableRecordFields Row(string title) => new() { ["Title"] = new BitableValue.Text(title) };

    private static IReadOnlyList<string> Titles(RecordedRequest request) =>
        JsonNode.Parse(request.Body!)!["records"]!.AsArray().Select(r => r!["fields"]!["Title"]!.GetValue<string>()).ToList();

    private static string? ClientToken(RecordedRequest request) =>
        System.Web.HttpUtility.ParseQueryString(request.Query).Get("client_token");

    /// <summary>A table that creates what it is sent (ids from the titles) unless <paramref name="refuse"/> answers for the batch.</summary>
    private static StubHandler FakeTable(Func<IReadOnlyList<string>, int, HttpResponseMessage?>? refuse = null) => new((request, n) =>
    {
        var titles = Titles(request);
        if (refuse?.Invoke(titles, n) is { } refusal)
        {
            return refusal;
        }

        var records = titles.Select(t => $$$"""{"record_id":"rec_{{{t}}}","fields":{"Title":[{"type":"text","text":"{{{t}}}"}]}}""");
        return Responses.Ok("{\"records\":[" + string.Join(",", records) + "]}");
    });

    private static HttpResponseMessage Refused(int code, string msg = "refused") => Responses.Json($$$"""{"code":{{{code}}},"msg":"{{{msg}}}","data":{}}""");

    [Fact]
    public async Task A_batch_is_split_at_the_configured_cap_and_results_come_back_in_order()
    {
        var stub = FakeTable();
        using var client = TestClients.Create(stub, o => o.Bitable.BatchCreateSize = BitableOptions.ConservativeBatchSize);
        var rows = Enumerable.Range(0, 450).Select(i => Row($"r{i}")).ToList();

        var created = await client.Bitable.Records.BatchCreateAsync(App, Table, rows);

        Assert.Equal([200, 200, 50], stub.ApiCalls.Select(c => Titles(c).Count));
        Assert.Equal(Enumerable.Range(0, 450).Select(i => $"rec_r{i}"), created.Select(r => r.RecordId));
        Assert.All(stub.ApiCalls, c => Assert.Equal("/open-apis/bitable/v1/apps/bascnApp1/tables/tblT1/records/batch_create", c.Path));
    }

    [Fact]
    public async Task Defaults_are_the_current_caps_1000_to_create_and_500_to_delete()
    {
        var create = FakeTable();
        using var client = TestClients.Create(create);
        await client.Bitable.Records.BatchCreateAsync(App, Table, Enumerable.Range(0, 1001).Select(i => Row($"r{i}")));
        Assert.Equal([1000, 1], create.ApiCalls.Select(c => Titles(c).Count));

        var delete = new StubHandler((r, _) => Responses.Ok("""{"records":[]}"""));
        using var deleter = TestClients.Create(delete);
        await deleter.Bitable.Records.BatchDeleteAsync(App, Table, Enumerable.Range(0, 1001).Select(i => $"rec{i}"));
        Assert.Equal([500, 500, 1], delete.ApiCalls.Select(c => JsonNode.Parse(c.Body!)!["records"]!.AsArray().Count));
    }

    [Fact]
    public async Task Each_chunk_has_a_uuid_v4_client_token_derived_from_the_batch_token_so_a_rerun_reuses_them()
    {
        var first = FakeTable();
        var second = FakeTable();
        var batchToken = Guid.NewGuid();
        var rows = Enumerable.Range(0, 5).Select(i => Row($"r{i}")).ToList();
        using (var client = TestClients.Create(first, o => o.Bitable.BatchCreateSize = 2))
        {
            await client.Bitable.Records.BatchCreateAsync(App, Table, rows, new BitableWriteOptions { ClientToken = batchToken });
        }

        using (var client = TestClients.Create(second, o => o.Bitable.BatchCreateSize = 2))
        {
            await client.Bitable.Records.BatchCreateAsync(App, Table, rows, new BitableWriteOptions { ClientToken = batchToken });
        }

        var tokens = first.ApiCalls.Select(ClientToken).ToList();
        Assert.Equal(3, tokens.Distinct().Count());
        Assert.All(tokens, t => Assert.Equal(4, Guid.Parse(t!).Version));
        Assert.Equal(tokens, second.ApiCalls.Select(ClientToken));
        Assert.DoesNotContain(batchToken.ToString(), tokens);
    }

    [Theory]
    [InlineData(FeishuErrorCodes.BitableWriteConflict)]
    [InlineData(FeishuErrorCodes.BitableTooManyRequests)]
    [InlineData(FeishuErrorCodes.BitableRequestResubmitted)]
    [InlineData(FeishuErrorCodes.BitableTimeout)]
    public async Task A_transient_answer_is_retried_with_the_same_bytes_and_client_token(int code)
    {
        var stub = FakeTable((_, n) => n == 1 ? Refused(code) : null);
        using var client = TestClients.Create(stub);

        var created = await client.Bitable.Records.BatchCreateAsync(App, Table, [Row("a"), Row("b")]);

        Assert.Equal(2, created.Count);
        Assert.Equal(2, stub.ApiCalls.Count);
        Assert.Equal(stub.ApiCalls[0].Query, stub.ApiCalls[1].Query);
        Assert.Equal(stub.ApiCalls[0].Body, stub.ApiCalls[1].Body);
        Assert.NotNull(ClientToken(stub.ApiCalls[0]));
    }

    [Fact]
    public async Task A_batch_refused_for_one_bad_record_is_bisected_and_the_others_are_written_once()
    {
        var written = new ConcurrentBag<string>();
        var stub = FakeTable((titles, _) => titles.Any(t => t.StartsWith("bad", StringComparison.Ordinal))
            ? Refused(FeishuErrorCodes.BitableFieldTypeValueNotMatch, "FieldTypeValueNotMatch")
            : null);
        using var client = TestClients.Create(stub, o => o.Bitable.BatchCreateSize = 16);
        var rows = Enumerable.Range(0, 16).Select(i => Row(i is 3 or 11 ? $"bad{i}" : $"ok{i}")).ToList();

        var ex = await Assert.ThrowsAsync<BitableBatchException<BitableRecord>>(() => client.Bitable.Records.BatchCreateAsync(App, Table, rows));

        Assert.Equal([3, 11], ex.Failures.Select(f => f.Index));
        Assert.All(ex.Failures, f => Assert.Equal(FeishuErrorCodes.BitableFieldTypeValueNotMatch, f.Error.Code));
        Assert.Equal(FeishuErrorCodes.BitableFieldTypeValueNotMatch, ex.Code);
        Assert.Empty(ex.NotSent);
        Assert.Equal(Enumerable.Range(0, 16).Where(i => i is not (3 or 11)), ex.Succeeded);
        Assert.Equal("rec_ok12", ex.Results[12]!.RecordId);
        Assert.Null(ex.Results[3]);

        // Every good record went out in exactly one accepted call; each call had its own token.
        var accepted = stub.ApiCalls.Where(c => !Titles(c).Any(t => t.StartsWith("bad", StringComparison.Ordinal))).SelectMany(Titles).ToList();
        Assert.Equal(14, accepted.Count);
        Assert.Equal(14, accepted.Distinct().Count());
        Assert.Equal(stub.ApiCalls.Count, stub.ApiCalls.Select(ClientToken).Distinct().Count());
        Assert.Contains("2 refused", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_every_record_shares_stops_after_the_allowed_refusals_instead_of_bisecting_them_all()
    {
        var stub = FakeTable((_, _) => Refused(FeishuErrorCodes.BitableFieldNameNotFound, "FieldNameNotFound"));
        using var client = TestClients.Create(stub, o => o.Bitable.MaxRecordFailures = 3);

        var ex = await Assert.ThrowsAsync<BitableBatchException<BitableRecord>>(() =>
            client.Bitable.Records.BatchCreateAsync(App, Table, Enumerable.Range(0, 1000).Select(i => Row($"r{i}"))));

        Assert.Equal([0, 1, 2], ex.Failures.Select(f => f.Index));
        Assert.Equal(997, ex.NotSent.Count);
        Assert.Empty(ex.Succeeded);
        Assert.Equal(FeishuErrorCodes.BitableFieldNameNotFound, ex.Code);
        Assert.True(stub.ApiCalls.Count <= 3 * 11, $"{stub.ApiCalls.Count} calls");
        Assert.Contains("MaxRecordFailures", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_bisection_a_refused_batch_fails_all_its_records_and_the_next_batch_still_goes()
    {
        var stub = FakeTable((titles, _) => titles.Contains("bad") ? Refused(FeishuErrorCodes.BitableTextConversionFailed) : null);
        using var client = TestClients.Create(stub, o =>
        {
            o.Bitable.BatchCreateSize = 3;
            o.Bitable.BisectRecordErrors = false;
        });

        var ex = await Assert.ThrowsAsync<BitableBatchException<BitableRecord>>(() =>
            client.Bitable.Records.BatchCreateAsync(App, Table, [Row("a"), Row("bad"), Row("c"), Row("d")]));

        Assert.Equal([0, 1, 2], ex.Failures.Select(f => f.Index));
        Assert.Equal([3], ex.Succeeded);
        Assert.Equal(2, stub.ApiCalls.Count);
    }

    [Fact]
    public async Task Data_not_ready_halves_the_batch_after_a_wait_and_successes_restore_it()
    {
        var refusals = 0;
        var stub = FakeTable((titles, _) => titles.Count > 4 && Interlocked.Increment(ref refusals) == 1
            ? Refused(FeishuErrorCodes.BitableDataNotReady, "Data not ready, please try again later")
            : null);
        using var client = TestClients.Create(stub, o =>
        {
            o.Bitable.BatchCreateSize = 8;
            o.Bitable.DataNotReadyDelay = TimeSpan.Zero;
            o.Bitable.RestoreAfterSuccesses = 2;
        });

        var created = await client.Bitable.Records.BatchCreateAsync(App, Table, Enumerable.Range(0, 20).Select(i => Row($"r{i}")));

        Assert.Equal(20, created.Count);
        Assert.Equal([8, 4, 4, 8, 4], stub.ApiCalls.Select(c => Titles(c).Count));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"r{i}"), stub.ApiCalls.Skip(1).SelectMany(Titles));
    }

    [Fact]
    public async Task The_shrunk_size_is_remembered_for_the_table_until_successes_restore_it()
    {
        var refuseBig = true;
        var stub = FakeTable((titles, _) => refuseBig && titles.Count > 2 ? Refused(FeishuErrorCodes.BitableDataNotReady) : null);
        using var client = TestClients.Create(stub, o =>
        {
            o.Bitable.BatchCreateSize = 8;
            o.Bitable.DataNotReadyDelay = TimeSpan.Zero;
            o.Bitable.RestoreAfterSuccesses = 100;
        });

        await client.Bitable.Records.BatchCreateAsync(App, Table, Enumerable.Range(0, 8).Select(i => Row($"a{i}")));
        refuseBig = false;
        var before = stub.ApiCalls.Count;
        await client.Bitable.Records.BatchCreateAsync(App, Table, Enumerable.Range(0, 4).Select(i => Row($"b{i}")));
        await client.Bitable.Records.BatchCreateAsync("bascnOther", Table, Enumerable.Range(0, 4).Select(i => Row($"c{i}")));

        Assert.Equal([8, 4, 2, 2, 2, 2], stub.ApiCalls.Take(before).Select(c => Titles(c).Count));
        Assert.Equal([2, 2, 4], stub.ApiCalls.Skip(before).Select(c => Titles(c).Count));
    }

    [Fact]
    public async Task Data_not_ready_past_the_retry_limit_stops_the_batch_reporting_what_was_written()
    {
        var stub = FakeTable((titles, _) => titles.Contains("r2") ? Refused(FeishuErrorCodes.BitableDataNotReady) : null);
        using var client = TestClients.Create(stub, o =>
        {
            o.Bitable.BatchCreateSize = 2;
            o.Bitable.DataNotReadyDelay = TimeSpan.Zero;
            o.Bitable.MaxDataNotReadyRetries = 2;
        });

        var ex = await Assert.ThrowsAsync<BitableBatchException<BitableRecord>>(() =>
            client.Bitable.Records.BatchCreateAsync(App, Table, Enumerable.Range(0, 6).Select(i => Row($"r{i}"))));

        Assert.Equal(FeishuErrorCodes.BitableDataNotReady, ex.Code);
        Assert.True(ex.IsTransient);
        Assert.Equal([0, 1], ex.Succeeded);
        Assert.Equal([2, 3, 4, 5], ex.NotSent);
        Assert.Empty(ex.Failures);
        Assert.IsType<FeishuApiException>(ex.InnerException);
    }

    [Fact]
    public async Task Over_the_tables_cap_1254104_lowers_the_cap_for_good()
    {
        var stub = FakeTable((titles, _) => titles.Count > 500 ? Refused(FeishuErrorCodes.BitableBatchSizeExceeded, "RecordAddOnceExceedLimit") : null);
        using var client = TestClients.Create(stub);

        await client.Bitable.Records.BatchCreateAsync(App, Table, Enumerable.Range(0, 1200).Select(i => Row($"r{i}")));
        await client.Bitable.Records.BatchCreateAsync(App, Table, Enumerable.Range(0, 600).Select(i => Row($"s{i}")));

        Assert.Equal([1000, 500, 500, 200, 500, 100], stub.ApiCalls.Select(c => Titles(c).Count));
    }

    [Fact]
    public async Task An_error_that_is_no_records_fault_stops_the_batch_with_an_exact_account()
    {
        var stub = FakeTable((_, n) => n == 2 ? Refused(FeishuErrorCodes.BitablePermissionDenied, "Permission denied.") : null);
        using var client = TestClients.Create(stub, o => o.Bitable.BatchCreateSize = 4);

        var ex = await Assert.ThrowsAsync<BitableBatchException<BitableRecord>>(() =>
            client.Bitable.Records.BatchCreateAsync(App, Table, Enumerable.Range(0, 10).Select(i => Row($"r{i}"))));

        Assert.Equal(FeishuErrorCodes.BitablePermissionDenied, ex.Code);
        Assert.Equal([0, 1, 2, 3], ex.Succeeded);
        Assert.Equal([4, 5, 6, 7, 8, 9], ex.NotSent);
        Assert.Equal(2, stub.ApiCalls.Count);
        Assert.Contains("4 of 10 records written", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_record_is_refused_before_anything_is_sent()
    {
        var stub = FakeTable();
        using var client = TestClients.Create(stub);
        var rows = Enumerable.Range(0, 10).Select(i => Row($"r{i}")).ToList();
        rows[5]["Phone"] = new BitableValue.Phone("not a phone");

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => client.Bitable.Records.BatchCreateAsync(App, Table, rows));

        Assert.StartsWith("Record [5]: field 'Phone'", ex.Message, StringComparison.Ordinal);
        Assert.Empty(stub.ApiCalls);
    }

    [Fact]
    public async Task Batch_update_sends_ids_with_their_cells_and_is_bisected_around_a_missing_record()
    {
        var stub = new StubHandler((r, _) =>
        {
            var records = JsonNode.Parse(r.Body!)!["records"]!.AsArray();
            if (records.Any(x => x!["record_id"]!.GetValue<string>() == "recGone"))
            {
                return Refused(FeishuErrorCodes.BitableRecordNotFound, "RecordIdNotFound");
            }

            return Responses.Ok("{\"records\":[" + string.Join(",", records.Select(x => $$$"""{"record_id":"{{{x!["record_id"]}}}","fields":{}}""")) + "]}");
        });
        using var client = TestClients.Create(stub);

        var ex = await Assert.ThrowsAsync<BitableBatchException<BitableRecord>>(() => client.Bitable.Records.BatchUpdateAsync(App, Table,
        [
            new BitableRecordUpdate("rec1", new BitableRecordFields { ["Done"] = new BitableValue.Checkbox(true) }),
            new BitableRecordUpdate("recGone", new BitableRecordFields { ["Done"] = new BitableValue.Checkbox(true) }),
            new BitableRecordUpdate("rec3", new BitableRecordFields { ["Done"] = BitableValue.Clear }),
        ]));

        Assert.Equal([1], ex.Failures.Select(f => f.Index));
        Assert.Equal(["rec1", "rec3"], ex.Results.Where(r => r is not null).Select(r => r!.RecordId));
        Assert.Equal("/open-apis/bitable/v1/apps/bascnApp1/tables/tblT1/records/batch_update", stub.ApiCalls[0].Path);
        Cards.JsonAssert.Equal("""{"records":[{"record_id":"rec1","fields":{"Done":true}},{"record_id":"recGone","fields":{"Done":true}},{"record_id":"rec3","fields":{"Done":null}}]}""",
            JsonNode.Parse(stub.ApiCalls[0].Body!));
    }

    [Fact]
    public async Task Batch_delete_reports_a_record_already_gone_as_not_deleted_instead_of_failing()
    {
        var stub = new StubHandler((r, _) =>
        {
            var ids = JsonNode.Parse(r.Body!)!["records"]!.AsArray().Select(x => x!.GetValue<string>()).ToList();
            return ids.Contains("recGone") ? Refused(FeishuErrorCodes.BitableRecordNotFound)
                : Responses.Ok("{\"records\":[" + string.Join(",", ids.Select(id => $$"""{"deleted":true,"record_id":"{{id}}"}""")) + "]}");
        });
        using var client = TestClients.Create(stub);

        var deleted = await client.Bitable.Records.BatchDeleteAsync(App, Table, ["rec1", "recGone", "rec3", "rec4"]);

        Assert.Equal([("rec1", true), ("recGone", false), ("rec3", true), ("rec4", true)], deleted.Select(d => (d.RecordId, d.Deleted)));
        Assert.Equal("/open-apis/bitable/v1/apps/bascnApp1/tables/tblT1/records/batch_delete", stub.ApiCalls[0].Path);
    }

    [Fact]
    public async Task Writes_to_one_base_go_one_at_a_time_while_another_base_is_not_held_up()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inFlight = 0;
        var maxInFlightOnApp = 0;
        var stub = new StubHandler(async (r, n, ct) =>
        {
            var onApp = r.Path.Contains(App, StringComparison.Ordinal);
            if (onApp)
            {
                var now = Interlocked.Increment(ref inFlight);
                InterlockedMax(ref maxInFlightOnApp, now);
                if (n == 1)
                {
                    firstArrived.SetResult();
                    await release.Task.WaitAsync(ct);
                }

                Interlocked.Decrement(ref inFlight);
            }

            return Responses.Ok("""{"record":{"record_id":"rec1","fields":{}}}""");
        });
        using var client = TestClients.Create(stub);

        var first = client.Bitable.Records.CreateAsync(App, Table, Row("a"));
        await firstArrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var second = client.Bitable.Records.UpdateAsync(App, Table, "rec1", Row("b"));
        var schema = client.Bitable.Fields.DeleteAsync(App, Table, "fld1");
        await client.Bitable.Records.CreateAsync("bascnOther", Table, Row("c")).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(2, stub.ApiCalls.Count);
        Assert.False(second.IsCompleted);
        release.SetResult();
        await Task.WhenAll(first, second, schema).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, maxInFlightOnApp);
        Assert.Equal(4, stub.ApiCalls.Count);
    }

    [Fact]
    public async Task Without_serialisation_writes_to_one_base_overlap()
    {
        var arrived = 0;
        var both = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stub = new StubHandler(async (_, _, ct) =>
        {
            if (Interlocked.Increment(ref arrived) == 2)
            {
                both.SetResult();
            }

            await both.Task.WaitAsync(ct);
            return Responses.Ok("""{"record":{"record_id":"rec1","fields":{}}}""");
        });
        using var client = TestClients.Create(stub, o => o.Bitable.SerializeWritesPerBase = false);

        await Task.WhenAll(client.Bitable.Records.CreateAsync(App, Table, Row("a")), client.Bitable.Records.CreateAsync(App, Table, Row("b"))).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(2, arrived);
    }

    [Fact]
    public async Task Calls_are_paced_per_endpoint_at_their_tier_and_a_full_queue_fails_locally()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"app":{"app_token":"bascnNew"}}"""));
        using var client = TestClients.Create(stub, o =>
        {
            o.Bitable.AppCreatesPerMinute = 1;
            o.RateLimit.QueueLimit = 0;
        });

        await client.Bitable.Apps.CreateAsync();
        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.Bitable.Apps.CreateAsync());
        await client.Bitable.Apps.CopyAsync(App); // Another endpoint: its own allowance.

        Assert.Equal(FeishuErrorCodes.ClientRateLimitQueueFull, ex.Code);
        Assert.Contains("POST /open-apis/bitable/v1/apps", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, stub.ApiCalls.Count);
    }

    [Fact]
    public async Task Pacing_can_be_turned_off()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"app":{"app_token":"bascnNew"}}"""));
        using var client = TestClients.Create(stub, o =>
        {
            o.Bitable.AppCreatesPerMinute = 1;
            o.Bitable.PaceRequests = false;
            o.RateLimit.QueueLimit = 0;
        });

        await client.Bitable.Apps.CreateAsync();
        await client.Bitable.Apps.CreateAsync();

        Assert.Equal(2, stub.ApiCalls.Count);
    }

    [Fact]
    public async Task A_single_create_that_hits_a_write_conflict_is_retried_with_its_client_token()
    {
        var stub = new StubHandler((_, n) => n == 1 ? Responses.Json("""{"code":1254291,"msg":"Write conflict"}""", HttpStatusCode.BadRequest)
            : Responses.Ok("""{"record":{"record_id":"recA","fields":{}}}"""));
        using var client = TestClients.Create(stub);

        var record = await client.Bitable.Records.CreateAsync(App, Table, Row("a"));

        Assert.Equal("recA", record.RecordId);
        Assert.Equal(ClientToken(stub.ApiCalls[0]), ClientToken(stub.ApiCalls[1]));
    }

    [Fact]
    public void Batch_options_out_of_the_documented_ranges_are_refused_at_start()
    {
        Assert.Throws<ArgumentException>(() => new FeishuClient(TestClients.Options(o => o.Bitable.BatchCreateSize = 1001), handler: FakeTable()));
        Assert.Throws<ArgumentException>(() => new FeishuClient(TestClients.Options(o => o.Bitable.BatchDeleteSize = 501), handler: FakeTable()));
        Assert.Throws<ArgumentException>(() => new FeishuClient(TestClients.Options(o => o.Bitable.BatchGetSize = 0), handler: FakeTable()));
        Assert.Throws<ArgumentException>(() => new FeishuClient(TestClients.Options(o => o.Bitable.WritesPerSecond = 0), handler: FakeTable()));
        using var legacy = new FeishuClient(TestClients.Options(o => o.Bitable.BatchCreateSize = BitableOptions.LegacyBatchSize), handler: FakeTable());
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
