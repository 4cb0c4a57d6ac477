using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.WeCom.Callbacks;
using Larkway.Emulator.WeCom.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.WeCom.CustomerService;

/// <summary>
/// Test control of customer service under <c>/_emulator/wecom/kf/{open_kfid}/customers/{external_userid}</c>: a customer
/// on personal WeChat enters through the account's link and writes; a receptionist takes, writes in and ends the session
/// from the WeCom client; a sent message that fails after all; and what the app sent the customer. Each action answers once the app's callback is answered.
/// </summary>
internal static class KfControl
{
    public static void MapWeComKfControl(this RouteGroupBuilder control)
    {
        var customer = control.MapGroup("kf/{openKfId}/customers/{externalUserId}");
        customer.MapPost("enter", (HttpContext c, string openKfId, string externalUserId, KfSignals signals) =>
            ActAsync(c, body => signals.EnterAsync(openKfId, externalUserId, body?.Str("nickname"), body?.Str("scene"), body?.Str("scene_param"))));
        customer.MapPost("say", (HttpContext c, string openKfId, string externalUserId, KfSignals signals) =>
            ActAsync(c, body => body?.Str("text") is { Length: > 0 } text
                ? signals.SayAsync(openKfId, externalUserId, text, body?.Str("menu_id"))
                : throw WeComException.InvalidParameter("send {\"text\": \"…\", \"menu_id\"?}")));
        customer.MapPost("send", (HttpContext c, string openKfId, string externalUserId, KfSignals signals) => SendAsync(c, openKfId, externalUserId, signals));
        customer.MapPost("recall", (HttpContext c, string openKfId, string externalUserId, KfSignals signals) =>
            ActAsync(c, body => body?.Str("msgid") is { Length: > 0 } msgId
                ? signals.RecallAsync(openKfId, externalUserId, msgId)
                : throw WeComException.InvalidParameter("send {\"msgid\": the customer's message's id}")));
        customer.MapPost("take", (HttpContext c, string openKfId, string externalUserId, KfSignals signals) =>
            ActAsync(c, body => body?.Str("servicer") is { Length: > 0 } servicer
                ? signals.TakeAsync(openKfId, externalUserId, servicer)
                : throw WeComException.InvalidParameter("send {\"servicer\": userid}")));
        customer.MapPost("end", (HttpContext c, string openKfId, string externalUserId, KfSignals signals) =>
            ActAsync(c, _ => signals.EndAsync(openKfId, externalUserId)));
        customer.MapPost("servicer-say", (HttpContext c, string openKfId, string externalUserId, KfSignals signals) =>
            ActAsync(c, body => body?.Str("text") is { Length: > 0 } text
                ? signals.ServicerSaysAsync(openKfId, externalUserId, text)
                : throw WeComException.InvalidParameter("send {\"text\": \"…\"}")));
        customer.MapPost("fail", (HttpContext c, string openKfId, string externalUserId, KfSignals signals) =>
            ActAsync(c, body => body?.Str("msgid") is { Length: > 0 } msgId
                ? signals.FailAsync(openKfId, externalUserId, msgId, (int)(body?.Int("fail_type") ?? 0))
                : throw WeComException.InvalidParameter("send {\"msgid\": the sent message's id, \"fail_type\": 4 | 6 | 10 | …}")));
        customer.MapGet(string.Empty, View);
    }

    /// <summary>
    /// The emulator's contact link: its customer page for the account, the scene encoded (WeCom's own link is
    /// <c>https://work.weixin.qq.com/kf/kfc…?enc_scene=…</c>, opened in WeChat).
    /// </summary>
    public static string LinkFor(HttpRequest request, string openKfId, string scene)
    {
        var link = $"{request.Scheme}://{request.Host}/wecom-kf/{Uri.EscapeDataString(openKfId)}";
        return scene.Length == 0 ? link : link + "?enc_scene=ENC" + System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(scene));
    }

    private static Task<IResult> ActAsync(HttpContext context, Func<JsonElement?, Task<WeComCallbackOutcome?>> act) =>
        MadeAsync(context, async body => ("", await act(body).ConfigureAwait(false)));

    /// <summary>Reads the body, acts, and answers how the app's callback went (with the msgid of an item the action made).</summary>
    private static async Task<IResult> MadeAsync(HttpContext context, Func<JsonElement?, Task<(string MsgId, WeComCallbackOutcome? Outcome)>> act)
    {
        JsonElement? body = null;
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            try
            {
                body = (await WeComBody.ReadObjectAsync(context.Request)).Body;
            }
            catch (WeComException e)
            {
                return WeComJson.Plain(new { error = e.Message }, 400);
            }
        }

        try
        {
            var (msgId, outcome) = await act(body);
            return msgId.Length == 0
                ? WeComJson.Plain(new { delivered = outcome?.Delivered, delivery_id = outcome?.DeliveryId, error = outcome?.Error })
                : WeComJson.Plain(new { msgid = msgId, delivered = outcome?.Delivered, delivery_id = outcome?.DeliveryId, error = outcome?.Error });
        }
        catch (WeComException e)
        {
            return WeComJson.Plain(new { error = e.Message }, e.ErrCode == KfCodes.InvalidAccount ? 404 : 400);
        }
    }

    /// <summary>
    /// A customer's message other than text: <c>{"msgtype": "image", "content": {…}}</c>. Known kinds get WeCom's fields
    /// filled in when left out; any other lower-case type is passed through as given, as a kind WeCom adds later would be.
    /// The answer carries the item's msgid.
    /// </summary>
    private static Task<IResult> SendAsync(HttpContext context, string openKfId, string externalUserId, KfSignals signals) =>
        MadeAsync(context, body =>
        {
            var type = body?.Str("msgtype") ?? "";
            if (type.Length is 0 or > 64 || type is "event" or "text" || !type.All(ch => ch is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_'))
            {
                throw WeComException.InvalidParameter("send {\"msgtype\": \"image\" | \"voice\" | \"location\" | … or any lower-case name, \"content\"?: {…}}; text goes to /say");
            }

            var given = body is { } b && b.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.Object
                ? (JsonObject)JsonNode.Parse(c.GetRawText())!
                : [];
            return signals.SendAsync(openKfId, externalUserId, type, KfContents.Filled(type, given));
        });

    private static IResult View(string openKfId, string externalUserId, KfStore store) =>
        store.Locked(s =>
        {
            if (s.Accounts.All(a => a.OpenKfId != openKfId))
            {
                return WeComJson.Plain(new { error = $"no customer-service account has open_kfid {openKfId}" }, 404);
            }

            var session = s.FindSession(openKfId, externalUserId);
            return WeComJson.Plain(new
            {
                service_state = session?.State ?? 4,
                servicer_userid = session?.Servicer,
                sends_left = session?.SendsLeft ?? 0,
                received = s.SentTo(openKfId, externalUserId).Select(m => new { msgid = m.MsgId, msgtype = m.MsgType, content = m.Content, on_event = m.OnEvent, at = m.At }),
            });
        });
}
