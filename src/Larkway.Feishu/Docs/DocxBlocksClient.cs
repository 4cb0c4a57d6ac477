using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Feishu.Http;

namespace Larkway.Feishu.Docs;

/// <summary>
/// A document's blocks (<c>/open-apis/docx/v1/documents/{document_id}/blocks</c>): read them, append new ones (nested,
/// tables included), change a block's text, delete children. Edits go one at a time per document, paced to Feishu's
/// three a second per document and per app, and carry a <c>client_token</c>, so a retry never writes twice.
/// </summary>
public class DocxBlocksClient
{
    private readonly DocsCalls _calls = null!;

    /// <summary>For mocking.</summary>
    protected DocxBlocksClient()
    {
    }

    internal DocxBlocksClient(DocsCalls calls) => _calls = calls;

    /// <summary>
    /// Every block of the document, in the order Feishu lists them (the page first; <c>GET …/blocks</c>, up to 500 a page).
    /// </summary>
    public virtual FeishuPageable<DocxBlock> List(string documentId, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        documentId = DocsCalls.DocumentId(documentId);
        Im.Checks.PageSize(pageSize, DocxLimits.MaxBlocksPageSize);
        var route = DocsCalls.Route(DocsCalls.Blocks, documentId);
        return new FetchPageable<DocxBlock>(async (token, size, ct) =>
        {
            var path = new Query(route).Add("page_size", size).Add("page_token", token).Add("document_revision_id", -1);
            var data = await _calls.SendAsync(_calls.Request(HttpMethod.Get, path.ToString(), DocsCalls.Blocks, DocsTier.Read) with { Idempotent = true },
                DocsJsonContext.Wire.BlockPageEnvelope, ct).ConfigureAwait(false);
            return Page(data);
        }, pageSize, cancellationToken);
    }

    /// <summary>One block (<c>GET …/blocks/{block_id}</c>).</summary>
    public virtual async Task<DocxBlock> GetAsync(string documentId, string blockId, CancellationToken cancellationToken = default)
    {
        documentId = DocsCalls.DocumentId(documentId);
        blockId = Im.Checks.Id(blockId, nameof(blockId), "a block_id (the document_id for the page)");
        var data = await _calls.SendAsync(
            _calls.Request(HttpMethod.Get, DocsCalls.Route(DocsCalls.Block, documentId, blockId), DocsCalls.Block, DocsTier.Read) with { Idempotent = true },
            DocsJsonContext.Wire.BlockEnvelope, cancellationToken).ConfigureAwait(false);
        return DocxBlockJson.Read(data.Block);
    }

    /// <summary>A block's children (<c>GET …/blocks/{block_id}/children</c>, up to 500 a page).</summary>
    public virtual FeishuPageable<DocxBlock> Children(string documentId, string blockId, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        documentId = DocsCalls.DocumentId(documentId);
        blockId = Im.Checks.Id(blockId, nameof(blockId), "a block_id (the document_id for the page)");
        Im.Checks.PageSize(pageSize, DocxLimits.MaxBlocksPageSize);
        const string Template = DocsCalls.Block + "/children";
        var route = DocsCalls.Route(Template, documentId, blockId);
        return new FetchPageable<DocxBlock>(async (token, size, ct) =>
        {
            var path = new Query(route).Add("page_size", size).Add("page_token", token).Add("document_revision_id", -1);
            var data = await _calls.SendAsync(_calls.Request(HttpMethod.Get, path.ToString(), Template, DocsTier.Read) with { Idempotent = true },
                DocsJsonContext.Wire.BlockPageEnvelope, ct).ConfigureAwait(false);
            return Page(data);
        }, pageSize, cancellationToken);
    }

    /// <summary>
    /// Appends <paramref name="blocks"/> (with what they hold: nested items, table cells, callout content) under
    /// <paramref name="parentBlockId"/> (null: the document's page), at <paramref name="index"/> among its children (-1: at
    /// the end). Written with "create descendants" (<c>POST …/blocks/{block_id}/descendant</c>), up to 1,000 blocks a
    /// call, as many calls as needed, each with its own <c>client_token</c> so a retried call is not written twice.
    /// Returns the document's revision after the last call.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// A block's text over 100,000 characters, or one top-level block holding over 1,000 blocks (nothing sent).
    /// </exception>
    /// <exception cref="FeishuApiException">
    /// E.g. <see cref="FeishuErrorCodes.DocxForbidden"/> (the caller may not edit), <see cref="FeishuErrorCodes.DocxTooManyBlocks"/>.
    /// When a later call fails, the blocks of the earlier calls stay written.
    /// </exception>
    public virtual async Task<long> AppendAsync(string documentId, IReadOnlyList<DocxNewBlock> blocks, string? parentBlockId = null, int index = -1, CancellationToken cancellationToken = default)
    {
        documentId = DocsCalls.DocumentId(documentId);
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentOutOfRangeException.ThrowIfLessThan(index, -1);
        Check(blocks);
        var parent = string.IsNullOrWhiteSpace(parentBlockId) ? documentId : parentBlockId.Trim();
        const string Template = DocsCalls.Block + "/descendant";
        long revision = 0;
        var at = index;
        foreach (var chunk in Chunks(blocks))
        {
            var clientToken = Guid.NewGuid().ToString();
            var (top, descendants) = DocxBlockJson.Descendants(chunk, "t" + clientToken[..8]);
            var body = new JsonObject
            {
                ["children_id"] = new JsonArray([.. top.Select(id => (JsonNode)id)]),
                ["index"] = at,
                ["descendants"] = descendants,
            };
            var path = new Query(DocsCalls.Route(Template, documentId, parent)).Add("document_revision_id", -1).Add("client_token", clientToken);
            var request = _calls.Request(HttpMethod.Post, path.ToString(), Template, DocsTier.Edit, body, DocsJsonContext.Wire.JsonObject) with { Idempotent = true };
            var data = await _calls.EditAsync(documentId, request, DocsJsonContext.Wire.DescendantEnvelope, cancellationToken).ConfigureAwait(false);
            revision = data.DocumentRevisionId;
            if (at >= 0)
            {
                at += chunk.Count;
            }
        }

        return revision;
    }

    /// <summary>
    /// Replaces a text-shaped block's text (<c>PATCH …/blocks/{block_id}</c> with <c>update_text_elements</c>). Returns the
    /// document's revision.
    /// </summary>
    public virtual async Task<long> UpdateTextAsync(string documentId, string blockId, IReadOnlyList<DocxTextElement> elements, CancellationToken cancellationToken = default)
    {
        documentId = DocsCalls.DocumentId(documentId);
        blockId = Im.Checks.Id(blockId, nameof(blockId), "a block_id");
        ArgumentNullException.ThrowIfNull(elements);
        CheckText(new DocxText(elements));
        var body = new JsonObject { ["update_text_elements"] = new JsonObject { ["elements"] = DocxBlockJson.TextBody(new DocxText(elements.Count == 0 ? [DocxTextElement.Run("")] : elements))["elements"]!.DeepClone() } };
        var path = new Query(DocsCalls.Route(DocsCalls.Block, documentId, blockId)).Add("document_revision_id", -1).Add("client_token", Guid.NewGuid().ToString());
        var request = _calls.Request(HttpMethod.Patch, path.ToString(), DocsCalls.Block, DocsTier.Edit, body, DocsJsonContext.Wire.JsonObject) with { Idempotent = true };
        var data = await _calls.EditAsync(documentId, request, DocsJsonContext.Wire.RevisionEnvelope, cancellationToken).ConfigureAwait(false);
        return data.DocumentRevisionId;
    }

    /// <summary>
    /// Deletes the children <c>[startIndex, endIndex)</c> of <paramref name="parentBlockId"/> (null: the page;
    /// <c>DELETE …/children/batch_delete</c>). Returns the document's revision.
    /// </summary>
    public virtual async Task<long> DeleteChildrenAsync(string documentId, int startIndex, int endIndex, string? parentBlockId = null, CancellationToken cancellationToken = default)
    {
        documentId = DocsCalls.DocumentId(documentId);
        ArgumentOutOfRangeException.ThrowIfNegative(startIndex);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(endIndex, startIndex);
        var parent = string.IsNullOrWhiteSpace(parentBlockId) ? documentId : parentBlockId.Trim();
        const string Template = DocsCalls.Block + "/children/batch_delete";
        var path = new Query(DocsCalls.Route(Template, documentId, parent)).Add("document_revision_id", -1).Add("client_token", Guid.NewGuid().ToString());
        var request = _calls.Request(HttpMethod.Delete, path.ToString(), Template, DocsTier.Edit,
            new DeleteChildrenBody { StartIndex = startIndex, EndIndex = endIndex }, DocsJsonContext.Wire.DeleteChildrenBody) with { Idempotent = true };
        var data = await _calls.EditAsync(documentId, request, DocsJsonContext.Wire.RevisionEnvelope, cancellationToken).ConfigureAwait(false);
        return data.DocumentRevisionId;
    }

    private static FeishuPage<DocxBlock> Page(BlockPageData data) =>
        new([.. (data.Items ?? []).Select(DocxBlockJson.Read)], data.HasMore ? data.PageToken : null, data.HasMore);

    /// <summary>Top-level blocks grouped so that each group writes at most 1,000 blocks.</summary>
    private static IEnumerable<IReadOnlyList<DocxNewBlock>> Chunks(IReadOnlyList<DocxNewBlock> blocks)
    {
        var chunk = new List<DocxNewBlock>();
        var count = 0;
        foreach (var block in blocks)
        {
            var size = block.Count;
            if (count + size > DocxLimits.MaxDescendantsPerCall && chunk.Count > 0)
            {
                yield return chunk;
                chunk = [];
                count = 0;
            }

            chunk.Add(block);
            count += size;
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }

    private static void Check(IReadOnlyList<DocxNewBlock> blocks)
    {
        foreach (var block in blocks)
        {
            if (block.Count > DocxLimits.MaxDescendantsPerCall)
            {
                throw new ArgumentException($"A {block.Type} block holding {block.Count - 1} blocks is over the {DocxLimits.MaxDescendantsPerCall} one call writes: split it.", nameof(blocks));
            }

            Walk(block);
        }

        static void Walk(DocxNewBlock block)
        {
            if (block.Text is { } text)
            {
                CheckText(text);
            }

            foreach (var child in block.Children)
            {
                Walk(child);
            }
        }
    }

    private static void CheckText(DocxText text)
    {
        var length = text.Elements.Sum(e => e.Content.Length);
        if (length > DocxLimits.MaxTextLength)
        {
            throw new ArgumentException($"A block's text has at most {DocxLimits.MaxTextLength:N0} characters; this one has {length:N0}: split it into paragraphs.", nameof(text));
        }
    }
}
