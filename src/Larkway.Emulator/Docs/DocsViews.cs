using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Docs;

/// <summary>Wire shapes of the docx, wiki and drive answers (built under the store's lock), and plain text of blocks.</summary>
internal static class DocsViews
{
    public const string UrlPrefix = "https://example.feishu.cn/";

    public static string UrlOf(DocFile file) => UrlPrefix + (file.Type == "folder" ? "drive/folder/" : file.Type + "/") + file.Token;

    /// <summary><c>{block_id, parent_id, children?, block_type, &lt;key&gt;}</c>; a table's <c>cells</c> are its children.</summary>
    public static JsonObject Block(DocBlock block)
    {
        var json = new JsonObject
        {
            ["block_id"] = block.BlockId,
            ["block_type"] = block.BlockType,
            ["parent_id"] = block.ParentId ?? string.Empty,
        };
        if (block.Children.Count > 0)
        {
            json["children"] = new JsonArray([.. block.Children.Select(c => (JsonNode)c)]);
        }

        var data = JsonNode.Parse(block.Data.GetRawText())!;
        if (block.BlockType == BlockRules.Table)
        {
            data["cells"] = new JsonArray([.. block.Children.Select(c => (JsonNode)c)]);
        }

        json[block.Key] = data;
        return json;
    }

    /// <summary>The document's blocks in reading order (depth first from the Page), as list blocks returns them.</summary>
    public static List<DocBlock> InOrder(DocFile file)
    {
        var byId = file.Blocks.ToDictionary(b => b.BlockId, StringComparer.Ordinal);
        var ordered = new List<DocBlock>(file.Blocks.Count);
        var stack = new Stack<string>();
        stack.Push(file.Blocks[0].BlockId);
        while (stack.TryPop(out var id))
        {
            if (byId.TryGetValue(id, out var block))
            {
                ordered.Add(block);
                for (var i = block.Children.Count - 1; i >= 0; i--)
                {
                    stack.Push(block.Children[i]);
                }
            }
        }

        return ordered;
    }

    /// <summary>The text of a text-shaped block: runs and equations as written, mentions as "@Name" or the document's title.</summary>
    public static string PlainText(EmulatorState state, DocBlock block)
    {
        if (!block.Data.TryGetProperty("elements", out var elements) || elements.ValueKind != JsonValueKind.Array)
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        foreach (var element in elements.EnumerateArray())
        {
            foreach (var part in element.EnumerateObject())
            {
                text.Append(part.Name switch
                {
                    "text_run" or "equation" => part.Value.TryGetProperty("content", out var c) ? c.GetString() : string.Empty,
                    "mention_user" => "@" + MentionName(state, part.Value),
                    "mention_doc" => part.Value.TryGetProperty("title", out var t) ? t.GetString() : string.Empty,
                    _ => string.Empty,
                });
            }
        }

        return text.ToString();
    }

    public static string MentionName(EmulatorState state, JsonElement mention)
    {
        var id = mention.TryGetProperty("user_id", out var u) ? u.GetString() ?? string.Empty : string.Empty;
        return (state.FindUserByAnyOpenId(id) ?? state.FindUserByReference(id))?.Name ?? id;
    }

    /// <summary>raw_content: the text of every text-shaped block in reading order, one line each (the title first).</summary>
    public static string RawContent(EmulatorState state, DocFile file)
    {
        var lines = InOrder(file).Where(b => BlockRules.IsTextShaped(b.BlockType)).Select(b => PlainText(state, b));
        return string.Join("\n", lines) + "\n";
    }

    /// <summary>A person or app as events name it, in the receiving app's ids (an app: its bot's open_id).</summary>
    public static JsonObject UserIdObject(EmulatorState state, AppUserIds ids, ChangeActor actor)
    {
        if (actor.OpenId is { } openId && state.FindUser("open_id", openId) is { } user)
        {
            return new JsonObject { ["open_id"] = ids.OpenId(user), ["union_id"] = ids.UnionId(user), ["user_id"] = user.UserId };
        }

        var bot = actor.AppId is { } appId ? state.FindApp(appId)?.BotOpenId : null;
        return new JsonObject { ["open_id"] = bot ?? string.Empty, ["union_id"] = string.Empty, ["user_id"] = string.Empty };
    }

    /// <summary>An owner or creator as an id of <paramref name="idType"/> in the caller's ids (an app: its bot's open_id).</summary>
    public static string IdOf(EmulatorState state, AppUserIds ids, ChangeActor actor, string idType = "open_id")
    {
        if (actor.OpenId is { } openId && state.FindUser("open_id", openId) is { } user)
        {
            return idType switch
            {
                "user_id" => user.UserId,
                "union_id" => ids.UnionId(user),
                _ => ids.OpenId(user),
            };
        }

        return actor.AppId is { } appId ? state.FindApp(appId)?.BotOpenId ?? string.Empty : string.Empty;
    }

    public static string NameOf(EmulatorState state, ChangeActor actor) =>
        actor.OpenId is { } openId ? state.FindUser("open_id", openId)?.Name ?? openId
        : actor.AppId is { } appId ? state.FindApp(appId)?.BotName ?? appId
        : "someone";

    public static string Seconds(long ms) => (ms / 1000).ToString(CultureInfo.InvariantCulture);

    public static JsonObject Node(DocsStore store, WikiNode node, AppUserIds ids)
    {
        var state = store.State;
        var obj = store.FindFile(node.ObjToken);
        var creator = IdOf(state, ids, node.Creator);
        return new JsonObject
        {
            ["space_id"] = node.SpaceId,
            ["node_token"] = node.NodeToken,
            ["obj_token"] = node.ObjToken,
            ["obj_type"] = node.ObjType,
            ["parent_node_token"] = node.ParentNodeToken,
            ["node_type"] = "origin",
            ["origin_node_token"] = node.NodeToken,
            ["origin_space_id"] = node.SpaceId,
            ["has_child"] = store.ChildrenOf(node.SpaceId, node.NodeToken).Any(),
            ["title"] = node.Title,
            ["obj_create_time"] = Seconds(obj?.CreatedTime ?? node.CreatedTime),
            ["obj_edit_time"] = Seconds(obj?.ModifiedTime ?? node.CreatedTime),
            ["node_create_time"] = Seconds(node.CreatedTime),
            ["creator"] = creator,
            ["owner"] = obj is null ? creator : IdOf(state, ids, obj.Owner),
            ["node_creator"] = creator,
        };
    }

    public static JsonObject Space(WikiSpace space) => new()
    {
        ["name"] = space.Name,
        ["description"] = space.Description,
        ["space_id"] = space.SpaceId,
        ["space_type"] = "team",
        ["visibility"] = space.Visibility,
        ["open_sharing"] = "closed",
    };

    public static JsonObject PublicV2(DocPublic p) => new()
    {
        ["external_access_entity"] = p.ExternalAccessEntity,
        ["security_entity"] = p.SecurityEntity,
        ["comment_entity"] = p.CommentEntity,
        ["share_entity"] = p.ShareEntity,
        ["manage_collaborator_entity"] = p.ManageCollaboratorEntity,
        ["link_share_entity"] = p.LinkShareEntity,
        ["copy_entity"] = p.CopyEntity,
        ["lock_switch"] = p.LockSwitch,
    };

    /// <summary>The deprecated v1 shape: <c>external_access</c> a boolean, partner link values read as closed.</summary>
    public static JsonObject PublicV1(DocPublic p) => new()
    {
        ["external_access"] = p.ExternalAccessEntity == "open",
        ["security_entity"] = p.SecurityEntity,
        ["comment_entity"] = p.CommentEntity,
        ["share_entity"] = p.ShareEntity,
        ["link_share_entity"] = p.LinkShareEntity.StartsWith("partner_", StringComparison.Ordinal) ? "closed" : p.LinkShareEntity,
        ["invite_external"] = p.ExternalAccessEntity == "open",
        ["lock_switch"] = p.LockSwitch,
    };

    /// <summary>A member as the caller's app names it again: the id in the type it was added with.</summary>
    public static JsonObject Member(EmulatorState state, AppUserIds ids, DocMember member, bool withName)
    {
        var json = new JsonObject
        {
            ["member_type"] = member.MemberType,
            ["member_id"] = MemberId(state, ids, member),
            ["perm"] = member.Perm,
            ["type"] = member.Kind == "app" ? "user" : member.Kind,
        };
        if (withName)
        {
            json["name"] = member.Kind switch
            {
                "user" => state.FindUser("open_id", member.Key)?.Name ?? string.Empty,
                "chat" => state.FindChat(member.Key)?.Name ?? string.Empty,
                "department" => state.FindDepartment("open_department_id", member.Key)?.Name ?? string.Empty,
                _ => state.FindApp(member.Key)?.BotName ?? string.Empty,
            };
        }

        return json;
    }

    public static string MemberId(EmulatorState state, AppUserIds ids, DocMember member)
    {
        if (member.Kind == "app")
        {
            return state.FindApp(member.Key)?.BotOpenId ?? member.Key;
        }

        if (member.Kind != "user" || state.FindUser("open_id", member.Key) is not { } user)
        {
            return member.Key;
        }

        return member.MemberType switch
        {
            "userid" => user.UserId,
            "unionid" => ids.UnionId(user),
            "email" => user.Email ?? ids.OpenId(user),
            _ => ids.OpenId(user),
        };
    }
}
