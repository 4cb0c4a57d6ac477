using System.Net;
using System.Text.Json.Nodes;
using Larkway.Feishu.Bitable;
using Larkway.Feishu.Im;
using Larkway.Feishu.Tests.Cards;
using Larkway.Feishu.Tests.Infrastructure;

namespace Larkway.Feishu.Tests.Bitable;

/// <summary>
/// What each bitable call puts on the wire (method, path, query, body) and how its answer is read. Against a stub, so
/// the request shapes are pinned; the same calls against the Emulator's engine belong in the integration tests.
/// </summary>
public class BitableEndpointTests
{
    private const string App = "bascnApp1";
    private const string Table = "tblT1";

    private static JsonNode? Body(RecordedRequest request) => JsonNode.Parse(request.Body!);

    [Fact]
    public async Task Apps_create_get_update_and_copy()
    {
        var stub = new StubHandler((r, _) => Responses.Ok(r.Method == HttpMethod.Get
            ? """{"app":{"app_token":"bascnApp1","name":"Plan","revision":3,"is_advanced":false,"time_zone":"Asia/Shanghai","formula_type":2}}"""
            : """{"app":{"app_token":"bascnNew","name":"Plan","folder_token":"fld1","url":"https://x.feishu.cn/base/bascnNew","default_table_id":"tblD","time_zone":"Asia/Shanghai"}}"""));
        using var client = TestClients.Create(stub);

        var created = await client.Bitable.Apps.CreateAsync(new BitableAppCreate { Name = "Plan", FolderToken = "fld1", TimeZone = "Asia/Shanghai" });
        var got = await client.Bitable.Apps.GetAsync(App);
        await client.Bitable.Apps.UpdateAsync(App, name: "Plan 2");
        await client.Bitable.Apps.CopyAsync(App, new BitableAppCopy { Name = "Copy", WithoutContent = true });

        Assert.Equal(("bascnNew", "tblD"), (created.AppToken, created.DefaultTableId));
        Assert.Equal((3, false, 2), (got.Revision, got.IsAdvanced, got.FormulaType));
        var calls = stub.ApiCalls;
        Assert.Equal(("POST", "/open-apis/bitable/v1/apps"), (calls[0].Method.Method, calls[0].Path));
        JsonAssert.Equal("""{"name":"Plan","folder_token":"fld1","time_zone":"Asia/Shanghai"}""", Body(calls[0]));
        Assert.Equal(("GET", "/open-apis/bitable/v1/apps/bascnApp1"), (calls[1].Method.Method, calls[1].Path));
        Assert.Equal(("PUT", "/open-apis/bitable/v1/apps/bascnApp1"), (calls[2].Method.Method, calls[2].Path));
        JsonAssert.Equal("""{"name":"Plan 2"}""", Body(calls[2]));
        Assert.Equal(("POST", "/open-apis/bitable/v1/apps/bascnApp1/copy"), (calls[3].Method.Method, calls[3].Path));
        JsonAssert.Equal("""{"name":"Copy","without_content":true}""", Body(calls[3]));
        await Assert.ThrowsAsync<ArgumentException>(() => client.Bitable.Apps.UpdateAsync(App));
        await Assert.ThrowsAsync<ArgumentException>(() => client.Bitable.Apps.CreateAsync(new BitableAppCreate { Name = new string('x', 256) }));
        Assert.Equal(4, stub.ApiCalls.Count);
    }

    [Fact]
    public async Task Tables_page_lazily_and_are_created_renamed_and_deleted()
    {
        var stub = new StubHandler((r, _) => r.Path switch
        {
            _ when r.Method == HttpMethod.Get && r.Query.Contains("page_token=p2", StringComparison.Ordinal) =>
                Responses.Ok("""{"has_more":false,"total":3,"items":[{"table_id":"tbl3","name":"C","revision":1}]}"""),
            _ when r.Method == HttpMethod.Get => Responses.Ok("""{"has_more":true,"page_token":"p2","total":3,"items":[{"table_id":"tbl1","name":"A","revision":5},{"table_id":"tbl2","name":"B","revision":2}]}"""),
            "/open-apis/bitable/v1/apps/bascnApp1/tables" => Responses.Ok("""{"table_id":"tblNew","default_view_id":"vewD","field_id_list":["fld1","fld2"]}"""),
            "/open-apis/bitable/v1/apps/bascnApp1/tables/batch_create" => Responses.Ok("""{"table_ids":["tblX","tblY"]}"""),
            _ when r.Method == HttpMethod.Patch => Responses.Ok("""{"name":"Renamed"}"""),
            _ => Responses.Ok(),
        });
        using var client = TestClients.Create(stub);

        var tables = new List<BitableTable>();
        await foreach (var table in client.Bitable.Tables.ListAsync(App, pageSize: 2))
        {
            tables.Add(table);
        }

        var created = await client.Bitable.Tables.CreateAsync(App, new BitableTableCreate("Orders")
        {
            DefaultViewName = "All",
            Fields = [BitableFieldDefinition.Text("Title"), BitableFieldDefinition.Number("Amount", "0.00")],
        });
        var ids = await client.Bitable.Tables.BatchCreateAsync(App, ["X", "Y"]);
        var name = await client.Bitable.Tables.RenameAsync(App, Table, "Renamed");
        await client.Bitable.Tables.DeleteAsync(App, Table);
        await client.Bitable.Tables.BatchDeleteAsync(App, ["tblX", "tblY"]);

        Assert.Equal(["tbl1", "tbl2", "tbl3"], tables.Select(t => t.TableId));
        Assert.Equal(new BitableTableCreated("tblNew", "vewD", ["fld1", "fld2"]) with { FieldIds = created.FieldIds }, created);
        Assert.Equal(["fld1", "fld2"], created.FieldIds);
        Assert.Equal(["tblX", "tblY"], ids);
        Assert.Equal("Renamed", name);
        var calls = stub.ApiCalls;
        Assert.Equal("?page_size=2", calls[0].Query);
        Assert.Equal("?page_size=2&page_token=p2", calls[1].Query);
        JsonAssert.Equal("""{"table":{"name":"Orders","default_view_name":"All","fields":[{"field_name":"Title","type":1,"ui_type":"Text"},{"field_name":"Amount","type":2,"ui_type":"Number","property":{"formatter":"0.00"}}]}}""", Body(calls[2]));
        JsonAssert.Equal("""{"tables":[{"name":"X"},{"name":"Y"}]}""", Body(calls[3]));
        Assert.Equal(("PATCH", "/open-apis/bitable/v1/apps/bascnApp1/tables/tblT1"), (calls[4].Method.Method, calls[4].Path));
        Assert.Equal(("DELETE", "/open-apis/bitable/v1/apps/bascnApp1/tables/tblT1"), (calls[5].Method.Method, calls[5].Path));
        Assert.Equal("/open-apis/bitable/v1/apps/bascnApp1/tables/batch_delete", calls[6].Path);
        JsonAssert.Equal("""{"table_ids":["tblX","tblY"]}""", Body(calls[6]));
    }

    [Fact]
    public async Task Table_names_and_schemas_Feishu_refuses_are_refused_before_sending()
    {
        var stub = new StubHandler((_, _) => Responses.Ok());
        using var client = TestClients.Create(stub);

        await Assert.ThrowsAsync<ArgumentException>(() => client.Bitable.Tables.CreateAsync(App, new BitableTableCreate("a/b")));
        await Assert.ThrowsAsync<ArgumentException>(() => client.Bitable.Tables.CreateAsync(App, new BitableTableCreate(new string('x', 101))));
        await Assert.ThrowsAsync<ArgumentException>(() => client.Bitable.Tables.CreateAsync(App, new BitableTableCreate("T") { DefaultViewName = "V" }));
        await Assert.ThrowsAsync<ArgumentException>(() => client.Bitable.Tables.CreateAsync(App, new BitableTableCreate("T") { Fields = [new BitableFieldDefinition("L", BitableFieldType.Lookup)] }));
        await Assert.ThrowsAsync<ArgumentException>(() => client.Bitable.Tables.RenameAsync(App, Table, "[x]"));
        Assert.Throws<ArgumentOutOfRangeException>(() => client.Bitable.Tables.ListAsync(App, pageSize: 101));
        await Assert.ThrowsAsync<ArgumentException>(() => client.Bitable.Views.CreateAsync(App, Table, "a[1]"));
        await Assert.ThrowsAsync<ArgumentException>(() => client.Bitable.Views.CreateAsync(App, Table, "ok", "calendar"));
        Assert.Empty(stub.ApiCalls);
    }

    [Fact]
    public async Task Fields_list_by_view_and_create_with_a_uuid_v4_client_token()
    {
        var field = """{"field_id":"fldN","field_name":"Status","type":3,"ui_type":"SingleSelect","property":{"options":[{"name":"Open","id":"opt1","color":0}]},"is_primary":false}""";
        var stub = new StubHandler((r, _) => r.Method == HttpMethod.Get
            ? Responses.Ok($$"""{"has_more":false,"total":1,"items":[{{field}}]}""")
            : r.Method == HttpMethod.Delete ? Responses.Ok("""{"field_id":"fldN","deleted":true}""") : Responses.Ok($$"""{"field":{{field}}}"""));
        using var client = TestClients.Create(stub);
        var token = Guid.NewGuid();

        var fields = new List<BitableField>();
        await foreach (var f in client.Bitable.Fields.ListAsync(App, Table, viewId: "vew1"))
        {
            fields.Add(f);
        }

        var created = await client.Bitable.Fields.CreateAsync(App, Table, BitableFieldDefinition.SingleSelect("Status", "Open"), token);
        await client.Bitable.Fields.CreateAsync(App, Table, BitableFieldDefinition.Checkbox("Done"));
        await client.Bitable.Fields.UpdateAsync(App, Table, "fldN", BitableFieldDefinition.SingleSelect("Status", "Open", "Closed"));
        await client.Bitable.Fields.DeleteAsync(App, Table, "fldN");

        Assert.Equal("opt1", Assert.Single(fields).Property!.Options![0].Id);
        Assert.Equal("fldN", created.FieldId);
        var calls = stub.ApiCalls;
        Assert.Equal("/open-apis/bitable/v1/apps/bascnApp1/tables/tblT1/fields", calls[0].Path);
        Assert.Equal("?view_id=vew1", calls[0].Query);
        Assert.Equal($"?client_token={token}", calls[1].Query);
        var made = Guid.Parse(calls[2].Query["?client_token=".Length..]);
        Assert.Equal(4, made.Version);
        Assert.Equal(("PUT", "/open-apis/bitable/v1/apps/bascnApp1/tables/tblT1/fields/fldN"), (calls[3].Method.Method, calls[3].Path));
        JsonAssert.Equal("""{"field_name":"Status","type":3,"ui_type":"SingleSelect","property":{"options":[{"name":"Open"},{"name":"Closed"}]}}""", Body(calls[3]));
        Assert.Equal("DELETE", calls[4].Method.Method);
        await Assert.ThrowsAsync<ArgumentException>(() => client.Bitable.Fields.CreateAsync(App, Table, BitableFieldDefinition.Text("T"), Guid.CreateVersion7()));
        Assert.Equal(5, stub.ApiCalls.Count);
    }

    [Fact]
    public async Task Views_are_patched_with_filter_info_whose_values_are_json_arrays_in_strings()
    {
        var view = """{"view_id":"vew1","view_name":"Late","view_type":"grid","property":{"filter_info":{"conjunction":"and","conditions":[{"field_id":"fldD","operator":"isGreater","value":"[\"ExactDate\",\"1642672432000\"]","condition_id":"c1","field_type":5}]},"hidden_fields":["fldH"]}}""";
        var stub = new StubHandler((r, _) => r.Method == HttpMethod.Get && r.Path.EndsWith("/views", StringComparison.Ordinal)
            ? Responses.Ok("""{"has_more":false,"items":[{"view_id":"vew1","view_name":"Late","view_type":"grid","view_public_level":"Public"}]}""")
            : Responses.Ok($$"""{"view":{{view}}}"""));
        using var client = TestClients.Create(stub);

        var listed = new List<BitableView>();
        await foreach (var v in client.Bitable.Views.ListAsync(App, Table, userIdType: UserIdType.UnionId))
        {
            listed.Add(v);
        }

        await client.Bitable.Views.CreateAsync(App, Table, "Late", BitableViewTypes.Kanban);
        var patched = await client.Bitable.Views.PatchAsync(App, Table, "vew1", new BitableViewPatch
        {
            ViewName = "Late",
            Filter = BitableFilter.And(
                BitableWhere.Date("fldD").IsGreater(BitableDateValue.Exact(DateTimeOffset.FromUnixTimeMilliseconds(1642672432000))),
                BitableWhere.MultiSelect("fldM").Contains("a", "b")),
            HiddenFields = ["fldH"],
        });
        var got = await client.Bitable.Views.GetAsync(App, Table, "vew1");
        await client.Bitable.Views.DeleteAsync(App, Table, "vew1");

        Assert.Equal("Public", Assert.Single(listed).ViewPublicLevel);
        Assert.Equal("[\"ExactDate\",\"1642672432000\"]", patched.Property!.FilterInfo!.Conditions![0].Value);
        Assert.Equal(["fldH"], got.Property!.HiddenFields);
        var calls = stub.ApiCalls;
        Assert.Equal("?user_id_type=union_id", calls[0].Query);
        JsonAssert.Equal("""{"view_name":"Late","view_type":"kanban"}""", Body(calls[1]));
        Assert.Equal(("PATCH", "/open-apis/bitable/v1/apps/bascnApp1/tables/tblT1/views/vew1"), (calls[2].Method.Method, calls[2].Path));
        JsonAssert.Equal("""
            {"view_name":"Late","property":{"filter_info":{"conjunction":"and","conditions":[
              {"field_id":"fldD","operator":"isGreater","value":"[\"ExactDate\",\"1642672432000\"]"},
              {"field_id":"fldM","operator":"contains","value":"[\"a\",\"b\"]"}]},
             "hidden_fields":["fldH"]}}
            """, Body(calls[2]));
        Assert.Equal("DELETE", calls[4].Method.Method);

        // A view's filter has no children and at least one condition.
        await Assert.ThrowsAsync<ArgumentException>(() => client.Bitable.Views.PatchAsync(App, Table, "vew1", new BitableViewPatch
        {
            Filter = BitableFilter.And(BitableFilter.Or(BitableWhere.Checkbox("fldC").Is(true))),
        }));
        await Assert.ThrowsAsync<ArgumentException>(() => client.Bitable.Views.PatchAsync(App, Table, "vew1", new BitableViewPatch()));
        Assert.Equal(5, stub.ApiCalls.Count);
    }

    [Fact]
    public async Task A_record_is_created_with_a_client_token_and_typed_cells_and_read_back_typed()
    {
        var record = """{"record":{"record_id":"recA","fields":{"Title":[{"type":"text","text":"Q3 plan"}],"Owner":[{"id":"ou_1","name":"Alice"}],"Parent":{"link_record_ids":["recP"]}}}}""";
        var stub = new StubHandler((r, _) => r.Method == HttpMethod.Delete ? Responses.Ok("""{"deleted":true,"record_id":"recA"}""") : Responses.Ok(record));
        using var client = TestClients.Create(stub);

        var created = await client.Bitable.Records.CreateAsync(App, Table, new BitableRecordFields
        {
            ["Title"] = new BitableValue.Text("Q3 plan"),
            ["Owner"] = new BitableValue.Persons("ou_1"),
            ["Parent"] = new BitableValue.Links("recP"),
            ["Due"] = new BitableValue.Date(DateTimeOffset.FromUnixTimeMilliseconds(1700000000000)),
        }, new BitableWriteOptions { UserIdType = UserIdType.OpenId, IgnoreConsistencyCheck = true });
        await client.Bitable.Records.UpdateAsync(App, Table, "recA", new BitableRecordFields { ["Due"] = BitableValue.Clear });
        var got = await client.Bitable.Records.GetAsync(App, Table, "recA", new BitableReadOptions { AutomaticFields = true, UserIdType = UserIdType.UserId });
        var deleted = await client.Bitable.Records.DeleteAsync(App, Table, "recA");

        Assert.Equal("Q3 plan", created.Fields.Get<BitableValue.Text>("Title")!.PlainText);
        Assert.Equal("Alice", created.Fields.Get<BitableValue.Persons>("Owner")!.People[0].Name);
        Assert.Equal(["recP"], got.Fields.Get<BitableValue.Links>("Parent")!.RecordIds);
        Assert.True(deleted.Deleted);
        var calls = stub.ApiCalls;
        Assert.Equal("/open-apis/bitable/v1/apps/bascnApp1/tables/tblT1/records", calls[0].Path);
        Assert.Matches("^\\?user_id_type=open_id&client_token=[0-9a-f-]{36}&ignore_consistency_check=true$", calls[0].Query);
        JsonAssert.Equal("""{"fields":{"Title":"Q3 plan","Owner":[{"id":"ou_1"}],"Parent":["recP"],"Due":1700000000000}}""", Body(calls[0]));
        Assert.Equal(("PUT", "/open-apis/bitable/v1/apps/bascnApp1/tables/tblT1/records/recA", ""), (calls[1].Method.Method, calls[1].Path, calls[1].Query));
        JsonAssert.Equal("""{"fields":{"Due":null}}""", Body(calls[1]));
        Assert.Equal("?text_field_as_array=true&user_id_type=user_id&automatic_fields=true", calls[2].Query);
        Assert.Equal("DELETE", calls[3].Method.Method);
    }

    [Fact]
    public async Task Search_pages_lazily_sending_the_same_filter_sort_and_selection_with_each_page_token()
    {
        var stub = new StubHandler((r, _) => Responses.Ok(r.Query.Contains("page_token=n2", StringComparison.Ordinal)
            ? """{"has_more":false,"total":3,"items":[{"record_id":"rec3","fields":{"Amount":30}}]}"""
            : """{"has_more":true,"page_token":"n2","total":3,"items":[{"record_id":"rec1","fields":{"Amount":10},"created_time":1691049973000,"created_by":{"id":"ou_9","name":"Bob"},"last_modified_time":1702455191000},{"record_id":"rec2","fields":{}}]}"""));
        using var client = TestClients.Create(stub);
        var search = new BitableSearch
        {
            ViewId = "vew1",
            FieldNames = ["Title", "Amount"],
            Sort = [BitableSort.Descend("Amount")],
            Filter = BitableFilter.And(
                BitableFilter.Or(BitableWhere.SingleSelect("Status").Is("Open"), BitableWhere.SingleSelect("Status").Is("Late")),
                BitableFilter.And(BitableWhere.Number("Amount").IsGreater(10000.0m), BitableWhere.Checkbox("Done").Is(false))),
            AutomaticFields = true,
            UserIdType = UserIdType.UnionId,
        };

        var pages = new List<FeishuPage<BitableRecord>>();
        await foreach (var page in client.Bitable.Records.SearchAsync(App, Table, search, pageSize: 500).AsPages())
        {
            pages.Add(page);
        }

        Assert.Equal(["rec1", "rec2"], pages[0].Items.Select(r => r.RecordId));
        Assert.Equal(3, pages[0].Total);
        Assert.Equal(("Bob", DateTimeOffset.FromUnixTimeMilliseconds(1691049973000)), (pages[0].Items[0].CreatedBy!.Name, pages[0].Items[0].CreatedTime));
        Assert.Equal(30m, pages[1].Items[0].Fields.Get<BitableValue.Number>("Amount")!.Value);
        var calls = stub.ApiCalls;
        Assert.Equal("/open-apis/bitable/v1/apps/bascnApp1/tables/tblT1/records/search", calls[0].Path);
        Assert.Equal("?user_id_type=union_id&page_size=500", calls[0].Query);
        Assert.Equal("?user_id_type=union_id&page_size=500&page_token=n2", calls[1].Query);
        Assert.Equal(calls[0].Body, calls[1].Body);
        JsonAssert.Equal("""
            {"view_id":"vew1","field_names":["Title","Amount"],"sort":[{"field_name":"Amount","desc":true}],
             "filter":{"conjunction":"and","children":[
               {"conjunction":"or","conditions":[{"field_name":"Status","operator":"is","value":["Open"]},{"field_name":"Status","operator":"is","value":["Late"]}]},
               {"conjunction":"and","conditions":[{"field_name":"Amount","operator":"isGreater","value":["10000.0"]},{"field_name":"Done","operator":"is","value":["false"]}]}]},
             "automatic_fields":true}
            """, Body(calls[0]));
    }

    [Fact]
    public async Task Search_without_a_request_sends_an_empty_body_and_refuses_bad_requests_before_sending()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"has_more":false,"items":[]}"""));
        using var client = TestClients.Create(stub);

        await foreach (var _ in client.Bitable.Records.SearchAsync(App, Table))
        {
        }

        Assert.Equal("{}", stub.ApiCalls[0].Body);
        Assert.Throws<ArgumentOutOfRangeException>(() => client.Bitable.Records.SearchAsync(App, Table, pageSize: 501));
        Assert.Throws<ArgumentException>(() => client.Bitable.Records.SearchAsync(App, Table, new BitableSearch { FieldNames = Enumerable.Range(0, 201).Select(i => $"f{i}").ToArray() }));
        Assert.Throws<ArgumentException>(() => client.Bitable.Records.SearchAsync(App, Table, new BitableSearch { Sort = Enumerable.Range(0, 101).Select(i => BitableSort.Ascending($"f{i}")).ToArray() }));
        Assert.Throws<ArgumentException>(() => client.Bitable.Records.SearchAsync(App, Table, new BitableSearch
        {
            Filter = BitableFilter.And(Enumerable.Range(0, 51).Select(i => BitableWhere.Text("T").Is($"{i}"))),
        }));
        Assert.Single(stub.ApiCalls);
    }

    [Fact]
    public async Task Batch_get_asks_in_chunks_of_100_and_reports_forbidden_and_absent_ids_in_the_order_asked()
    {
        var stub = new StubHandler((r, _) =>
        {
            var ids = Body(r)!["record_ids"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
            var found = ids.Where(id => id != "rec7" && id != "rec150").Select(id => "{\"record_id\":\"" + id + "\",\"fields\":{}}");
            return Responses.Ok($$"""{"records":[{{string.Join(",", found)}}],"forbidden_record_ids":{{(ids.Contains("rec7") ? "[\"rec7\"]" : "[]")}},"absent_record_ids":[]}""");
        });
        using var client = TestClients.Create(stub);
        var ids = Enumerable.Range(0, 230).Select(i => $"rec{i}").ToArray();

        var result = await client.Bitable.Records.BatchGetAsync(App, Table, ids, new BitableReadOptions { WithSharedUrl = true, UserIdType = UserIdType.UserId });

        Assert.Equal([100, 100, 30], stub.ApiCalls.Select(c => Body(c)!["record_ids"]!.AsArray().Count));
        Assert.Equal("/open-apis/bitable/v1/apps/bascnApp1/tables/tblT1/records/batch_get", stub.ApiCalls[0].Path);
        Assert.Equal(("user_id", true), (Body(stub.ApiCalls[0])!["user_id_type"]!.GetValue<string>(), Body(stub.ApiCalls[0])!["with_shared_url"]!.GetValue<bool>()));
        Assert.Equal(228, result.Records.Count);
        Assert.Equal("rec0", result.Records[0].RecordId);
        Assert.Equal(["rec7"], result.ForbiddenRecordIds);
        Assert.Equal(["rec150"], result.AbsentRecordIds);
    }

    [Fact]
    public async Task The_drive_subscription_is_per_base_with_file_type_bitable()
    {
        var stub = new StubHandler((r, n) => r.Path.EndsWith("/get_subscribe", StringComparison.Ordinal) ? Responses.Ok("""{"is_subscribe":true}""")
            : r.Path.EndsWith("/delete_subscribe", StringComparison.Ordinal) && n == 4 ? Responses.Error(FeishuErrorCodes.DriveNotSubscribed, "Unsubscribe")
            : Responses.Ok());
        using var client = TestClients.Create(stub);

        await client.Bitable.Subscriptions.SubscribeAsync(App);
        Assert.True(await client.Bitable.Subscriptions.IsSubscribedAsync(App));
        Assert.True(await client.Bitable.Subscriptions.UnsubscribeAsync(App));
        Assert.False(await client.Bitable.Subscriptions.UnsubscribeAsync(App));

        var calls = stub.ApiCalls;
        Assert.Equal(("POST", "/open-apis/drive/v1/files/bascnApp1/subscribe", "?file_type=bitable"), (calls[0].Method.Method, calls[0].Path, calls[0].Query));
        Assert.Equal(("GET", "/open-apis/drive/v1/files/bascnApp1/get_subscribe"), (calls[1].Method.Method, calls[1].Path));
        Assert.Equal(("DELETE", "/open-apis/drive/v1/files/bascnApp1/delete_subscribe", "?file_type=bitable"), (calls[2].Method.Method, calls[2].Path, calls[2].Query));
    }

    [Fact]
    public async Task Subscribing_without_the_right_to_manage_the_base_fails_with_the_named_code()
    {
        var stub = new StubHandler((_, _) => Responses.Error(FeishuErrorCodes.DriveSubscribeForbidden, "forbidden", HttpStatusCode.Forbidden));
        using var client = TestClients.Create(stub);

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.Bitable.Subscriptions.SubscribeAsync(App));

        Assert.Equal(FeishuErrorCodes.DriveSubscribeForbidden, ex.Code);
        Assert.False(ex.IsTransient);
        Assert.Single(stub.ApiCalls);
    }
}
