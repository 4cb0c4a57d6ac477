using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.WeCom.Media;
using Larkway.Emulator.WeCom.Platform;
using Larkway.Emulator.WeCom.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.WeCom.Messages;

/// <summary>
/// App messages: <c>POST /cgi-bin/message/send</c> (document 90236), <c>/cgi-bin/message/update_template_card</c> (94888)
/// and <c>/cgi-bin/message/recall</c> (94867).
/// </summary>
internal static class AppMessageEndpoints
{
    public const string SendPath = WeComApiExtensions.Prefix + "/cgi-bin/message/send";
    public const string UpdateCardPath = WeComApiExtensions.Prefix + "/cgi-bin/message/update_template_card";
    public const string RecallPath = WeComApiExtensions.Prefix + "/cgi-bin/message/recall";

    /// <summary>Documented: messages can be recalled within 24 hours.</summary>
    public static readonly TimeSpan RecallWindow = TimeSpan.FromHours(24);

    public static void MapAppMessageEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(SendPath, SendAsync).AsWeCom();
        routes.MapPost(UpdateCardPath, UpdateCardAsync).AsWeCom();
        routes.MapPost(RecallPath, RecallAsync).AsWeCom();
    }

    private static async Task<IResult> SendAsync(HttpContext context, WeComOrg org, AppMessageStore store, MediaStore media, AppMessageFlowControl flow, TimeProvider time)
    {
        var caller = context.WeComCaller();
        var (body, raw) = await WeComBody.ReadObjectAsync(context.Request);
        var msgType = body.Str("msgtype") ?? throw WeComException.Of(WeComCodes.InvalidMsgType, "msgtype is required (text, image, voice, video, file, textcard, news, mpnews, markdown or template_card)");
        CheckAgent(body, caller);
        var content = AppMessageRules.Check(msgType, body, media);
        var recipients = Recipients.Resolve(org, body.Str("touser"), body.Str("toparty"), body.Str("totag"));
        var fields = recipients.InvalidFields();
        if (recipients.Users.Count == 0)
        {
            throw new WeComException(WeComCodes.AllRecipientsInvalid, WeComCodes.Message(WeComCodes.AllRecipientsInvalid), fields);
        }

        var msgId = store.NextMsgId();
        if ((body.Int("enable_duplicate_check") ?? 0) == 1)
        {
            var seconds = body.Int("duplicate_check_interval");
            if (seconds is < 1 || seconds > (long)AppMessageFlowControl.MaxDuplicateInterval.TotalSeconds)
            {
                throw WeComException.InvalidParameter("duplicate_check_interval must be 1 to 14400 seconds (default 1800)");
            }

            var interval = seconds is { } s ? TimeSpan.FromSeconds(s) : AppMessageFlowControl.DefaultDuplicateInterval;
            if (flow.Duplicate(raw, interval, msgId) is { } earlier)
            {
                // Not delivered again; the call still succeeds and names the first message.
                fields["msgid"] = earlier;
                return WeComJson.Ok(fields);
            }
        }

        var dropped = flow.OverLimit(recipients.Users);
        var cardType = msgType == "template_card" ? content["card_type"]?.GetValue<string>() : null;
        var message = new AppMessage(msgId, caller.AgentId, msgType, content.ToJsonString(), [.. recipients.Users.Except(dropped)], dropped, time.GetUtcNow());
        store.Add(message);
        fields["msgid"] = msgId;
        if (cardType is not null && TemplateCardRules.IsInteractive(cardType))
        {
            fields["response_code"] = store.IssueResponseCode(msgId, null).Code;
        }

        return WeComJson.Ok(fields);
    }

    private static async Task<IResult> UpdateCardAsync(HttpContext context, WeComOrg org, AppMessageStore store)
    {
        var caller = context.WeComCaller();
        var (body, _) = await WeComBody.ReadObjectAsync(context.Request);
        CheckAgent(body, caller);
        var code = body.RequiredStr("response_code", "response_code");
        var button = body.Obj("button");
        var card = body.Obj("template_card");
        if (button is null == card is null)
        {
            throw WeComException.InvalidParameter("give either button.replace_name (buttons become unclickable) or template_card (the card is replaced)");
        }

        string? replaceName = null;
        if (button is { } b)
        {
            replaceName = b.RequiredStr("replace_name", "button.replace_name");
        }
        else
        {
            TemplateCardRules.Check(card!.Value);
        }

        // Who sees the update: atall, or the named members, departments and tags.
        var atAll = (body.Int("atall") ?? 0) == 1;
        var userIds = Strings(body, "userids");
        var partyIds = Strings(body, "partyids");
        var tagIds = Strings(body, "tagids");
        if (!atAll && userIds.Count + partyIds.Count + tagIds.Count == 0)
        {
            throw WeComException.InvalidParameter("name who sees the update: userids, partyids, tagids, or atall = 1");
        }

        var claim = store.TakeResponseCode(code, out var why) ?? throw WeComException.InvalidParameter("response_code: " + why);
        var message = store.Find(claim.MsgId)!;
        if (message.MsgType != "template_card" || !TemplateCardRules.IsInteractive(JsonDocument.Parse(message.Content).RootElement.Str("card_type") ?? string.Empty))
        {
            throw WeComException.InvalidParameter("only button_interaction, vote_interaction and multiple_interaction cards can be updated");
        }

        var scope = atAll ? null : Recipients.Resolve(org, string.Join('|', userIds), string.Join('|', partyIds), string.Join('|', tagIds));
        var members = scope is null ? message.Recipients : [.. scope.Users.Intersect(message.Recipients, StringComparer.Ordinal)];
        var invalid = scope is null ? [] : scope.InvalidUsers.Concat(scope.Users.Except(message.Recipients, StringComparer.Ordinal)).ToList();
        store.Update(message.MsgId, m =>
        {
            if (replaceName is not null)
            {
                var replaced = new Dictionary<string, string>(m.ReplacedButtons ?? new Dictionary<string, string>(), StringComparer.Ordinal);
                if (atAll)
                {
                    replaced.Clear();
                    replaced[string.Empty] = replaceName;
                }
                else
                {
                    foreach (var member in members)
                    {
                        replaced[member] = replaceName;
                    }
                }

                return m with { ReplacedButtons = replaced };
            }

            var json = card!.Value.GetRawText();
            if (atAll)
            {
                return m with { Card = json, UserCards = null, ReplacedButtons = null };
            }

            var cards = new Dictionary<string, string>(m.UserCards ?? new Dictionary<string, string>(), StringComparer.Ordinal);
            var buttons = m.ReplacedButtons is null ? null : new Dictionary<string, string>(m.ReplacedButtons, StringComparer.Ordinal);
            foreach (var member in members)
            {
                cards[member] = json;
                buttons?.Remove(member);
            }

            return m with { UserCards = cards, ReplacedButtons = buttons };
        });

        var fields = new Dictionary<string, object?>();
        if (invalid.Count > 0)
        {
            fields["invaliduser"] = invalid;
        }

        return WeComJson.Ok(fields);
    }

    private static async Task<IResult> RecallAsync(HttpContext context, AppMessageStore store, TimeProvider time)
    {
        var caller = context.WeComCaller();
        var (body, _) = await WeComBody.ReadObjectAsync(context.Request);
        var msgId = body.RequiredStr("msgid", "msgid");
        if (store.Find(msgId) is not { } message || message.AgentId != caller.AgentId)
        {
            throw WeComException.InvalidParameter("msgid names no message this app sent");
        }

        if (message.SentAt + RecallWindow < time.GetUtcNow())
        {
            throw WeComException.InvalidParameter("the message was sent more than 24 hours ago and can no longer be recalled");
        }

        store.Update(msgId, m => m with { Recalled = true });
        return WeComJson.Ok();
    }

    /// <summary>agentid is required and must be the app the token belongs to (40056 otherwise; the corp has one app).</summary>
    private static void CheckAgent(JsonElement body, WeComCaller caller)
    {
        var agentId = body.Int("agentid") ?? throw WeComException.Of(WeComCodes.InvalidAgentId, "agentid is required (the app's AgentId)");
        if (agentId != caller.AgentId)
        {
            throw WeComException.Of(WeComCodes.InvalidAgentId, $"agentid {agentId} is not the app this access_token belongs to");
        }
    }

    private static List<string> Strings(JsonElement body, string name) =>
        [.. (body.Arr(name) ?? []).Select(item => item.ValueKind switch
        {
            JsonValueKind.String => item.GetString()!,
            JsonValueKind.Number => item.GetRawText(),
            _ => throw WeComException.InvalidParameter($"{name} must be an array of ids"),
        })];

    /// <summary>A view for control answers and the page: the message with its content parsed.</summary>
    public static object View(AppMessage m) => new
    {
        msgid = m.MsgId,
        agentid = m.AgentId,
        msgtype = m.MsgType,
        content = JsonNode.Parse(m.Content),
        recipients = m.Recipients,
        dropped = m.Dropped,
        sent_at = m.SentAt.ToUnixTimeSeconds(),
        recalled = m.Recalled,
        card = m.Card is null ? null : JsonNode.Parse(m.Card),
        user_cards = m.UserCards?.ToDictionary(p => p.Key, p => JsonNode.Parse(p.Value)),
        replaced_buttons = m.ReplacedButtons,
    };
}
