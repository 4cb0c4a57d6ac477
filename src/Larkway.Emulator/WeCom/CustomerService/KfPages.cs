using System.Text;
using System.Text.Json.Nodes;
using Larkway.Emulator.Web;
using Larkway.Emulator.WeCom.Platform;
using Larkway.Emulator.WeCom.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using static Larkway.Emulator.Web.ApproverScreen;

namespace Larkway.Emulator.WeCom.CustomerService;

/// <summary>
/// 微信客服 as people see it, without WeChat: <c>/wecom-kf/{open_kfid}?as=external_userid</c> is a customer's chat with an
/// account (where the account's contact link leads: opening it enters the session with the link's scene, then the customer
/// writes and sees the welcome, the app's answers and a receptionist's messages), and
/// <c>/wecom-kf/servicer?as=userid</c> a receptionist's sessions: waiting, theirs and the app's, each taken, answered and
/// ended there. Every action is the test control's (<see cref="KfSignals"/>), so the app gets the same callbacks. No script.
/// </summary>
internal static class KfPages
{
    public const string Path = "/wecom-kf";

    public static void MapWeComKfPages(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path + "/servicer", Servicer);
        routes.MapPost(Path + "/servicer/act", ServicerActAsync);
        routes.MapGet(Path + "/{openKfId}", Customer);
        routes.MapPost(Path + "/{openKfId}/say", SayAsync);
    }

    /// <summary>A customer's page address.</summary>
    public static string CustomerPath(string openKfId, string externalUserId) => As(Path + "/" + Uri.EscapeDataString(openKfId), externalUserId);

    private static IResult Customer(HttpContext context, [FromRoute] string openKfId, [FromQuery(Name = "as")] string? customer, [FromQuery(Name = "enc_scene")] string? encScene,
        [FromQuery(Name = "scene_param")] string? sceneParam, KfStore store, KfSignals signals)
    {
        if (store.Locked(s => s.Accounts.FirstOrDefault(a => a.OpenKfId == openKfId)?.Name) is not { } name)
        {
            return Refused("Account not found", $"No customer-service account has open_kfid '{openKfId}'.", "/wecom-chat", 404);
        }

        if (string.IsNullOrEmpty(customer))
        {
            // Opening the link: a new customer (as WeChat would give one), entering with the link's scene.
            customer = "wm" + WeComIds.Alphanumeric(20);
            _ = signals.EnterAsync(openKfId, customer, null, Scene(encScene), sceneParam);
            return Results.Redirect(CustomerPath(openKfId, customer));
        }

        var body = new StringBuilder("<h1>WeChat · ").Append(Html.Encode(name)).Append("</h1><p class=\"meta\">You are a customer on personal WeChat (")
            .Append(Html.Encode(customer)).Append("), writing to the company's customer service.</p>");
        body.Append("<div class=\"kf-chat\">");
        var sayPath = Path + "/" + Uri.EscapeDataString(openKfId) + "/say";
        foreach (var (at, who, text, buttons) in Timeline(store, openKfId, customer))
        {
            body.Append("<p class=\"kf-line\"><span class=\"meta\">").Append(Html.Encode($"{Time(at)} · {who}")).Append("</span><br>").Append(Html.Encode(text)).Append("</p>");
            foreach (var (id, content) in buttons)
            {
                // A menu's click item: pressing it sends its words back with its id as menu_id, as WeChat does.
                body.Append("<form class=\"kf-menu\" method=\"post\" action=\"").Append(Html.Encode(sayPath)).Append("\">").Append(Hidden("as", customer))
                    .Append(Hidden("menu_id", id)).Append(Hidden("text", content)).Append("<button class=\"btn\" type=\"submit\">").Append(Html.Encode(content)).Append("</button></form>");
            }
        }

        body.Append("</div><form class=\"say\" method=\"post\" action=\"").Append(Html.Encode(Path + "/" + Uri.EscapeDataString(openKfId) + "/say")).Append("\">")
            .Append("<input type=\"hidden\" name=\"as\" value=\"").Append(Html.Encode(customer)).Append("\">")
            .Append("<textarea name=\"text\" rows=\"2\" cols=\"60\" placeholder=\"Write a message\"></textarea><br><button class=\"btn btn-primary\" type=\"submit\">Send</button></form>");
        return Page("WeChat customer service · " + name, body.ToString());
    }

    private static async Task<IResult> SayAsync(HttpContext context, [FromRoute] string openKfId, KfSignals signals)
    {
        if (WebEndpoints.IsCrossSite(context))
        {
            return Results.StatusCode(403);
        }

        var form = await FormAsync(context);
        var customer = form?["as"].ToString() ?? "";
        var text = form?["text"].ToString().Trim() ?? "";
        var menuId = form?["menu_id"].ToString() is { Length: > 0 } m ? m : null;
        if (customer.Length == 0 || text.Length == 0)
        {
            return Refused("Message refused", "Write something first.", CustomerPath(openKfId, customer), 400);
        }

        try
        {
            // WeCom tells the app on its own schedule: the page does not wait for the app's answer.
            _ = signals.SayAsync(openKfId, customer, text, menuId);
        }
        catch (WeComException e)
        {
            return Refused("Message refused", e.Message, CustomerPath(openKfId, customer), 404);
        }

        return Results.Redirect(CustomerPath(openKfId, customer));
    }

    private static IResult Servicer([FromQuery(Name = "as")] string? actingAs, WeComOrg org, KfStore store)
    {
        var user = string.IsNullOrEmpty(actingAs) ? null : org.FindUser(actingAs);
        var body = new StringBuilder("<h1>WeCom · Customer service (微信客服)</h1>");
        ActingAs(body, Path + "/servicer", org.Users.OrderBy(u => u.UserId, StringComparer.Ordinal).Select(u => (u.UserId, u.Name)), user?.UserId);
        if (user is null)
        {
            body.Append("<p class=\"meta\">Choose the receptionist you are.</p>");
            return Page("WeCom customer service", body.ToString());
        }

        var rows = store.Locked(s => s.Accounts.Where(a => a.Servicers.ContainsKey(user.UserId))
            .SelectMany(a => s.Sessions(a.OpenKfId).Select(p => (Account: a, Customer: p.Customer, p.Session.State, p.Session.Servicer))).ToList());
        if (rows.Count == 0)
        {
            body.Append("<p class=\"meta\">No session on the accounts you receive for.</p>");
        }

        foreach (var (account, customer, state, servicer) in rows)
        {
            body.Append("<h2>").Append(Html.Encode($"{account.Name} · {customer}")).Append("</h2><p class=\"meta\">")
                .Append(Html.Encode(StateText(state) + (servicer is null ? "" : $" ({servicer})"))).Append("</p>");
            foreach (var (at, who, text, buttons) in Timeline(store, account.OpenKfId, customer))
            {
                // The customer's buttons, named: the receptionist sees what the customer could press.
                var shown = buttons.Count == 0 ? text : $"{text} [{string.Join("] [", buttons.Select(b => b.Content))}]".TrimStart();
                body.Append("<p class=\"kf-line\"><span class=\"meta\">").Append(Html.Encode($"{Time(at)} · {who}")).Append("</span><br>").Append(Html.Encode(shown)).Append("</p>");
            }

            body.Append("<form class=\"say\" method=\"post\" action=\"").Append(Path).Append("/servicer/act\">")
                .Append(Hidden("as", user.UserId)).Append(Hidden("account", account.OpenKfId)).Append(Hidden("customer", customer));
            if (state is 0 or 1 or 2)
            {
                body.Append("<button class=\"btn btn-primary\" type=\"submit\" name=\"action\" value=\"take\">Take this session</button>");
            }
            else if (state == 3 && servicer == user.UserId)
            {
                body.Append("<textarea name=\"text\" rows=\"2\" cols=\"60\" placeholder=\"Answer the customer\"></textarea><br>")
                    .Append("<button class=\"btn btn-primary\" type=\"submit\" name=\"action\" value=\"say\">Send</button>")
                    .Append("<button class=\"btn btn-danger\" type=\"submit\" name=\"action\" value=\"end\">End the session</button>");
            }

            body.Append("</form>");
        }

        return Page("WeCom customer service · " + user.Name, body.ToString());
    }

    private static async Task<IResult> ServicerActAsync(HttpContext context, KfSignals signals)
    {
        if (WebEndpoints.IsCrossSite(context))
        {
            return Results.StatusCode(403);
        }

        var form = await FormAsync(context);
        var (user, account, customer, action, text) = (form?["as"].ToString() ?? "", form?["account"].ToString() ?? "", form?["customer"].ToString() ?? "", form?["action"].ToString(), form?["text"].ToString().Trim() ?? "");
        var back = As(Path + "/servicer", user);
        try
        {
            _ = action switch
            {
                "take" => signals.TakeAsync(account, customer, user),
                "end" => signals.EndAsync(account, customer),
                "say" when text.Length > 0 => signals.ServicerSaysAsync(account, customer, text),
                _ => throw WeComException.InvalidParameter("post the page's form: take, say (with a text) or end"),
            };
        }
        catch (WeComException e)
        {
            return Refused("Action refused", e.Message, back, 409);
        }

        return Results.Redirect(back);
    }

    /// <summary>
    /// The conversation as both sides see it: the customer's and receptionists' messages, and what the app sent (with a
    /// menu's click items), by time.
    /// </summary>
    private static List<(DateTimeOffset At, string Who, string Text, IReadOnlyList<(string Id, string Content)> Buttons)> Timeline(KfStore store, string account, string customer) =>
        store.Locked(s =>
        {
            var lines = s.HistoryOf(account)
                .Where(i => i.Json["external_userid"]?.GetValue<string>() == customer && i.Json["msgtype"]?.GetValue<string>() != "event")
                .Select(i => (i.At, i.Json["origin"]?.GetValue<int>() == 5 ? "Receptionist " + i.Json["servicer_userid"] : "Customer", ContentText(i.Json), NoButtons))
                .Concat(s.SentTo(account, customer).Select(m => (m.At, m.OnEvent ? "The company (event message)" : "The company",
                    ContentText(new JsonObject { ["msgtype"] = m.MsgType, [m.MsgType] = m.Content.DeepClone() }), ClickItems(m))))
                .OrderBy(l => l.Item1)
                .ToList();
            return lines;
        });

    private static readonly IReadOnlyList<(string Id, string Content)> NoButtons = [];

    /// <summary>The click items of a menu the app sent (each one a button the customer may press).</summary>
    private static IReadOnlyList<(string Id, string Content)> ClickItems(KfSent sent) =>
        sent.MsgType != "msgmenu" ? NoButtons
        : [.. (sent.Content["list"] as JsonArray ?? []).Select(i => i?["click"]).OfType<JsonObject>()
            .Select(c => (c["id"]?.GetValue<string>() ?? "", c["content"]?.GetValue<string>() ?? "")).Where(c => c.Item1.Length > 0)];

    private static string ContentText(JsonObject item)
    {
        var type = item["msgtype"]?.GetValue<string>() ?? "";
        var content = item[type];
        return type switch
        {
            "text" => content?["content"]?.GetValue<string>() ?? "",
            "msgmenu" => string.Join(" · ", new[] { content?["head_content"]?.GetValue<string>() }
                .Concat((content?["list"] as JsonArray ?? []).Where(i => i?["type"]?.GetValue<string>() != "click").Select(i => i?[i["type"]?.GetValue<string>() ?? ""]?["content"]?.GetValue<string>()))
                .Concat([content?["tail_content"]?.GetValue<string>()]).Where(t => !string.IsNullOrEmpty(t))),
            _ => $"[{type}]",
        };
    }

    private static string? Scene(string? encScene)
    {
        if (encScene is not { Length: > 3 } || !encScene.StartsWith("ENC", StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(encScene.AsSpan(3)));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string Hidden(string name, string value) => $"<input type=\"hidden\" name=\"{Html.Encode(name)}\" value=\"{Html.Encode(value)}\">";

    private static string StateText(int state) => state switch
    {
        0 => "0 new (未处理)",
        1 => "1 the app answers (智能助手)",
        2 => "2 waiting in the queue (排队中)",
        3 => "3 a receptionist holds it (人工接待)",
        _ => "4 ended (已结束)",
    };
}
