using System.Text.Json;
using Larkway.Channels.Backends.Dify.Knowledge;
using static Larkway.Channels.Tests.Backends.BackendTestKit;
using static Larkway.Channels.Tests.Backends.Knowledge.KnowledgeShapes;

namespace Larkway.Channels.Tests.Backends.Knowledge;

/// <summary>The knowledge client against a scripted Dify knowledge API on Kestrel that serves the documented shapes.</summary>
public sealed class DifyKnowledgeClientWireTests(ScriptedKnowledgeServer server) : IClassFixture<ScriptedKnowledgeServer>, IDisposable
{
    private const string RateLimited = "Sorry, you have reached the knowledge base request rate limit of your subscription.";
    private const string DocumentLimit = "The number of documents has reached the limit of your subscription.";

    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly string _key = Unique("dataset");

    public void Dispose() => _http.Dispose();

    private DifyKnowledgeClient Client(Action<DifyKnowledgeOptions>? configure = null)
    {
        var options = new DifyKnowledgeOptions
        {
            BaseUrl = server.BaseUrl,
            ApiKey = _key,
            RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        };
        configure?.Invoke(options);
        return new DifyKnowledgeClient(options, _http);
    }

    private IReadOnlyList<KnowledgeRequest> Served => server.Served(_key);

    [Fact]
    public async Task Get_dataset_sends_the_documented_request_and_reads_the_answer()
    {
        server.Script(_key, Reply.Json(200, Dataset));

        var dataset = await Client().GetDatasetAsync(DatasetId);

        dataset.Id.ShouldBe(DatasetId);
        dataset.Name.ShouldBe("Feishu wiki");
        dataset.DocumentCount.ShouldBe(17);
        dataset.WordCount.ShouldBe(32000);
        dataset.AppCount.ShouldBe(2);
        dataset.IndexingTechnique.ShouldBe("high_quality");
        dataset.EmbeddingModel.ShouldBe("text-embedding-3-small");
        dataset.CreatedAt.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(1695636173));
        var sent = Served.ShouldHaveSingleItem();
        sent.Method.ShouldBe("GET");
        sent.Path.ShouldBe($"/v1/datasets/{DatasetId}");
        sent.Authorization.ShouldBe($"Bearer {_key}");
        sent.Accept.ShouldBe("application/json");
        sent.Body.ShouldBeNull();
    }

    [Fact]
    public async Task List_documents_sends_page_limit_and_keyword_and_reads_every_documented_field()
    {
        server.Script(_key, Reply.Json(200, Page(2, 50, 51, false, Document(DocumentId, "Leave policy"))));

        var page = await Client().ListDocumentsAsync(DatasetId, page: 2, limit: 50, keyword: "Leave policy");

        var sent = Served.ShouldHaveSingleItem();
        sent.Method.ShouldBe("GET");
        sent.Path.ShouldBe($"/v1/datasets/{DatasetId}/documents");
        sent.Query.ShouldBe("?page=2&limit=50&keyword=Leave%20policy");
        page.Page.ShouldBe(2);
        page.Limit.ShouldBe(50);
        page.Total.ShouldBe(51);
        page.HasMore.ShouldBeFalse();
        var document = page.Data.ShouldHaveSingleItem();
        document.Id.ShouldBe(DocumentId);
        document.Name.ShouldBe("Leave policy");
        document.Position.ShouldBe(1);
        document.DataSourceType.ShouldBe("upload_file");
        document.DataSourceInfo!.Value.GetProperty("upload_file_id").GetString().ShouldBe("6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d");
        document.DatasetProcessRuleId.ShouldBe("c8d9e0f1-2a3b-4c5d-8e6f-7a8b9c0d1e2f");
        document.CreatedFrom.ShouldBe("api");
        document.CreatedBy.ShouldBe("d0e1f2a3-b4c5-4d6e-8f70-8192a3b4c5d6");
        document.CreatedAt.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(1695690280));
        document.Tokens.ShouldBe(0);
        document.IndexingStatus.ShouldBe("indexing");
        document.Error.ShouldBeNull();
        document.Enabled.ShouldBe(true);
        document.DisabledAt.ShouldBeNull();
        document.Archived.ShouldBe(false);
        document.DisplayStatus.ShouldBe("queuing");
        document.WordCount.ShouldBe(0);
        document.HitCount.ShouldBe(0);
        document.DocForm.ShouldBe("text_model");
    }

    [Fact]
    public async Task List_documents_refuses_a_page_size_over_100_without_a_request()
    {
        await Should.ThrowAsync<ArgumentOutOfRangeException>(() => Client().ListDocumentsAsync(DatasetId, limit: 101));

        Served.ShouldBeEmpty();
    }

    [Fact]
    public async Task List_all_reads_past_a_full_last_page_to_the_empty_one_despite_has_more()
    {
        server.Script(
            _key,
            Reply.Json(200, Page(1, 2, 4, true, Document("d1", "one"), Document("d2", "two"))),
            Reply.Json(200, Page(2, 2, 4, true, Document("d3", "three"), Document("d4", "four"))),
            Reply.Json(200, Page(3, 2, 4, false)));

        var names = new List<string>();
        await foreach (var document in Client().ListAllDocumentsAsync(DatasetId, pageSize: 2))
        {
            names.Add(document.Name);
        }

        names.ShouldBe(["one", "two", "three", "four"]);
        Served.Select(r => r.Query).ShouldBe(["?page=1&limit=2", "?page=2&limit=2", "?page=3&limit=2"]);
    }

    [Fact]
    public async Task List_all_stops_at_a_short_page_and_sends_the_keyword()
    {
        server.Script(
            _key,
            Reply.Json(200, Page(1, 2, 3, true, Document("d1", "wiki one"), Document("d2", "wiki two"))),
            Reply.Json(200, Page(2, 2, 3, true, Document("d3", "wiki three"))));

        var ids = new List<string>();
        await foreach (var document in Client().ListAllDocumentsAsync(DatasetId, keyword: "wiki", pageSize: 2))
        {
            ids.Add(document.Id);
        }

        ids.ShouldBe(["d1", "d2", "d3"]);
        Served.Select(r => r.Query).ShouldBe(["?page=1&limit=2&keyword=wiki", "?page=2&limit=2&keyword=wiki"]);
    }

    [Fact]
    public async Task List_all_stops_when_the_server_repeats_a_page()
    {
        var same = Reply.Json(200, Page(1, 2, 2, true, Document("d1", "one"), Document("d2", "two")));
        server.Script(_key, same, same, same);

        var ids = new List<string>();
        await foreach (var document in Client().ListAllDocumentsAsync(DatasetId, pageSize: 2))
        {
            ids.Add(document.Id);
        }

        ids.ShouldBe(["d1", "d2"]);
        Served.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Create_by_text_posts_the_documented_body_and_reads_the_document_and_batch()
    {
        server.Script(_key, Reply.Json(200, Written(Document(DocumentId, "Leave policy"))));

        var (document, batch) = await Client().CreateDocumentByTextAsync(DatasetId, "Leave policy", "Leave is applied for in the HR app.");

        document.Id.ShouldBe(DocumentId);
        document.Name.ShouldBe("Leave policy");
        batch.ShouldBe(Batch);
        var sent = Served.ShouldHaveSingleItem();
        sent.Method.ShouldBe("POST");
        sent.Path.ShouldBe($"/v1/datasets/{DatasetId}/document/create-by-text");
        sent.Authorization.ShouldBe($"Bearer {_key}");
        sent.ContentType.ShouldBe("application/json; charset=utf-8");
        sent.Body!.Value.GetRawText().ShouldBe("""{"name":"Leave policy","text":"Leave is applied for in the HR app.","process_rule":{"mode":"automatic"}}""");
    }

    [Fact]
    public async Task Create_by_text_sends_the_indexing_technique_and_a_custom_rule_when_given()
    {
        server.Script(_key, Reply.Json(200, Written(Document(DocumentId, "Leave policy"))));

        await Client().CreateDocumentByTextAsync(DatasetId, "Leave policy", "text", DifyIndexing.Economy, DifyProcessRule.Custom("\n\n", 500, removeUrlsEmails: true));

        Served.ShouldHaveSingleItem().Body!.Value.GetRawText().ShouldBe(
            """{"name":"Leave policy","text":"text","indexing_technique":"economy","process_rule":{"mode":"custom","rules":{"pre_processing_rules":[{"id":"remove_extra_spaces","enabled":true},{"id":"remove_urls_emails","enabled":true}],"segmentation":{"separator":"\n\n","max_tokens":500}}}}""");
    }

    [Fact]
    public async Task Update_by_text_posts_name_and_text_to_the_documents_route()
    {
        server.Script(_key, Reply.Json(200, Written(Document(DocumentId, "Leave policy v2"), "20230921150427533685")));

        var result = await Client().UpdateDocumentByTextAsync(DatasetId, DocumentId, "Leave policy v2", "New text.");

        result.Batch.ShouldBe("20230921150427533685");
        result.Document.Name.ShouldBe("Leave policy v2");
        var sent = Served.ShouldHaveSingleItem();
        sent.Method.ShouldBe("POST");
        sent.Path.ShouldBe($"/v1/datasets/{DatasetId}/documents/{DocumentId}/update-by-text");
        sent.Body!.Value.GetRawText().ShouldBe("""{"name":"Leave policy v2","text":"New text."}""");
    }

    [Fact]
    public async Task Delete_accepts_a_204_without_a_body()
    {
        server.Script(_key, Reply.Empty(204));

        (await Client().DeleteDocumentAsync(DatasetId, DocumentId)).ShouldBeTrue();

        var sent = Served.ShouldHaveSingleItem();
        sent.Method.ShouldBe("DELETE");
        sent.Path.ShouldBe($"/v1/datasets/{DatasetId}/documents/{DocumentId}");
        sent.Authorization.ShouldBe($"Bearer {_key}");
    }

    [Fact]
    public async Task Delete_accepts_the_older_200_result_success()
    {
        server.Script(_key, Reply.Json(200, DeletedOld));

        (await Client().DeleteDocumentAsync(DatasetId, DocumentId)).ShouldBeTrue();
    }

    [Fact]
    public async Task Delete_of_a_document_that_is_gone_is_false()
    {
        server.Script(_key, Reply.Error(404, "not_found", "Document Not Exists."));

        (await Client().DeleteDocumentAsync(DatasetId, DocumentId)).ShouldBeFalse();

        Served.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Indexing_status_reads_each_record()
    {
        server.Script(_key, Reply.Json(200, IndexingStatus));

        var statuses = await Client().GetIndexingStatusAsync(DatasetId, Batch);

        var status = statuses.ShouldHaveSingleItem();
        status.ShouldBe(new DifyIndexingStatus { Id = DocumentId, IndexingStatus = "indexing", CompletedSegments = 24, TotalSegments = 100 });
        status.IsCompleted.ShouldBeFalse();
        status.IsFailed.ShouldBeFalse();
        var sent = Served.ShouldHaveSingleItem();
        sent.Method.ShouldBe("GET");
        sent.Path.ShouldBe($"/v1/datasets/{DatasetId}/documents/{Batch}/indexing-status");
    }

    [Fact]
    public async Task Retrieve_with_top_k_sends_semantic_search_and_reads_the_segments()
    {
        server.Script(_key, Reply.Json(200, Retrieved));

        var segments = await Client().RetrieveAsync(DatasetId, "How do I apply for leave?", topK: 3);

        segments.ShouldHaveSingleItem().ShouldBe(new DifyRetrievedSegment("f3d1c7be-9f3a-40d8-8eb8-3a1ef9c3f2c1", "Leave is applied for in the HR app.", DocumentId, "Leave policy", 0.92));
        var sent = Served.ShouldHaveSingleItem();
        sent.Method.ShouldBe("POST");
        sent.Path.ShouldBe($"/v1/datasets/{DatasetId}/retrieve");
        sent.Body!.Value.GetRawText().ShouldBe("""{"query":"How do I apply for leave?","retrieval_model":{"search_method":"semantic_search","reranking_enable":false,"top_k":3,"score_threshold_enabled":false}}""");
    }

    [Fact]
    public async Task Retrieve_without_top_k_leaves_the_knowledge_bases_settings()
    {
        server.Script(_key, Reply.Json(200, Retrieved));

        await Client().RetrieveAsync(DatasetId, "leave");

        Served.ShouldHaveSingleItem().Body!.Value.GetRawText().ShouldBe("""{"query":"leave"}""");
    }

    [Theory]
    [InlineData(401, "unauthorized", "Access token is invalid", DifyKnowledgeErrorKind.Unauthorized, false, "not an app key")]
    [InlineData(403, "forbidden", RateLimited, DifyKnowledgeErrorKind.RateLimited, true, "RequestsPerMinute")]
    [InlineData(429, "too_many_requests", "Too many requests", DifyKnowledgeErrorKind.RateLimited, true, "RequestsPerMinute")]
    [InlineData(403, "forbidden", DocumentLimit, DifyKnowledgeErrorKind.QuotaExceeded, false, "upgrade")]
    [InlineData(403, "archived_document_immutable", "The archived document is not editable.", DifyKnowledgeErrorKind.Conflict, false, "unarchive")]
    [InlineData(403, "forbidden", "Dataset api access is not enabled.", DifyKnowledgeErrorKind.Unauthorized, false, "workspace")]
    [InlineData(413, "file_too_large", "File size exceeded.", DifyKnowledgeErrorKind.TooLarge, false, "split")]
    [InlineData(400, "invalid_param", "limit must be at most 100", DifyKnowledgeErrorKind.InvalidRequest, false, "fix the request")]
    [InlineData(400, "dataset_not_initialized", "The dataset is still being initialized or indexing. Please wait a moment.", DifyKnowledgeErrorKind.InvalidRequest, false, "DifyIndexing")]
    [InlineData(400, "document_indexing", "The document is being processed and cannot be edited.", DifyKnowledgeErrorKind.Conflict, true, "indexing has finished")]
    [InlineData(404, "not_found", "Document not found.", DifyKnowledgeErrorKind.NotFound, false, "check the ids")]
    [InlineData(409, "dataset_name_duplicate", "The dataset name already exists. Please modify your dataset name.", DifyKnowledgeErrorKind.Conflict, false, "another name")]
    [InlineData(503, "internal_server_error", "Service unavailable", DifyKnowledgeErrorKind.Unavailable, true, "try again later")]
    public async Task Each_error_answer_is_classified_and_says_what_to_do(int status, string code, string message, DifyKnowledgeErrorKind kind, bool retryable, string advice)
    {
        server.Script(_key, Reply.Error(status, code, message));

        var failed = await Should.ThrowAsync<DifyKnowledgeException>(() => Client(o => o.MaxRetries = 0).UpdateDocumentByTextAsync(DatasetId, DocumentId, "n", "t"));

        failed.Kind.ShouldBe(kind);
        failed.Retryable.ShouldBe(retryable);
        failed.HttpStatus.ShouldBe(status);
        failed.Code.ShouldBe(code);
        failed.DifyMessage.ShouldBe(message);
        failed.Message.ShouldContain(advice);
        failed.MayHaveCreated.ShouldBeFalse();
        Served.Count.ShouldBe(1);
    }

    [Fact]
    public async Task An_error_answer_that_is_not_difys_json_is_classified_by_its_status()
    {
        server.Script(_key, Reply.Json(502, "<html>Bad Gateway</html>"));

        var failed = await Should.ThrowAsync<DifyKnowledgeException>(() => Client(o => o.MaxRetries = 0).GetDatasetAsync(DatasetId));

        failed.Kind.ShouldBe(DifyKnowledgeErrorKind.Unavailable);
        failed.Code.ShouldBe("http_502");
        failed.DifyMessage.ShouldBeNull();
    }

    [Fact]
    public async Task A_create_is_not_tried_again_after_a_500_and_says_it_may_have_created()
    {
        server.Script(_key, Reply.Error(500, "internal_server_error", "Internal Server Error"), Reply.Json(200, Written(Document(DocumentId, "Leave policy"))));

        var failed = await Should.ThrowAsync<DifyKnowledgeException>(() => Client().CreateDocumentByTextAsync(DatasetId, "Leave policy", "text"));

        failed.Kind.ShouldBe(DifyKnowledgeErrorKind.Unavailable);
        failed.MayHaveCreated.ShouldBeTrue();
        failed.Message.ShouldContain("look it up by name");
        Served.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_create_is_not_tried_again_after_a_timeout()
    {
        server.Script(_key, Reply.Silence(), Reply.Json(200, Written(Document(DocumentId, "Leave policy"))));

        var failed = await Should.ThrowAsync<DifyKnowledgeException>(() => Client(o => o.Timeout = TimeSpan.FromMilliseconds(500)).CreateDocumentByTextAsync(DatasetId, "Leave policy", "text"));

        failed.Kind.ShouldBe(DifyKnowledgeErrorKind.Unavailable);
        failed.Code.ShouldBe("timeout");
        failed.MayHaveCreated.ShouldBeTrue();
        Served.Count.ShouldBe(1);
    }

    [Fact]
    public async Task An_update_is_tried_again_after_a_503()
    {
        server.Script(_key, Reply.Error(503, "internal_server_error", "Service unavailable"), Reply.Json(200, Written(Document(DocumentId, "Leave policy"))));

        var result = await Client().UpdateDocumentByTextAsync(DatasetId, DocumentId, "Leave policy", "text");

        result.Document.Id.ShouldBe(DocumentId);
        Served.Count.ShouldBe(2);
        Served[1].Body!.Value.GetRawText().ShouldBe(Served[0].Body!.Value.GetRawText());
    }

    [Fact]
    public async Task A_read_gives_up_after_max_retries()
    {
        server.Script(_key, [.. Enumerable.Repeat(Reply.Error(503, "internal_server_error", "Service unavailable"), 3)]);

        var failed = await Should.ThrowAsync<DifyKnowledgeException>(() => Client(o => o.MaxRetries = 2).GetDatasetAsync(DatasetId));

        failed.Kind.ShouldBe(DifyKnowledgeErrorKind.Unavailable);
        Served.Count.ShouldBe(3);
    }

    [Fact]
    public async Task A_document_being_indexed_is_not_tried_again_within_the_call()
    {
        server.Script(_key, Reply.Error(400, "document_indexing", "The document is being processed and cannot be edited."), Reply.Empty(204));

        var failed = await Should.ThrowAsync<DifyKnowledgeException>(() => Client().DeleteDocumentAsync(DatasetId, DocumentId));

        failed.Retryable.ShouldBeTrue();
        Served.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_wrong_key_is_not_tried_again()
    {
        server.Script(_key, Reply.Error(401, "unauthorized", "Access token is invalid"), Reply.Json(200, Dataset));

        var failed = await Should.ThrowAsync<DifyKnowledgeException>(() => Client().GetDatasetAsync(DatasetId));

        failed.Message.ShouldContain("dataset-");
        Served.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_success_answer_of_the_wrong_shape_fails_a_create_as_may_have_created()
    {
        server.Script(_key, Reply.Json(200, """{"result": "success"}"""));

        var failed = await Should.ThrowAsync<DifyKnowledgeException>(() => Client().CreateDocumentByTextAsync(DatasetId, "Leave policy", "text"));

        failed.Code.ShouldBe("answer_malformed");
        failed.MayHaveCreated.ShouldBeTrue();
        Served.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Ids_are_escaped_in_the_path()
    {
        server.Script(_key, Reply.Json(200, Dataset));

        await Client().GetDatasetAsync("a/b c");

        Served.ShouldHaveSingleItem().Path.ShouldBe("/v1/datasets/a%2Fb%20c");
    }
}
