using Larkway.Feishu.Events;
using Larkway.Feishu.Events.Envelopes;
using Larkway.Feishu.Events.Models;
using Larkway.Feishu.Events.Models.Drive;
using Larkway.Hub.Inbox;

namespace Larkway.Hub.Feishu.Docs.Knowledge;

/// <summary>
/// Drive's events on a connected space's documents, for latency: each marks the document for its syncs' next pass and
/// wakes them. Events may be lost or come late, so they only say where to look: the pass reads the document itself, and
/// the healing pass finds what no event said.
/// </summary>
internal sealed class KnowledgeEventObserver(KnowledgeSyncStore store) : IInboxEventObserver
{
    public ValueTask<bool> WantsAsync(InboxEventContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(context.Native<FeishuEventEnvelope>() is { EventType: DriveFileEditedEvent.Type or DriveFileTitleUpdatedEvent.Type or DriveFileTrashedEvent.Type
            or DriveFileDeletedEvent.Type or DrivePermissionMemberAddedEvent.Type or DrivePermissionMemberRemovedEvent.Type });

    public async Task<bool> OnEventAsync(InboxEventContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Native<FeishuEventEnvelope>() is not { } envelope || FeishuEventParser.Parse(envelope) is not DriveFileEvent { FileToken.Length: > 0 } file)
        {
            return false;
        }

        var action = file switch
        {
            DriveFileTrashedEvent or DriveFileDeletedEvent => KnowledgeMarks.Gone,
            DrivePermissionMemberEvent => KnowledgeMarks.Sharing,
            _ => KnowledgeMarks.Edit,
        };
        return await store.MarkAsync(null, file.FileToken, action, cancellationToken).ConfigureAwait(false) > 0;
    }
}

/// <summary>What a mark asks of the next pass.</summary>
internal static class KnowledgeMarks
{
    /// <summary>The document changed (its text or its title): read it again.</summary>
    public const string Edit = "edit";

    /// <summary>Who may open it changed: judge it again (a restricted document may now be open to everyone, or the reverse).</summary>
    public const string Sharing = "sharing";

    /// <summary>Trashed or deleted: take it out of the knowledge base.</summary>
    public const string Gone = "gone";

    /// <summary>A full pass (the mark without a document).</summary>
    public const string Full = "full";
}
