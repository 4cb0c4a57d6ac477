using System.Net;
using System.Text.Json.Nodes;
using Larkway.Feishu.Docs;
using Larkway.Feishu.Tests.Cards;
using Larkway.Feishu.Tests.Infrastructure;

namespace Larkway.Feishu.Tests.Docs;

/// <summary>
/// What each docx call puts on the wire and how its answer is read, against a stub; the same calls against the
/// Emulator's documents are in the integration tests.
/// </summary>
public class DocxEndpointTests
{
    private const string Doc = "doxcnAbCdEfGhIjKlMnOpQrStUv";

    private static JsonNode Body(RecordedRequest request) => JsonNode.Parse(request.Body!)!;

    private static Dictionary<string, string> QueryOf(RecordedRequest request) =>
        request.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));

    [Fact]
    public async Task Documents_are_created_read_and_read_as_plain_text()
    {
        var stub = new StubHandler((r, _) => r.Path.EndsWith("/raw_content", StringComparison.Ordinal)
            ? Responses.Ok("""{"content":"Handbook\nWelcome aboard.\n"}""")
            : Responses.Ok("""{"document":{"document_id":"doxcnAbCdEfGhIjKlMnOpQrStUv","revision_id":4,"title":"Handbook"}}"""));
        using var client = TestClients.Create(stub);

        var created = await client.Docs.Documents.CreateAsync("Handbook", "fldcnFolder1");
        var got = await client.Docs.Documents.GetAsync(Doc);
        var text = await client.Docs.Documents.RawContentAsync(Doc);

        Assert.Equal(new DocxDocument(Doc, 4, "Handbook"), created);
        Assert.Equal(4, got.RevisionId);
        Assert.Equal("Handbook\nWelcome aboard.\n", text);
        var calls = stub.ApiCalls;
        Assert.Equal(("POST", "/open-apis/docx/v1/documents"), (calls[0].Method.Method, calls[0].Path));
        JsonAssert.Equal("""{"folder_token":"fldcnFolder1","title":"Handbook"}""", Body(calls[0]));
        Assert.Equal(("GET", $"/open-apis/docx/v1/documents/{Doc}"), (calls[1].Method.Method, calls[1].Path));
        Assert.Equal($"/open-apis/docx/v1/documents/{Doc}/raw_content", calls[2].Path);
        await Assert.ThrowsAsync<ArgumentException>(() => client.Docs.Documents.CreateAsync(new string('t', 801)));
        await Assert.ThrowsAsync<ArgumentException>(() => client.Docs.Documents.GetAsync(" "));
        Assert.Equal(3, stub.ApiCalls.Count);
    }

    [Fact]
    public async Task A_document_that_may_not_be_read_fails_with_its_code_and_the_advice_names_what_to_do()
    {
        var stub = new StubHandler((_, _) => Responses.Error(FeishuErrorCodes.DocxForbidden, "forbidden", HttpStatusCode.Forbidden));
        using var client = TestClients.Create(stub);

        var error = await Assert.ThrowsAsync<FeishuApiException>(() => client.Docs.Documents.RawContentAsync(Doc));

        Assert.Equal(FeishuErrorCodes.DocxForbidden, error.Code);
        Assert.False(error.IsTransient);
        Assert.Contains("share it", FeishuDocsErrors.WhatToDo(error.Code), StringComparison.Ordinal);
        Assert.Single(stub.ApiCalls);
    }

    [Fact]
    public async Task Blocks_are_listed_page_by_page_and_read_with_their_text_styles_and_tables()
    {
        var stub = new StubHandler((r, _) => r.Query.Contains("page_token=p2", StringComparison.Ordinal)
            ? Responses.Ok("""{"has_more":false,"items":[{"block_id":"tbl","parent_id":"doxcnAbCdEfGhIjKlMnOpQrStUv","block_type":31,"children":["c1","c2"],"table":{"cells":["c1","c2"],"property":{"row_size":1,"column_size":2,"header_row":true}}}]}""")
            : Responses.Ok("""
                {"has_more":true,"page_token":"p2","items":[
                  {"block_id":"doxcnAbCdEfGhIjKlMnOpQrStUv","block_type":1,"children":["h1","p1","tbl"],"page":{"elements":[{"text_run":{"content":"Handbook"}}]}},
                  {"block_id":"h1","parent_id":"doxcnAbCdEfGhIjKlMnOpQrStUv","block_type":4,"heading2":{"elements":[{"text_run":{"content":"Leave"}}]}},
                  {"block_id":"p1","parent_id":"doxcnAbCdEfGhIjKlMnOpQrStUv","block_type":2,"text":{"elements":[
                    {"text_run":{"content":"See ","text_element_style":{}}},
                    {"text_run":{"content":"the policy","text_element_style":{"bold":true,"link":{"url":"https%3A%2F%2Fexample.com%2Fa%3Fb%3D1"}}}},
                    {"mention_user":{"user_id":"ou_1"}},
                    {"mention_doc":{"token":"doxcnOther","obj_type":22,"url":"https%3A%2F%2Fx.feishu.cn%2Fdocx%2FdoxcnOther","title":"Other"}}]}}
                ]}
                """));
        using var client = TestClients.Create(stub);

        var blocks = new List<DocxBlock>();
        await foreach (var block in client.Docs.Blocks.List(Doc, pageSize: 100))
        {
            blocks.Add(block);
        }

        Assert.Equal([DocxBlockType.Page, DocxBlockType.Heading2, DocxBlockType.Text, DocxBlockType.Table], blocks.Select(b => b.Type));
        Assert.Equal(2, blocks[1].HeadingLevel);
        Assert.Equal("See the policy@ou_1Other", blocks[2].Text!.PlainText);
        Assert.Equal(new DocxTextElementStyle { Bold = true, Link = "https://example.com/a?b=1" }, blocks[2].Text!.Elements[1].Style);
        Assert.Null(blocks[2].Text!.Elements[0].Style);
        Assert.Equal("https://x.feishu.cn/docx/doxcnOther", blocks[2].Text!.Elements[3].Url);
        Assert.Equal(["c1", "c2"], blocks[3].Table!.Cells);
        Assert.Equal((1, 2, true), (blocks[3].Table!.RowSize, blocks[3].Table!.ColumnSize, blocks[3].Table!.HeaderRow));
        var first = QueryOf(stub.ApiCalls[0]);
        Assert.Equal(("100", "-1"), (first["page_size"], first["document_revision_id"]));
        Assert.Equal("p2", QueryOf(stub.ApiCalls[1])["page_token"]);
        Assert.Throws<ArgumentOutOfRangeException>(() => client.Docs.Blocks.List(Doc, pageSize: 501));
    }

    [Fact]
    public async Task Appended_blocks_go_as_descendants_with_temporary_ids_a_client_token_and_links_percent_encoded()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"children":[],"document_revision_id":7,"client_token":"x"}"""));
        using var client = TestClients.Create(stub);

        var revision = await client.Docs.Blocks.AppendAsync(Doc,
        [
            DocxBlocks.Heading(1, "Leave"),
            DocxBlocks.Bullet([DocxTextElement.Run("Annual", new DocxTextElementStyle { Link = "https://example.com/a?b=1" })], DocxBlocks.Bullet([DocxTextElement.Run("Carry-over")])),
            DocxBlocks.Table([["Days", "Who"], ["20", "Everyone"]]),
            DocxBlocks.Code("var x = 1;", DocxCodeLanguage.CSharp),
        ]);

        Assert.Equal(7, revision);
        var call = Assert.Single(stub.ApiCalls);
        Assert.Equal(("POST", $"/open-apis/docx/v1/documents/{Doc}/blocks/{Doc}/descendant"), (call.Method.Method, call.Path));
        var query = QueryOf(call);
        Assert.Equal("-1", query["document_revision_id"]);
        Assert.True(Guid.TryParse(query["client_token"], out _));
        var body = Body(call);
        var descendants = body["descendants"]!.AsArray();
        var top = body["children_id"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Equal(-1, body["index"]!.GetValue<int>());

        // Heading, bullet + nested bullet, table + 4 cells + 4 cell paragraphs, code: 13 blocks, 4 of them at the top.
        Assert.Equal(13, descendants.Count);
        Assert.Equal(4, top.Count);
        var byId = descendants.ToDictionary(d => d!["block_id"]!.GetValue<string>(), d => d!);
        Assert.All(top, id => Assert.True(byId.ContainsKey(id)));
        Assert.Equal(3, byId[top[0]]["block_type"]!.GetValue<int>());
        var bullet = byId[top[1]];
        Assert.Equal("https%3A%2F%2Fexample.com%2Fa%3Fb%3D1", bullet["bullet"]!["elements"]![0]!["text_run"]!["text_element_style"]!["link"]!["url"]!.GetValue<string>());
        Assert.Equal(12, byId[bullet["children"]![0]!.GetValue<string>()]["block_type"]!.GetValue<int>());
        var table = byId[top[2]];
        JsonAssert.Equal("""{"row_size":2,"column_size":2,"header_row":true}""", table["table"]!["property"]);
        var cells = table["children"]!.AsArray().Select(c => byId[c!.GetValue<string>()]).ToList();
        Assert.All(cells, c => Assert.Equal(32, c["block_type"]!.GetValue<int>()));
        Assert.Equal("Everyone", byId[cells[3]["children"]![0]!.GetValue<string>()]["text"]!["elements"]![0]!["text_run"]!["content"]!.GetValue<string>());
        Assert.Equal(DocxCodeLanguage.CSharp, byId[top[3]]["code"]!["style"]!["language"]!.GetValue<int>());
    }

    [Fact]
    public async Task More_than_a_thousand_blocks_go_in_several_calls_each_with_its_own_client_token_in_order()
    {
        var stub = new StubHandler((r, n) => Responses.Ok($$"""{"document_revision_id":{{10 + n}}}"""));
        using var client = TestClients.Create(stub);
        var paragraphs = Enumerable.Range(0, 2500).Select(i => DocxBlocks.Paragraph($"p{i}")).ToList();

        await client.Docs.Blocks.AppendAsync(Doc, paragraphs);

        var calls = stub.ApiCalls;
        Assert.Equal([1000, 1000, 500], calls.Select(c => Body(c)["descendants"]!.AsArray().Count));
        Assert.Equal(3, calls.Select(c => QueryOf(c)["client_token"]).Distinct().Count());
        Assert.Equal("p1000", Body(calls[1])["descendants"]![0]!["text"]!["elements"]![0]!["text_run"]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_per_document_429_is_retried_with_the_same_client_token_so_nothing_is_written_twice()
    {
        var stub = new StubHandler((_, n) => n == 1
            ? Responses.Error(FeishuErrorCodes.RateLimited, "request trigger frequency limit", HttpStatusCode.TooManyRequests, ("x-ogw-ratelimit-reset", "0"))
            : Responses.Ok("""{"document_revision_id":3}"""));
        using var client = TestClients.Create(stub);

        await client.Docs.Blocks.AppendAsync(Doc, [DocxBlocks.Paragraph("once")]);

        var calls = stub.ApiCalls;
        Assert.Equal(2, calls.Count);
        Assert.Equal(QueryOf(calls[0])["client_token"], QueryOf(calls[1])["client_token"]);
        Assert.Equal(calls[0].Body, calls[1].Body);
    }

    [Fact]
    public async Task Text_over_the_block_limit_and_oversized_blocks_are_refused_before_anything_is_sent()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"document_revision_id":3}"""));
        using var client = TestClients.Create(stub);

        var tooLong = await Assert.ThrowsAsync<ArgumentException>(() => client.Docs.Blocks.AppendAsync(Doc, [DocxBlocks.Paragraph(new string('a', 100_001))]));
        var tooBig = await Assert.ThrowsAsync<ArgumentException>(() => client.Docs.Blocks.AppendAsync(Doc,
            [DocxBlocks.Bullet([DocxTextElement.Run("x")], [.. Enumerable.Range(0, 1000).Select(i => DocxBlocks.Paragraph("y"))])]));

        Assert.Contains("100,000", tooLong.Message, StringComparison.Ordinal);
        Assert.Contains("split it", tooBig.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => DocxBlocks.Table([.. Enumerable.Range(0, 21).Select(_ => (IReadOnlyList<string>)[.. Enumerable.Range(0, 100).Select(c => "c")])]));
        Assert.Empty(stub.ApiCalls);
    }

    [Fact]
    public async Task A_blocks_text_is_replaced_and_children_are_deleted_by_range()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"document_revision_id":9,"block":{}}"""));
        using var client = TestClients.Create(stub);

        Assert.Equal(9, await client.Docs.Blocks.UpdateTextAsync(Doc, "p1", [DocxTextElement.Run("New text", new DocxTextElementStyle { Italic = true })]));
        Assert.Equal(9, await client.Docs.Blocks.DeleteChildrenAsync(Doc, 2, 5));

        var (patch, delete) = (stub.ApiCalls[0], stub.ApiCalls[1]);
        Assert.Equal(("PATCH", $"/open-apis/docx/v1/documents/{Doc}/blocks/p1"), (patch.Method.Method, patch.Path));
        JsonAssert.Equal("""{"update_text_elements":{"elements":[{"text_run":{"content":"New text","text_element_style":{"italic":true}}}]}}""", Body(patch));
        Assert.Equal(("DELETE", $"/open-apis/docx/v1/documents/{Doc}/blocks/{Doc}/children/batch_delete"), (delete.Method.Method, delete.Path));
        JsonAssert.Equal("""{"start_index":2,"end_index":5}""", Body(delete));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.Docs.Blocks.DeleteChildrenAsync(Doc, 3, 3));
    }
}
