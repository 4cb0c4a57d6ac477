namespace Larkway.Channels.Tests.Backends.Knowledge;

/// <summary>
/// Dify's knowledge API wire shapes as its documentation gives them: a document (the fields of its document list and of
/// create/update answers), a page <c>{data, has_more, limit, total, page}</c>, create/update <c>{document, batch}</c>,
/// indexing status <c>{data: […]}</c>, retrieve <c>{query, records}</c>, a dataset, errors <c>{code, message, status}</c>;
/// with a field Dify may add later in each, which the client must pass over.
/// </summary>
internal static class KnowledgeShapes
{
    public const string DatasetId = "a5f9d3b4-2a0c-4b7f-9f5e-7a2a3c1b0d11";
    public const string DocumentId = "b7e1a2c3-4d5e-4f60-8a9b-0c1d2e3f4a5b";
    public const string Batch = "20230921150427533684";

    public static string Document(string id, string name, string indexingStatus = "indexing") =>
        $$$"""{"id": "{{{id}}}", "position": 1, "data_source_type": "upload_file", "data_source_info": {"upload_file_id": "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d"}, "dataset_process_rule_id": "c8d9e0f1-2a3b-4c5d-8e6f-7a8b9c0d1e2f", "name": {{{Json(name)}}}, "created_from": "api", "created_by": "d0e1f2a3-b4c5-4d6e-8f70-8192a3b4c5d6", "created_at": 1695690280, "tokens": 0, "indexing_status": "{{{indexingStatus}}}", "error": null, "enabled": true, "disabled_at": null, "disabled_by": null, "archived": false, "display_status": "queuing", "word_count": 0, "hit_count": 0, "doc_form": "text_model", "doc_metadata": [], "a_field_added_later": {"nested": [1, 2]}}""";

    public static string Page(int page, int limit, int total, bool hasMore, params string[] documents) =>
        $$$"""{"data": [{{{string.Join(", ", documents)}}}], "has_more": {{{(hasMore ? "true" : "false")}}}, "limit": {{{limit}}}, "total": {{{total}}}, "page": {{{page}}}}""";

    public static string Written(string document, string batch = Batch) =>
        $$$"""{"document": {{{document}}}, "batch": "{{{batch}}}"}""";

    public const string Dataset = $$"""{"id": "{{DatasetId}}", "name": "Feishu wiki", "description": "Pushed from the wiki", "provider": "vendor", "permission": "only_me", "data_source_type": null, "indexing_technique": "high_quality", "app_count": 2, "document_count": 17, "word_count": 32000, "created_by": "d0e1f2a3-b4c5-4d6e-8f70-8192a3b4c5d6", "created_at": 1695636173, "updated_by": "d0e1f2a3-b4c5-4d6e-8f70-8192a3b4c5d6", "updated_at": 1695636173, "embedding_model": "text-embedding-3-small", "embedding_model_provider": "openai", "embedding_available": true, "retrieval_model_dict": {"search_method": "semantic_search", "reranking_enable": false, "top_k": 2, "score_threshold_enabled": false}, "tags": [], "doc_form": "text_model", "a_field_added_later": true}""";

    public const string IndexingStatus = $$"""{"data": [{"id": "{{DocumentId}}", "indexing_status": "indexing", "processing_started_at": 1681623462.0, "parsing_completed_at": 1681623462.0, "cleaning_completed_at": 1681623462.0, "splitting_completed_at": 1681623462.0, "completed_at": null, "paused_at": null, "error": null, "stopped_at": null, "completed_segments": 24, "total_segments": 100, "a_field_added_later": "x"}]}""";

    public const string Retrieved = $$$"""{"query": {"content": "How do I apply for leave?"}, "records": [{"segment": {"id": "f3d1c7be-9f3a-40d8-8eb8-3a1ef9c3f2c1", "position": 1, "document_id": "{{{DocumentId}}}", "content": "Leave is applied for in the HR app.", "sign_content": "", "answer": "", "word_count": 8, "tokens": 10, "keywords": ["leave"], "index_node_id": "n1", "index_node_hash": "h1", "hit_count": 1, "enabled": true, "disabled_at": null, "disabled_by": null, "status": "completed", "created_by": "d0e1f2a3-b4c5-4d6e-8f70-8192a3b4c5d6", "created_at": 1741267200, "indexing_at": 1741267200, "completed_at": 1741267200, "error": null, "stopped_at": null, "document": {"id": "{{{DocumentId}}}", "data_source_type": "upload_file", "name": "Leave policy", "doc_type": null, "doc_metadata": null}}, "child_chunks": [], "score": 0.92, "tsne_position": null, "files": [], "summary": null}]}""";

    public const string DeletedOld = """{"result": "success"}""";

    public static string Error(int status, string code, string message) =>
        $$$"""{"code": "{{{code}}}", "message": {{{Json(message)}}}, "status": {{{status}}}}""";

    private static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
