using System.Text.Json.Nodes;
using Larkway.Emulator.Docs;
using Larkway.Emulator.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Docs;

/// <summary>
/// wiki v2 (docs-facts §3): list spaces, get a space, get_node, list child nodes. A space is visible to its members (a
/// user, a chat holding the user or the app's bot, a department holding the user, the app) and, when public, to every user
/// of the tenant — never to an app that is no member. Nodes are visible to whoever may read their object. Paging cuts the
/// listing first and filters each page after, as the pages document: a page can be empty with <c>has_more</c> true.
/// </summary>
internal static class WikiEndpoints
{
    private const int Invalid = DocsErrors.WikiParam;

    public static void MapWikiEndpoints(this IEndpointRouteBuilder routes)
    {
        var spaces = routes.MapGroup("/open-apis/wiki/v2/spaces").AsOpenApi(DocsTiers.Tokens);
        spaces.MapGet(string.Empty, ListSpaces);
        spaces.MapGet("get_node", GetNode);
        spaces.MapGet("{space_id}", GetSpace);
        spaces.MapGet("{space_id}/nodes", ListNodes);
    }

    private static IResult ListSpaces(HttpContext context, DocsStore store)
    {
        var size = DocsRequest.PageSize(context.Request, 50, 20);
        var who = DocsRequest.Identity(context);
        return Envelope.Ok(store.Read(() =>
        {
            var page = Paging.Slice(store.Spaces.ToList(), s => s.SpaceId, false, context.Request.Query("page_token"), size, "spaces", Invalid);
            return PageJson(page, page.Items.Where(s => CanSee(store, s, who)).Select(s => (JsonNode)DocsViews.Space(s)));
        }));
    }

    private static IResult GetSpace([FromRoute(Name = "space_id")] string spaceId, HttpContext context, DocsStore store)
    {
        var who = DocsRequest.Identity(context);
        return Envelope.Ok(store.Read(() =>
        {
            var space = Space(store, spaceId);
            return CanSee(store, space, who)
                ? new { space = DocsViews.Space(space) }
                : throw DocsErrors.Error(DocsErrors.WikiForbidden, NotMember(store, space, who));
        }));
    }

    /// <summary><c>token</c> is a node token (obj_type wiki, the default) or, with obj_type, the object's own token.</summary>
    private static IResult GetNode(HttpContext context, DocsStore store)
    {
        var token = context.Request.Query("token") ?? throw DocsErrors.Error(Invalid, "token is required (a wiki node token, or a document token with obj_type)");
        var objType = context.Request.Query("obj_type") ?? "wiki";
        if (objType is not ("doc" or "docx" or "sheet" or "mindnote" or "bitable" or "file" or "slides" or "wiki"))
        {
            throw DocsErrors.Error(Invalid, $"obj_type '{objType}' is not doc, docx, sheet, mindnote, bitable, file, slides or wiki");
        }

        var who = DocsRequest.Identity(context);
        var ids = context.CallerIds(store.State);
        return Envelope.Ok(store.Read(() =>
        {
            var node = objType == "wiki" ? store.FindNode(token) : store.Nodes.FirstOrDefault(n => n.ObjToken == token && n.ObjType == objType);
            if (node is null || store.FindFile(node.ObjToken) is not { IsLive: true } file)
            {
                throw DocsErrors.Error(DocsErrors.WikiNotFound, objType == "wiki"
                    ? $"no wiki node has the token '{token}' (a document_id needs obj_type=docx)"
                    : $"no wiki node holds the {objType} '{token}'");
            }

            return DocPermissions.Of(store, file, who) >= Perm.View
                ? new { node = DocsViews.Node(store, node, ids) }
                : throw DocsErrors.Error(DocsErrors.WikiForbidden, NotMember(store, store.FindSpace(node.SpaceId)!, who));
        }));
    }

    private static IResult ListNodes([FromRoute(Name = "space_id")] string spaceId, HttpContext context, DocsStore store)
    {
        var size = DocsRequest.PageSize(context.Request, 50, 10);
        var parent = context.Request.Query("parent_node_token") ?? string.Empty;
        var who = DocsRequest.Identity(context);
        var ids = context.CallerIds(store.State);
        return Envelope.Ok(store.Read(() =>
        {
            var space = Space(store, spaceId);
            if (parent.Length > 0 && store.FindNode(parent) is null)
            {
                throw DocsErrors.Error(DocsErrors.WikiNotFound, $"space {spaceId} has no node '{parent}'");
            }

            bool Readable(WikiNode n) => store.FindFile(n.ObjToken) is { IsLive: true } f && DocPermissions.Of(store, f, who) >= Perm.View;
            var all = store.Nodes.Where(n => n.SpaceId == space.SpaceId).ToList();
            if (!CanSee(store, space, who) && !all.Exists(Readable))
            {
                throw DocsErrors.Error(DocsErrors.WikiForbidden, NotMember(store, space, who));
            }

            var level = all.Where(n => n.ParentNodeToken == parent).ToList();
            var page = Paging.Slice(level, n => n.NodeToken, false, context.Request.Query("page_token"), size, "nodes|" + spaceId + "|" + parent, Invalid);
            return PageJson(page, page.Items.Where(Readable).Select(n => (JsonNode)DocsViews.Node(store, n, ids)));
        }));
    }

    private static JsonObject PageJson<T>(Page<T> page, IEnumerable<JsonNode> items)
    {
        var json = new JsonObject { ["items"] = new JsonArray([.. items]), ["has_more"] = page.HasMore };
        if (page.PageToken is { } next)
        {
            json["page_token"] = next;
        }

        return json;
    }

    private static WikiSpace Space(DocsStore store, string spaceId) =>
        spaceId.Length > 0 && spaceId.All(char.IsAsciiDigit)
            ? store.FindSpace(spaceId) ?? throw DocsErrors.Error(DocsErrors.WikiNotFound, $"no space has space_id '{spaceId}'")
            : throw DocsErrors.Error(Invalid, $"space_id '{spaceId}' is not a space id (digits)");

    public static bool CanSee(DocsStore store, WikiSpace space, DocIdentity who) => DocPermissions.SpacePerm(store.State, space, who) >= Perm.View;

    private static string NotMember(DocsStore store, WikiSpace space, DocIdentity who) =>
        who.UserOpenId is { } user
            ? $"the user {store.State.FindUser("open_id", user)?.Name ?? user} is not a member of space {space.SpaceId} ({space.Name}) and cannot read this node: ask a space admin to add them"
            : $"the app {who.AppId} is not a member of space {space.SpaceId} ({space.Name}): add a group the bot is in as a space member (or the app itself), as the wiki pages describe";
}
