using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Bitable;

/// <summary>How a reader wants cells: in which app's user ids, of which id type, and text as segments or as one string.</summary>
internal sealed record CellReadContext(EmulatorState State, AppUserIds Ids, string IdType, bool TextAsArray = true);

/// <summary>
/// Cells in their read shape (多维表格记录数据结构): text as segments <c>[{type:"text",text}]</c> (an email as a <c>url</c>
/// segment with a <c>mailto:</c> link), selects by option name, people as <c>{id,name,en_name,email,avatar_url}</c> in the
/// reader's id type, links as <c>{link_record_ids}</c>, group chats as <c>{id,name,avatar_url}</c>, attachments with their
/// download URLs. Empty cells are null (and left out of <c>fields</c>); formula and lookup values are not emulated.
/// </summary>
internal static class CellReader
{
    public static JsonNode? Read(BitableField field, BitableRecord record, CellReadContext context)
    {
        switch (field.Type)
        {
            case FieldTypes.CreatedTime:
                return JsonValue.Create(record.CreatedTime);
            case FieldTypes.ModifiedTime:
                return JsonValue.Create(record.ModifiedTime);
            case FieldTypes.CreatedUser:
                return new JsonArray(Person(record.CreatedBy, context));
            case FieldTypes.ModifiedUser:
                return new JsonArray(Person(record.ModifiedBy, context));
            case FieldTypes.Formula or FieldTypes.Lookup:
                return null;
        }

        return record.Cells.TryGetValue(field.FieldId, out var stored) ? Read(field, stored, context) : null;
    }

    /// <summary>A stored value (see <see cref="BitableRecord.Cells"/>) in its read shape.</summary>
    public static JsonNode? Read(BitableField field, JsonElement stored, CellReadContext context)
    {
        switch (field.Type)
        {
            case FieldTypes.Text:
                var text = stored.GetString() ?? string.Empty;
                if (!context.TextAsArray)
                {
                    return text;
                }

                return field.UiType == "Email"
                    ? new JsonArray(new JsonObject { ["link"] = "mailto:" + text, ["text"] = text, ["type"] = "url" })
                    : new JsonArray(new JsonObject { ["text"] = text, ["type"] = "text" });
            case FieldTypes.SingleSelect:
                return field.Options.Find(o => o.Id == stored.GetString())?.Name;
            case FieldTypes.MultiSelect:
                return new JsonArray([.. stored.EnumerateArray().Select(id => field.Options.Find(o => o.Id == id.GetString())?.Name).OfType<string>().Select(n => (JsonNode)n)]);
            case FieldTypes.User:
                return new JsonArray([.. stored.EnumerateArray().Select(id => (JsonNode)Person(new ChangeActor(id.GetString(), null), context))]);
            case FieldTypes.SingleLink or FieldTypes.DuplexLink:
                return new JsonObject { ["link_record_ids"] = JsonNode.Parse(stored.GetRawText()) };
            case FieldTypes.GroupChat:
                return new JsonArray([.. stored.EnumerateArray().Select(id => (JsonNode)Chat(id.GetString()!, context.State))]);
            case FieldTypes.Attachment:
                return new JsonArray([.. stored.EnumerateArray().Select(a => (JsonNode)Attachment(a))]);
            default:
                return JsonNode.Parse(stored.GetRawText());
        }
    }

    /// <summary>A person as record cells and <c>created_by</c> show one; an app (a write with a tenant token) is its bot.</summary>
    public static JsonObject Person(ChangeActor actor, CellReadContext context)
    {
        if (actor.OpenId is { } openId && context.State.FindUser("open_id", openId) is { } user)
        {
            return new JsonObject
            {
                ["id"] = context.Ids.Of(user.OpenId, context.IdType),
                ["name"] = user.Name,
                ["en_name"] = user.EnName ?? user.Name,
                ["email"] = user.Email ?? string.Empty,
                ["avatar_url"] = AvatarOf(user.UserId),
            };
        }

        var app = actor.AppId is { } appId ? context.State.FindApp(appId) : null;
        return new JsonObject
        {
            ["id"] = app?.BotOpenId ?? actor.OpenId ?? string.Empty,
            ["name"] = app?.BotName ?? string.Empty,
            ["en_name"] = app?.BotName ?? string.Empty,
            ["email"] = string.Empty,
            ["avatar_url"] = string.Empty,
        };
    }

    public static string AvatarOf(string userId) => "https://s1-imfile.feishucdn.com/static-resource/v1/emulator-avatar-" + userId + "~72";

    private static JsonObject Chat(string chatId, EmulatorState state) => new()
    {
        ["avatar_url"] = "https://s1-imfile.feishucdn.com/static-resource/v1/emulator-chat-" + chatId,
        ["id"] = chatId,
        ["name"] = state.FindChat(chatId)?.Name ?? string.Empty,
    };

    private static JsonObject Attachment(JsonElement stored)
    {
        var token = stored.GetProperty("file_token").GetString()!;
        var node = JsonNode.Parse(stored.GetRawText())!.AsObject();
        // Paths of the Open API (download works on the Emulator; the temporary-URL API is not emulated).
        node["url"] = "/open-apis/drive/v1/medias/" + token + "/download";
        node["tmp_url"] = "/open-apis/drive/v1/medias/batch_get_tmp_download_url?file_tokens=" + token;
        return node;
    }
}
