using System.Text.Json;
using Larkway.Hub.Webhooks;

namespace Larkway.Hub.Feishu.Docs.Knowledge;

/// <summary>
/// The webhooks a knowledge sync sends, in the one envelope <c>{"id","type","created_at","app","event"}</c>, queued in the
/// transaction that stores what they report: <c>feishu.knowledge.document</c> (a document went into the knowledge base,
/// was updated there, taken out, or kept out — with why) and <c>feishu.knowledge.pass</c> (a pass ended: what it did, and
/// what it failed with). The id is the change's, the same on every retry. No document text is sent.
/// </summary>
internal static class KnowledgeWebhooks
{
    /// <summary>A document's change.</summary>
    public const string Document = "feishu.knowledge.document";

    /// <summary>A pass ended.</summary>
    public const string Pass = "feishu.knowledge.pass";

    /// <summary>What happened to a document: <c>created</c>, <c>updated</c>, <c>deleted</c> or <c>kept_out</c>.</summary>
    public static class Actions
    {
        public const string Created = "created";
        public const string Updated = "updated";
        public const string Deleted = "deleted";
        public const string KeptOut = "kept_out";
    }

    /// <summary>The id of a document's change, stored with the row it reports (so a retried write queues nothing twice).</summary>
    public static string DocumentId(KnowledgeDocumentRow row, string action) => $"kd_{row.SyncId}_{row.ObjToken}_{action}_{row.UpdatedAt.ToUnixTimeMilliseconds()}";

    /// <summary>The body of a document's change.</summary>
    public static byte[] DocumentPayload(KnowledgeDocumentRow row, string app, string action) => WebhookEnvelope.Write(DocumentId(row, action), Document, row.UpdatedAt, app, w =>
    {
        w.WriteString("sync_id", row.SyncId);
        w.WriteString("action", action);
        w.WriteString("obj_token", row.ObjToken);
        w.WriteString("obj_type", row.ObjType);
        w.WriteString("node_token", row.NodeToken);
        w.WriteString("title", row.Title);
        w.WriteString("state", action == Actions.Deleted ? "deleted" : row.State.ToString().ToLowerInvariant());
        if (row.Error is { } why && action == Actions.KeptOut)
        {
            w.WriteString("why", why);
        }

        if (row.DifyDocumentId is { } document && action != Actions.KeptOut)
        {
            w.WriteString("dify_document_id", document);
        }

        if (row.EditedAt is { } edited)
        {
            w.WriteString("edited_at", edited.ToUniversalTime());
        }
    });

    /// <summary>The id of a pass's end: the sync's count of passes, this one included.</summary>
    public static string PassId(string syncId, long pass) => $"kp_{syncId}_{pass}";

    /// <summary>The body of a pass's end; <paramref name="pass"/> is the sync's count of passes, this one included.</summary>
    public static byte[] PassPayload(string syncId, long pass, DateTimeOffset at, string app, bool full, string? failure, KnowledgeTally tally) =>
        WebhookEnvelope.Write(PassId(syncId, pass), Pass, at, app, w =>
        {
            w.WriteString("sync_id", syncId);
            w.WriteNumber("pass", pass);
            w.WriteString("kind", full ? "full" : "marks");
            w.WriteString("outcome", failure is null ? "ok" : "failed");
            if (failure is not null)
            {
                w.WriteString("error", failure);
            }

            w.WriteNumber("created", tally.Created);
            w.WriteNumber("updated", tally.Updated);
            w.WriteNumber("deleted", tally.Deleted);
            w.WriteNumber("unchanged", tally.Unchanged);
            w.WriteNumber("kept_out", tally.NotPushed);
        });
}
