using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.WeCom.CustomerService;

namespace Larkway.Hub.WeCom.CustomerService;

/// <summary>
/// What the Hub keeps of a pulled item (protected in <see cref="KfMessageRow.Content"/>): a text's words and menu id, an
/// event's fields the Hub acts on (codes, states, receptionists, ids), else a short description of the kind.
/// </summary>
internal static class KfItems
{
    /// <summary>Who <paramref name="message"/> is from, as stored.</summary>
    public static string OriginOf(WeComKfMessage message) => message.Origin switch
    {
        WeComKfOrigin.Customer => KfOrigins.Customer,
        WeComKfOrigin.Receptionist => KfOrigins.Receptionist,
        _ => KfOrigins.System,
    };

    /// <summary>The stored type: the message type, or the event's own type.</summary>
    public static string TypeOf(WeComKfMessage message)
    {
        var type = message.Event is { EventType: { Length: > 0 } e } ? e : message.MsgType;
        return type.Length <= 64 ? type : type[..64];
    }

    /// <summary>The fields kept, as JSON.</summary>
    public static string Describe(WeComKfMessage message)
    {
        var o = new JsonObject();
        if (message.Text is { } text)
        {
            o["text"] = text.Content;
            if (text.MenuId is { Length: > 0 } menu)
            {
                o["menu_id"] = menu;
            }
        }
        else if (message.Event is { } e)
        {
            Put(o, "welcome_code", e.WelcomeCode);
            Put(o, "msg_code", e.MsgCode);
            Put(o, "scene", e.Scene);
            Put(o, "scene_param", e.SceneParam);
            Put(o, "fail_msgid", e.FailMsgId);
            Put(o, "recall_msgid", e.RecallMsgId);
            Put(o, "old_servicer_userid", e.OldServicerUserId);
            Put(o, "new_servicer_userid", e.NewServicerUserId);
            Put(o, "servicer_userid", e.ServicerUserId);
            if (e.ChangeType is { } change)
            {
                o["change_type"] = change;
            }

            if (e.FailType is { } fail)
            {
                o["fail_type"] = fail;
            }
        }
        else
        {
            // Media ids last three days and locations or cards are the customer's data: the kind is what the transcript shows.
            o["summary"] = $"[{message.MsgType}]";
        }

        return o.ToJsonString();
    }

    /// <summary>A kept item read back.</summary>
    public static KfItem Read(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return new KfItem(new JsonObject());
        }

        try
        {
            return new KfItem(JsonNode.Parse(json) as JsonObject ?? new JsonObject());
        }
        catch (JsonException)
        {
            return new KfItem(new JsonObject());
        }
    }

    /// <summary>How a Hub message is kept: its text, and why it did not go when it did not.</summary>
    public static string Sent(string text, string? notSent = null) =>
        (notSent is null ? new JsonObject { ["text"] = text } : new JsonObject { ["text"] = text, ["not_sent"] = notSent }).ToJsonString();

    private static void Put(JsonObject o, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            o[name] = value;
        }
    }
}

/// <summary>A kept item's fields.</summary>
internal sealed class KfItem(JsonObject fields)
{
    /// <summary>A text's words.</summary>
    public string? Text => String("text");

    /// <summary>What the transcript shows: the text, else the kind.</summary>
    public string Shown => Text ?? String("summary") ?? "";

    /// <summary>A named field.</summary>
    public string? String(string name) => fields[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>A named number.</summary>
    public int? Number(string name) => fields[name] is JsonValue v && v.TryGetValue<int>(out var n) ? n : null;
}
