using System.Globalization;
using System.Text;
using Larkway.Emulator.DingTalk.AppRobot;
using Larkway.Emulator.DingTalk.Cards;
using Larkway.Emulator.DingTalk.Chat;
using Larkway.Emulator.DingTalk.Robots;
using Larkway.Emulator.DingTalk.State;
using Larkway.Emulator.DingTalk.Stream;
using Larkway.Emulator.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.DingTalk.Web;

/// <summary>
/// DingTalk as its users see it, under <c>/dingtalk-chat</c>: each org user's one-to-one chat with the app robot (where
/// they can write to it), their work notifications, and the groups (where a member can write and @ the robot). Cards'
/// buttons call the app back; the timeline polls its own fragment so streamed AI cards and replies appear as they come.
/// </summary>
internal static class ChatPages
{
    public const string Path = "/dingtalk-chat";

    // The prefix of the page's CSS classes (ChatStyles).
    private const string Css = "dt";

    // The largest picture or file the chat page sends (the emulator's limit; DingTalk's own is not modelled).
    private const long MaxFileBytes = 20L * 1024 * 1024;

    public static void MapDingTalkChatPages(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path, Index);
        routes.MapGet(Path + "/robot/{userId}", RobotChat);
        routes.MapGet(Path + "/robot/{userId}/timeline", RobotChatTimeline);
        routes.MapPost(Path + "/robot/{userId}/say", SayToRobotAsync);
        routes.MapPost(Path + "/robot/{userId}/send-file", SendFileToRobotAsync).DisableAntiforgery();
        routes.MapGet(Path + "/notifications/{userId}", Notifications);
        routes.MapGet(Path + "/notifications/{userId}/timeline", NotificationsTimeline);
        routes.MapGet(Path + "/groups/{conversationId}", Group);
        routes.MapGet(Path + "/groups/{conversationId}/timeline", GroupTimeline);
        routes.MapPost(Path + "/groups/{conversationId}/say", SayInGroupAsync);
        routes.MapPost(Path + "/cards/{outTrackId}/click", ClickAsync);
    }

    private static IResult Index(DingTalkOrg org, RobotStore groups) =>
        Page("DingTalk", Sidebar(org, groups, null), "<div class=\"dt-empty\"><h1>DingTalk</h1><p>Pick a conversation: a person's chat with the app robot "
            + "(write to the robot as that person), their work notifications, or a group.</p></div>", 200);

    private static IResult RobotChat([FromRoute] string userId, [FromQuery] string? flash, DingTalkOrg org, RobotStore groups, ChatTimeline timeline)
    {
        if (org.FindUser(userId) is not { } user)
        {
            return NotFound(org, groups, "No such user in the org.");
        }

        var path = $"{Path}/robot/{Uri.EscapeDataString(userId)}";
        var items = timeline.RobotChat(userId, path);
        var composer = new StringBuilder("<form class=\"dt-composer\" method=\"post\" action=\"").Append(path).Append("/say\">")
            .Append("<span class=\"dt-as\">as ").Append(Html.Encode(user.Name)).Append("</span>")
            .Append("<input name=\"text\" autocomplete=\"off\" aria-label=\"Message\" placeholder=\"Message ").Append(Html.Encode(timeline.App.Name)).Append("\" required>")
            .Append("<button type=\"submit\" class=\"btn btn-primary\">Send</button></form>")
            .Append("<form class=\"dt-composer\" method=\"post\" enctype=\"multipart/form-data\" action=\"").Append(path).Append("/send-file\">")
            .Append("<span class=\"dt-as\">or a picture or file</span><input type=\"file\" name=\"file\" aria-label=\"Picture or file\" required>")
            .Append("<button type=\"submit\" class=\"btn\">Upload</button></form>");
        var header = Header(timeline.App.Name, $"One-to-one chat of {user.Name} with the app robot");
        return Page(timeline.App.Name + " · " + user.Name, Sidebar(org, groups, path), header + Flash(flash) + Timeline(path, items) + composer, 200);
    }

    private static IResult RobotChatTimeline([FromRoute] string userId, [FromQuery] string? since, DingTalkOrg org, ChatTimeline timeline) =>
        org.FindUser(userId) is null ? Results.NotFound() : Fragment(timeline.RobotChat(userId, $"{Path}/robot/{Uri.EscapeDataString(userId)}"), since);

    private static IResult Notifications([FromRoute] string userId, DingTalkOrg org, RobotStore groups, ChatTimeline timeline)
    {
        if (org.FindUser(userId) is not { } user)
        {
            return NotFound(org, groups, "No such user in the org.");
        }

        var path = $"{Path}/notifications/{Uri.EscapeDataString(userId)}";
        return Page("Work notifications · " + user.Name, Sidebar(org, groups, path), Header("Work notifications", $"What {timeline.App.Name} sent {user.Name} as work notifications") + Timeline(path, timeline.Notifications(userId)), 200);
    }

    private static IResult NotificationsTimeline([FromRoute] string userId, [FromQuery] string? since, DingTalkOrg org, ChatTimeline timeline) =>
        org.FindUser(userId) is null ? Results.NotFound() : Fragment(timeline.Notifications(userId), since);

    private static IResult Group([FromRoute] string conversationId, [FromQuery(Name = "as")] string? actingAs, [FromQuery] string? flash, DingTalkOrg org, RobotStore groups, ChatTimeline timeline)
    {
        if (groups.Conversation(conversationId) is not { } group)
        {
            return NotFound(org, groups, "No such group.");
        }

        var members = Members(group, org);
        var viewer = members.FirstOrDefault(m => m.UserId == actingAs) ?? members.FirstOrDefault();
        var path = $"{Path}/groups/{Uri.EscapeDataString(conversationId)}";
        var back = viewer is null ? path : $"{path}?as={Uri.EscapeDataString(viewer.UserId)}";
        var items = timeline.Group(conversationId, viewer?.UserId, back);
        var composer = new StringBuilder("<form class=\"dt-composer\" method=\"post\" action=\"").Append(path).Append("/say\"><span class=\"dt-as\">as</span><select name=\"sender\" aria-label=\"Sender\">");
        foreach (var member in members)
        {
            composer.Append("<option value=\"").Append(Html.Encode(member.UserId)).Append('"').Append(member == viewer ? " selected" : string.Empty).Append('>').Append(Html.Encode(member.Name)).Append("</option>");
        }

        composer.Append("</select><label class=\"dt-at\"><input type=\"checkbox\" name=\"at_robot\" value=\"1\" checked> @").Append(Html.Encode(timeline.App.Name)).Append("</label>")
            .Append("<input name=\"text\" autocomplete=\"off\" aria-label=\"Message\" placeholder=\"Message the group\" required><button type=\"submit\" class=\"btn btn-primary\">Send</button></form>");
        var header = Header(group.Title, $"{members.Count} members: {string.Join(", ", members.Select(m => m.Name))}");
        return Page(group.Title, Sidebar(org, groups, path), header + Flash(flash) + Timeline(back, items, path) + composer, 200);
    }

    private static IResult GroupTimeline([FromRoute] string conversationId, [FromQuery(Name = "as")] string? actingAs, [FromQuery] string? since, DingTalkOrg org, RobotStore groups, ChatTimeline timeline)
    {
        if (groups.Conversation(conversationId) is not { } group)
        {
            return Results.NotFound();
        }

        var members = Members(group, org);
        var viewer = members.FirstOrDefault(m => m.UserId == actingAs) ?? members.FirstOrDefault();
        var path = $"{Path}/groups/{Uri.EscapeDataString(conversationId)}";
        return Fragment(timeline.Group(conversationId, viewer?.UserId, viewer is null ? path : $"{path}?as={Uri.EscapeDataString(viewer.UserId)}"), since);
    }

    /// <summary>The user writes to the app robot one-to-one: delivered over Stream (and HTTP when configured).</summary>
    private static async Task<IResult> SayToRobotAsync(HttpContext context, [FromRoute] string userId, DingTalkOrg org, ChatTimeline timeline, InboundRobotMessages inbound)
    {
        if (WebEndpoints.IsCrossSite(context))
        {
            return Results.StatusCode(403);
        }

        if (org.FindUser(userId) is not { } user)
        {
            return Refused("No such user in the org.", 404);
        }

        var text = await FormTextAsync(context);
        var path = $"{Path}/robot/{Uri.EscapeDataString(userId)}";
        if (text is null)
        {
            return Refused("Write a message (up to 5,000 characters).", 400);
        }

        var delivered = await inbound.DeliverAsync(new RobotMessageRequest(timeline.App.AppKey, "1", user.UserId, user.Name, null, null, text, AtBot: true), Origin(context));
        return Results.Redirect(path + (delivered.Push.ConnectionId is null && delivered.HttpDeliveryId is null ? "?flash=no-receiver" : string.Empty));
    }

    /// <summary>
    /// The user sends the robot a picture (an <c>image/*</c> upload) or a file: a robot message of msgtype picture or file
    /// whose <c>downloadCode</c> opens the bytes through <c>/v1.0/robot/messageFiles/download</c>.
    /// </summary>
    private static async Task<IResult> SendFileToRobotAsync(HttpContext context, [FromRoute] string userId, DingTalkOrg org, ChatTimeline timeline, InboundRobotMessages inbound, RobotMessageFiles files)
    {
        if (WebEndpoints.IsCrossSite(context))
        {
            return Results.StatusCode(403);
        }

        if (org.FindUser(userId) is not { } user)
        {
            return Refused("No such user in the org.", 404);
        }

        var upload = context.Request.HasFormContentType ? (await context.Request.ReadFormAsync(context.RequestAborted)).Files["file"] : null;
        if (upload is not { Length: > 0 } || upload.Length > MaxFileBytes)
        {
            return Refused($"Choose a picture or file (up to {MaxFileBytes / (1024 * 1024)} MB).", 400);
        }

        using var buffer = new MemoryStream();
        await upload.CopyToAsync(buffer, context.RequestAborted);
        var name = System.IO.Path.GetFileName(upload.FileName);
        var picture = upload.ContentType.StartsWith("image/", StringComparison.OrdinalIgnoreCase);
        var file = files.Add(timeline.App.RobotCode, picture ? "picture" : "file", picture ? null : (name is { Length: > 0 } ? name : "file"),
            upload.ContentType is { Length: > 0 } type ? type : "application/octet-stream", buffer.ToArray());
        var text = picture ? "[picture]" : $"[file: {file.FileName}]";
        var delivered = await inbound.DeliverAsync(new RobotMessageRequest(timeline.App.AppKey, "1", user.UserId, user.Name, null, null, text, AtBot: true) { File = file }, Origin(context));
        var path = $"{Path}/robot/{Uri.EscapeDataString(userId)}";
        return Results.Redirect(path + (delivered.Push.ConnectionId is null && delivered.HttpDeliveryId is null ? "?flash=no-receiver" : string.Empty));
    }

    /// <summary>A member writes in a group; only a message that @s the robot is delivered to the app (DingTalk's rule).</summary>
    private static async Task<IResult> SayInGroupAsync(HttpContext context, [FromRoute] string conversationId, DingTalkOrg org, RobotStore groups, ChatTimeline timeline, InboundRobotMessages inbound)
    {
        if (WebEndpoints.IsCrossSite(context))
        {
            return Results.StatusCode(403);
        }

        if (groups.Conversation(conversationId) is not { } group)
        {
            return Refused("No such group.", 404);
        }

        var text = await FormTextAsync(context);
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : null;
        var sender = Members(group, org).FirstOrDefault(m => m.UserId == form?["sender"].ToString());
        if (text is null || sender is null)
        {
            return Refused(sender is null ? "The sender must be a member of the group." : "Write a message (up to 5,000 characters).", 400);
        }

        var request = new RobotMessageRequest(timeline.App.AppKey, "2", sender.UserId, sender.Name, group.ConversationId, group.Title, text, AtBot: form!["at_robot"].ToString() == "1");
        var flash = string.Empty;
        if (request.AtBot)
        {
            var delivered = await inbound.DeliverAsync(request, Origin(context));
            flash = delivered.Push.ConnectionId is null && delivered.HttpDeliveryId is null ? "&flash=no-receiver" : string.Empty;
        }
        else
        {
            inbound.RecordOnly(request);
        }

        return Results.Redirect($"{Path}/groups/{Uri.EscapeDataString(conversationId)}?as={Uri.EscapeDataString(sender.UserId)}{flash}");
    }

    /// <summary>A card button: the card callback to the app over Stream, then back to the conversation with the outcome.</summary>
    private static async Task<IResult> ClickAsync(HttpContext context, [FromRoute] string outTrackId, DingTalkOrg org, CardStore cards, CardClicks clicks)
    {
        if (WebEndpoints.IsCrossSite(context))
        {
            return Results.StatusCode(403);
        }

        if (cards.Find(outTrackId) is not { } card)
        {
            return Refused("No such card.", 404);
        }

        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : null;
        var user = org.FindUser(form?["user"].ToString() ?? string.Empty);
        var buttons = CardButton.Of(card);
        if (user is null || !int.TryParse(form!["button"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= buttons.Count || buttons[index].ActionId is null)
        {
            return Refused("The click names no user of the org or no callback button of this card.", 400);
        }

        var reachable = card.Deliveries.Any(d => d.Success && ((d.SpaceType == "IM_ROBOT" && d.SpaceId == user.UserId) || d.SpaceType == "IM_GROUP"));
        if (!reachable)
        {
            return Refused("The card was not delivered to this user.", 403);
        }

        var outcome = await clicks.ClickAsync(card, user.UserId, buttons[index], context.RequestAborted);
        var back = form["back"].ToString();
        if (!back.StartsWith(Path + "/", StringComparison.Ordinal))
        {
            back = Path;
        }

        var code = outcome.Ok ? "card-ok" : "card-failed";
        return Results.Redirect($"{back}{(back.Contains('?', StringComparison.Ordinal) ? '&' : '?')}flash={code}:{Uri.EscapeDataString(outcome.Message)}#{Uri.EscapeDataString(outTrackId)}");
    }

    public static string CardClickPath(string outTrackId) => $"{Path}/cards/{Uri.EscapeDataString(outTrackId)}/click";

    private static string Timeline(string path, List<(DateTimeOffset At, string Html)> items, string? fragmentBase = null)
    {
        var query = path.Contains('?', StringComparison.Ordinal) ? path[path.IndexOf('?', StringComparison.Ordinal)..] : string.Empty;
        return ChatFrame.Timeline(Css, (fragmentBase ?? path.Split('?')[0]) + "/timeline" + query, items);
    }

    private static IResult Fragment(List<(DateTimeOffset At, string Html)> items, string? since) => ChatFrame.Fragment(Css, items, since);

    private static string Header(string title, string subtitle) => ChatFrame.Header(Css, title, subtitle);

    private static string Flash(string? flash) => flash switch
    {
        null or "" => string.Empty,
        "no-receiver" => "<div class=\"flash flash-warning\" role=\"status\">The app has no Stream connection and no HTTP receiving address: DingTalk had nowhere to deliver the message.</div>",
        _ when flash.StartsWith("card-ok:", StringComparison.Ordinal) => $"<div class=\"flash flash-success\" role=\"status\">{Html.Encode(flash["card-ok:".Length..])}</div>",
        _ when flash.StartsWith("card-failed:", StringComparison.Ordinal) => $"<div class=\"flash flash-error\" role=\"alert\">{Html.Encode(flash["card-failed:".Length..])}</div>",
        _ => string.Empty,
    };

    private static string Sidebar(DingTalkOrg org, RobotStore groups, string? current)
    {
        var html = new StringBuilder("<nav class=\"dt-side\" aria-label=\"Conversations\"><div class=\"dt-side-title\">").Append(Html.Encode(org.Name)).Append("</div><div class=\"dt-side-section\">App robot</div>");
        foreach (var user in org.Users.OrderBy(u => u.UserId, StringComparer.Ordinal))
        {
            html.Append(SideLink($"{Path}/robot/{Uri.EscapeDataString(user.UserId)}", user.Name, "1:1 with the robot", current));
        }

        html.Append("<div class=\"dt-side-section\">Groups</div>");
        foreach (var group in groups.Conversations())
        {
            html.Append(SideLink($"{Path}/groups/{Uri.EscapeDataString(group.ConversationId)}", group.Title, group.Members is { } m ? $"{m.Count} members" : "robot group", current));
        }

        html.Append("<div class=\"dt-side-section\">Work notifications</div>");
        foreach (var user in org.Users.OrderBy(u => u.UserId, StringComparer.Ordinal))
        {
            html.Append(SideLink($"{Path}/notifications/{Uri.EscapeDataString(user.UserId)}", user.Name, "from the app", current));
        }

        return html.Append("<div class=\"dt-side-section\"><a href=\"/dingtalk-groups\">Robot groups (list)</a></div>")
            .Append("<div class=\"dt-side-section\"><a href=\"").Append(Workflow.WorkflowPages.Path).Append("\">Approvals (审批)</a></div></nav>").ToString();
    }

    private static string SideLink(string href, string name, string note, string? current) => ChatFrame.SideLink(Css, href, name, note, current);

    /// <summary>A group's members (groups made for custom robots list none: then everyone in the org may act in it).</summary>
    private static List<DingTalkUser> Members(RobotConversation group, DingTalkOrg org) =>
        group.Members is { } ids ? [.. ids.Select(org.FindUser).OfType<DingTalkUser>()] : [.. org.Users.OrderBy(u => u.UserId, StringComparer.Ordinal)];

    private static async Task<string?> FormTextAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType)
        {
            return null;
        }

        var text = (await context.Request.ReadFormAsync(context.RequestAborted))["text"].ToString().Trim();
        return text.Length is > 0 and <= 5000 ? text : null;
    }

    private static string Origin(HttpContext context) => $"{context.Request.Scheme}://{context.Request.Host}";

    private static IResult NotFound(DingTalkOrg org, RobotStore groups, string message) =>
        Page("Not found", Sidebar(org, groups, null), $"<div class=\"dt-empty\"><h1>Not found</h1><p>{Html.Encode(message)}</p></div>", 404);

    private static IResult Refused(string message, int status) =>
        Results.Content(WebEndpoints.Layout("Refused", $"<h1>Refused</h1><p>{Html.Encode(message)}</p><p><a href=\"{Path}\">Back to DingTalk</a></p>"), "text/html; charset=utf-8", Encoding.UTF8, status);

    private static IResult Page(string title, string sidebar, string main, int status) => ChatFrame.Page(Css, ChatStyles.Css, title, sidebar, main, status);
}
