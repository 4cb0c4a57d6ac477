using System.Text.Json;
using Larkway.Hub.Webhooks;

namespace Larkway.Hub.WeCom.CustomerService;

/// <summary>
/// The webhooks a business system (a CRM following its customers' conversations) receives from customer service, in the
/// one envelope <c>{"id","type","created_at","app","event"}</c>, queued in the transaction that stores what they report:
/// <c>wecom.kf.message</c> (a customer's, a receptionist's or the Hub's message), <c>wecom.kf.event</c> (WeCom's events:
/// a customer entering, a session taken or ended, a message that failed) and <c>wecom.kf.session</c> (the Hub moving a
/// session: the assistant taking it, a hand-over and its <see cref="KfHandoverTriggers">trigger</see>). The id is the item's (<c>kf_{open_kfid}_{msgid}</c>), the same on every
/// retry. One-use codes (welcome, end) are never forwarded.
/// </summary>
internal static class KfWebhooks
{
    /// <summary>A message.</summary>
    public const string Message = "wecom.kf.message";

    /// <summary>One of WeCom's events.</summary>
    public const string Event = "wecom.kf.event";

    /// <summary>The Hub moved a session.</summary>
    public const string Session = "wecom.kf.session";

    /// <summary>The type of a stored item's webhook.</summary>
    public static string TypeOf(KfMessageRow row) => row.Origin == KfOrigins.System ? Event : Message;

    /// <summary>The id of a stored item's webhook.</summary>
    public static string IdOf(KfMessageRow row) => $"kf_{row.OpenKfId}_{row.MsgId}";

    /// <summary>The body of a stored item's webhook: the item, its text or its event's fields (no codes).</summary>
    public static byte[] Payload(KfMessageRow row, KfItem fields) => WebhookEnvelope.Write(IdOf(row), TypeOf(row), row.StoredAt, row.App, w =>
    {
        w.WriteString("open_kfid", row.OpenKfId);
        w.WriteString("external_userid", row.ExternalUserId);
        w.WriteString("msgid", row.MsgId);
        w.WriteString("origin", row.Origin);
        w.WriteString(row.Origin == KfOrigins.System ? "event_type" : "msgtype", row.Type);
        w.WriteString("send_time", row.SentAt.ToUniversalTime());
        if (row.ServicerUserId is { } servicer)
        {
            w.WriteString("servicer_userid", servicer);
        }

        if (row.Route == KfRoutes.History)
        {
            w.WriteBoolean("history", true);
        }

        foreach (var name in new[] { "text", "not_sent", "menu_id", "summary", "scene", "scene_param", "fail_msgid", "recall_msgid", "old_servicer_userid", "new_servicer_userid", "servicer_userid" })
        {
            if (fields.String(name) is { } value && !(name == "servicer_userid" && row.ServicerUserId is not null))
            {
                w.WriteString(name, value);
            }
        }

        foreach (var name in new[] { "change_type", "fail_type" })
        {
            if (fields.Number(name) is { } value)
            {
                w.WriteNumber(name, value);
            }
        }
    });

    /// <summary>The body of a session move the Hub made.</summary>
    public static byte[] SessionPayload(string id, DateTimeOffset at, string app, string openKfId, string customer, int state, string? servicer, string reason, string? trigger = null) =>
        WebhookEnvelope.Write(id, Session, at, app, w =>
        {
            w.WriteString("open_kfid", openKfId);
            w.WriteString("external_userid", customer);
            w.WriteNumber("service_state", state);
            w.WriteString("state", KfAccountSettings.StateName(state));
            if (servicer is not null)
            {
                w.WriteString("servicer_userid", servicer);
            }

            w.WriteString("reason", reason);
            if (trigger is not null)
            {
                w.WriteString("trigger", trigger);
            }
        });
}
