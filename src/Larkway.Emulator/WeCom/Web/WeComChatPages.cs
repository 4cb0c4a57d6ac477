using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Larkway.Emulator.Web;
using Larkway.Emulator.WeCom.Media;
using Larkway.Emulator.WeCom.Messages;
using Larkway.Emulator.WeCom.Robot;
using Larkway.Emulator.WeCom.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Emulator.WeCom.Web;

/// <summary>
/// WeCom as its members see it, under <c>/wecom-chat</c>: each member's chat with the app (what it sent them, where they
/// can write to it and press its cards' buttons — both call the app back — with its passive replies), the group robot's
/// group, and the sections other parts add (<see cref="IWeComPageSection"/>: the AI bot). Timelines poll their fragment.
/// </summary>
internal static class WeComChatPages
{
    public const string Path = "/wecom-chat";

    // The prefix of the page's CSS classes (WeComStyles).
    private const string Css = "wc";

    public static void MapWeComChatPages(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path, Index);
        routes.MapGet(Path + "/app/{userId}", AppChat);
        routes.MapGet(Path + "/app/{userId}/timeline", AppChatTimeline);
        routes.MapPost(Path + "/app/{userId}/say", SayAsync);
        routes.MapPost(Path + "/cards/{msgId}/click", ClickAsync);
        routes.MapGet(Path + "/robots/{key}", RobotGroup);
        routes.MapGet(Path + "/robots/{key}/timeline", RobotGroupTimeline);
        routes.MapGet(Path + "/media/{mediaId}", MediaFile);
    }

    public static string MediaUrl(string mediaId) => $"{Path}/media/{Uri.EscapeDataString(mediaId)}";

    public static string CardClickPath(string msgId) => $"{Path}/cards/{Uri.EscapeDataString(msgId)}/click";

    /// <summary>A page in the WeCom frame (sidebar + main), for this page and the sections others add.</summary>
    public static IResult Page(HttpContext context, string title, string? current, string main, int status = 200)
    {
        return ChatFrame.Page(Css, WeComStyles.Css, title, Sidebar(context.RequestServices, current), main, status);
    }

    /// <summary>A conversation's header.</summary>
    public static string Header(string title, string subtitle) => ChatFrame.Header(Css, title, subtitle);

    /// <summary>A timeline that polls <paramref name="fragmentPath"/> (which answers <see cref="Fragment"/>) every second.</summary>
    public static string Timeline(string fragmentPath, List<(DateTimeOffset At, string Html)> items) => ChatFrame.Timeline(Css, fragmentPath, items);

    /// <summary>The timeline alone: 204 while it is unchanged since the hash the page holds.</summary>
    public static IResult Fragment(List<(DateTimeOffset At, string Html)> items, string? since) => ChatFrame.Fragment(Css, items, since);

    /// <summary>One bubble: <paramref name="mine"/> on the right (the viewing member's own).</summary>
    public static string Bubble(string sender, string avatarClass, DateTimeOffset at, string body, bool mine = false, string? status = null, string? anchor = null) =>
        $"<div class=\"wc-row{(mine ? " mine" : string.Empty)}\"{(anchor is null ? string.Empty : $" id=\"{Html.Encode(anchor)}\"")}><div class=\"wc-avatar {avatarClass}\">{Html.Encode(sender[..1].ToUpperInvariant())}</div><div class=\"wc-col\">"
        + $"<div class=\"wc-name\">{Html.Encode(sender)}<span class=\"wc-time\">{at.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}</span></div><div class=\"wc-bubble\">{body}</div>{status}</div></div>";

    private static IResult Index(HttpContext context) =>
        Page(context, "WeCom", null, "<div class=\"wc-empty\"><h1>WeCom</h1><p>Pick a conversation: a member's chat with the app (write to it and press its cards' buttons as that member), or the group robot's group.</p></div>");

    private static IResult AppChat(HttpContext context, [FromRoute] string userId, [FromQuery] string? flash, WeComOrg org, AppMessageStore store)
    {
        if (org.FindUser(userId) is not { } user)
        {
            return Page(context, "Not found", null, "<div class=\"wc-empty\"><h1>Not found</h1><p>No member has that userid.</p></div>", 404);
        }

        var path = AppChatPath(user.UserId);
        var composer = new StringBuilder("<form class=\"wc-composer\" method=\"post\" action=\"").Append(path).Append("/say\">")
            .Append("<span class=\"wc-as\">as ").Append(Html.Encode(user.Name)).Append("</span>")
            .Append("<input name=\"text\" autocomplete=\"off\" aria-label=\"Message\" placeholder=\"Message ").Append(Html.Encode(org.App.Name)).Append("\" required maxlength=\"2048\">")
            .Append("<button type=\"submit\" class=\"btn\">Send</button></form>");
        var header = Header(org.App.Name, $"{user.Name}'s chat with the app (AgentId {org.App.AgentId})");
        return Page(context, org.App.Name + " · " + user.Name, path, header + Flash(flash) + Timeline(path + "/timeline", AppChatItems(user, org, store, path)) + composer);
    }

    private static IResult AppChatTimeline([FromRoute] string userId, [FromQuery] string? since, WeComOrg org, AppMessageStore store) =>
        org.FindUser(userId) is not { } user ? Results.NotFound() : Fragment(AppChatItems(user, org, store, AppChatPath(user.UserId)), since);

    private static List<(DateTimeOffset At, string Html)> AppChatItems(WeComUser user, WeComOrg org, AppMessageStore store, string back)
    {
        var items = new List<(DateTimeOffset, string)>();
        foreach (var message in store.ToUser(user.UserId))
        {
            string body;
            if (message.Recalled)
            {
                body = "<span class=\"wc-recalled\">The app recalled a message</span>";
            }
            else
            {
                using var content = JsonDocument.Parse(message.MsgType == "template_card" ? message.CardFor(user.UserId) : message.Content);
                body = message.MsgType == "template_card"
                    ? WeComMessageHtml.Card(content.RootElement, org, message, user.UserId, back)
                    : WeComMessageHtml.Body(message.MsgType, content.RootElement, org);
            }

            items.Add((message.SentAt, Bubble(org.App.Name, "app", message.SentAt, body, anchor: message.MsgId)));
        }

        foreach (var inbound in store.FromUser(user.UserId))
        {
            var status = inbound.Status switch
            {
                "pending" => "<div class=\"wc-status\">sending to the app…</div>",
                "delivered" => "<div class=\"wc-status\">delivered to the app's callback</div>",
                "no_callback" => "<div class=\"wc-status failed\">the app has no callback URL: nothing was delivered</div>",
                _ => $"<div class=\"wc-status failed\">callback failed: {Html.Encode(inbound.ReplyError)}</div>",
            };
            if (inbound.Event == "template_card_event")
            {
                items.Add((inbound.At, $"<div class=\"wc-system\">{Html.Encode(user.Name)} pressed “{Html.Encode(ButtonText(store, inbound))}” on a card{status}</div>"));
            }
            else
            {
                items.Add((inbound.At, Bubble(user.Name, string.Empty, inbound.At, WeComMessageHtml.Text(inbound.Content, org), mine: true, status)));
            }

            if (inbound.ReplyXml is { } reply)
            {
                items.Add((inbound.At.AddTicks(1), Bubble(org.App.Name, "app", inbound.At, PassiveReplyHtml(reply, org), status: "<div class=\"wc-status\">passive reply</div>")));
            }
            else if (inbound.Status == "delivered" && inbound.ReplyError is { } error)
            {
                items.Add((inbound.At.AddTicks(1), $"<div class=\"wc-system\">The app's reply could not be read: {Html.Encode(error)}</div>"));
            }
        }

        return [.. items.OrderBy(i => i.Item1)];
    }

    /// <summary>The pressed button's text as the member saw it on the card (its key when the card no longer has it).</summary>
    private static string ButtonText(AppMessageStore store, InboundMessage click)
    {
        if (click.CardMsgId is not { } cardMsgId || store.Find(cardMsgId) is not { } message)
        {
            return click.Content;
        }

        using var card = JsonDocument.Parse(message.CardFor(click.UserId));
        return TemplateCardRules.Buttons(card.RootElement).FirstOrDefault(b => b.Key == click.Content).Text ?? click.Content;
    }

    /// <summary>A decrypted passive reply (document 90241): text, markdown, news … shown as WeCom would show them; else its MsgType.</summary>
    private static string PassiveReplyHtml(string xml, WeComOrg org)
    {
        try
        {
            var root = XElement.Parse(xml);
            var type = root.Element("MsgType")?.Value;
            return type switch
            {
                "text" => WeComMessageHtml.Text(root.Element("Content")?.Value, org),
                "markdown" => WeComMessageHtml.Markdown(root.Element("Content")?.Value, org),
                "news" => "<div class=\"wc-news\">" + string.Concat(root.Descendants("item").Select(i =>
                    Html.Link($"<span><span class=\"t\">{Html.Encode(i.Element("Title")?.Value)}</span><br><span class=\"d\">{Html.Encode(i.Element("Description")?.Value)}</span></span>", i.Element("Url")?.Value))) + "</div>",
                "update_button" => $"<span class=\"wc-comment\">Button updated: {Html.Encode(root.Element("Button")?.Element("ReplaceName")?.Value)}</span>",
                _ => $"<span class=\"wc-comment\">[{Html.Encode(type ?? "unknown")} reply]</span>",
            };
        }
        catch (System.Xml.XmlException)
        {
            return "<span class=\"wc-comment\">[a reply that is not XML]</span>";
        }
    }

    private static async Task<IResult> SayAsync(HttpContext context, [FromRoute] string userId, MemberActions actions)
    {
        if (WebEndpoints.IsCrossSite(context))
        {
            return Results.StatusCode(403);
        }

        var text = context.Request.HasFormContentType ? (await context.Request.ReadFormAsync(context.RequestAborted))["text"].ToString().Trim() : string.Empty;
        var result = actions.Say(userId, text);
        if (result.Refusal is { } refusal)
        {
            return Refused(context, refusal);
        }

        // The page shows the delivery's progress as the timeline polls; a quick answer is shown at once.
        await Task.WhenAny(result.Delivery!, Task.Delay(TimeSpan.FromSeconds(1), context.RequestAborted));
        return Results.Redirect(AppChatPath(userId));
    }

    /// <summary>A card's button: the template_card_event to the app, then back to the chat (the card updates as the app answers).</summary>
    private static async Task<IResult> ClickAsync(HttpContext context, [FromRoute] string msgId, MemberActions actions)
    {
        if (WebEndpoints.IsCrossSite(context))
        {
            return Results.StatusCode(403);
        }

        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : null;
        if (form is null)
        {
            return Refused(context, "The click names no member or button.");
        }

        var selected = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var field in form.Where(f => f.Key.StartsWith("q_", StringComparison.Ordinal)))
        {
            selected[field.Key[2..]] = [.. field.Value.Select(v => v ?? string.Empty)];
        }

        var result = actions.Click(msgId, form["user"].ToString(), form["key"].ToString(), selected);
        if (result.Refusal is { } refusal)
        {
            return Refused(context, refusal);
        }

        var outcome = await result.Delivery!;
        var back = form["back"].ToString();
        if (!back.StartsWith(Path + "/", StringComparison.Ordinal))
        {
            back = Path;
        }

        var flash = outcome is null ? "no-callback" : outcome.Delivered ? string.Empty : "failed:" + outcome.Error;
        return Results.Redirect(back + (flash.Length == 0 ? string.Empty : "?flash=" + Uri.EscapeDataString(flash)) + "#" + Uri.EscapeDataString(msgId));
    }

    private static IResult RobotGroup(HttpContext context, [FromRoute] string key, WeComOrg org, RobotStore robots)
    {
        if (org.FindRobotGroup(key) is not { } group)
        {
            return Page(context, "Not found", null, "<div class=\"wc-empty\"><h1>Not found</h1><p>No group robot has that key.</p></div>", 404);
        }

        var path = RobotPath(key);
        var members = string.Join(", ", group.Members.Select(m => org.FindUser(m)?.Name ?? m));
        return Page(context, group.ChatName, path, Header(group.ChatName, $"Group with the robot “{group.RobotName}” · members: {members}") + Timeline(path + "/timeline", RobotItems(group, org, robots)));
    }

    private static IResult RobotGroupTimeline([FromRoute] string key, [FromQuery] string? since, WeComOrg org, RobotStore robots) =>
        org.FindRobotGroup(key) is not { } group ? Results.NotFound() : Fragment(RobotItems(group, org, robots), since);

    private static List<(DateTimeOffset At, string Html)> RobotItems(WeComRobotGroup group, WeComOrg org, RobotStore robots) =>
        [.. robots.Of(group.Key).Select(m =>
        {
            using var content = JsonDocument.Parse(m.Content);
            var body = m.MsgType switch
            {
                "template_card" => WeComMessageHtml.Card(content.RootElement, org, null, null, RobotPath(group.Key)),
                "image" => "<span class=\"wc-comment\">[image]</span>",
                _ => WeComMessageHtml.Body(m.MsgType, content.RootElement, org),
            };
            return (m.At, Bubble(group.RobotName, "robot", m.At, body));
        })];

    private static IResult MediaFile([FromRoute] string mediaId, MediaStore media) =>
        media.Peek(mediaId) is { } found ? Results.Bytes(found.Data, found.ContentType, found.FileName) : Results.NotFound();

    private static string AppChatPath(string userId) => $"{Path}/app/{Uri.EscapeDataString(userId)}";

    private static string RobotPath(string key) => $"{Path}/robots/{Uri.EscapeDataString(key)}";

    private static string Sidebar(IServiceProvider services, string? current)
    {
        var org = services.GetRequiredService<WeComOrg>();
        var html = new StringBuilder("<nav class=\"wc-side\" aria-label=\"Conversations\"><div class=\"wc-side-title\">").Append(Html.Encode(org.Name)).Append("</div>");
        html.Append("<div class=\"wc-side-section\">").Append(Html.Encode(org.App.Name)).Append("</div>");
        foreach (var user in org.Users.OrderBy(u => u.UserId, StringComparer.Ordinal))
        {
            html.Append(SideLink(AppChatPath(user.UserId), user.Name, "chat with the app", current));
        }

        html.Append("<div class=\"wc-side-section\">Group robots</div>");
        foreach (var group in org.RobotGroups)
        {
            html.Append(SideLink(RobotPath(group.Key), group.ChatName, "robot " + group.RobotName, current));
        }

        var sections = services.GetServices<IWeComPageSection>().ToList();
        if (sections.Count == 0)
        {
            html.Append("<div class=\"wc-side-section\">AI bot</div><div class=\"wc-side-empty\">No AI bot conversations yet.</div>");
        }

        foreach (var section in sections)
        {
            html.Append("<div class=\"wc-side-section\">").Append(Html.Encode(section.Title)).Append("</div>");
            var links = section.Links();
            if (links.Count == 0)
            {
                html.Append("<div class=\"wc-side-empty\">No conversations yet.</div>");
            }

            foreach (var link in links)
            {
                html.Append(SideLink(link.Href, link.Name, link.Note, current));
            }
        }

        return html.Append("</nav>").ToString();
    }

    private static string SideLink(string href, string name, string note, string? current) => ChatFrame.SideLink(Css, href, name, note, current);

    private static string Flash(string? flash) => flash switch
    {
        null or "" => string.Empty,
        "no-callback" => "<div class=\"flash flash-warning\" role=\"status\">The app has no callback URL: WeCom had nowhere to deliver the click.</div>",
        _ when flash.StartsWith("failed:", StringComparison.Ordinal) => $"<div class=\"flash flash-error\" role=\"alert\">The callback failed: {Html.Encode(flash["failed:".Length..])}</div>",
        _ => string.Empty,
    };

    private static IResult Refused(HttpContext context, string message) =>
        Page(context, "Refused", null, $"<div class=\"wc-empty\"><h1>Refused</h1><p>{Html.Encode(message)}</p></div>", 400);
}
