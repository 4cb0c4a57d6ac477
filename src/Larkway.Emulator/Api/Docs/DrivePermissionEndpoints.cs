using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.Docs;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Docs;

/// <summary>
/// Drive permissions (docs-facts §4.1–§4.2): collaborators of a document, folder or wiki node (v1 members: add, list,
/// update, remove, auth, transfer_owner) and its public settings (v2 GET/PATCH, v1 GET). Adding, changing and removing
/// collaborators and changing public settings need full access (1063002); listing them and reading the settings need view.
/// <c>members/auth</c> answers for the calling identity only: the app with a tenant token, the user with a user token.
/// </summary>
internal static class DrivePermissionEndpoints
{
    private const int Invalid = DocsErrors.PermissionParam;

    private static readonly string[] Types = ["doc", "sheet", "file", "wiki", "bitable", "docx", "folder", "mindnote", "minutes", "slides"];
    private static readonly string[] Actions = ["view", "edit", "share", "comment", "export", "copy", "print", "manage_public"];

    public static void MapDrivePermissionEndpoints(this IEndpointRouteBuilder routes)
    {
        var members = routes.MapGroup("/open-apis/drive/v1/permissions/{token}/members").AsOpenApi(DocsTiers.Tokens);
        members.MapPost(string.Empty, AddAsync);
        members.MapGet(string.Empty, List);
        members.MapGet("auth", Auth);
        members.MapPost("transfer_owner", TransferOwnerAsync);
        members.MapPut("{member_id}", UpdateAsync);
        members.MapDelete("{member_id}", Remove);
        routes.MapGet("/open-apis/drive/v2/permissions/{token}/public", (HttpContext c, [FromRoute(Name = "token")] string token, DocsStore store) => GetPublic(c, token, store, v2: true)).AsOpenApi(DocsTiers.Tokens);
        routes.MapPatch("/open-apis/drive/v2/permissions/{token}/public", PatchPublicAsync).AsOpenApi(DocsTiers.Tokens);
        routes.MapGet("/open-apis/drive/v1/permissions/{token}/public", (HttpContext c, [FromRoute(Name = "token")] string token, DocsStore store) => GetPublic(c, token, store, v2: false)).AsOpenApi(DocsTiers.Tokens);
    }

    private static string TypeOf(HttpRequest request)
    {
        var type = request.Query("type") ?? throw DocsErrors.Error(Invalid, "type is required (docx, folder, wiki, …)");
        return Types.Contains(type, StringComparer.Ordinal) ? type : throw DocsErrors.Error(Invalid, $"type '{type}' is not one of {string.Join(", ", Types)}");
    }

    private static async Task<IResult> AddAsync([FromRoute(Name = "token")] string token, HttpContext context, DocsStore store)
    {
        var type = TypeOf(context.Request);
        var body = await DocsRequest.BodyAsync(context.Request, Invalid);
        var who = DocsRequest.Identity(context);
        var ids = context.CallerIds(store.State);
        var member = store.Change(who.Actor, tx =>
        {
            var file = DocsAccess.ForPermission(store, token, type);
            DocsAccess.RequirePermission(store, file, who, Perm.FullAccess);
            var added = Resolve(store.State, who, ids, body);
            if (added.Kind is "user" or "app" && DocPermissions.IsOwner(file, added.Kind == "user" ? new DocIdentity(who.AppId, added.Key) : new DocIdentity(added.Key, null)))
            {
                throw DocsErrors.Error(DocsErrors.PermissionInvalidOperation, "the member is the owner: the owner's permission cannot be changed (transfer_owner to change owners)");
            }

            file.Members.RemoveAll(m => m.Kind == added.Kind && m.Key == added.Key);
            file.Members.Add(added);
            return DocsViews.Member(store.State, ids, added, withName: false);
        });
        return Envelope.Ok(new { member });
    }

    /// <summary>A member of a request: <c>member_type</c>, <c>member_id</c> (in the calling app's ids), <c>perm</c>, <c>type</c>.</summary>
    private static DocMember Resolve(EmulatorState state, DocIdentity who, AppUserIds ids, JsonElement body)
    {
        var memberType = body.RequiredString("member_type", Invalid);
        var memberId = body.RequiredString("member_id", Invalid);
        var perm = body.RequiredString("perm", Invalid);
        if (DocPermissions.Parse(perm) == Perm.None)
        {
            throw DocsErrors.Error(Invalid, $"perm '{perm}' is not view, edit or full_access");
        }

        var kind = Principal(state, who, ids, memberType, memberId);
        var declared = body.OptionalString("type", Invalid);
        var expected = kind.Kind == "app" ? "user" : kind.Kind;
        if (declared is not null && declared != expected)
        {
            throw DocsErrors.Error(Invalid, $"type '{declared}' does not fit member_type {memberType} (expected {expected})");
        }

        return new DocMember(kind.Kind, kind.Key, memberType, perm);
    }

    private static (string Kind, string Key) Principal(EmulatorState state, DocIdentity who, AppUserIds ids, string memberType, string memberId)
    {
        EmulatorUser? user = memberType switch
        {
            "openid" => ids.Find("open_id", memberId),
            "unionid" => ids.Find("union_id", memberId),
            "userid" => ids.Find("user_id", memberId),
            "email" => state.FindUser("email", memberId),
            "openchat" or "opendepartmentid" => null,
            "groupid" or "wikispaceid" => throw DocsErrors.Error(Invalid, $"member_type {memberType} is not emulated (user groups and wiki space members)"),
            _ => throw DocsErrors.Error(Invalid, $"member_type '{memberType}' is not email, openid, unionid, openchat, opendepartmentid or userid"),
        };
        if (user is not null)
        {
            return ("user", user.OpenId);
        }

        switch (memberType)
        {
            case "openid" when state.Apps.FirstOrDefault(a => a.BotOpenId == memberId) is { } app:
                return ("app", app.AppId);
            case "openchat":
                var chat = state.FindChat(memberId) is { Dissolved: false } found ? found : throw DocsErrors.Error(Invalid, $"no group chat has chat_id '{memberId}'");
                if (!who.IsUser && !chat.BotAppIds.Contains(who.AppId))
                {
                    throw DocsErrors.Error(DocsErrors.PermissionInvalidOperation, $"the app's bot is not in chat {memberId}: an app adds only chats its bot is in");
                }

                return ("chat", chat.ChatId);
            case "opendepartmentid":
                if (!who.IsUser)
                {
                    throw DocsErrors.Error(DocsErrors.PermissionInvalidOperation, "departments cannot be added with a tenant_access_token (use a user_access_token)");
                }

                return ("department", state.FindDepartment("open_department_id", memberId)?.OpenDepartmentId ?? throw DocsErrors.Error(Invalid, $"no department has open_department_id '{memberId}'"));
            default:
                throw DocsErrors.Error(Invalid, $"no user has {memberType} '{memberId}' (as the calling app sees ids)");
        }
    }

    private static IResult List([FromRoute(Name = "token")] string token, HttpContext context, DocsStore store)
    {
        var type = TypeOf(context.Request);
        var fields = context.Request.Query("fields") ?? string.Empty;
        var withName = fields == "*" || fields.Split(',').Contains("name");
        var who = DocsRequest.Identity(context);
        var ids = context.CallerIds(store.State);
        return Envelope.Ok(store.Read(() =>
        {
            var file = DocsAccess.ForPermission(store, token, type);
            DocsAccess.RequirePermission(store, file, who, Perm.View);
            return new { items = file.Members.Select(m => DocsViews.Member(store.State, ids, m, withName)).ToList() };
        }));
    }

    private static async Task<IResult> UpdateAsync([FromRoute(Name = "token")] string token, [FromRoute(Name = "member_id")] string memberId, HttpContext context, DocsStore store)
    {
        var type = TypeOf(context.Request);
        var body = await DocsRequest.BodyAsync(context.Request, Invalid);
        var who = DocsRequest.Identity(context);
        var ids = context.CallerIds(store.State);
        var member = store.Change(who.Actor, tx =>
        {
            var file = DocsAccess.ForPermission(store, token, type);
            DocsAccess.RequirePermission(store, file, who, Perm.FullAccess);
            var memberType = body.RequiredString("member_type", Invalid);
            var (kind, key) = Principal(store.State, who, ids, memberType, memberId);
            var index = file.Members.FindIndex(m => m.Kind == kind && m.Key == key);
            if (index < 0)
            {
                throw DocsErrors.Error(Invalid, $"{memberType} {memberId} is not a collaborator of {token}");
            }

            var perm = body.RequiredString("perm", Invalid);
            file.Members[index] = DocPermissions.Parse(perm) != Perm.None ? file.Members[index] with { Perm = perm } : throw DocsErrors.Error(Invalid, $"perm '{perm}' is not view, edit or full_access");
            return DocsViews.Member(store.State, ids, file.Members[index], withName: false);
        });
        return Envelope.Ok(new { member });
    }

    private static IResult Remove([FromRoute(Name = "token")] string token, [FromRoute(Name = "member_id")] string memberId, HttpContext context, DocsStore store)
    {
        var type = TypeOf(context.Request);
        var memberType = context.Request.Query("member_type") ?? throw DocsErrors.Error(Invalid, "member_type is required");
        var who = DocsRequest.Identity(context);
        var ids = context.CallerIds(store.State);
        store.Change(who.Actor, tx =>
        {
            var file = DocsAccess.ForPermission(store, token, type);
            DocsAccess.RequirePermission(store, file, who, Perm.FullAccess);
            var (kind, key) = Principal(store.State, who, ids, memberType, memberId);
            return file.Members.RemoveAll(m => m.Kind == kind && m.Key == key) > 0
                ? true
                : throw DocsErrors.Error(Invalid, $"{memberType} {memberId} is not a collaborator of {token}");
        });
        return Envelope.Ok();
    }

    /// <summary>Whether the caller itself may do <c>action</c>: view, edit; comment and export/copy/print as the public settings allow; share and manage_public need full access.</summary>
    private static IResult Auth([FromRoute(Name = "token")] string token, HttpContext context, DocsStore store)
    {
        var type = TypeOf(context.Request);
        var action = context.Request.Query("action") ?? throw DocsErrors.Error(Invalid, "action is required (view, edit, share, comment, export, copy, print, manage_public)");
        if (!Actions.Contains(action, StringComparer.Ordinal))
        {
            throw DocsErrors.Error(Invalid, $"action '{action}' is not one of {string.Join(", ", Actions)}");
        }

        var who = DocsRequest.Identity(context);
        var result = store.Read(() =>
        {
            var file = DocsAccess.ForPermission(store, token, type);
            var has = DocPermissions.Of(store, file, who);
            var need = action switch
            {
                "view" => Perm.View,
                "edit" => Perm.Edit,
                "comment" => file.Public.CommentEntity == "anyone_can_edit" ? Perm.Edit : Perm.View,
                "export" or "copy" or "print" => (action == "copy" ? file.Public.CopyEntity : file.Public.SecurityEntity) switch
                {
                    "anyone_can_view" => Perm.View,
                    "anyone_can_edit" => Perm.Edit,
                    _ => Perm.FullAccess,
                },
                _ => Perm.FullAccess,
            };
            return has >= need;
        });
        return Envelope.Ok(new { auth_result = result });
    }

    /// <summary>
    /// Only the owner transfers (1063002); the old owner keeps <c>old_owner_perm</c> (default full_access) unless
    /// <c>remove_old_owner</c>; without <c>stay_put</c> a drive document moves to the new owner's root folder.
    /// </summary>
    private static async Task<IResult> TransferOwnerAsync([FromRoute(Name = "token")] string token, HttpContext context, DocsStore store)
    {
        var type = TypeOf(context.Request);
        var body = await DocsRequest.BodyAsync(context.Request, Invalid);
        var memberType = body.RequiredString("member_type", Invalid);
        if (memberType is not ("email" or "openid" or "userid"))
        {
            throw DocsErrors.Error(Invalid, $"member_type '{memberType}' is not email, openid or userid");
        }

        var removeOld = context.Request.Query("remove_old_owner") is "true";
        var stayPut = context.Request.Query("stay_put") is "true";
        var oldPerm = context.Request.Query("old_owner_perm") ?? "full_access";
        if (DocPermissions.Parse(oldPerm) == Perm.None)
        {
            throw DocsErrors.Error(Invalid, $"old_owner_perm '{oldPerm}' is not view, edit or full_access");
        }

        var who = DocsRequest.Identity(context);
        var ids = context.CallerIds(store.State);
        store.Change(who.Actor, tx =>
        {
            var file = DocsAccess.ForPermission(store, token, type);
            if (!DocPermissions.IsOwner(file, who))
            {
                throw DocsErrors.Error(DocsErrors.PermissionDenied, $"only the owner ({DocsViews.NameOf(store.State, file.Owner)}) can transfer {file.Type} {file.Token}");
            }

            var (kind, key) = Principal(store.State, who, ids, memberType, body.RequiredString("member_id", Invalid));
            if (kind != "user")
            {
                throw DocsErrors.Error(Invalid, "the new owner must be a user");
            }

            var old = file.Owner;
            file.Owner = ChangeActor.User(key);

            // stay_put false (the default): a document in the old owner's space moves to the new owner's root.
            if (!stayPut && file.FolderToken is not null && file.SpaceId is null)
            {
                file.FolderToken = store.RootOf(file.Owner).Token;
            }

            file.Members.RemoveAll(m => m.Kind == "user" && m.Key == key);
            if (!removeOld)
            {
                file.Members.Add(old.OpenId is { } person ? new DocMember("user", person, "openid", oldPerm) : new DocMember("app", old.AppId!, "openid", oldPerm));
            }

            return true;
        });
        return Envelope.Ok();
    }

    private static IResult GetPublic(HttpContext context, string token, DocsStore store, bool v2)
    {
        var type = TypeOf(context.Request);
        var who = DocsRequest.Identity(context);
        return Envelope.Ok(store.Read(() =>
        {
            var file = DocsAccess.ForPermission(store, token, type);
            DocsAccess.RequirePermission(store, file, who, Perm.View);
            return new { permission_public = v2 ? DocsViews.PublicV2(file.Public) : DocsViews.PublicV1(file.Public) };
        }));
    }

    private static readonly Dictionary<string, string[]> PublicValues = new(StringComparer.Ordinal)
    {
        ["external_access_entity"] = ["open", "closed", "allow_share_partner_tenant"],
        ["security_entity"] = ["anyone_can_view", "anyone_can_edit", "only_full_access"],
        ["comment_entity"] = ["anyone_can_view", "anyone_can_edit"],
        ["share_entity"] = ["anyone", "same_tenant"],
        ["manage_collaborator_entity"] = ["collaborator_can_view", "collaborator_can_edit", "collaborator_full_access"],
        ["link_share_entity"] = ["tenant_readable", "tenant_editable", "partner_tenant_readable", "partner_tenant_editable", "anyone_readable", "anyone_editable", "closed"],
        ["copy_entity"] = ["anyone_can_view", "anyone_can_edit", "only_full_access"],
    };

    private static async Task<IResult> PatchPublicAsync([FromRoute(Name = "token")] string token, HttpContext context, DocsStore store)
    {
        var type = TypeOf(context.Request);
        var body = await DocsRequest.BodyAsync(context.Request, Invalid);
        var who = DocsRequest.Identity(context);
        var settings = store.Change(who.Actor, tx =>
        {
            var file = DocsAccess.ForPermission(store, token, type);
            DocsAccess.RequirePermission(store, file, who, Perm.FullAccess);
            Apply(file.Public, body);
            return DocsViews.PublicV2(file.Public);
        });
        return Envelope.Ok(new { permission_public = settings });
    }

    /// <summary>Checks every value first (1063001), then writes them; anyone_* links need external_access_entity open (1063003).</summary>
    internal static void Apply(DocPublic settings, JsonElement body)
    {
        var given = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, allowed) in PublicValues)
        {
            if (body.OptionalString(name, Invalid) is { } value)
            {
                given[name] = allowed.Contains(value, StringComparer.Ordinal) ? value : throw DocsErrors.Error(Invalid, $"{name} '{value}' is not one of {string.Join(", ", allowed)}");
            }
        }

        var external = given.GetValueOrDefault("external_access_entity") ?? settings.ExternalAccessEntity;
        if (given.GetValueOrDefault("link_share_entity") is { } link && link.StartsWith("anyone_", StringComparison.Ordinal) && external != "open")
        {
            throw DocsErrors.Error(DocsErrors.PermissionInvalidOperation, $"link_share_entity {link} needs external_access_entity open");
        }

        foreach (var (name, value) in given)
        {
            _ = name switch
            {
                "external_access_entity" => settings.ExternalAccessEntity = value,
                "security_entity" => settings.SecurityEntity = value,
                "comment_entity" => settings.CommentEntity = value,
                "share_entity" => settings.ShareEntity = value,
                "manage_collaborator_entity" => settings.ManageCollaboratorEntity = value,
                "link_share_entity" => settings.LinkShareEntity = value,
                _ => settings.CopyEntity = value,
            };
        }
    }
}
