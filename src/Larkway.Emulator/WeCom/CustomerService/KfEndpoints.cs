using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.WeCom.Platform;
using Larkway.Emulator.WeCom.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.WeCom.CustomerService;

/// <summary>
/// WeCom customer service (微信客服, <c>/cgi-bin/kf/*</c>) as the corp's self-built app calls it: accounts (94662, 94663,
/// 94664, 94661), contact links (94665), receptionists (94646, 94647, 94645), <c>sync_msg</c> (94670), <c>send_msg</c>
/// (94677), <c>send_msg_on_event</c> (95122), <c>service_state</c> (94669) and <c>customer/batchget</c> (95159). Customers
/// and receptionists act through the test control (<see cref="KfControl"/>).
/// </summary>
internal static class KfEndpoints
{
    private const string Base = WeComApiExtensions.Prefix + "/cgi-bin/kf";

    /// <summary>The moves <c>service_state/trans</c> allows, from WeCom's text (document 94669); moves out of 4 are never allowed.</summary>
    private static readonly Dictionary<int, int[]> Moves = new()
    {
        [0] = [1, 2, 3],
        [1] = [2, 3],
        [2] = [3],
        [3] = [3, 4],
        [4] = [],
    };

    public static void MapWeComKfEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(Base + "/account/add", AddAccountAsync).AsWeCom();
        routes.MapPost(Base + "/account/del", (HttpContext c, KfStore s) => WithAccountAsync(c, s, (store, account, _) => { store.DeleteAccount(account); return null; })).AsWeCom();
        routes.MapPost(Base + "/account/update", UpdateAccountAsync).AsWeCom();
        routes.MapPost(Base + "/account/list", ListAccountsAsync).AsWeCom();
        routes.MapPost(Base + "/add_contact_way", ContactWayAsync).AsWeCom();
        routes.MapPost(Base + "/servicer/add", (HttpContext c, KfStore s, WeComOrg o) => ServicersAsync(c, s, o, add: true)).AsWeCom();
        routes.MapPost(Base + "/servicer/del", (HttpContext c, KfStore s, WeComOrg o) => ServicersAsync(c, s, o, add: false)).AsWeCom();
        routes.MapGet(Base + "/servicer/list", ListServicers).AsWeCom();
        routes.MapPost(Base + "/sync_msg", SyncAsync).AsWeCom();
        routes.MapPost(Base + "/send_msg", SendAsync).AsWeCom();
        routes.MapPost(Base + "/send_msg_on_event", SendOnEventAsync).AsWeCom();
        routes.MapPost(Base + "/service_state/get", StateAsync).AsWeCom();
        routes.MapPost(Base + "/service_state/trans", TransAsync).AsWeCom();
        routes.MapPost(Base + "/customer/batchget", CustomersAsync).AsWeCom();
    }

    private static async Task<IResult> AddAccountAsync(HttpContext context, KfStore store)
    {
        var (body, _) = await WeComBody.ReadObjectAsync(context.Request);
        var name = body.Str("name") ?? "";
        var media = body.Str("media_id") ?? "";
        if (name.Length == 0 || new StringInfo(name).LengthInTextElements > 16)
        {
            throw new WeComException(95006, "invalid kf account name: 1 to 16 characters");
        }

        if (media.Length == 0)
        {
            throw WeComException.InvalidParameter("media_id is required (the avatar, uploaded as temporary media)");
        }

        var account = store.Locked(s => s.AddAccount(name, media));
        return WeComJson.Ok(new Dictionary<string, object?> { ["open_kfid"] = account.OpenKfId });
    }

    private static Task<IResult> UpdateAccountAsync(HttpContext context, KfStore store) =>
        WithAccountAsync(context, store, (_, account, body) =>
        {
            if (body.Str("name") is { } name)
            {
                account.Name = name.Length is > 0 && new StringInfo(name).LengthInTextElements <= 16 ? name : throw new WeComException(95006, "invalid kf account name: 1 to 16 characters");
            }

            if (body.Str("media_id") is { Length: > 0 } media)
            {
                account.AvatarMediaId = media;
            }

            return null;
        });

    private static async Task<IResult> ListAccountsAsync(HttpContext context, KfStore store)
    {
        var (body, _) = await WeComBody.ReadObjectAsync(context.Request);
        var offset = body.Int("offset") ?? 0;
        var limit = body.Int("limit") ?? 100;
        if (offset < 0 || limit is < 1 or > 100)
        {
            throw WeComException.InvalidParameter("offset from 0, limit 1 to 100");
        }

        var page = store.Locked(s => s.Accounts.OrderBy(a => a.OpenKfId, StringComparer.Ordinal).Skip((int)offset).Take((int)limit)
            .Select(a => new JsonObject { ["open_kfid"] = a.OpenKfId, ["name"] = a.Name, ["avatar"] = "https://wework.qpic.cn/kf/" + a.AvatarMediaId, ["manage_privilege"] = true }).ToList());
        return WeComJson.Ok(new Dictionary<string, object?> { ["account_list"] = new JsonArray([.. page]) });
    }

    private static Task<IResult> ContactWayAsync(HttpContext context, KfStore store) =>
        WithAccountAsync(context, store, (_, account, body) =>
        {
            var scene = body.Str("scene") ?? "";
            if (Encoding.UTF8.GetByteCount(scene) > 32 || !scene.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                throw WeComException.InvalidParameter("scene is at most 32 bytes of [0-9a-zA-Z_-]");
            }

            var link = KfControl.LinkFor(context.Request, account.OpenKfId, scene);
            return new Dictionary<string, object?> { ["url"] = link };
        });

    private static async Task<IResult> ServicersAsync(HttpContext context, KfStore store, WeComOrg org, bool add)
    {
        var (body, _) = await WeComBody.ReadObjectAsync(context.Request);
        var users = (body.Arr("userid_list") ?? []).Select(u => u.GetString() ?? "").ToList();
        var departments = (body.Arr("department_id_list") ?? []).Select(d => d.TryGetInt64(out var id) ? id : -1).ToList();
        if (users.Count > 100 || departments.Count > (add ? 20 : 100) || users.Count + departments.Count == 0)
        {
            throw WeComException.InvalidParameter($"userid_list 1–100 members, department_id_list up to {(add ? 20 : 100)} departments, at least one of them");
        }

        var results = store.Locked(s =>
        {
            var account = s.Account(body.Str("open_kfid"));
            var list = new JsonArray();
            foreach (var user in users)
            {
                var known = org.FindUser(user) is not null;
                var changed = known && (add ? account.Servicers.TryAdd(user, 0) : account.Servicers.Remove(user));
                list.Add(new JsonObject
                {
                    ["userid"] = user,
                    ["errcode"] = known ? 0 : WeComCodes.UserIdNotFound,
                    ["errmsg"] = !known ? "userid not found" : changed ? "success" : "ignored",
                });
            }

            foreach (var department in departments)
            {
                var changed = add ? account.ServicerDepartments.Add(department) : account.ServicerDepartments.Remove(department);
                list.Add(new JsonObject { ["department_id"] = department, ["errcode"] = 0, ["errmsg"] = changed ? "success" : "ignored" });
            }

            return list;
        });
        return WeComJson.Ok(new Dictionary<string, object?> { ["result_list"] = results });
    }

    private static IResult ListServicers(HttpContext context, KfStore store)
    {
        var id = context.Request.Query["open_kfid"].ToString();
        var list = store.Locked(s =>
        {
            var account = s.Account(id);
            return new JsonArray([
                .. account.Servicers.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (JsonNode)new JsonObject { ["userid"] = p.Key, ["status"] = p.Value, ["stop_type"] = 0 }),
                .. account.ServicerDepartments.Order().Select(d => (JsonNode)new JsonObject { ["department_id"] = d }),
            ]);
        });
        return WeComJson.Ok(new Dictionary<string, object?> { ["servicer_list"] = list });
    }

    private static async Task<IResult> SyncAsync(HttpContext context, KfStore store)
    {
        var (body, _) = await WeComBody.ReadObjectAsync(context.Request);
        var limit = body.Int("limit") ?? 1000;
        if (limit is < 1 or > 1000)
        {
            throw WeComException.InvalidParameter("limit is 1 to 1000");
        }

        var cursor = body.Str("cursor");
        var token = body.Str("token");
        if (Encoding.UTF8.GetByteCount(cursor ?? "") > 64 || Encoding.UTF8.GetByteCount(token ?? "") > 128)
        {
            throw WeComException.InvalidParameter("cursor is at most 64 bytes, token at most 128");
        }

        var (items, next, more) = store.Locked(s =>
        {
            // The emulator's choice for what the documents leave open: open_kfid is required (as the current page says), and a
            // token given must be one of the account's unexpired ones (95007); a pull without one is served (WeCom limits it).
            var account = s.Account(body.Str("open_kfid"));
            if (token is { Length: > 0 } && !s.TokenValid(token, account.OpenKfId))
            {
                throw new WeComException(KfCodes.InvalidToken, "invalid msg token: it expired (10 minutes) or is another account's");
            }

            return s.Pull(account.OpenKfId, cursor, (int)limit);
        });
        return WeComJson.Ok(new Dictionary<string, object?>
        {
            ["next_cursor"] = next,
            ["has_more"] = more ? 1 : 0,
            ["msg_list"] = new JsonArray([.. items.Select(i => i.Json.DeepClone())]),
        });
    }

    private static async Task<IResult> SendAsync(HttpContext context, KfStore store)
    {
        var (body, _) = await WeComBody.ReadObjectAsync(context.Request);
        var (msgType, content) = Content(body, allowed: ["text", "image", "voice", "video", "file", "link", "miniprogram", "msgmenu", "location", "ca_link"], maxMenu: 50);
        var customer = body.Str("touser") ?? "";
        var msgId = MsgId(body);
        var sent = store.Locked(s =>
        {
            var account = s.Account(body.Str("open_kfid"));
            var session = s.FindSession(account.OpenKfId, customer) ?? throw new WeComException(40096, "invalid external userid: this customer never wrote to the account");
            var now = s.Now;
            if (session.LastCustomerMessage is not { } last || now - last > KfStore.Window)
            {
                throw new WeComException(KfCodes.TimeLimit, "send msg time limit: more than 48 hours since the customer last wrote");
            }

            if (session.State is not (0 or 1))
            {
                throw new WeComException(KfCodes.StateForbidsSending, $"send msg session status invalid: the session is in state {session.State}");
            }

            if (session.SendsLeft <= 0)
            {
                throw new WeComException(KfCodes.MessageLimit, "send msg count limit: 5 messages since the customer last wrote");
            }

            var id = msgId ?? WeComIds.Alphanumeric(24);
            if (!s.ClaimMsgId(account.OpenKfId, id))
            {
                throw new WeComException(KfCodes.DuplicateMsgId, "msgid duplicated in this account");
            }

            session.SendsLeft--;
            var record = new KfSent(id, account.OpenKfId, customer, msgType, content, now, OnEvent: false);
            s.RecordSent(record);
            return record;
        });
        return WeComJson.Ok(new Dictionary<string, object?> { ["msgid"] = sent.MsgId });
    }

    private static async Task<IResult> SendOnEventAsync(HttpContext context, KfStore store)
    {
        var (body, _) = await WeComBody.ReadObjectAsync(context.Request);
        var (msgType, content) = Content(body, allowed: ["text", "msgmenu"], maxMenu: 10);
        var codeText = body.Str("code") ?? "";
        var msgId = MsgId(body);
        var sent = store.Locked(s =>
        {
            // Undocumented: a used, expired or unknown code answers 95007 here (the "invalid msgtoken" code).
            var code = s.TakeCode(codeText) ?? throw new WeComException(KfCodes.InvalidToken, "invalid msg code: unknown, used, or expired (welcome and end codes last 20 seconds, queue codes 48 hours)");
            var session = s.Session(code.OpenKfId, code.ExternalUserId);
            if (code.ValidInState is { } state && session.State != state)
            {
                throw new WeComException(KfCodes.StateForbidsSending, $"send msg session status invalid: the code is for state {state}, the session is in {session.State}");
            }

            var id = msgId ?? WeComIds.Alphanumeric(24);
            if (!s.ClaimMsgId(code.OpenKfId, id))
            {
                throw new WeComException(KfCodes.DuplicateMsgId, "msgid duplicated in this account");
            }

            if (code.Kind == "welcome")
            {
                session.LastWelcome = s.Now;
            }

            var record = new KfSent(id, code.OpenKfId, code.ExternalUserId, msgType, content, s.Now, OnEvent: true);
            s.RecordSent(record);
            return record;
        });
        return WeComJson.Ok(new Dictionary<string, object?> { ["msgid"] = sent.MsgId });
    }

    private static async Task<IResult> StateAsync(HttpContext context, KfStore store)
    {
        var (body, _) = await WeComBody.ReadObjectAsync(context.Request);
        var customer = body.Str("external_userid") ?? "";
        var (state, servicer) = store.Locked(s =>
        {
            var account = s.Account(body.Str("open_kfid"));

            // A customer the account never saw is in 4 (未开始), the documents' "ended / not started".
            var session = s.FindSession(account.OpenKfId, customer);
            return (session?.State ?? 4, session?.Servicer);
        });
        return WeComJson.Ok(new Dictionary<string, object?> { ["service_state"] = state, ["servicer_userid"] = state == 3 ? servicer : "" });
    }

    private static async Task<IResult> TransAsync(HttpContext context, KfStore store, KfSignals signals)
    {
        var (body, _) = await WeComBody.ReadObjectAsync(context.Request);
        var customer = body.Str("external_userid") ?? "";
        var target = body.Int("service_state") ?? -1;
        var servicer = body.Str("servicer_userid");
        var code = store.Locked(s =>
        {
            var account = s.Account(body.Str("open_kfid"));
            var session = s.FindSession(account.OpenKfId, customer) ?? throw new WeComException(40096, "invalid external userid: this customer never wrote to the account");
            if (target is < 0 or > 4 || !Moves[session.State].Contains((int)target))
            {
                throw new WeComException(session.State == 4 ? KfCodes.SessionEnded : KfCodes.TransitionRefused,
                    session.State == 4 ? "session already ended" : $"service state transition from {session.State} to {target} is not allowed");
            }

            if (target == 3)
            {
                if (servicer is not { Length: > 0 } || !account.Servicers.TryGetValue(servicer, out var status))
                {
                    throw new WeComException(KfCodes.NotAServicer, $"'{servicer}' is not a receptionist of this account");
                }

                if (status != 0)
                {
                    throw new WeComException(KfCodes.ServicerStopped, $"receptionist '{servicer}' has stopped receiving");
                }
            }

            return signals.Move(s, account.OpenKfId, customer, session, (int)target, target == 3 ? servicer : null);
        });
        return WeComJson.Ok(new Dictionary<string, object?> { ["msg_code"] = code ?? "" });
    }

    private static async Task<IResult> CustomersAsync(HttpContext context, KfStore store)
    {
        var (body, _) = await WeComBody.ReadObjectAsync(context.Request);
        var ids = (body.Arr("external_userid_list") ?? []).Select(e => e.GetString() ?? "").ToList();
        if (ids.Count is 0 or > 100)
        {
            throw WeComException.InvalidParameter("external_userid_list holds 1 to 100 ids");
        }

        var withContext = body.Int("need_enter_session_context") == 1;
        var (found, invalid) = store.Locked(s =>
        {
            var list = new JsonArray();
            var bad = new JsonArray();
            foreach (var id in ids)
            {
                // Only customers who entered a session or wrote within 48 hours can be read.
                var recent = s.Accounts.Select(a => s.FindSession(a.OpenKfId, id)).OfType<KfSession>()
                    .Where(x => (x.LastCustomerMessage ?? x.EnteredAt) is { } at && s.Now - at <= KfStore.Window).OrderByDescending(x => x.EnteredAt).FirstOrDefault();
                if (s.FindCustomer(id) is not { } customer || recent is null)
                {
                    bad.Add(id);
                    continue;
                }

                var entry = new JsonObject { ["external_userid"] = id, ["nickname"] = customer.Nickname, ["avatar"] = "https://wx.qlogo.cn/mmhead/" + id, ["gender"] = customer.Gender, ["unionid"] = "" };
                if (withContext)
                {
                    entry["enter_session_context"] = new JsonObject { ["scene"] = recent.LastScene ?? "", ["scene_param"] = recent.LastSceneParam ?? "" };
                }

                list.Add(entry);
            }

            return (list, bad);
        });
        return WeComJson.Ok(new Dictionary<string, object?> { ["customer_list"] = found, ["invalid_external_userid"] = invalid });
    }

    private static async Task<IResult> WithAccountAsync(HttpContext context, KfStore store, Func<KfStore, KfAccount, JsonElement, Dictionary<string, object?>?> work)
    {
        var (body, _) = await WeComBody.ReadObjectAsync(context.Request);
        var answer = store.Locked(s => work(s, s.Account(body.Str("open_kfid")), body));
        return WeComJson.Ok(answer);
    }

    private static string? MsgId(JsonElement body)
    {
        var id = body.Str("msgid");
        return id is null || (id.Length is > 0 and <= 32 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            ? (string.IsNullOrEmpty(id) ? null : id)
            : throw WeComException.InvalidParameter("msgid is at most 32 of [0-9a-zA-Z_-]");
    }

    /// <summary>The message's type and object, checked as send_msg documents them.</summary>
    private static (string Type, JsonObject Content) Content(JsonElement body, string[] allowed, int maxMenu)
    {
        var type = body.Str("msgtype") ?? "";
        if (!allowed.Contains(type))
        {
            throw new WeComException(WeComCodes.InvalidMsgType, $"invalid message type '{type}': one of {string.Join(", ", allowed)}");
        }

        var content = body.Obj(type) is { } element ? JsonNode.Parse(element.GetRawText())!.AsObject() : throw WeComException.InvalidParameter($"{type} object is required");
        if (type == "text")
        {
            var text = content["content"]?.GetValue<string>() ?? "";
            if (text.Length == 0)
            {
                throw new WeComException(WeComCodes.EmptyContent, "empty content");
            }

            if (Encoding.UTF8.GetByteCount(text) > 2048)
            {
                throw new WeComException(WeComCodes.ContentTooLarge, "content size out of limit: text is at most 2048 bytes");
            }
        }
        else if (type == "msgmenu")
        {
            var items = content["list"] as JsonArray ?? [];
            if (items.Count > maxMenu || items.Count(i => i?["type"]?.GetValue<string>() is "click" or "view" or "miniprogram") > 10)
            {
                throw new WeComException(95008, $"too many menu items: at most {maxMenu}, of which 10 click, view or miniprogram");
            }
        }

        return (type, content);
    }
}
