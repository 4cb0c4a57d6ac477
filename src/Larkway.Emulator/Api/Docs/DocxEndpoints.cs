using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.Docs;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Docs;

/// <summary>
/// docx v1 (docs-facts §1): create and get a document, raw_content, list and get blocks and children, create children and
/// descendants, patch one block, batch_update, batch_delete children. Reads need view permission, edits edit permission
/// (1770032 otherwise); every edit advances the revision by one and sends <c>drive.file.edit_v1</c> to the document's
/// subscribers. <c>document_revision_id</c> and <c>client_token</c> are query parameters; the same client_token answers what
/// its first call answered without editing again.
/// </summary>
internal static class DocxEndpoints
{
    private const int Invalid = DocsErrors.InvalidParam;
    private const int MaxContentChars = 10_485_760;

    public static void MapDocxEndpoints(this IEndpointRouteBuilder routes)
    {
        var documents = routes.MapGroup("/open-apis/docx/v1/documents");
        documents.MapPost(string.Empty, CreateAsync).AsOpenApi(DocsTiers.Tokens, DocsTiers.Edit, DocsTiers.DocxLimitStatus);
        documents.MapGet("{document_id}", Get).AsOpenApi(DocsTiers.Tokens, DocsTiers.Read, DocsTiers.DocxLimitStatus);
        documents.MapGet("{document_id}/raw_content", RawContent).AsOpenApi(DocsTiers.Tokens, DocsTiers.Read, DocsTiers.DocxLimitStatus);
        documents.MapGet("{document_id}/blocks", ListBlocks).AsOpenApi(DocsTiers.Tokens, DocsTiers.Read, DocsTiers.DocxLimitStatus);
        documents.MapGet("{document_id}/blocks/{block_id}", GetBlock).AsOpenApi(DocsTiers.Tokens, DocsTiers.Read, DocsTiers.DocxLimitStatus);
        documents.MapGet("{document_id}/blocks/{block_id}/children", ListChildren).AsOpenApi(DocsTiers.Tokens, DocsTiers.Read, DocsTiers.DocxLimitStatus);
        documents.MapPost("{document_id}/blocks/{block_id}/children", CreateChildrenAsync).AsOpenApi(DocsTiers.Tokens, DocsTiers.Edit, DocsTiers.DocxLimitStatus);
        documents.MapPost("{document_id}/blocks/{block_id}/descendant", CreateDescendantAsync).AsOpenApi(DocsTiers.Tokens, DocsTiers.Edit, DocsTiers.DocxLimitStatus);
        documents.MapPatch("{document_id}/blocks/batch_update", BatchUpdateAsync).AsOpenApi(DocsTiers.Tokens, DocsTiers.Edit, DocsTiers.DocxLimitStatus);
        documents.MapPatch("{document_id}/blocks/{block_id}", PatchAsync).AsOpenApi(DocsTiers.Tokens, DocsTiers.Edit, DocsTiers.DocxLimitStatus);
        documents.MapDelete("{document_id}/blocks/{block_id}/children/batch_delete", BatchDeleteAsync).AsOpenApi(DocsTiers.Tokens, DocsTiers.Edit, DocsTiers.DocxLimitStatus);
    }

    // ---- documents -----------------------------------------------------------------------------------

    /// <summary>
    /// In <c>folder_token</c> (empty: the caller's root), which the caller must be able to edit (1770040; unknown 1770039).
    /// With a tenant token the app owns the document, with a user token the user.
    /// </summary>
    private static async Task<IResult> CreateAsync(HttpContext context, DocsStore store)
    {
        var body = await DocsRequest.BodyAsync(context.Request, Invalid, allowEmpty: true);
        var title = body.OptionalString("title", Invalid) ?? string.Empty;
        if (title.Length > 800)
        {
            throw DocsErrors.Violation("title", title[..20] + "…", "title is at most 800 characters");
        }

        var folderToken = body.OptionalString("folder_token", Invalid);
        var who = DocsRequest.Identity(context);
        var document = store.Change(who.Actor, tx =>
        {
            var folder = string.IsNullOrEmpty(folderToken) ? store.RootOf(who.Actor) : store.FindFile(folderToken) is { Type: "folder", IsLive: true } found ? found
                : throw DocsErrors.Error(DocsErrors.FolderNotFound, $"no folder has the token '{folderToken}' (a wiki node token is not a folder)");
            if (DocPermissions.Of(store, folder, who) < Perm.Edit)
            {
                throw DocsErrors.Error(DocsErrors.NoFolderPermission, DocsAccess.Denied(store, folder, who, Perm.Edit, DocPermissions.Of(store, folder, who)));
            }

            var file = DocEdits.NewDocument(tx, title, who.Actor, folder.Token);
            return new JsonObject { ["document_id"] = file.Token, ["revision_id"] = file.RevisionId, ["title"] = file.Title };
        });
        return Envelope.Ok(new { document });
    }

    private static IResult Get([FromRoute(Name = "document_id")] string documentId, HttpContext context, DocsStore store)
    {
        var who = DocsRequest.Identity(context);
        return Envelope.Ok(store.Read(() =>
        {
            var file = DocsAccess.Document(store, documentId, who, Perm.View);
            return new
            {
                document = new JsonObject
                {
                    ["document_id"] = file.Token,
                    ["revision_id"] = file.RevisionId,
                    ["title"] = file.Title,
                    ["display_setting"] = new JsonObject
                    {
                        ["show_authors"] = true,
                        ["show_create_time"] = false,
                        ["show_pv"] = false,
                        ["show_uv"] = false,
                        ["show_like_count"] = true,
                        ["show_comment_count"] = false,
                        ["show_related_matters"] = false,
                    },
                },
            };
        }));
    }

    /// <summary>The text of the text-shaped blocks, one line each; over 10,485,760 characters is 1770033.</summary>
    private static IResult RawContent([FromRoute(Name = "document_id")] string documentId, HttpContext context, DocsStore store)
    {
        var lang = context.Request.Query("lang");
        if (lang is not (null or "0" or "1" or "2"))
        {
            throw DocsErrors.Error(Invalid, $"lang '{lang}' is not 0 (default names), 1 (English names) or 2");
        }

        var who = DocsRequest.Identity(context);
        var content = store.Read(() => DocsViews.RawContent(store.State, DocsAccess.Document(store, documentId, who, Perm.View)));
        return content.Length > MaxContentChars
            ? throw DocsErrors.Error(DocsErrors.ContentTooLarge, $"the document's text is {content.Length.ToString(CultureInfo.InvariantCulture)} characters; raw_content answers at most {MaxContentChars.ToString(CultureInfo.InvariantCulture)}")
            : Envelope.Ok(new { content });
    }

    // ---- blocks --------------------------------------------------------------------------------------

    private static IResult ListBlocks([FromRoute(Name = "document_id")] string documentId, HttpContext context, DocsStore store)
    {
        var size = DocsRequest.PageSize(context.Request, 500, 500);
        DocsRequest.UserIdType(context.Request, Invalid);
        var who = DocsRequest.Identity(context);
        return Envelope.Ok(store.Read(() =>
        {
            var file = DocsAccess.Document(store, documentId, who, Perm.View);
            DocsRequest.CheckReadRevision(context.Request, file);
            return PageOf(DocsViews.InOrder(file), context.Request.Query("page_token"), size, "blocks|" + file.Token);
        }));
    }

    private static IResult GetBlock([FromRoute(Name = "document_id")] string documentId, [FromRoute(Name = "block_id")] string blockId, HttpContext context, DocsStore store)
    {
        DocsRequest.UserIdType(context.Request, Invalid);
        var who = DocsRequest.Identity(context);
        return Envelope.Ok(store.Read(() =>
        {
            var file = DocsAccess.Document(store, documentId, who, Perm.View);
            DocsRequest.CheckReadRevision(context.Request, file);
            return new { block = DocsViews.Block(DocEdits.Block(file, blockId)) };
        }));
    }

    private static IResult ListChildren([FromRoute(Name = "document_id")] string documentId, [FromRoute(Name = "block_id")] string blockId, HttpContext context, DocsStore store)
    {
        var size = DocsRequest.PageSize(context.Request, 500, 500);
        DocsRequest.UserIdType(context.Request, Invalid);
        var who = DocsRequest.Identity(context);
        return Envelope.Ok(store.Read(() =>
        {
            var file = DocsAccess.Document(store, documentId, who, Perm.View);
            DocsRequest.CheckReadRevision(context.Request, file);
            var parent = DocEdits.Block(file, blockId);
            var children = parent.Children.Select(id => DocEdits.Block(file, id)).ToList();
            return PageOf(children, context.Request.Query("page_token"), size, "children|" + file.Token + "|" + blockId);
        }));
    }

    private static JsonObject PageOf(List<DocBlock> blocks, string? pageToken, int size, string scope)
    {
        var page = Paging.Slice(blocks, b => b.BlockId, false, pageToken, size, scope, DocsErrors.InvalidPageToken);
        var json = new JsonObject
        {
            ["items"] = new JsonArray([.. page.Items.Select(b => (JsonNode)DocsViews.Block(b))]),
            ["has_more"] = page.HasMore,
        };
        if (page.PageToken is { } next)
        {
            json["page_token"] = next;
        }

        return json;
    }

    // ---- edits ---------------------------------------------------------------------------------------

    private static async Task<IResult> CreateChildrenAsync([FromRoute(Name = "document_id")] string documentId, [FromRoute(Name = "block_id")] string blockId, HttpContext context, DocsStore store, RateLimiter limiter, EmulatorOptions options)
    {
        var body = await DocsRequest.BodyAsync(context.Request, Invalid);
        var children = body.TryGetProperty("children", out var c) && c.ValueKind == JsonValueKind.Array
            ? c.EnumerateArray().ToList()
            : throw DocsErrors.Error(Invalid, "children is required (an array of 1 to 50 blocks)");
        if (children.Count is 0 or > 50)
        {
            throw DocsErrors.Violation("children", children.Count.ToString(CultureInfo.InvariantCulture), "children holds 1 to 50 blocks");
        }

        var index = body.OptionalInt("index", Invalid) ?? -1;
        return Edit(context, store, limiter, options, documentId, "children|" + blockId, (tx, file, revision) =>
        {
            var created = DocEdits.InsertChildren(tx, file, blockId, children, index);
            return new JsonObject
            {
                ["children"] = new JsonArray([.. created.Select(b => (JsonNode)DocsViews.Block(b))]),
                ["document_revision_id"] = revision,
            };
        });
    }

    private static async Task<IResult> CreateDescendantAsync([FromRoute(Name = "document_id")] string documentId, [FromRoute(Name = "block_id")] string blockId, HttpContext context, DocsStore store, RateLimiter limiter, EmulatorOptions options)
    {
        var body = await DocsRequest.BodyAsync(context.Request, Invalid);
        var childrenIds = body.OptionalStringArray("children_id", Invalid) ?? throw DocsErrors.Error(Invalid, "children_id is required (the temporary ids of the first-level blocks)");
        var descendants = body.TryGetProperty("descendants", out var d) && d.ValueKind == JsonValueKind.Array
            ? d.EnumerateArray().ToList()
            : throw DocsErrors.Error(Invalid, "descendants is required (every block to create, each with a temporary block_id and its children)");
        if (childrenIds.Count is 0 or > 1000)
        {
            throw DocsErrors.Violation("children_id", childrenIds.Count.ToString(CultureInfo.InvariantCulture), "children_id holds 1 to 1000 ids");
        }

        if (descendants.Count is 0 or > 1000)
        {
            throw DocsErrors.Violation("descendants", descendants.Count.ToString(CultureInfo.InvariantCulture), "descendants holds 1 to 1000 blocks");
        }

        var index = body.OptionalInt("index", Invalid) ?? -1;
        return Edit(context, store, limiter, options, documentId, "descendant|" + blockId, (tx, file, revision) =>
        {
            var (created, relations) = DocEdits.InsertDescendants(tx, file, blockId, childrenIds, descendants, index);
            return new JsonObject
            {
                ["children"] = new JsonArray([.. created.Select(b => (JsonNode)DocsViews.Block(b))]),
                ["document_revision_id"] = revision,
                ["block_id_relations"] = new JsonArray([.. relations.Select(r => (JsonNode)new JsonObject { ["temporary_block_id"] = r.Temporary, ["block_id"] = r.Real })]),
            };
        });
    }

    private static async Task<IResult> PatchAsync([FromRoute(Name = "document_id")] string documentId, [FromRoute(Name = "block_id")] string blockId, HttpContext context, DocsStore store, RateLimiter limiter, EmulatorOptions options)
    {
        var body = await DocsRequest.BodyAsync(context.Request, Invalid);
        return Edit(context, store, limiter, options, documentId, "patch|" + blockId, (tx, file, revision) => new JsonObject
        {
            ["block"] = DocsViews.Block(DocEdits.Update(tx, file, blockId, body, "body")),
            ["document_revision_id"] = revision,
        });
    }

    /// <summary>At most 200 requests, each naming its block; all or nothing.</summary>
    private static async Task<IResult> BatchUpdateAsync([FromRoute(Name = "document_id")] string documentId, HttpContext context, DocsStore store, RateLimiter limiter, EmulatorOptions options)
    {
        var body = await DocsRequest.BodyAsync(context.Request, Invalid);
        var requests = body.TryGetProperty("requests", out var r) && r.ValueKind == JsonValueKind.Array
            ? r.EnumerateArray().ToList()
            : throw DocsErrors.Error(Invalid, "requests is required (an array of update block requests, each with block_id)");
        if (requests.Count is 0 or > 200)
        {
            throw DocsErrors.Violation("requests", requests.Count.ToString(CultureInfo.InvariantCulture), "requests holds 1 to 200 update requests");
        }

        return Edit(context, store, limiter, options, documentId, "batch_update", (tx, file, revision) =>
        {
            var blocks = new JsonArray();
            for (var i = 0; i < requests.Count; i++)
            {
                var path = $"requests[{i.ToString(CultureInfo.InvariantCulture)}]";
                var id = requests[i].ValueKind == JsonValueKind.Object ? requests[i].OptionalString("block_id", Invalid) : null;
                var block = DocEdits.Update(tx, file, id ?? throw DocsErrors.Error(Invalid, $"{path}.block_id is required"), requests[i], path);
                blocks.Add(DocsViews.Block(block));
            }

            return new JsonObject { ["blocks"] = blocks, ["document_revision_id"] = revision };
        });
    }

    private static async Task<IResult> BatchDeleteAsync([FromRoute(Name = "document_id")] string documentId, [FromRoute(Name = "block_id")] string blockId, HttpContext context, DocsStore store, RateLimiter limiter, EmulatorOptions options)
    {
        var body = await DocsRequest.BodyAsync(context.Request, Invalid);
        var start = body.OptionalInt("start_index", Invalid) ?? throw DocsErrors.Error(Invalid, "start_index is required");
        var end = body.OptionalInt("end_index", Invalid) ?? throw DocsErrors.Error(Invalid, "end_index is required");
        return Edit(context, store, limiter, options, documentId, "batch_delete|" + blockId, (tx, file, revision) =>
        {
            DocEdits.DeleteChildren(tx, file, blockId, start, end);
            return new JsonObject { ["document_revision_id"] = revision };
        });
    }

    /// <summary>
    /// One edit: the per-document limit, then under the lock the edit permission, the revision check and the client_token
    /// (a token seen before answers as it did, without editing); the answer carries <c>client_token</c>.
    /// </summary>
    private static IResult Edit(HttpContext context, DocsStore store, RateLimiter limiter, EmulatorOptions options, string documentId, string operation, Func<DocsTransaction, DocFile, int, JsonObject> edit)
    {
        DocsRequest.UserIdType(context.Request, Invalid);
        var who = DocsRequest.Identity(context);
        var clientToken = context.Request.Query("client_token");
        DocsRequest.CheckDocumentRate(limiter, options, documentId);
        var data = store.Change(who.Actor, tx =>
        {
            var file = DocsAccess.Document(store, documentId, who, Perm.Edit);
            var key = $"{operation}|{who.AppId}|{who.UserOpenId}|{clientToken}";
            if (clientToken is not null && file.ClientTokens.Find(t => t.Key == key) is { } claim)
            {
                return (JsonObject)JsonNode.Parse(claim.Response)!;
            }

            DocsRequest.CheckEditRevision(context.Request, file);
            var answer = edit(tx, file, tx.RevisionAfter(file));
            answer["client_token"] = clientToken ?? Guid.NewGuid().ToString();
            if (clientToken is not null)
            {
                file.ClientTokens.Add(new DocClientToken(key, answer.ToJsonString()));
                if (file.ClientTokens.Count > 1000)
                {
                    file.ClientTokens.RemoveAt(0);
                }
            }

            return answer;
        });
        return Envelope.Ok(data);
    }
}
