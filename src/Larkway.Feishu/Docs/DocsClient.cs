namespace Larkway.Feishu.Docs;

/// <summary>
/// Feishu Docs (云文档): docx documents and their blocks, the wiki, drive permissions and files. Calls made on a user's view
/// (<see cref="FeishuClient.AsUser"/>) see what that user may see; with the tenant token, what the app was given.
/// </summary>
public class DocsClient
{
    private readonly Lazy<DocxDocumentsClient> _documents = null!;
    private readonly Lazy<DocxBlocksClient> _blocks = null!;
    private readonly Lazy<WikiClient> _wiki = null!;
    private readonly Lazy<DrivePermissionsClient> _permissions = null!;
    private readonly Lazy<DriveFilesClient> _files = null!;

    /// <summary>For mocking.</summary>
    protected DocsClient()
    {
    }

    internal DocsClient(Http.FeishuPipeline pipeline)
    {
        var calls = new DocsCalls(pipeline);
        _documents = new(() => new DocxDocumentsClient(calls));
        _blocks = new(() => new DocxBlocksClient(calls));
        _wiki = new(() => new WikiClient(calls));
        _permissions = new(() => new DrivePermissionsClient(calls));
        _files = new(() => new DriveFilesClient(calls));
    }

    /// <summary>Docx documents: create, metadata, plain text.</summary>
    public virtual DocxDocumentsClient Documents => _documents.Value;

    /// <summary>A document's blocks: read, append (Markdown through <see cref="DocxMarkdown"/>), change, delete.</summary>
    public virtual DocxBlocksClient Blocks => _blocks.Value;

    /// <summary>The wiki: nodes, spaces.</summary>
    public virtual WikiClient Wiki => _wiki.Value;

    /// <summary>Collaborators, public settings, the permission check, owner transfer.</summary>
    public virtual DrivePermissionsClient Permissions => _permissions.Value;

    /// <summary>Folders, metadata, subscriptions to edit events.</summary>
    public virtual DriveFilesClient Files => _files.Value;
}
