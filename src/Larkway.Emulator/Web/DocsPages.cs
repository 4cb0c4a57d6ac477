using System.Globalization;
using System.Text;
using Larkway.Emulator.Docs;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Web;

/// <summary>
/// Documents and wiki as a person of the Feishu client sees them: <c>/docx</c> lists spaces and documents,
/// <c>/docx/{document_id}?as=</c> shows a document as a chosen user (without view permission: "You don't have access",
/// naming the owner to ask), with forms to change a paragraph or add one when that user may edit — each edit is one revision
/// and one <c>drive.file.edit_v1</c> to the subscribers; <c>/wiki/spaces/{space_id}</c> shows a space's node tree and
/// <c>/wiki/{node_token}</c> opens a node's document. Plain forms, no script; cross-site posts are refused with 403.
/// </summary>
internal static class DocsPages
{
    public static void MapDocsPages(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/docx", Index);
        routes.MapGet("/docx/{document_id}", Document);
        routes.MapPost("/docx/{document_id}/edit", EditAsync);
        routes.MapGet("/wiki/spaces/{space_id}", Space);
        routes.MapGet("/wiki/{node_token}", ([FromRoute(Name = "node_token")] string nodeToken, [FromQuery(Name = "as")] string? actingAs, DocsStore store) =>
            store.Read(() => store.FindNode(nodeToken)) is { } node
                ? Results.Redirect(DocumentUrl(node.ObjToken, actingAs))
                : NotFound("Wiki node not found"));
    }

    private static IResult Index(DocsStore store)
    {
        var state = store.State;
        var body = new StringBuilder("<h1>Docs</h1><h2>Wiki spaces</h2><table><tr><th>Space</th><th>space_id</th><th>Visibility</th><th>Nodes</th></tr>");
        store.Read(() =>
        {
            foreach (var space in store.Spaces)
            {
                body.Append("<tr><td><a href=\"/wiki/spaces/").Append(Uri.EscapeDataString(space.SpaceId)).Append("\">").Append(Html.Encode(space.Name)).Append("</a></td><td><code>")
                    .Append(Html.Encode(space.SpaceId)).Append("</code></td><td>").Append(Html.Encode(space.Visibility)).Append("</td><td>")
                    .Append(store.Nodes.Count(n => n.SpaceId == space.SpaceId).ToString(CultureInfo.InvariantCulture)).Append("</td></tr>");
            }

            body.Append("</table><h2>Documents</h2><table><tr><th>Title</th><th>document_id</th><th>Owner</th><th>Where</th><th>Revision</th><th>Subscribed apps</th></tr>");
            foreach (var file in store.Files.Where(f => f.Type == "docx" && f.IsLive).OrderBy(f => f.CreatedTime))
            {
                var where = file.SpaceId is { } spaceId ? "wiki: " + (store.FindSpace(spaceId)?.Name ?? spaceId) : "drive";
                body.Append("<tr><td><a href=\"").Append(Html.Encode(DocumentUrl(file.Token, null))).Append("\">").Append(Html.Encode(Title(file))).Append("</a></td><td><code>")
                    .Append(Html.Encode(file.Token)).Append("</code></td><td>").Append(Html.Encode(DocsViews.NameOf(state, file.Owner))).Append("</td><td>").Append(Html.Encode(where))
                    .Append("</td><td>").Append(file.RevisionId.ToString(CultureInfo.InvariantCulture)).Append("</td><td>")
                    .Append(Html.Encode(string.Join(", ", file.Subscriptions.Select(s => s.AppId).Distinct(StringComparer.Ordinal)))).Append("</td></tr>");
            }

            return true;
        });
        return Page("Docs", body.Append("</table>").ToString());
    }

    private static IResult Document([FromRoute(Name = "document_id")] string documentId, [FromQuery(Name = "as")] string? actingAs, [FromQuery] string? error, [FromQuery] string? notice, DocsStore store)
    {
        var state = store.State;
        var (status, html) = store.Read<(int, string?)>(() =>
        {
            if (store.FindFile(documentId) is not { Type: "docx" } file)
            {
                return (404, null);
            }

            var users = People(state);
            var current = Acting(state, users, actingAs);
            var body = new StringBuilder();
            if (!file.IsLive)
            {
                body.Append("<h1>This document was deleted</h1>");
                ActingForm(body, "/docx/" + Uri.EscapeDataString(file.Token), users, current);
                return (404, body.ToString());
            }

            var who = DocIdentity.Person(state.HomeAppId ?? string.Empty, current.OpenId);
            var perm = DocPermissions.Of(store, file, who);
            ActingForm(body, "/docx/" + Uri.EscapeDataString(file.Token), users, current);
            if (perm < Perm.View)
            {
                body.Append("<h1>You don't have access</h1><p class=\"no-access\">").Append(Html.Encode(current.Name)).Append(" cannot open this document. Ask its owner, <strong>")
                    .Append(Html.Encode(DocsViews.NameOf(state, file.Owner))).Append("</strong>, to share it with you.</p>");
                return (403, body.ToString());
            }

            body.Append("<h1>").Append(Html.Encode(Title(file))).Append("</h1><p class=\"meta\">")
                .Append(Html.Encode($"document_id {file.Token} · revision {file.RevisionId} · owner {DocsViews.NameOf(state, file.Owner)} · {current.Name} can {DocPermissions.Name(perm).Replace('_', ' ')}"));
            if (store.NodeOf(file) is { } node && store.FindSpace(node.SpaceId) is { } space)
            {
                body.Append(" · in <a href=\"/wiki/spaces/").Append(Uri.EscapeDataString(space.SpaceId)).Append("?as=").Append(Uri.EscapeDataString(current.OpenId)).Append("\">")
                    .Append(Html.Encode(space.Name)).Append("</a>");
            }

            body.Append("</p>");
            if (error is not null)
            {
                body.Append("<div class=\"flash flash-error\" role=\"alert\">").Append(Html.Encode(error)).Append("</div>");
            }
            else if (notice is not null)
            {
                body.Append("<div class=\"flash flash-success\" role=\"status\">").Append(Html.Encode(notice)).Append("</div>");
            }

            body.Append(DocHtml.Render(state, file));
            if (perm >= Perm.Edit)
            {
                EditForms(body, state, file, current);
            }
            else
            {
                body.Append("<p class=\"meta\">").Append(Html.Encode(current.Name)).Append(" can only read this document.</p>");
            }

            return (200, body.ToString());
        });
        return html is null ? NotFound("Document not found") : Results.Content(WebEndpoints.Layout("Document", html), "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    private static void EditForms(StringBuilder body, EmulatorState state, DocFile file, EmulatorUser user)
    {
        var action = "/docx/" + Uri.EscapeDataString(file.Token) + "/edit";
        var paragraphs = DocsViews.InOrder(file).Where(b => BlockRules.IsTextShaped(b.BlockType) && b.BlockType != BlockRules.Page).ToList();
        body.Append("<h2>Edit</h2>");
        if (paragraphs.Count > 0)
        {
            body.Append("<form class=\"doc-edit\" method=\"post\" action=\"").Append(Html.Encode(action)).Append("\">")
                .Append("<input type=\"hidden\" name=\"operator\" value=\"").Append(Html.Encode(user.OpenId)).Append("\"><input type=\"hidden\" name=\"action\" value=\"replace\">")
                .Append("<label>Paragraph <select name=\"block_id\">");
            foreach (var block in paragraphs)
            {
                var text = DocsViews.PlainText(state, block);
                body.Append("<option value=\"").Append(Html.Encode(block.BlockId)).Append("\">").Append(Html.Encode(text.Length > 60 ? text[..60] + "…" : text)).Append("</option>");
            }

            body.Append("</select></label> <label>New text <input type=\"text\" name=\"text\" required></label> <button type=\"submit\" class=\"btn btn-primary\">Change paragraph</button></form>");
        }

        body.Append("<form class=\"doc-append\" method=\"post\" action=\"").Append(Html.Encode(action)).Append("\">")
            .Append("<input type=\"hidden\" name=\"operator\" value=\"").Append(Html.Encode(user.OpenId)).Append("\"><input type=\"hidden\" name=\"action\" value=\"append\">")
            .Append("<label>New paragraph <input type=\"text\" name=\"text\" required></label> <button type=\"submit\" class=\"btn btn-primary\">Add paragraph</button></form>");
    }

    private static async Task<IResult> EditAsync([FromRoute(Name = "document_id")] string documentId, HttpContext context, DocsStore store)
    {
        if (WebEndpoints.IsCrossSite(context))
        {
            return Results.StatusCode(403);
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var user = store.State.FindUserByAnyOpenId(form["operator"].ToString());
        var action = form["action"].ToString();
        var text = form["text"].ToString();
        var blockId = form["block_id"].ToString();
        if (user is null || action is not ("replace" or "append") || (action == "replace" && blockId.Length == 0))
        {
            return Results.BadRequest();
        }

        var page = DocumentUrl(documentId, user.OpenId);
        try
        {
            var notice = store.Change(ChangeActor.User(user.OpenId), tx =>
            {
                var file = PersonEdits.Editable(store, documentId, user, store.State.HomeAppId ?? string.Empty);
                if (action == "append")
                {
                    PersonEdits.Append(tx, file, text);
                    return "Added a paragraph (revision " + tx.RevisionAfter(file).ToString(CultureInfo.InvariantCulture) + ")";
                }

                PersonEdits.ReplaceText(tx, file, blockId, text);
                return "Changed the paragraph (revision " + tx.RevisionAfter(file).ToString(CultureInfo.InvariantCulture) + ")";
            });
            return Results.Redirect(page + "&notice=" + Uri.EscapeDataString(notice));
        }
        catch (ApiErrorException e)
        {
            return Results.Redirect(page + "&error=" + Uri.EscapeDataString(e.Code.ToString(CultureInfo.InvariantCulture) + " " + e.Message));
        }
    }

    private static IResult Space([FromRoute(Name = "space_id")] string spaceId, [FromQuery(Name = "as")] string? actingAs, DocsStore store)
    {
        var state = store.State;
        var html = store.Read(() =>
        {
            if (store.FindSpace(spaceId) is not { } space)
            {
                return null;
            }

            var users = People(state);
            var current = Acting(state, users, actingAs);
            var who = DocIdentity.Person(state.HomeAppId ?? string.Empty, current.OpenId);
            var body = new StringBuilder("<h1>").Append(Html.Encode(space.Name)).Append("</h1><p class=\"meta\">")
                .Append(Html.Encode($"space_id {space.SpaceId} · {space.Visibility} · {space.Description}")).Append("</p>");
            ActingForm(body, "/wiki/spaces/" + Uri.EscapeDataString(space.SpaceId), users, current);
            body.Append("<p class=\"meta\">Members: ").Append(Html.Encode(string.Join(", ", space.Members.Select(m => MemberName(state, m))))).Append("</p>");
            Tree(body, store, space, string.Empty, who, current);
            return body.ToString();
        });
        return html is null ? NotFound("Space not found") : Page("Wiki", html);
    }

    private static void Tree(StringBuilder body, DocsStore store, WikiSpace space, string parent, DocIdentity who, EmulatorUser current)
    {
        var nodes = store.ChildrenOf(space.SpaceId, parent).ToList();
        if (nodes.Count == 0)
        {
            return;
        }

        body.Append("<ul class=\"wiki-tree\">");
        foreach (var node in nodes)
        {
            var readable = store.FindFile(node.ObjToken) is { IsLive: true } file && DocPermissions.Of(store, file, who) >= Perm.View;
            body.Append("<li data-node-token=\"").Append(Html.Encode(node.NodeToken)).Append("\">");
            if (readable && node.ObjType == "docx")
            {
                body.Append("<a href=\"").Append(Html.Encode(DocumentUrl(node.ObjToken, current.OpenId))).Append("\">").Append(Html.Encode(node.Title)).Append("</a>");
            }
            else
            {
                body.Append(Html.Encode(node.Title)).Append(readable ? " <span class=\"meta\">(" + Html.Encode(node.ObjType) + ")</span>" : " <span class=\"meta\">(no access)</span>");
            }

            Tree(body, store, space, node.NodeToken, who, current);
            body.Append("</li>");
        }

        body.Append("</ul>");
    }

    private static string MemberName(EmulatorState state, SpaceMember member)
    {
        var name = member.Kind switch
        {
            "user" => state.FindUser("open_id", member.Key)?.Name,
            "chat" => "group " + state.FindChat(member.Key)?.Name,
            "department" => "department " + state.FindDepartment("open_department_id", member.Key)?.Name,
            _ => "app " + (state.FindApp(member.Key)?.BotName ?? member.Key),
        };
        return (name ?? member.Key) + (member.Role == "admin" ? " (admin)" : string.Empty);
    }

    private static List<EmulatorUser> People(EmulatorState state) => [.. state.Users.Where(u => !u.IsResigned).OrderBy(u => u.Name, StringComparer.Ordinal)];

    /// <summary>The user named by <c>as</c> (any open_id, user_id, union_id or email), else the first by name.</summary>
    private static EmulatorUser Acting(EmulatorState state, List<EmulatorUser> users, string? actingAs)
    {
        var wanted = actingAs is null ? null : state.FindUserByAnyOpenId(actingAs) ?? state.FindUserByReference(actingAs);
        return users.FirstOrDefault(u => u.OpenId == wanted?.OpenId) ?? users[0];
    }

    private static void ActingForm(StringBuilder body, string action, List<EmulatorUser> users, EmulatorUser current)
    {
        body.Append("<form class=\"acting\" method=\"get\" action=\"").Append(Html.Encode(action)).Append("\"><label>Viewing as <select name=\"as\">");
        foreach (var user in users)
        {
            body.Append("<option value=\"").Append(Html.Encode(user.OpenId)).Append('"').Append(user == current ? " selected" : string.Empty).Append('>').Append(Html.Encode(user.Name)).Append("</option>");
        }

        body.Append("</select></label> <button type=\"submit\">Switch</button></form>");
    }

    private static string Title(DocFile file) => file.Title.Length > 0 ? file.Title : "Untitled";

    private static string DocumentUrl(string documentId, string? actingAs) =>
        "/docx/" + Uri.EscapeDataString(documentId) + "?as=" + Uri.EscapeDataString(actingAs ?? string.Empty);

    private static IResult NotFound(string what) => Results.Content(WebEndpoints.Layout("Not found", "<h1>" + Html.Encode(what) + "</h1>"), "text/html; charset=utf-8", Encoding.UTF8, 404);

    private static IResult Page(string title, string body) => Results.Content(WebEndpoints.Layout(title, body), "text/html; charset=utf-8", Encoding.UTF8);
}
