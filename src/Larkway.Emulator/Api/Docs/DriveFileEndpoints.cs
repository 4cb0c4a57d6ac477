using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.Docs;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Docs;

/// <summary>
/// Drive files and metadata (docs-facts §5): list a folder (its own level; <c>next_page_token</c>; the caller's root — no
/// <c>folder_token</c> — whole, without paging), batch_query metas (<c>failed_list</c> 970002 type not supported, 970003 no
/// permission, 970005 missing or of another type), and the caller's root folder (with a tenant token the app's own space).
/// </summary>
internal static class DriveFileEndpoints
{
    private static readonly string[] MetaTypes = ["doc", "sheet", "bitable", "mindnote", "file", "wiki", "docx", "folder", "synced_block", "slides"];

    public static void MapDriveFileEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/open-apis/drive/v1/files", ListFiles).AsOpenApi(DocsTiers.Tokens);
        routes.MapPost("/open-apis/drive/v1/metas/batch_query", BatchQueryAsync).AsOpenApi(DocsTiers.Tokens);
        routes.MapGet("/open-apis/drive/explorer/v2/root_folder/meta", RootFolder).AsOpenApi(DocsTiers.Tokens);
    }

    private static IResult ListFiles(HttpContext context, DocsStore store)
    {
        var size = DocsRequest.PageSize(context.Request, 200, 100);
        var folderToken = context.Request.Query("folder_token");
        var orderBy = context.Request.Query("order_by") ?? "EditedTime";
        var direction = context.Request.Query("direction") ?? "DESC";
        if (orderBy is not ("EditedTime" or "CreatedTime") || direction is not ("ASC" or "DESC"))
        {
            throw DocsErrors.Error(DocsErrors.DriveParams, "order_by is EditedTime or CreatedTime, direction ASC or DESC");
        }

        var who = DocsRequest.Identity(context);
        var ids = context.CallerIds(store.State);
        var idType = DocsRequest.UserIdType(context.Request, DocsErrors.DriveParams);
        var json = store.Change(who.Actor, _ =>
        {
            var folder = folderToken is null ? store.RootOf(who.Actor) : store.FindFile(folderToken) is { Type: "folder" } found ? found
                : throw DocsErrors.Error(DocsErrors.DriveNotFound, $"no folder has the token '{folderToken}'");
            if (!folder.IsLive)
            {
                throw DocsErrors.Error(DocsErrors.DriveNotFound, $"folder {folderToken} was deleted");
            }

            if (DocPermissions.Of(store, folder, who) < Perm.View)
            {
                throw DocsErrors.Error(DocsErrors.DriveForbidden, DocsAccess.Denied(store, folder, who, Perm.View, Perm.None));
            }

            Func<DocFile, long> key = orderBy == "EditedTime" ? f => f.ModifiedTime : f => f.CreatedTime;
            var contents = store.Files.Where(f => f.FolderToken == folder.Token && f.IsLive && DocPermissions.Of(store, f, who) >= Perm.View);
            var sorted = (direction == "ASC" ? contents.OrderBy(key) : contents.OrderByDescending(key)).ThenBy(f => f.Token, StringComparer.Ordinal).ToList();
            var page = folderToken is null
                ? new Page<DocFile>(sorted, false, null)
                : Paging.Slice(sorted, f => f.Token, false, context.Request.Query("page_token"), size, $"files|{folder.Token}|{orderBy}|{direction}", DocsErrors.DriveParams);
            var result = new JsonObject
            {
                ["files"] = new JsonArray([.. page.Items.Select(f => (JsonNode)new JsonObject
                {
                    ["token"] = f.Token,
                    ["name"] = f.Title,
                    ["type"] = f.Type,
                    ["parent_token"] = folder.Token,
                    ["url"] = DocsViews.UrlOf(f),
                    ["created_time"] = DocsViews.Seconds(f.CreatedTime),
                    ["modified_time"] = DocsViews.Seconds(f.ModifiedTime),
                    ["owner_id"] = DocsViews.IdOf(store.State, ids, f.Owner, idType),
                })]),
                ["has_more"] = page.HasMore,
            };
            if (page.PageToken is { } next)
            {
                result["next_page_token"] = next;
            }

            return result;
        });
        return Envelope.Ok(json);
    }

    private static async Task<IResult> BatchQueryAsync(HttpContext context, DocsStore store)
    {
        var body = await DocsRequest.BodyAsync(context.Request, DocsErrors.DriveParams);
        var docs = body.TryGetProperty("request_docs", out var r) && r.ValueKind == JsonValueKind.Array
            ? r.EnumerateArray().ToList()
            : throw DocsErrors.Error(DocsErrors.DriveParams, "request_docs is required: [{doc_token, doc_type}]");
        if (docs.Count is 0 or > 200)
        {
            throw DocsErrors.Violation("request_docs", docs.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), "request_docs holds 1 to 200 documents");
        }

        var withUrl = body.OptionalBool("with_url", DocsErrors.DriveParams) ?? false;
        var who = DocsRequest.Identity(context);
        var ids = context.CallerIds(store.State);
        var idType = DocsRequest.UserIdType(context.Request, DocsErrors.DriveParams);
        return Envelope.Ok(store.Read(() =>
        {
            var metas = new JsonArray();
            var failed = new JsonArray();
            foreach (var doc in docs)
            {
                var token = doc.ValueKind == JsonValueKind.Object ? doc.OptionalString("doc_token", DocsErrors.DriveParams) ?? string.Empty : string.Empty;
                var type = doc.ValueKind == JsonValueKind.Object ? doc.OptionalString("doc_type", DocsErrors.DriveParams) ?? string.Empty : string.Empty;
                var code = Meta(store, who, ids, idType, token, type, withUrl, out var meta);
                if (meta is not null)
                {
                    metas.Add(meta);
                }
                else
                {
                    failed.Add(new JsonObject { ["token"] = token, ["code"] = code });
                }
            }

            return new JsonObject { ["metas"] = metas, ["failed_list"] = failed };
        }));
    }

    private static int Meta(DocsStore store, DocIdentity who, AppUserIds ids, string idType, string token, string type, bool withUrl, out JsonObject? meta)
    {
        meta = null;
        if (!MetaTypes.Contains(type, StringComparer.Ordinal))
        {
            return 970002;
        }

        var node = type == "wiki" ? store.FindNode(token) : null;
        var file = type == "wiki" ? node is null ? null : store.FindFile(node.ObjToken) : store.FindFile(token);
        if (file is not { IsLive: true } || (type != "wiki" && file.Type != type))
        {
            return 970005;
        }

        if (DocPermissions.Of(store, file, who) < Perm.View)
        {
            return 970003;
        }

        meta = new JsonObject
        {
            ["doc_token"] = token,
            ["doc_type"] = type,
            ["title"] = file.Title,
            ["owner_id"] = DocsViews.IdOf(store.State, ids, file.Owner, idType),
            ["create_time"] = DocsViews.Seconds(file.CreatedTime),
            ["latest_modify_user"] = DocsViews.IdOf(store.State, ids, file.ModifiedBy ?? file.Owner, idType),
            ["latest_modify_time"] = DocsViews.Seconds(file.ModifiedTime),
            ["sec_label_name"] = string.Empty,
            ["request_doc_info"] = new JsonObject { ["doc_token"] = token, ["doc_type"] = type },
        };
        if (withUrl)
        {
            meta["url"] = node is null ? DocsViews.UrlOf(file) : DocsViews.UrlPrefix + "wiki/" + node.NodeToken;
        }

        return 0;
    }

    private static IResult RootFolder(HttpContext context, DocsStore store)
    {
        var who = DocsRequest.Identity(context);
        var root = store.Change(who.Actor, _ => store.RootOf(who.Actor));
        var userId = who.UserOpenId is { } user ? store.State.FindUser("open_id", user)?.UserId ?? string.Empty : store.State.FindApp(who.AppId)?.BotOpenId ?? string.Empty;
        return Envelope.Ok(new { token = root.Token, id = DocsIds.Stable("id:" + root.Token)[..19], user_id = userId });
    }
}
