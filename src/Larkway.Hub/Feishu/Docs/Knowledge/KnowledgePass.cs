using System.Security.Cryptography;
using System.Text;
using Larkway.Channels.Backends.Dify.Knowledge;
using Larkway.Feishu;
using Larkway.Feishu.Docs;

namespace Larkway.Hub.Feishu.Docs.Knowledge;

/// <summary>What one pass did, for its log line, the sync's counters and the metrics.</summary>
internal sealed class KnowledgeTally
{
    public int Created { get; set; }

    public int Updated { get; set; }

    public int Deleted { get; set; }

    public int Unchanged { get; set; }

    public int NotPushed { get; set; }

    /// <summary>Documents whose edit events Feishu refused to send, and the first refusal's code.</summary>
    public int NotSubscribed { get; set; }

    public int NotSubscribedCode { get; set; }
}

/// <summary>
/// One pass of a connected space. A full pass walks the space and compares every document with what was pushed (edit
/// time, then the text's hash), pushes what changed and takes out what left the space; a pass of marks looks only at the
/// documents Feishu's events named. Each document's row is written as soon as its copy changed, so a pass stopped anywhere
/// (a SIGKILL, a restart) resumes without losing or repeating one: a create is recorded before it is sent, and a row
/// that shows one sent without its id is looked up in the knowledge base by name before anything is created again.
/// </summary>
internal sealed class KnowledgePass(
    KnowledgeSyncRow sync,
    FeishuClient feishu,
    DifyKnowledgeClient dify,
    KnowledgeSyncStore store,
    Func<DifyIndexing?> indexing,
    Action<KnowledgeDocumentRow, string> notPushed,
    TimeProvider time)
{
    /// <summary>Dify's limit on a document's name.</summary>
    private const int MaxNameLength = 255;

    /// <summary>The knowledge base's documents by the token their names end with, read once per pass when first needed.</summary>
    private Dictionary<string, string>? _named;

    public KnowledgeTally Tally { get; } = new();

    /// <summary>Walks the whole space; documents no longer in it are taken out of the knowledge base.</summary>
    public async Task RunFullAsync(IReadOnlyDictionary<string, KnowledgeDocumentRow> known, CancellationToken cancellationToken)
    {
        var space = await feishu.Docs.Wiki.GetSpaceAsync(sync.SpaceId, cancellationToken).ConfigureAwait(false);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var walk = new List<WikiNode>();
        await foreach (var node in feishu.Docs.Wiki.WalkAsync(sync.SpaceId, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            // A shortcut points at a node that is somewhere else (or in this space too, where the walk meets it itself).
            if (!node.IsShortcut && node.ObjToken.Length > 0 && seen.Add(node.ObjToken))
            {
                walk.Add(node);
            }
        }

        foreach (var node in walk)
        {
            var row = known.GetValueOrDefault(node.ObjToken) ?? New(node);
            await DocumentAsync(row, node, space, force: false, cancellationToken).ConfigureAwait(false);
        }

        // Only a walk that ended says what is gone.
        foreach (var row in known.Values.Where(r => !seen.Contains(r.ObjToken)))
        {
            await TakeOutAsync(row, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Looks at the documents events named: each is read from its node again, so a late or repeated event changes nothing.</summary>
    public async Task RunMarksAsync(IReadOnlyDictionary<string, KnowledgeDocumentRow> known, IReadOnlyList<KnowledgeMarkRow> marks, CancellationToken cancellationToken)
    {
        WikiSpace? space = null;
        foreach (var mark in marks.Where(m => m.ObjToken.Length > 0))
        {
            if (!known.TryGetValue(mark.ObjToken, out var row))
            {
                // Not (or no longer) one of this space's documents: the full pass finds a new one.
                continue;
            }

            var node = await NodeAsync(row.NodeToken, cancellationToken).ConfigureAwait(false);
            if (node is null || node.SpaceId != sync.SpaceId || node.ObjToken != row.ObjToken)
            {
                await TakeOutAsync(row, cancellationToken).ConfigureAwait(false);
                continue;
            }

            space ??= await feishu.Docs.Wiki.GetSpaceAsync(sync.SpaceId, cancellationToken).ConfigureAwait(false);
            await DocumentAsync(row, node, space, force: true, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<WikiNode?> NodeAsync(string nodeToken, CancellationToken cancellationToken)
    {
        try
        {
            return await feishu.Docs.Wiki.GetNodeAsync(nodeToken, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (FeishuApiException ex) when (ex.Code is FeishuErrorCodes.WikiNotFound or FeishuErrorCodes.WikiPermissionDenied)
        {
            // Deleted, moved where the app cannot see, or the app taken out of the space: no longer this space's to serve.
            return null;
        }
    }

    private KnowledgeDocumentRow New(WikiNode node) => new()
    {
        SyncId = sync.Id, ObjToken = node.ObjToken, ObjType = node.ObjType, NodeToken = node.NodeToken, Title = node.Title ?? "", State = KnowledgeDocumentState.Pending,
    };

    private async Task DocumentAsync(KnowledgeDocumentRow row, WikiNode node, WikiSpace space, bool force, CancellationToken cancellationToken)
    {
        var title = string.IsNullOrWhiteSpace(node.Title) ? "Untitled" : node.Title.Trim();
        (row.NodeToken, row.ObjType, row.Title, row.EditedAt) = (node.NodeToken, node.ObjType, title, node.ObjEditTime);
        if (!node.IsDocx)
        {
            await NotPushedAsync(row, KnowledgeDocumentState.Unsupported, $"a {node.ObjType} has no text the Hub reads: only documents (docx) go to the knowledge base.", cancellationToken).ConfigureAwait(false);
            return;
        }

        // Judged every pass, before anything else: sharing changes without an edit (a link setting has no event), and a
        // document that is no longer open to everyone leaves the knowledge base at the next pass.
        if (!sync.IncludeRestricted && !await OpenToEveryoneAsync(row, space, cancellationToken).ConfigureAwait(false))
        {
            await NotPushedAsync(row, KnowledgeDocumentState.Restricted,
                "only some people may open it on Feishu, and the knowledge base answers everyone who asks the assistant: share it with the whole company, or let this sync push restricted documents (include_restricted).",
                cancellationToken).ConfigureAwait(false);
            return;
        }

        // Unchanged since it was pushed: nothing read. (An event forces a look: two edits in one second share an edit time.)
        if (!force && row.State == KnowledgeDocumentState.Pushed && row.DifyDocumentId is not null && row.PushedEditAt == node.ObjEditTime && row.PushedTitle == title)
        {
            Tally.Unchanged++;
            return;
        }

        string text;
        try
        {
            text = await feishu.Docs.Documents.RawContentAsync(row.ObjToken, cancellationToken).ConfigureAwait(false);
        }
        catch (FeishuApiException ex) when (ex.Code is FeishuErrorCodes.DocxNotFound or FeishuErrorCodes.DocxDeleted or FeishuErrorCodes.DriveDeleted or FeishuErrorCodes.DriveNotFound)
        {
            // Trashed or deleted while its node still shows (a wiki keeps the node of a trashed document for a while).
            await TakeOutAsync(row, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (FeishuApiException ex) when (!ex.IsTransient && ex.RetryAfter is null)
        {
            var advice = FeishuDocsErrors.WhatToDo(ex.Code);
            await NotPushedAsync(row, KnowledgeDocumentState.Failed, $"Feishu refused to give the app its text (code {ex.Code}: {ex.ErrorMessage}){(advice is null ? "" : ": " + advice)}", cancellationToken).ConfigureAwait(false);
            return;
        }

        var body = $"# {title}\n\n{text}";
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
        if (row.DifyDocumentId is not null && row.State == KnowledgeDocumentState.Pushed && row.ContentHash == hash)
        {
            row.PushedEditAt = node.ObjEditTime;
            row.PushedTitle = title;
            await store.SaveDocumentAsync(row, cancellationToken).ConfigureAwait(false);
            Tally.Unchanged++;
        }
        else
        {
            await PushAsync(row, body, hash, cancellationToken).ConfigureAwait(false);
        }

        await SubscribeAsync(row, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Open to everyone in the company: a public space, or the document's link sharing. Rights the app cannot see count
    /// for nothing, so a document the app cannot judge stays out.
    /// </summary>
    private async Task<bool> OpenToEveryoneAsync(KnowledgeDocumentRow row, WikiSpace space, CancellationToken cancellationToken)
    {
        if (space.Visibility == "public")
        {
            return true;
        }

        try
        {
            var settings = await feishu.Docs.Permissions.GetPublicAsync(row.ObjToken, DriveFileType.Docx, cancellationToken).ConfigureAwait(false);
            return settings.TenantCanRead;
        }
        catch (FeishuApiException ex) when (!ex.IsTransient && ex.RetryAfter is null)
        {
            return false;
        }
    }

    private async Task PushAsync(KnowledgeDocumentRow row, string body, string hash, CancellationToken cancellationToken)
    {
        var name = NameOf(row);
        var created = false;
        try
        {
            if (row.DifyDocumentId is null)
            {
                // A create sent whose answer was never stored (a kill, a timeout), or a document an earlier sync of this
                // space left in the knowledge base: adopted by its name rather than made twice.
                row.DifyDocumentId = await AlreadyThereAsync(row, cancellationToken).ConfigureAwait(false);
            }

            if (row.DifyDocumentId is { } existing)
            {
                try
                {
                    await dify.UpdateDocumentByTextAsync(sync.DatasetId, existing, name, body, cancellationToken).ConfigureAwait(false);
                    Tally.Updated++;
                }
                catch (DifyKnowledgeException ex) when (ex.Kind == DifyKnowledgeErrorKind.NotFound)
                {
                    // Deleted in Dify by someone: made again.
                    row.DifyDocumentId = null;
                }
            }

            if (row.DifyDocumentId is null)
            {
                row.CreateSentAt = time.GetUtcNow();
                await store.SaveDocumentAsync(row, cancellationToken).ConfigureAwait(false);
                var made = await dify.CreateDocumentByTextAsync(sync.DatasetId, name, body, indexing(), cancellationToken: cancellationToken).ConfigureAwait(false);
                row.DifyDocumentId = made.Document.Id;
                created = true;
                Tally.Created++;
            }
        }
        // This document's own refusal; a wrong key, a missing knowledge base or Dify down stop the pass instead.
        catch (DifyKnowledgeException ex) when (ex.Kind is DifyKnowledgeErrorKind.TooLarge or DifyKnowledgeErrorKind.QuotaExceeded or DifyKnowledgeErrorKind.InvalidRequest)
        {
            await NotPushedAsync(row, KnowledgeDocumentState.Failed, $"Dify refused it ({ex.HttpStatus} {ex.Code}): {(ex.DifyMessage ?? ex.Message).TrimEnd('.')}. The next full pass tries it again.", cancellationToken).ConfigureAwait(false);
            return;
        }

        var action = created ? KnowledgeWebhooks.Actions.Created : KnowledgeWebhooks.Actions.Updated;
        row.State = KnowledgeDocumentState.Pushed;
        row.Error = null;
        row.ContentHash = hash;
        row.PushedEditAt = row.EditedAt;
        row.PushedTitle = row.Title;
        row.PushedAt = time.GetUtcNow();
        row.CreateSentAt = null;
        await store.SaveDocumentAsync(row, (sync.App, action), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The knowledge base's document named for this one, if any. The first asks list the whole knowledge base once (a
    /// page holds 100), so pushing a new space costs one list call per 100 documents, not one per document.
    /// </summary>
    private async Task<string?> AlreadyThereAsync(KnowledgeDocumentRow row, CancellationToken cancellationToken)
    {
        if (_named is null)
        {
            var named = new Dictionary<string, string>(StringComparer.Ordinal);
            await foreach (var document in dify.ListAllDocumentsAsync(sync.DatasetId, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (TokenOf(document.Name) is { } token)
                {
                    named.TryAdd(token, document.Id);
                }
            }

            _named = named;
        }

        if (_named.Remove(row.ObjToken, out var id))
        {
            return id;
        }

        // Made after the list was read (this pass's own create, answered or not): asked by name.
        return row.CreateSentAt is not null ? await FindByNameAsync(row, cancellationToken).ConfigureAwait(false) : null;
    }

    /// <summary>The document token a name made by <see cref="NameOf"/> ends with.</summary>
    private static string? TokenOf(string name) =>
        name.EndsWith(']') && name.LastIndexOf(" [", StringComparison.Ordinal) is var open and >= 0 ? name[(open + 2)..^1] : null;

    private async Task<string?> FindByNameAsync(KnowledgeDocumentRow row, CancellationToken cancellationToken)
    {
        var suffix = Suffix(row);
        await foreach (var document in dify.ListAllDocumentsAsync(sync.DatasetId, row.ObjToken, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (document.Name is { } name && name.EndsWith(suffix, StringComparison.Ordinal))
            {
                return document.Id;
            }
        }

        return null;
    }

    private async Task SubscribeAsync(KnowledgeDocumentRow row, CancellationToken cancellationToken)
    {
        if (row.Subscribed)
        {
            return;
        }

        try
        {
            await feishu.Docs.Files.SubscribeAsync(row.ObjToken, DriveFileType.Docx, cancellationToken).ConfigureAwait(false);
            row.Subscribed = true;
            await store.SaveDocumentAsync(row, cancellationToken).ConfigureAwait(false);
        }
        catch (FeishuApiException ex) when (!ex.IsTransient)
        {
            // Feishu lets only a document's owner or a manager subscribe: without events its edits wait for the full
            // pass. Counted for the pass's one log line; tried again when the document changes.
            if (Tally.NotSubscribed++ == 0)
            {
                Tally.NotSubscribedCode = ex.Code;
            }
        }
    }

    /// <summary>Keeps the document out: its row says why, and a copy pushed before is deleted.</summary>
    private async Task NotPushedAsync(KnowledgeDocumentRow row, KnowledgeDocumentState state, string why, CancellationToken cancellationToken)
    {
        if (row.DifyDocumentId is { } pushed && state != KnowledgeDocumentState.Failed)
        {
            await DeleteCopyAsync(pushed, cancellationToken).ConfigureAwait(false);
            row.DifyDocumentId = null;
            row.ContentHash = null;
            row.PushedEditAt = null;
            row.PushedTitle = null;
        }

        var changed = row.State != state || row.Error != why;
        row.State = state;
        row.Error = why;
        row.CreateSentAt = null;
        await store.SaveDocumentAsync(row, changed ? (sync.App, KnowledgeWebhooks.Actions.KeptOut) : null, cancellationToken).ConfigureAwait(false);
        Tally.NotPushed++;
        if (changed)
        {
            notPushed(row, why);
        }
    }

    private async Task TakeOutAsync(KnowledgeDocumentRow row, CancellationToken cancellationToken)
    {
        if (row.DifyDocumentId is { } pushed)
        {
            await DeleteCopyAsync(pushed, cancellationToken).ConfigureAwait(false);
        }
        else if (row.CreateSentAt is not null && await FindByNameAsync(row, cancellationToken).ConfigureAwait(false) is { } sent)
        {
            await DeleteCopyAsync(sent, cancellationToken).ConfigureAwait(false);
        }

        await store.RemoveDocumentAsync(row, sync.App, cancellationToken).ConfigureAwait(false);
        Tally.Deleted++;
    }

    private async Task DeleteCopyAsync(string documentId, CancellationToken cancellationToken)
    {
        await dify.DeleteDocumentAsync(sync.DatasetId, documentId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The title, then the document's token in brackets: names stay unique in the knowledge base, and a create whose answer
    /// was lost is found by its token.
    /// </summary>
    private static string NameOf(KnowledgeDocumentRow row)
    {
        var suffix = Suffix(row);
        var title = row.Title.Length + suffix.Length > MaxNameLength ? row.Title[..(MaxNameLength - suffix.Length - 1)] + "…" : row.Title;
        return title + suffix;
    }

    private static string Suffix(KnowledgeDocumentRow row) => $" [{row.ObjToken}]";
}
