using Larkway.Feishu.Http;

namespace Larkway.Feishu.Docs;

/// <summary>Docx documents (<c>/open-apis/docx/v1/documents</c>): create, metadata, plain text.</summary>
public class DocxDocumentsClient
{
    private readonly DocsCalls _calls = null!;

    /// <summary>For mocking.</summary>
    protected DocxDocumentsClient()
    {
    }

    internal DocxDocumentsClient(DocsCalls calls) => _calls = calls;

    /// <summary>
    /// Creates an empty document (<c>POST …/documents</c>; 3 a second) in <paramref name="folderToken"/> (null: the caller's
    /// root; with the tenant token, only folders the app made or was given). A document made with the tenant token is
    /// owned by the app: share it (<see cref="DrivePermissionsClient.AddMemberAsync"/>) or transfer it so a person can
    /// open it. Not retried: a resend would make a second document.
    /// </summary>
    /// <exception cref="ArgumentException">A title over 800 characters (nothing sent).</exception>
    /// <exception cref="FeishuApiException">
    /// E.g. <see cref="FeishuErrorCodes.DocxFolderNotFound"/>, <see cref="FeishuErrorCodes.DocxNoFolderPermission"/>,
    /// <see cref="FeishuErrorCodes.DocxFolderLocked"/> (another create in the folder: create one at a time).
    /// </exception>
    public virtual async Task<DocxDocument> CreateAsync(string? title = null, string? folderToken = null, CancellationToken cancellationToken = default)
    {
        if (title is { Length: > DocxLimits.MaxTitleLength })
        {
            throw new ArgumentException($"A document title has at most {DocxLimits.MaxTitleLength} characters; this one has {title.Length}.", nameof(title));
        }

        var data = await _calls.SendAsync(
            _calls.Request(HttpMethod.Post, DocsCalls.Documents, DocsCalls.Documents, DocsTier.Edit,
                new DocumentCreateBody { Title = title, FolderToken = string.IsNullOrWhiteSpace(folderToken) ? null : folderToken.Trim() }, DocsJsonContext.Wire.DocumentCreateBody),
            DocsJsonContext.Wire.DocumentEnvelope, cancellationToken).ConfigureAwait(false);
        return Document(data, "POST " + DocsCalls.Documents);
    }

    /// <summary>A document's title and revision (<c>GET …/documents/{document_id}</c>; 5 a second).</summary>
    /// <exception cref="FeishuApiException">
    /// <see cref="FeishuErrorCodes.DocxNotFound"/> (a wrong id — or a wiki node token: resolve it with
    /// <see cref="WikiClient.GetNodeAsync"/>), <see cref="FeishuErrorCodes.DocxForbidden"/> (the caller may not read it).
    /// </exception>
    public virtual async Task<DocxDocument> GetAsync(string documentId, CancellationToken cancellationToken = default)
    {
        documentId = DocsCalls.DocumentId(documentId);
        var data = await _calls.SendAsync(
            _calls.Request(HttpMethod.Get, DocsCalls.Route(DocsCalls.Document, documentId), DocsCalls.Document, DocsTier.Read) with { Idempotent = true },
            DocsJsonContext.Wire.DocumentEnvelope, cancellationToken).ConfigureAwait(false);
        return Document(data, "GET " + DocsCalls.Document);
    }

    /// <summary>
    /// The document as plain text, one line per paragraph (<c>GET …/raw_content</c>; 5 a second). For text cut on block
    /// boundaries read the blocks instead (<see cref="DocxBlocksClient.List"/>, <see cref="DocxPlainText"/>).
    /// </summary>
    /// <exception cref="FeishuApiException">As <see cref="GetAsync"/>; <see cref="FeishuErrorCodes.DocxContentTooLarge"/> over 10,485,760 characters.</exception>
    public virtual async Task<string> RawContentAsync(string documentId, CancellationToken cancellationToken = default)
    {
        documentId = DocsCalls.DocumentId(documentId);
        const string Template = DocsCalls.Document + "/raw_content";
        var data = await _calls.SendAsync(
            _calls.Request(HttpMethod.Get, DocsCalls.Route(Template, documentId), Template, DocsTier.Read) with { Idempotent = true },
            DocsJsonContext.Wire.RawContentEnvelope, cancellationToken).ConfigureAwait(false);
        return data.Content ?? "";
    }

    private static DocxDocument Document(DocumentData data, string call) =>
        data.Document is { DocumentId: { Length: > 0 } id } document
            ? new DocxDocument(id, document.RevisionId, document.Title)
            : throw new FeishuApiException(FeishuErrorCodes.MalformedResponse, $"The response of {call} has no document.");
}
