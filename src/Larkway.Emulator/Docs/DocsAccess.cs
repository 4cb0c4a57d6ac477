using Larkway.Emulator.State;

namespace Larkway.Emulator.Docs;

/// <summary>
/// Finds a file for a caller and checks the permission an operation needs, answering each API family's codes: docx
/// 1770002 / 1770003 / 1770032, drive permissions 1063001 / 1063005 / 1063002. The messages say what to do: share the
/// document with the user, or give the app access (add it as a document app, share with a group holding the bot, or add it
/// to the wiki space). Call under the store's lock.
/// </summary>
internal static class DocsAccess
{
    public static DocFile Document(DocsStore store, string documentId, DocIdentity who, Perm need)
    {
        if (!DocsIds.IsToken(documentId))
        {
            throw DocsErrors.Violation("document_id", documentId, "document_id is 27 letters and digits");
        }

        var file = store.FindFile(documentId);
        if (file is null || file.Type != "docx")
        {
            var hint = store.FindNode(documentId) is not null
                ? $"'{documentId}' is a wiki node token, not a document_id: resolve it with GET /open-apis/wiki/v2/spaces/get_node?token={documentId} and use obj_token"
                : $"no document has document_id '{documentId}'";
            throw DocsErrors.Error(DocsErrors.NotFound, hint);
        }

        if (!file.IsLive)
        {
            throw DocsErrors.Error(DocsErrors.Deleted, $"document {documentId} was {(file.Status == FileStatus.Trashed ? "moved to the trash" : "deleted")}");
        }

        var has = DocPermissions.Of(store, file, who);
        return has >= need ? file : throw DocsErrors.Error(DocsErrors.Forbidden, Denied(store, file, who, need, has));
    }

    /// <summary>What the caller lacks and what to do about it, naming the owner to ask.</summary>
    public static string Denied(DocsStore store, DocFile file, DocIdentity who, Perm need, Perm has)
    {
        var state = store.State;
        var owner = DocsViews.NameOf(state, file.Owner);
        var lacking = $"{DocPermissions.Name(need)} permission on {file.Type} {file.Token} (has {DocPermissions.Name(has)})";
        if (who.UserOpenId is { } user)
        {
            var name = state.FindUser("open_id", user)?.Name ?? user;
            return $"the user {name} (user_access_token) has no {lacking}: ask its owner, {owner}, to share it with them";
        }

        var app = state.FindApp(who.AppId)?.BotName ?? who.AppId;
        return $"the app {who.AppId} ({app}, tenant_access_token) has no {lacking}: ask its owner, {owner}, to add the app as a document app, "
            + "share it with a group the bot is in, or add the bot to the wiki space holding it";
    }

    /// <summary>A file by token and drive type for the permission APIs (type wiki: the node's object).</summary>
    public static DocFile ForPermission(DocsStore store, string token, string? type)
    {
        var file = type == "wiki" ? store.FindNode(token) is { } node ? store.FindFile(node.ObjToken) : null : store.FindFile(token);
        if (file is null || (type != "wiki" && file.Type != type))
        {
            throw DocsErrors.Error(DocsErrors.PermissionParam, $"no {type} has the token '{token}' (is type right? only docx, folders and wiki nodes are emulated)");
        }

        return file.IsLive ? file : throw DocsErrors.Error(DocsErrors.PermissionResourceDeleted, $"{file.Type} {file.Token} was deleted");
    }

    public static void RequirePermission(DocsStore store, DocFile file, DocIdentity who, Perm need)
    {
        var has = DocPermissions.Of(store, file, who);
        if (has < need)
        {
            throw DocsErrors.Error(DocsErrors.PermissionDenied, Denied(store, file, who, need, has));
        }
    }

    public static ChangeActor Actor(DocIdentity who) => who.Actor;
}
