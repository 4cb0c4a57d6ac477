using System.Text.Json;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Docs;

/// <summary>docx v1 on the wire: documents, blocks, edits, revisions, client_token, limits and their codes.</summary>
public sealed class DocxTests
{
    private const string Documents = DocsApi.Documents;

    [Fact]
    public async Task A_created_document_has_revision_1_a_page_block_with_its_id_and_the_title_as_raw_content()
    {
        await using var emulator = await DocsApi.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using var created = await emulator.PostJsonAsync(Documents, new { title = "Quarterly plan" }, token);
        Assert.True(created.Code == 0, created.Text);
        var document = created.Data.GetProperty("document");
        var id = document.GetProperty("document_id").GetString()!;
        Assert.Equal(27, id.Length);
        Assert.True(id.All(char.IsAsciiLetterOrDigit));
        Assert.Equal(1, document.GetProperty("revision_id").GetInt32());
        Assert.Equal("Quarterly plan", document.GetProperty("title").GetString());

        using var get = await emulator.GetAsync($"{Documents}/{id}", token);
        Assert.Equal(1, get.Data.GetProperty("document").GetProperty("revision_id").GetInt32());
        Assert.True(get.Data.GetProperty("document").GetProperty("display_setting").GetProperty("show_authors").GetBoolean());

        using var blocks = await emulator.GetAsync($"{Documents}/{id}/blocks", token);
        var page = Assert.Single(blocks.Data.GetProperty("items").EnumerateArray());
        Assert.Equal(id, page.GetProperty("block_id").GetString());
        Assert.Equal(1, page.GetProperty("block_type").GetInt32());
        Assert.Equal("Quarterly plan", page.GetProperty("page").GetProperty("elements")[0].GetProperty("text_run").GetProperty("content").GetString());
        Assert.False(blocks.Data.GetProperty("has_more").GetBoolean());

        Assert.Equal("Quarterly plan\n", (await DocsApi.RawAsync(emulator, token, id)).GetProperty("content").GetString());
    }

    [Fact]
    public async Task Create_children_inserts_at_the_index_advances_the_revision_and_answers_the_blocks_with_normalized_styles()
    {
        await using var emulator = await DocsApi.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var id = await DocsApi.CreateDocumentAsync(emulator, token, "Notes");
        using (var first = await DocsApi.AddChildrenAsync(emulator, token, id, [DocsApi.Text("one"), DocsApi.Text("three")]))
        {
            Assert.True(first.Code == 0, first.Text);
            Assert.Equal(2, first.Data.GetProperty("document_revision_id").GetInt32());
            Assert.Equal(2, first.Data.GetProperty("children").GetArrayLength());
            var block = first.Data.GetProperty("children")[0];
            Assert.Equal(id, block.GetProperty("parent_id").GetString());
            Assert.False(block.GetProperty("text").GetProperty("elements")[0].GetProperty("text_run").GetProperty("text_element_style").GetProperty("bold").GetBoolean());
            Assert.Equal(1, block.GetProperty("text").GetProperty("style").GetProperty("align").GetInt32());
            Assert.False(string.IsNullOrEmpty(first.Data.GetProperty("client_token").GetString()));
        }

        using (var middle = await DocsApi.AddChildrenAsync(emulator, token, id, [DocsApi.Text("two", 12)], index: 1))
        {
            Assert.Equal(3, middle.Data.GetProperty("document_revision_id").GetInt32());
        }

        Assert.Equal("Notes\none\ntwo\nthree\n", (await DocsApi.RawAsync(emulator, token, id)).GetProperty("content").GetString());
        using var get = await emulator.GetAsync($"{Documents}/{id}", token);
        Assert.Equal(3, get.Data.GetProperty("document").GetProperty("revision_id").GetInt32());

        using var children = await emulator.GetAsync($"{Documents}/{id}/blocks/{id}/children?page_size=2", token);
        Assert.Equal(2, children.Data.GetProperty("items").GetArrayLength());
        Assert.True(children.Data.GetProperty("has_more").GetBoolean());
        var next = children.Data.GetProperty("page_token").GetString();
        using var rest = await emulator.GetAsync($"{Documents}/{id}/blocks/{id}/children?page_size=2&page_token={next}", token);
        var last = Assert.Single(rest.Data.GetProperty("items").EnumerateArray());
        Assert.Equal("three", last.GetProperty("text").GetProperty("elements")[0].GetProperty("text_run").GetProperty("content").GetString());
        Assert.False(rest.Data.GetProperty("has_more").GetBoolean());

        using var one = await emulator.GetAsync($"{Documents}/{id}/blocks/{last.GetProperty("block_id").GetString()}", token);
        Assert.Equal(2, one.Data.GetProperty("block").GetProperty("block_type").GetInt32());

        using var badToken = await emulator.GetAsync($"{Documents}/{id}/blocks?page_token=nonsense", token);
        Assert.Equal(1770022, badToken.Code);
    }

    [Fact]
    public async Task The_same_client_token_answers_the_first_answer_without_inserting_again()
    {
        await using var emulator = await DocsApi.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var id = await DocsApi.CreateDocumentAsync(emulator, token);
        const string query = "?client_token=0b6a7c1e-5d2f-4f7a-9a3e-2c1d0e9f8a7b&document_revision_id=-1";
        string firstAnswer;
        using (var first = await DocsApi.AddChildrenAsync(emulator, token, id, [DocsApi.Text("once")], query))
        {
            Assert.True(first.Code == 0, first.Text);
            firstAnswer = first.Data.GetRawText();
            Assert.Equal("0b6a7c1e-5d2f-4f7a-9a3e-2c1d0e9f8a7b", first.Data.GetProperty("client_token").GetString());
        }

        using (var again = await DocsApi.AddChildrenAsync(emulator, token, id, [DocsApi.Text("once")], query))
        {
            Assert.Equal(firstAnswer, again.Data.GetRawText());
        }

        Assert.Equal("Plan\nonce\n", (await DocsApi.RawAsync(emulator, token, id)).GetProperty("content").GetString());
        using var get = await emulator.GetAsync($"{Documents}/{id}", token);
        Assert.Equal(2, get.Data.GetProperty("document").GetProperty("revision_id").GetInt32());
    }

    [Fact]
    public async Task Descendants_build_a_table_with_content_and_map_temporary_ids()
    {
        await using var emulator = await DocsApi.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var id = await DocsApi.CreateDocumentAsync(emulator, token);
        var descendants = new List<object>
        {
            new { block_id = "tbl", block_type = 31, table = new { property = new { row_size = 1, column_size = 2 } }, children = new[] { "c1", "c2" } },
            new { block_id = "c1", block_type = 32, table_cell = new { }, children = new[] { "t1" } },
            new { block_id = "c2", block_type = 32, table_cell = new { }, children = new[] { "t2" } },
            new { block_id = "t1", block_type = 2, text = new { elements = new[] { new { text_run = new { content = "Level" } } } }, children = Array.Empty<string>() },
            new { block_id = "t2", block_type = 2, text = new { elements = new[] { new { text_run = new { content = "Band" } } } }, children = Array.Empty<string>() },
        };
        using var reply = await emulator.PostJsonAsync($"{Documents}/{id}/blocks/{id}/descendant", new { children_id = new[] { "tbl" }, index = 0, descendants }, token);
        Assert.True(reply.Code == 0, reply.Text);
        var relations = reply.Data.GetProperty("block_id_relations").EnumerateArray().ToDictionary(r => r.GetProperty("temporary_block_id").GetString()!, r => r.GetProperty("block_id").GetString()!);
        Assert.Equal(["c1", "c2", "t1", "t2", "tbl"], relations.Keys.Order(StringComparer.Ordinal));
        var table = reply.Data.GetProperty("children").EnumerateArray().Single(b => b.GetProperty("block_type").GetInt32() == 31);
        Assert.Equal([relations["c1"], relations["c2"]], table.GetProperty("table").GetProperty("cells").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(2, table.GetProperty("table").GetProperty("property").GetProperty("column_size").GetInt32());
        Assert.Equal("Plan\nLevel\nBand\n", (await DocsApi.RawAsync(emulator, token, id)).GetProperty("content").GetString());

        // A temporary id nobody lists as a child, and one used twice.
        using var orphan = await emulator.PostJsonAsync($"{Documents}/{id}/blocks/{id}/descendant", new { children_id = new[] { "a" }, descendants = new object[] { new { block_id = "a", block_type = 2, text = new { elements = Array.Empty<object>() } }, new { block_id = "b", block_type = 22, divider = new { } } } }, token);
        Assert.Equal(1770014, orphan.Code);
        using var twice = await emulator.PostJsonAsync($"{Documents}/{id}/blocks/{id}/descendant", new { children_id = new[] { "a" }, descendants = new object[] { new { block_id = "a", block_type = 22, divider = new { } }, new { block_id = "a", block_type = 22, divider = new { } } } }, token);
        Assert.Equal(1770019, twice.Code);
    }

    [Fact]
    public async Task Patch_and_batch_update_change_text_styles_and_tables_and_a_failing_batch_changes_nothing()
    {
        await using var emulator = await DocsApi.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var id = await DocsApi.CreateDocumentAsync(emulator, token);
        string paragraph, table;
        using (var added = await DocsApi.AddChildrenAsync(emulator, token, id, [DocsApi.Text("draft"), new { block_type = 31, table = new { property = new { row_size = 2, column_size = 2 } } }]))
        {
            Assert.True(added.Code == 0, added.Text);
            paragraph = added.Data.GetProperty("children")[0].GetProperty("block_id").GetString()!;
            var tableBlock = added.Data.GetProperty("children")[1];
            table = tableBlock.GetProperty("block_id").GetString()!;
            Assert.Equal(4, tableBlock.GetProperty("table").GetProperty("cells").GetArrayLength());
            Assert.Equal(100, tableBlock.GetProperty("table").GetProperty("property").GetProperty("column_width")[0].GetInt32());
        }

        using (var patch = await DocsApi.SendAsync(emulator, HttpMethod.Patch, $"{Documents}/{id}/blocks/{paragraph}", new
        {
            update_text_elements = new { elements = new object[] { new { text_run = new { content = "final", text_element_style = new { bold = true, link = new { url = "https%3A%2F%2Fexample.com%2F" } } } } } },
        }, token))
        {
            Assert.True(patch.Code == 0, patch.Text);
            var run = patch.Data.GetProperty("block").GetProperty("text").GetProperty("elements")[0].GetProperty("text_run");
            Assert.Equal("final", run.GetProperty("content").GetString());
            Assert.True(run.GetProperty("text_element_style").GetProperty("bold").GetBoolean());
            Assert.Equal(3, patch.Data.GetProperty("document_revision_id").GetInt32());
        }

        using (var batch = await DocsApi.SendAsync(emulator, HttpMethod.Patch, $"{Documents}/{id}/blocks/batch_update", new
        {
            requests = new object[]
            {
                new { block_id = paragraph, update_text_style = new { style = new { align = 2 }, fields = new[] { 1 } } },
                new { block_id = table, insert_table_row = new { row_index = -1 } },
                new { block_id = table, insert_table_column = new { column_index = 0 } },
                new { block_id = table, delete_table_columns = new { column_start_index = 2, column_end_index = 3 } },
            },
        }, token))
        {
            Assert.True(batch.Code == 0, batch.Text);
            Assert.Equal(4, batch.Data.GetProperty("document_revision_id").GetInt32());
            var blocks = batch.Data.GetProperty("blocks");
            Assert.Equal(2, blocks[0].GetProperty("text").GetProperty("style").GetProperty("align").GetInt32());
            var property = blocks[3].GetProperty("table").GetProperty("property");
            Assert.Equal(3, property.GetProperty("row_size").GetInt32());
            Assert.Equal(2, property.GetProperty("column_size").GetInt32());
            Assert.Equal(6, blocks[3].GetProperty("table").GetProperty("cells").GetArrayLength());
        }

        // The second request fails (a row range outside the table): the first is undone and the revision stays.
        using (var failing = await DocsApi.SendAsync(emulator, HttpMethod.Patch, $"{Documents}/{id}/blocks/batch_update", new
        {
            requests = new object[]
            {
                new { block_id = paragraph, update_text_elements = new { elements = new[] { new { text_run = new { content = "lost" } } } } },
                new { block_id = table, delete_table_rows = new { row_start_index = 2, row_end_index = 9 } },
            },
        }, token))
        {
            Assert.Equal(1770026, failing.Code);
            Assert.Equal(400, failing.Status);
        }

        Assert.Equal("Plan\nfinal\n\n\n\n\n\n\n", (await DocsApi.RawAsync(emulator, token, id)).GetProperty("content").GetString());
        using var get = await emulator.GetAsync($"{Documents}/{id}", token);
        Assert.Equal(4, get.Data.GetProperty("document").GetProperty("revision_id").GetInt32());

        // Ops that do not fit the block, shrinking a table to nothing.
        using var notText = await DocsApi.SendAsync(emulator, HttpMethod.Patch, $"{Documents}/{id}/blocks/{table}", new { update_text_elements = new { elements = new[] { new { text_run = new { content = "x" } } } } }, token);
        Assert.Equal(1770025, notText.Code);
        using var allRows = await DocsApi.SendAsync(emulator, HttpMethod.Patch, $"{Documents}/{id}/blocks/{table}", new { delete_table_rows = new { row_start_index = 0, row_end_index = 3 } }, token);
        Assert.Equal(1770024, allRows.Code);
    }

    [Fact]
    public async Task Batch_delete_removes_a_half_open_range_with_everything_under_it()
    {
        await using var emulator = await DocsApi.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var id = await DocsApi.CreateDocumentAsync(emulator, token);
        using (var added = await DocsApi.AddChildrenAsync(emulator, token, id, [DocsApi.Text("a"), DocsApi.Text("b"), DocsApi.Text("c"), DocsApi.Text("d")]))
        {
            Assert.Equal(0, added.Code);
        }

        using (var deleted = await DocsApi.SendAsync(emulator, HttpMethod.Delete, $"{Documents}/{id}/blocks/{id}/children/batch_delete?client_token=del-1", new { start_index = 1, end_index = 3 }, token))
        {
            Assert.True(deleted.Code == 0, deleted.Text);
            Assert.Equal(3, deleted.Data.GetProperty("document_revision_id").GetInt32());
            Assert.Equal("del-1", deleted.Data.GetProperty("client_token").GetString());
        }

        Assert.Equal("Plan\na\nd\n", (await DocsApi.RawAsync(emulator, token, id)).GetProperty("content").GetString());
        using var backwards = await DocsApi.SendAsync(emulator, HttpMethod.Delete, $"{Documents}/{id}/blocks/{id}/children/batch_delete", new { start_index = 1, end_index = 1 }, token);
        Assert.Equal(1770001, backwards.Code);
        using var beyond = await DocsApi.SendAsync(emulator, HttpMethod.Delete, $"{Documents}/{id}/blocks/{id}/children/batch_delete", new { start_index = 0, end_index = 5 }, token);
        Assert.Equal(1770001, beyond.Code);
    }

    [Fact]
    public async Task Limits_and_rules_answer_their_documented_codes()
    {
        await using var emulator = await DocsApi.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var id = await DocsApi.CreateDocumentAsync(emulator, token);

        async Task<int> CodeOf(params object[] children)
        {
            using var reply = await DocsApi.AddChildrenAsync(emulator, token, id, children);
            return reply.Code;
        }

        Assert.Equal(4000027, await CodeOf(DocsApi.Text(new string('x', 100_001))));
        Assert.Equal(0, await CodeOf(DocsApi.Text(new string('x', 100_000))));
        Assert.Equal(1770010, await CodeOf(new { block_type = 31, table = new { property = new { row_size = 1, column_size = 101 } } }));
        Assert.Equal(1770011, await CodeOf(new { block_type = 31, table = new { property = new { row_size = 41, column_size = 50 } } }));
        Assert.Equal(1770024, await CodeOf(new { block_type = 2, text = new { elements = new object[] { new { mention_user = new { user_id = "ou_x", text_element_style = new { link = new { url = "https%3A%2F%2Fa.b" } } } } } } }));
        Assert.Equal(1770029, await CodeOf(new { block_type = 32, table_cell = new { } }));
        Assert.Equal(1770029, await CodeOf(new { block_type = 21, diagram = new { } }));
        Assert.Equal(1770001, await CodeOf(new { block_type = 2 }));

        using (var tooMany = await DocsApi.AddChildrenAsync(emulator, token, id, [.. Enumerable.Range(0, 51).Select(i => DocsApi.Text("n" + i))]))
        {
            Assert.Equal(99992402, tooMany.Code);
            Assert.Equal("children", tooMany.Json.GetProperty("error").GetProperty("field_violations")[0].GetProperty("field").GetString());
        }

        // A divider holds no children (1770028); an unknown type is kept as given.
        string divider;
        using (var added = await DocsApi.AddChildrenAsync(emulator, token, id, [new { block_type = 22, divider = new { } }, new { block_type = 77, future_widget = new { size = 3 } }]))
        {
            Assert.True(added.Code == 0, added.Text);
            divider = added.Data.GetProperty("children")[0].GetProperty("block_id").GetString()!;
            Assert.Equal(3, added.Data.GetProperty("children")[1].GetProperty("future_widget").GetProperty("size").GetInt32());
        }

        using (var under = await DocsApi.AddChildrenAsync(emulator, token, id, [DocsApi.Text("x")], parent: divider))
        {
            Assert.Equal(1770028, under.Code);
        }

        using var badIndex = await DocsApi.AddChildrenAsync(emulator, token, id, [DocsApi.Text("x")], index: 99);
        Assert.Equal(1770001, badIndex.Code);
        using var shortId = await emulator.GetAsync($"{Documents}/abc", token);
        Assert.Equal(99992402, shortId.Code);
        using var unknown = await emulator.GetAsync($"{Documents}/{new string('Z', 27)}", token);
        Assert.Equal(1770002, unknown.Code);
        Assert.Equal(404, unknown.Status);
        using var future = await emulator.GetAsync($"{Documents}/{id}/blocks?document_revision_id=99", token);
        Assert.Equal(1770001, future.Code);
        using var malformed = await DocsApi.SendAsync(emulator, HttpMethod.Post, $"{Documents}/{id}/blocks/{id}/children", "{not json", token);
        Assert.Equal(1770001, malformed.Code);
    }

    [Fact]
    public async Task A_document_holds_at_most_20000_blocks()
    {
        await using var emulator = await DocsApi.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var id = await DocsApi.CreateDocumentAsync(emulator, token);

        // A 40×50 table is 1 + 2,000 cells + 2,000 texts; nine of them and the page make 36,010 blocks: the fifth fails.
        var codes = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            using var reply = await DocsApi.AddChildrenAsync(emulator, token, id, [new { block_type = 31, table = new { property = new { row_size = 40, column_size = 50 } } }]);
            codes.Add(reply.Code);
        }

        Assert.Equal([0, 0, 0, 0, 1770004], codes);
        using var get = await emulator.GetAsync($"{Documents}/{id}", token);
        Assert.Equal(5, get.Data.GetProperty("document").GetProperty("revision_id").GetInt32());
    }

    [Fact]
    public async Task Titles_change_through_the_page_block_and_wiki_tokens_are_not_document_ids()
    {
        await using var emulator = await DocsApi.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var id = await DocsApi.CreateDocumentAsync(emulator, token, "Old");
        using (var patch = await DocsApi.SendAsync(emulator, HttpMethod.Patch, $"{Documents}/{id}/blocks/{id}", new { update_text_elements = new { elements = new[] { new { text_run = new { content = "New" } } } } }, token))
        {
            Assert.True(patch.Code == 0, patch.Text);
        }

        using var get = await emulator.GetAsync($"{Documents}/{id}", token);
        Assert.Equal("New", get.Data.GetProperty("document").GetProperty("title").GetString());

        using var node = await emulator.GetAsync($"{Documents}/{Larkway.Emulator.Seed.DefaultDocs.WelcomeNode}", token);
        Assert.Equal(1770002, node.Code);
        Assert.Contains("get_node", node.Msg, StringComparison.Ordinal);
    }
}
