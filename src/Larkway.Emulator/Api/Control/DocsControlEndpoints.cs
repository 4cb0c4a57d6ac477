using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.Api.Docs;
using Larkway.Emulator.Docs;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Control;

/// <summary>
/// Test control for Docs and wiki (not part of Feishu, no token): make spaces with nodes and documents from plain text with
/// a little Markdown, documents and folders in the drive, collaborators, public settings, an app's access, space members;
/// edit, rename, trash and delete a document as a person of the Feishu client (the same checks and events as the API); read
/// it all back, and the document events sent. People by any app's open_id, user_id, union_id or email; chats by chat_id or
/// name; departments by department_id or open_department_id; apps by app_id.
/// </summary>
internal static class DocsControlEndpoints
{
    private const int Invalid = ErrorCodes.BadRequest;

    public static void MapDocsControlEndpoints(this IEndpointRouteBuilder routes)
    {
        var control = routes.MapGroup("/_emulator/docs");
        control.MapGet("spaces", ListSpaces);
        control.MapPost("spaces", CreateSpaceAsync);
        control.MapPost("spaces/{space_id}/nodes", AddNodeAsync);
        control.MapPost("spaces/{space_id}/members", AddSpaceMemberAsync);
        control.MapDelete("spaces/{space_id}/members", RemoveSpaceMember);
        control.MapGet("documents", ListDocuments);
        control.MapPost("documents", CreateDocumentAsync);
        control.MapGet("documents/{token}", Dump);
        control.MapPatch("documents/{token}", RenameAsync);
        control.MapPost("documents/{token}/edits", EditAsync);
        control.MapPost("documents/{token}/trash", (HttpContext c, [FromRoute(Name = "token")] string token, [FromQuery] string? user, DocsStore store) => Remove(token, user, store, delete: false));
        control.MapDelete("documents/{token}", (HttpContext c, [FromRoute(Name = "token")] string token, [FromQuery] string? user, DocsStore store) => Remove(token, user, store, delete: true));
        control.MapPost("folders", CreateFolderAsync);
        control.MapPost("files/{token}/members", AddMemberAsync);
        control.MapDelete("files/{token}/members", RemoveMember);
        control.MapPost("files/{token}/apps", GrantAppAsync);
        control.MapPatch("files/{token}/public", SetPublicAsync);
        control.MapGet("events", (DocsStore store) => Envelope.Ok(new
        {
            items = store.EventLog().AsEnumerable().Reverse().Select(e => new
            {
                event_type = e.EventType,
                file_token = e.FileToken,
                @operator = OperatorName(store.State, e.Operator),
                operator_open_id = e.Operator.OpenId,
                operator_app_id = e.Operator.AppId,
                app_ids = e.AppIds,
                time = e.Time,
            }).ToList(),
        }));
    }

    // ---- spaces --------------------------------------------------------------------------------------

    private static IResult ListSpaces(DocsStore store) => Envelope.Ok(new
    {
        items = store.Read(() => store.Spaces.Select(s => SpaceJson(store, s)).ToList()),
    });

    private static JsonObject SpaceJson(DocsStore store, WikiSpace space)
    {
        var json = DocsViews.Space(space);
        json["members"] = new JsonArray([.. space.Members.Select(m => (JsonNode)new JsonObject { ["type"] = m.Kind, ["id"] = m.Key, ["role"] = m.Role })]);
        json["nodes"] = new JsonArray([.. store.Nodes.Where(n => n.SpaceId == space.SpaceId).Select(n => (JsonNode)NodeJson(n))]);
        return json;
    }

    private static JsonObject NodeJson(WikiNode node) => new()
    {
        ["node_token"] = node.NodeToken,
        ["obj_token"] = node.ObjToken,
        ["obj_type"] = node.ObjType,
        ["parent_node_token"] = node.ParentNodeToken,
        ["title"] = node.Title,
    };

    /// <summary>
    /// <c>{"name", "space_id"? (digits; default a new one), "description"?, "visibility"? (private), "owner"? (a user or app_id; default the home app), "members"?: [{type,
    /// id, role}], "nodes"?: [{"title", "content"?, "obj_type"? (docx), "owner"?, "children"?: [nodes]}]}</c>. No events.
    /// </summary>
    private static async Task<IResult> CreateSpaceAsync(HttpContext context, DocsStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var state = store.State;
        var name = body.RequiredString("name", Invalid);
        var visibility = body.OptionalString("visibility", Invalid) ?? "private";
        if (visibility is not ("public" or "private"))
        {
            throw ApiErrorException.BadRequest(Invalid, "visibility is public or private");
        }

        var spaceId = body.OptionalString("space_id", Invalid);
        if (spaceId is not null && (spaceId.Length is 0 or > 19 || !spaceId.All(char.IsAsciiDigit) || store.FindSpace(spaceId) is not null))
        {
            throw ApiErrorException.BadRequest(Invalid, $"space_id '{spaceId}' must be new and digits only (at most 19)");
        }

        var owner = Owner(state, body.OptionalString("owner", Invalid));
        var members = Array(body, "members").Select(m => SpaceMemberOf(state, m)).ToList();
        var nodes = Array(body, "nodes");
        var result = store.Change(owner, tx =>
        {
            var space = WikiBuilder.Space(tx, name, body.OptionalString("description", Invalid) ?? string.Empty, visibility, spaceId);
            space.Members.AddRange(members);
            var made = new JsonArray();
            AddNodes(tx, space, null, nodes, owner, made);
            return new JsonObject { ["space_id"] = space.SpaceId, ["nodes"] = made };
        });
        return Envelope.Ok(result);
    }

    private static void AddNodes(DocsTransaction tx, WikiSpace space, WikiNode? parent, List<JsonElement> specs, ChangeActor owner, JsonArray made)
    {
        foreach (var spec in specs)
        {
            var node = NewNode(tx, space, parent, spec, owner);
            made.Add(NodeJson(node));
            AddNodes(tx, space, node, Array(spec, "children"), owner, made);
        }
    }

    private static WikiNode NewNode(DocsTransaction tx, WikiSpace space, WikiNode? parent, JsonElement spec, ChangeActor owner)
    {
        var objType = spec.OptionalString("obj_type", Invalid) ?? "docx";
        if (objType is not ("docx" or "sheet" or "bitable" or "mindnote" or "file" or "slides"))
        {
            throw ApiErrorException.BadRequest(Invalid, $"obj_type '{objType}' is not docx, sheet, bitable, mindnote, file or slides (old doc is not emulated)");
        }

        var nodeOwner = spec.OptionalString("owner", Invalid) is { } who ? Owner(tx.Store.State, who) : owner;
        return WikiBuilder.Node(tx, space, parent, spec.RequiredString("title", Invalid), spec.OptionalString("content", Invalid) ?? string.Empty, nodeOwner, objType);
    }

    /// <summary><c>{"title", "content"?, "parent_node_token"?, "obj_type"?, "owner"?}</c>: a node (and its document) in a space.</summary>
    private static async Task<IResult> AddNodeAsync([FromRoute(Name = "space_id")] string spaceId, HttpContext context, DocsStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var owner = Owner(store.State, body.OptionalString("owner", Invalid));
        var node = store.Change(owner, tx =>
        {
            var space = RequireSpace(store, spaceId);
            var parent = body.OptionalString("parent_node_token", Invalid) is { Length: > 0 } p
                ? store.FindNode(p) is { } found && found.SpaceId == spaceId ? found : throw ApiErrorException.BadRequest(Invalid, $"space {spaceId} has no node '{p}'")
                : null;
            return NodeJson(NewNode(tx, space, parent, body, owner));
        });
        return Envelope.Ok(node);
    }

    /// <summary><c>{"type": user|chat|department|app, "id", "role"?: member|admin}</c>.</summary>
    private static async Task<IResult> AddSpaceMemberAsync([FromRoute(Name = "space_id")] string spaceId, HttpContext context, DocsStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var member = SpaceMemberOf(store.State, body);
        store.Change(ChangeActor.App(store.State.HomeAppId ?? string.Empty), _ =>
        {
            var space = RequireSpace(store, spaceId);
            space.Members.RemoveAll(m => m.Kind == member.Kind && m.Key == member.Key);
            space.Members.Add(member);
            return true;
        });
        return Envelope.Ok(new { type = member.Kind, id = member.Key, role = member.Role });
    }

    private static IResult RemoveSpaceMember([FromRoute(Name = "space_id")] string spaceId, [FromQuery] string? type, [FromQuery] string? id, DocsStore store)
    {
        var (kind, key) = Principal(store.State, type ?? throw ApiErrorException.BadRequest(Invalid, "type is required"), id ?? throw ApiErrorException.BadRequest(Invalid, "id is required"));
        var removed = store.Change(ChangeActor.App(store.State.HomeAppId ?? string.Empty), _ => RequireSpace(store, spaceId).Members.RemoveAll(m => m.Kind == kind && m.Key == key));
        return Envelope.Ok(new { removed });
    }

    // ---- documents and folders -----------------------------------------------------------------------

    private static IResult ListDocuments(DocsStore store) => Envelope.Ok(new
    {
        items = store.Read(() => store.Files.Where(f => f.Type == "docx").OrderBy(f => f.CreatedTime).Select(f => new
        {
            document_id = f.Token,
            title = f.Title,
            status = f.Status.ToString().ToLowerInvariant(),
            revision_id = f.RevisionId,
            owner = OperatorName(store.State, f.Owner),
            space_id = f.SpaceId,
            node_token = f.NodeToken,
            folder_token = f.FolderToken,
            subscribers = f.Subscriptions.Select(s => s.AppId).Distinct(StringComparer.Ordinal).ToList(),
        }).ToList()),
    });

    /// <summary><c>{"title", "content"?, "owner"? (a user or app_id; default the home app), "folder_token"? (default the owner's root)}</c>.</summary>
    private static async Task<IResult> CreateDocumentAsync(HttpContext context, DocsStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var owner = Owner(store.State, body.OptionalString("owner", Invalid));
        var folderToken = body.OptionalString("folder_token", Invalid);
        var result = store.Change(owner, tx =>
        {
            var folder = folderToken is null ? store.RootOf(owner) : store.FindFile(folderToken) is { Type: "folder" } f ? f : throw ApiErrorException.BadRequest(Invalid, $"no folder '{folderToken}'");
            var file = DocEdits.NewDocument(tx, body.OptionalString("title", Invalid) ?? string.Empty, owner, folder.Token);
            DocMarkdown.AppendTo(file, body.OptionalString("content", Invalid) ?? string.Empty);
            return new JsonObject { ["document_id"] = file.Token, ["folder_token"] = folder.Token, ["url"] = DocsViews.UrlOf(file) };
        });
        return Envelope.Ok(result);
    }

    /// <summary><c>{"name", "owner"?, "parent"? (a folder token; default the owner's root)}</c>.</summary>
    private static async Task<IResult> CreateFolderAsync(HttpContext context, DocsStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var owner = Owner(store.State, body.OptionalString("owner", Invalid));
        var parentToken = body.OptionalString("parent", Invalid);
        var token = store.Change(owner, tx =>
        {
            var parent = parentToken is null ? store.RootOf(owner) : store.FindFile(parentToken) is { Type: "folder" } f ? f : throw ApiErrorException.BadRequest(Invalid, $"no folder '{parentToken}'");
            var folder = new DocFile { Token = DocsIds.Token(), Type = "folder", Title = body.RequiredString("name", Invalid), Owner = owner, FolderToken = parent.Token, CreatedTime = tx.Now, ModifiedTime = tx.Now };
            store.PutFile(folder);
            return folder.Token;
        });
        return Envelope.Ok(new { folder_token = token });
    }

    /// <summary>The document whole: blocks, collaborators, public settings, subscribers, revision.</summary>
    private static IResult Dump([FromRoute(Name = "token")] string token, DocsStore store) => Envelope.Ok(store.Read(() =>
    {
        var file = RequireFile(store, token);
        return new JsonObject
        {
            ["token"] = file.Token,
            ["type"] = file.Type,
            ["title"] = file.Title,
            ["status"] = file.Status.ToString().ToLowerInvariant(),
            ["revision_id"] = file.RevisionId,
            ["owner"] = OperatorName(store.State, file.Owner),
            ["space_id"] = file.SpaceId,
            ["node_token"] = file.NodeToken,
            ["folder_token"] = file.FolderToken,
            ["members"] = new JsonArray([.. file.Members.Select(m => (JsonNode)new JsonObject { ["type"] = m.Kind, ["id"] = m.Key, ["member_type"] = m.MemberType, ["perm"] = m.Perm })]),
            ["permission_public"] = DocsViews.PublicV2(file.Public),
            ["subscribers"] = new JsonArray([.. file.Subscriptions.Select(s => (JsonNode)new JsonObject { ["app_id"] = s.AppId, ["user_open_id"] = s.UserOpenId })]),
            ["raw_content"] = file.Type == "docx" ? DocsViews.RawContent(store.State, file) : null,
            ["blocks"] = new JsonArray([.. (file.Type == "docx" ? DocsViews.InOrder(file) : []).Select(b => (JsonNode)DocsViews.Block(b))]),
        };
    }));

    /// <summary><c>{"title", "user"?}</c>: renamed by a person (or the owner app): <c>drive.file.title_updated_v1</c>.</summary>
    private static async Task<IResult> RenameAsync([FromRoute(Name = "token")] string token, HttpContext context, DocsStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var title = body.RequiredString("title", Invalid);
        var actor = Actor(store, body.OptionalString("user", Invalid));
        store.Change(actor, tx =>
        {
            PersonEdits.Rename(tx, RequireFile(store, token), title);
            return true;
        });
        return Envelope.Ok(new { title });
    }

    /// <summary>
    /// <c>{"user", "text", "block_id"?}</c>: the user changes that block's text, or (no block_id) adds a paragraph at the end —
    /// with their edit permission (1770032 otherwise); one revision and one <c>drive.file.edit_v1</c>.
    /// </summary>
    private static async Task<IResult> EditAsync([FromRoute(Name = "token")] string token, HttpContext context, DocsStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var user = ControlLookups.RequireUser(store.State, body.RequiredString("user", Invalid));
        var text = body.OptionalString("text", Invalid) ?? throw ApiErrorException.BadRequest(Invalid, "text is required");
        var blockId = body.OptionalString("block_id", Invalid);
        var result = store.Change(ChangeActor.User(user.OpenId), tx =>
        {
            var file = PersonEdits.Editable(store, token, user, store.State.HomeAppId ?? string.Empty);
            var id = blockId ?? PersonEdits.Append(tx, file, text).BlockId;
            if (blockId is not null)
            {
                PersonEdits.ReplaceText(tx, file, blockId, text);
            }

            return new JsonObject { ["block_id"] = id, ["revision_id"] = tx.RevisionAfter(file) };
        });
        return Envelope.Ok(result);
    }

    private static IResult Remove(string token, string? user, DocsStore store, bool delete)
    {
        var actor = Actor(store, user);
        store.Change(actor, tx =>
        {
            var file = RequireFile(store, token);
            PersonEdits.Trash(tx, file, delete);
            return true;
        });
        return Envelope.Ok(new { status = delete ? "deleted" : "trashed" });
    }

    // ---- permissions ---------------------------------------------------------------------------------

    /// <summary><c>{"type": user|chat|department|app, "id", "perm"?: view|edit|full_access (view)}</c>.</summary>
    private static async Task<IResult> AddMemberAsync([FromRoute(Name = "token")] string token, HttpContext context, DocsStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var (kind, key) = Principal(store.State, body.RequiredString("type", Invalid), body.RequiredString("id", Invalid));
        return SetMember(store, token, kind, key, body.OptionalString("perm", Invalid) ?? "view");
    }

    /// <summary>Grants an app access, as "add document app" does: <c>{"app_id"? (the home app), "perm"? (view)}</c>.</summary>
    private static async Task<IResult> GrantAppAsync([FromRoute(Name = "token")] string token, HttpContext context, DocsStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid, allowEmpty: true);
        var appId = ControlLookups.RequireApp(store.State, body.OptionalString("app_id", Invalid) ?? store.State.HomeAppId ?? string.Empty).AppId;
        return SetMember(store, token, "app", appId, body.OptionalString("perm", Invalid) ?? "view");
    }

    private static IResult SetMember(DocsStore store, string token, string kind, string key, string perm)
    {
        if (DocPermissions.Parse(perm) == Perm.None)
        {
            throw ApiErrorException.BadRequest(Invalid, "perm is view, edit or full_access");
        }

        var memberType = kind switch
        {
            "chat" => "openchat",
            "department" => "opendepartmentid",
            _ => "openid",
        };
        store.Change(ChangeActor.App(store.State.HomeAppId ?? string.Empty), _ =>
        {
            var file = RequireFile(store, token);
            file.Members.RemoveAll(m => m.Kind == kind && m.Key == key);
            file.Members.Add(new DocMember(kind, key, memberType, perm));
            return true;
        });
        return Envelope.Ok(new { type = kind, id = key, perm });
    }

    private static IResult RemoveMember([FromRoute(Name = "token")] string token, [FromQuery] string? type, [FromQuery] string? id, DocsStore store)
    {
        var (kind, key) = Principal(store.State, type ?? throw ApiErrorException.BadRequest(Invalid, "type is required"), id ?? throw ApiErrorException.BadRequest(Invalid, "id is required"));
        var removed = store.Change(ChangeActor.App(store.State.HomeAppId ?? string.Empty), _ => RequireFile(store, token).Members.RemoveAll(m => m.Kind == kind && m.Key == key));
        return Envelope.Ok(new { removed });
    }

    /// <summary>The v2 public settings body (<c>link_share_entity</c>, <c>external_access_entity</c>, …), checked as PATCH checks it.</summary>
    private static async Task<IResult> SetPublicAsync([FromRoute(Name = "token")] string token, HttpContext context, DocsStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var settings = store.Change(ChangeActor.App(store.State.HomeAppId ?? string.Empty), _ =>
        {
            var file = RequireFile(store, token);
            DrivePermissionEndpoints.Apply(file.Public, body);
            return DocsViews.PublicV2(file.Public);
        });
        return Envelope.Ok(new { permission_public = settings });
    }

    // ---- lookups -------------------------------------------------------------------------------------

    private static List<JsonElement> Array(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray()] : [];

    private static SpaceMember SpaceMemberOf(EmulatorState state, JsonElement spec)
    {
        var (kind, key) = Principal(state, spec.RequiredString("type", Invalid), spec.RequiredString("id", Invalid));
        var role = spec.OptionalString("role", Invalid) ?? "member";
        return role is "admin" or "member" ? new SpaceMember(kind, key, role) : throw ApiErrorException.BadRequest(Invalid, "role is admin or member");
    }

    private static (string Kind, string Key) Principal(EmulatorState state, string type, string id) => type switch
    {
        "user" => ("user", ControlLookups.RequireUser(state, id).OpenId),
        "chat" => ("chat", (state.FindChat(id) ?? state.Chats.FirstOrDefault(c => c.Name == id))?.ChatId ?? throw ApiErrorException.BadRequest(Invalid, $"no chat has chat_id or name '{id}'")),
        "department" => ("department", (state.FindDepartment("department_id", id) ?? state.FindDepartment("open_department_id", id))?.OpenDepartmentId
            ?? throw ApiErrorException.BadRequest(Invalid, $"no department has department_id or open_department_id '{id}'")),
        "app" => ("app", ControlLookups.RequireApp(state, id).AppId),
        _ => throw ApiErrorException.BadRequest(Invalid, $"type '{type}' is not user, chat, department or app"),
    };

    /// <summary>An owner: an app_id, else a user by any id or email; none given: the home app.</summary>
    private static ChangeActor Owner(EmulatorState state, string? reference) =>
        reference is null ? ChangeActor.App(state.HomeAppId ?? state.Apps[0].AppId)
        : state.FindApp(reference) is { } app ? ChangeActor.App(app.AppId)
        : ChangeActor.User(ControlLookups.RequireUser(state, reference).OpenId);

    private static ChangeActor Actor(DocsStore store, string? user) =>
        user is null ? ChangeActor.App(store.State.HomeAppId ?? string.Empty) : ChangeActor.User(ControlLookups.RequireUser(store.State, user).OpenId);

    private static WikiSpace RequireSpace(DocsStore store, string spaceId) =>
        store.FindSpace(spaceId) ?? throw ApiErrorException.BadRequest(Invalid, $"no space has space_id '{spaceId}'");

    private static DocFile RequireFile(DocsStore store, string token) =>
        store.FindFile(token) ?? (store.FindNode(token) is { } node ? store.FindFile(node.ObjToken) : null)
        ?? throw ApiErrorException.BadRequest(Invalid, $"no document, folder or wiki node has the token '{token}'");

    private static string OperatorName(EmulatorState state, ChangeActor actor) => DocsViews.NameOf(state, actor);
}
