using System.Net;
using System.Text.Json;

namespace Larkway.Emulator.Tests.AiBackend;

/// <summary>The fake Dify's knowledge (dataset) API, over HTTP as a client with a knowledge key speaks it.</summary>
public sealed class DifyKnowledgeTests(AiBackendFixture fixture) : IClassFixture<AiBackendFixture>, IAsyncLifetime
{
    private HttpClient Http => fixture.Http;

    public async Task InitializeAsync()
    {
        await fixture.ResetAsync();
        await KnowledgeHttp.ResetAsync(Http);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_document_is_created_listed_read_updated_indexed_retrieved_and_deleted()
    {
        var created = await KnowledgeHttp.CreateAsync(Http, "VPN guide", "To reach the office network, install the VPN client.\n\nThe printer is on floor three.");
        var document = created.GetProperty("document");
        var id = document.Str("id");
        Assert.True(Guid.TryParse(id, out _));
        Assert.Matches("^[0-9]{20}$", created.Str("batch"));
        Assert.Equal("waiting", document.Str("indexing_status"));
        Assert.Equal("queuing", document.Str("display_status"));
        Assert.Equal(1, document.GetProperty("position").GetInt32());
        Assert.Equal("api", document.Str("created_from"));
        Assert.Equal("text_model", document.Str("doc_form"));

        using var listed = await KnowledgeHttp.GetAsync(Http, KnowledgeHttp.Base + "/documents");
        var list = await AiHttp.JsonAsync(listed);
        var only = Assert.Single(list.GetProperty("data").EnumerateArray());
        Assert.Equal(id, only.Str("id"));
        Assert.Equal("completed", only.Str("indexing_status")); // completed by the next read
        Assert.Equal("available", only.Str("display_status"));
        Assert.Equal(1, list.GetProperty("total").GetInt32());

        using var updated = await KnowledgeHttp.PostAsync(Http, $"{KnowledgeHttp.Base}/documents/{id}/update-by-text", new { name = "VPN guide v2", text = "Use the new VPN portal.\n\nAsk IT for a token." });
        Assert.Equal(200, (int)updated.StatusCode);
        var update = await AiHttp.JsonAsync(updated);
        Assert.Equal("waiting", update.GetProperty("document").Str("indexing_status"));
        Assert.NotEqual(created.Str("batch"), update.Str("batch"));

        using var status = await KnowledgeHttp.GetAsync(Http, $"{KnowledgeHttp.Base}/documents/{update.Str("batch")}/indexing-status");
        var entry = Assert.Single((await AiHttp.JsonAsync(status)).GetProperty("data").EnumerateArray());
        Assert.Equal(id, entry.Str("id"));
        Assert.Equal("completed", entry.Str("indexing_status"));
        Assert.Equal(2, entry.GetProperty("total_segments").GetInt32());
        Assert.Equal(2, entry.GetProperty("completed_segments").GetInt32());
        using var oldBatch = await KnowledgeHttp.GetAsync(Http, $"{KnowledgeHttp.Base}/documents/{created.Str("batch")}/indexing-status");
        await KnowledgeHttp.AssertErrorAsync(oldBatch, 404, "not_found", "Documents not found.");

        using var detail = await KnowledgeHttp.GetAsync(Http, $"{KnowledgeHttp.Base}/documents/{id}");
        Assert.Equal("VPN guide v2", (await AiHttp.JsonAsync(detail)).Str("name"));
        Assert.Equal("Use the new VPN portal.\n\nAsk IT for a token.", Assert.Single(await KnowledgeHttp.HeldAsync(Http)).Str("text"));

        using var retrieved = await KnowledgeHttp.PostAsync(Http, KnowledgeHttp.Base + "/retrieve", new { query = "new VPN portal" });
        var result = await AiHttp.JsonAsync(retrieved);
        Assert.Equal("new VPN portal", result.GetProperty("query").Str("content"));
        var best = result.GetProperty("records")[0];
        Assert.Equal("Use the new VPN portal.", best.GetProperty("segment").Str("content"));
        Assert.Equal(id, best.GetProperty("segment").GetProperty("document").Str("id"));
        Assert.Equal(1.0, best.GetProperty("score").GetDouble());

        using var deleted = await KnowledgeHttp.SendAsync(Http, HttpMethod.Delete, $"{KnowledgeHttp.Base}/documents/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Empty(await deleted.Content.ReadAsByteArrayAsync());
        using var gone = await KnowledgeHttp.GetAsync(Http, $"{KnowledgeHttp.Base}/documents/{id}");
        await KnowledgeHttp.AssertErrorAsync(gone, 404, "not_found", "Document not found.");
        using var deletedAgain = await KnowledgeHttp.SendAsync(Http, HttpMethod.Delete, $"{KnowledgeHttp.Base}/documents/{id}");
        await KnowledgeHttp.AssertErrorAsync(deletedAgain, 404, "not_found", "Document Not Exists.");
        Assert.Empty(await KnowledgeHttp.HeldAsync(Http));
    }

    [Theory]
    [InlineData("create-by-text", "update-by-text")]
    [InlineData("create_by_text", "update_by_text")]
    public async Task Both_spellings_of_create_and_update_by_text_are_served(string create, string update)
    {
        var id = (await KnowledgeHttp.CreateAsync(Http, "Spelling", "first text", create)).GetProperty("document").Str("id");
        using var updated = await KnowledgeHttp.PostAsync(Http, $"{KnowledgeHttp.Base}/documents/{id}/{update}", new { text = "second text" });

        Assert.Equal(200, (int)updated.StatusCode);
        var held = Assert.Single(await KnowledgeHttp.HeldAsync(Http));
        Assert.Equal("Spelling", held.Str("name")); // no name given: kept
        Assert.Equal("second text", held.Str("text"));
    }

    [Fact]
    public async Task An_app_key_is_refused_on_the_knowledge_api_and_a_knowledge_key_on_chat()
    {
        using var appKey = await KnowledgeHttp.GetAsync(Http, "/dify/v1/datasets", AiHttp.DifyKey);
        using var noKey = await KnowledgeHttp.GetAsync(Http, "/dify/v1/datasets", key: null);
        using var knowledgeKeyOnChat = await AiHttp.PostAsync(Http, "/dify/v1/chat-messages", new { query = "hi", user = "u-kb", response_mode = "blocking" }, KnowledgeHttp.Key);
        using var knowledgeKey = await KnowledgeHttp.GetAsync(Http, "/dify/v1/datasets");

        await KnowledgeHttp.AssertErrorAsync(appKey, 401, "unauthorized", "Access token is invalid");
        await KnowledgeHttp.AssertErrorAsync(noKey, 401, "unauthorized");
        await KnowledgeHttp.AssertErrorAsync(knowledgeKeyOnChat, 401, "unauthorized", "Access token is invalid");
        var datasets = await AiHttp.JsonAsync(knowledgeKey);
        var seeded = Assert.Single(datasets.GetProperty("data").EnumerateArray());
        Assert.Equal(KnowledgeHttp.Dataset, seeded.Str("id"));
        Assert.Equal("Larkway sandbox knowledge", seeded.Str("name"));
        Assert.Equal("only_me", seeded.Str("permission"));
    }

    [Fact]
    public async Task A_full_page_of_documents_says_has_more_even_when_nothing_follows_and_limit_is_clamped_to_100()
    {
        await KnowledgeHttp.CreateAsync(Http, "one", "a");
        await KnowledgeHttp.CreateAsync(Http, "two", "b");

        using var full = await KnowledgeHttp.GetAsync(Http, KnowledgeHttp.Base + "/documents?page=1&limit=2");
        using var partial = await KnowledgeHttp.GetAsync(Http, KnowledgeHttp.Base + "/documents?page=1&limit=3");
        using var beyond = await KnowledgeHttp.GetAsync(Http, KnowledgeHttp.Base + "/documents?page=2&limit=2");
        using var huge = await KnowledgeHttp.GetAsync(Http, KnowledgeHttp.Base + "/documents?limit=500");

        var fullPage = await AiHttp.JsonAsync(full);
        Assert.True(fullPage.GetProperty("has_more").GetBoolean());
        Assert.Equal(2, fullPage.GetProperty("total").GetInt32());
        Assert.False((await AiHttp.JsonAsync(partial)).GetProperty("has_more").GetBoolean());
        var empty = await AiHttp.JsonAsync(beyond);
        Assert.Empty(empty.GetProperty("data").EnumerateArray());
        Assert.False(empty.GetProperty("has_more").GetBoolean());
        Assert.Equal(100, (await AiHttp.JsonAsync(huge)).GetProperty("limit").GetInt32());
    }

    [Fact]
    public async Task A_keyword_filters_names_case_insensitively_newest_first()
    {
        await KnowledgeHttp.CreateAsync(Http, "Holiday policy", "x");
        await KnowledgeHttp.CreateAsync(Http, "Expense rules", "y");
        await KnowledgeHttp.CreateAsync(Http, "POLICY on travel", "z");

        using var filtered = await KnowledgeHttp.GetAsync(Http, KnowledgeHttp.Base + "/documents?keyword=policy");
        var names = (await AiHttp.JsonAsync(filtered)).GetProperty("data").EnumerateArray().Select(d => d.Str("name"));

        Assert.Equal(["POLICY on travel", "Holiday policy"], names);
    }

    [Fact]
    public async Task A_text_above_the_upload_limit_in_utf8_bytes_is_413_naming_the_limit()
    {
        await KnowledgeHttp.ControlAsync(Http, HttpMethod.Put, "/limits", new { max_text_bytes = 100 });

        // 34 characters, 102 UTF-8 bytes: the limit is in bytes, not characters.
        using var tooLarge = await KnowledgeHttp.PostAsync(Http, KnowledgeHttp.Base + "/document/create-by-text", new { name = "big", text = new string('文', 34), indexing_technique = "economy" });
        using var fits = await KnowledgeHttp.PostAsync(Http, KnowledgeHttp.Base + "/document/create-by-text", new { name = "fits", text = new string('文', 33), indexing_technique = "economy" });

        await KnowledgeHttp.AssertErrorAsync(tooLarge, 413, "file_too_large");
        Assert.Contains("100", (await AiHttp.JsonAsync(tooLarge)).Str("message"), StringComparison.Ordinal);
        Assert.Equal(200, (int)fits.StatusCode);
        Assert.Equal(["fits"], (await KnowledgeHttp.HeldAsync(Http)).Select(d => d.Str("name")));
    }

    [Fact]
    public async Task The_documents_limit_of_a_subscription_refuses_the_next_document_with_403()
    {
        await KnowledgeHttp.ControlAsync(Http, HttpMethod.Put, "/limits", new { max_documents = 2 });
        await KnowledgeHttp.CreateAsync(Http, "one", "a");
        await KnowledgeHttp.CreateAsync(Http, "two", "b");

        using var third = await KnowledgeHttp.PostAsync(Http, KnowledgeHttp.Base + "/document/create-by-text", new { name = "three", text = "c" });

        await KnowledgeHttp.AssertErrorAsync(third, 403, "forbidden", "The number of documents has reached the limit of your subscription.");
        Assert.Equal(2, (await KnowledgeHttp.HeldAsync(Http)).Count);
    }

    [Fact]
    public async Task The_request_rate_limit_is_403_with_Difys_message_until_a_minute_has_passed()
    {
        await KnowledgeHttp.ControlAsync(Http, HttpMethod.Put, "/limits", new { requests_per_minute = 2 });

        using var first = await KnowledgeHttp.GetAsync(Http, "/dify/v1/datasets");
        using var second = await KnowledgeHttp.GetAsync(Http, KnowledgeHttp.Base + "/documents");
        using var third = await KnowledgeHttp.PostAsync(Http, KnowledgeHttp.Base + "/document/create-by-text", new { name = "n", text = "t" });
        fixture.Emulator.Clock.Advance(TimeSpan.FromSeconds(61));
        using var later = await KnowledgeHttp.GetAsync(Http, "/dify/v1/datasets");

        Assert.Equal(200, (int)first.StatusCode);
        Assert.Equal(200, (int)second.StatusCode);
        await KnowledgeHttp.AssertErrorAsync(third, 403, "forbidden", "Sorry, you have reached the knowledge base request rate limit of your subscription.");
        Assert.Empty(await KnowledgeHttp.HeldAsync(Http));
        Assert.Equal(200, (int)later.StatusCode);
    }

    [Fact]
    public async Task An_armed_fault_refuses_only_its_route_as_many_times_as_armed()
    {
        await KnowledgeHttp.ControlAsync(Http, HttpMethod.Post, "/faults", new { preset = "server_error", route = "create", count = 1 });
        await KnowledgeHttp.ControlAsync(Http, HttpMethod.Post, "/faults", new { route = "delete", status = 400, code = "document_indexing", message = "Cannot delete document during indexing." });

        using var listed = await KnowledgeHttp.GetAsync(Http, KnowledgeHttp.Base + "/documents");
        using var refused = await KnowledgeHttp.PostAsync(Http, KnowledgeHttp.Base + "/document/create-by-text", new { name = "refused", text = "x" });
        var id = (await KnowledgeHttp.CreateAsync(Http, "accepted", "y")).GetProperty("document").Str("id");
        using var deleteRefused = await KnowledgeHttp.SendAsync(Http, HttpMethod.Delete, $"{KnowledgeHttp.Base}/documents/{id}");
        using var deleted = await KnowledgeHttp.SendAsync(Http, HttpMethod.Delete, $"{KnowledgeHttp.Base}/documents/{id}");

        Assert.Equal(200, (int)listed.StatusCode);
        await KnowledgeHttp.AssertErrorAsync(refused, 500, "internal_server_error");
        await KnowledgeHttp.AssertErrorAsync(deleteRefused, 400, "document_indexing", "Cannot delete document during indexing.");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Theory]
    [InlineData("/document/create-by-text")]
    [InlineData("/retrieve")]
    [InlineData("/documents/5d1f3c2a-0000-4c1a-9f0e-1a2b3c4d5e6f/update-by-text")]
    public async Task A_body_that_is_not_json_is_400_invalid_param(string path)
    {
        using var response = await KnowledgeHttp.PostAsync(Http, KnowledgeHttp.Base + path, "{\"name\": \"unclosed");

        await KnowledgeHttp.AssertErrorAsync(response, 400, "invalid_param");
    }

    [Theory]
    [InlineData("{\"text\": \"t\"}", "name")]
    [InlineData("{\"name\": \"n\", \"text\": \"  \"}", "text")]
    [InlineData("{\"name\": \"n\", \"text\": \"t\", \"indexing_technique\": \"fast\"}", "indexing_technique")]
    [InlineData("{\"name\": \"n\", \"text\": \"t\", \"process_rule\": {\"mode\": \"magic\"}}", "process_rule.mode")]
    public async Task A_document_Dify_would_refuse_is_400_naming_the_field(string body, string field)
    {
        using var response = await KnowledgeHttp.PostAsync(Http, KnowledgeHttp.Base + "/document/create-by-text", body);

        await KnowledgeHttp.AssertErrorAsync(response, 400, "invalid_param");
        Assert.StartsWith(field + " ", (await AiHttp.JsonAsync(response)).Str("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Datasets_are_created_with_unique_names_and_an_unknown_or_malformed_id_is_404()
    {
        using var created = await KnowledgeHttp.PostAsync(Http, "/dify/v1/datasets", new { name = "Wiki", description = "From Feishu" });
        using var duplicate = await KnowledgeHttp.PostAsync(Http, "/dify/v1/datasets", new { name = "Wiki" });
        var dataset = await AiHttp.JsonAsync(created);
        using var read = await KnowledgeHttp.GetAsync(Http, "/dify/v1/datasets/" + dataset.Str("id"));
        using var unknown = await KnowledgeHttp.GetAsync(Http, "/dify/v1/datasets/" + Guid.NewGuid());
        using var malformed = await KnowledgeHttp.GetAsync(Http, "/dify/v1/datasets/not-a-uuid/documents");

        Assert.Equal(200, (int)created.StatusCode);
        Assert.Equal("Wiki", (await AiHttp.JsonAsync(read)).Str("name"));
        Assert.Equal(0, dataset.GetProperty("document_count").GetInt32());
        await KnowledgeHttp.AssertErrorAsync(duplicate, 409, "dataset_name_duplicate", "The dataset name already exists. Please modify your dataset name.");
        await KnowledgeHttp.AssertErrorAsync(unknown, 404, "not_found", "Dataset not found.");
        await KnowledgeHttp.AssertErrorAsync(malformed, 404, "not_found", "Dataset not found.");
    }

    [Fact]
    public async Task An_archived_document_cannot_be_updated()
    {
        var id = (await KnowledgeHttp.CreateAsync(Http, "old", "text")).GetProperty("document").Str("id");
        await KnowledgeHttp.ControlAsync(Http, HttpMethod.Put, $"/datasets/{KnowledgeHttp.Dataset}/documents/{id}", new { archived = true });

        using var update = await KnowledgeHttp.PostAsync(Http, $"{KnowledgeHttp.Base}/documents/{id}/update-by-text", new { text = "new" });

        await KnowledgeHttp.AssertErrorAsync(update, 403, "archived_document_immutable");
        Assert.Equal("text", Assert.Single(await KnowledgeHttp.HeldAsync(Http)).Str("text"));
    }

    [Fact]
    public async Task Held_indexing_stays_waiting_on_reads_until_completed_through_the_control_api()
    {
        await KnowledgeHttp.ControlAsync(Http, HttpMethod.Put, "/indexing", new { hold = true });
        var batch = (await KnowledgeHttp.CreateAsync(Http, "slow", "text to index")).Str("batch");

        using var waiting = await KnowledgeHttp.GetAsync(Http, $"{KnowledgeHttp.Base}/documents/{batch}/indexing-status");
        using var notFound = await KnowledgeHttp.PostAsync(Http, KnowledgeHttp.Base + "/retrieve", new { query = "index" });
        await KnowledgeHttp.ControlAsync(Http, HttpMethod.Post, "/indexing/complete");
        using var completed = await KnowledgeHttp.GetAsync(Http, $"{KnowledgeHttp.Base}/documents/{batch}/indexing-status");

        Assert.Equal("waiting", (await AiHttp.JsonAsync(waiting)).GetProperty("data")[0].Str("indexing_status"));
        Assert.Empty((await AiHttp.JsonAsync(notFound)).GetProperty("records").EnumerateArray());
        Assert.Equal("completed", (await AiHttp.JsonAsync(completed)).GetProperty("data")[0].Str("indexing_status"));
    }

    [Fact]
    public async Task Retrieval_ranks_by_shared_words_takes_top_k_and_matches_chinese()
    {
        await KnowledgeHttp.CreateAsync(Http, "报销", "差旅报销需要发票。\n\n年假每年十天。");
        await KnowledgeHttp.CreateAsync(Http, "English", "Travel expenses need a receipt.\n\nAnnual leave is ten days.");

        using var chinese = await KnowledgeHttp.PostAsync(Http, KnowledgeHttp.Base + "/retrieve", new { query = "报销发票", retrieval_model = new { top_k = 1 } });
        using var english = await KnowledgeHttp.PostAsync(Http, KnowledgeHttp.Base + "/retrieve", new { query = "annual leave days" });
        using var noQuery = await KnowledgeHttp.PostAsync(Http, KnowledgeHttp.Base + "/retrieve", new { retrieval_model = new { top_k = 2 } });

        var top = Assert.Single((await AiHttp.JsonAsync(chinese)).GetProperty("records").EnumerateArray());
        Assert.Equal("差旅报销需要发票。", top.GetProperty("segment").Str("content"));
        var records = (await AiHttp.JsonAsync(english)).GetProperty("records").EnumerateArray().ToList();
        Assert.Equal("Annual leave is ten days.", records[0].GetProperty("segment").Str("content"));
        Assert.All(records, r => Assert.InRange(r.GetProperty("score").GetDouble(), 0.0001, 1));
        await KnowledgeHttp.AssertErrorAsync(noQuery, 400, "invalid_param", "query is required.");
    }

    [Fact]
    public async Task Calls_are_counted_per_route_refused_ones_too()
    {
        var id = (await KnowledgeHttp.CreateAsync(Http, "counted", "text")).GetProperty("document").Str("id");
        using (await KnowledgeHttp.PostAsync(Http, $"{KnowledgeHttp.Base}/documents/{id}/update-by-text", new { text = "more" }))
        using (await KnowledgeHttp.PostAsync(Http, $"{KnowledgeHttp.Base}/documents/{id}/update_by_text", new { text = "again" }, AiHttp.DifyKey))
        {
        }

        using var response = await Http.GetAsync("/_emulator/ai/knowledge/calls");
        var calls = await AiHttp.JsonAsync(response);

        Assert.Equal(1, calls.GetProperty("create").GetInt64());
        Assert.Equal(2, calls.GetProperty("update").GetInt64());
        Assert.Equal(0, calls.GetProperty("delete").GetInt64());
    }
}
