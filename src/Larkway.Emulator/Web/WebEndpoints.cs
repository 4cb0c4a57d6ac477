using System.Globalization;
using System.Text;
using System.Text.Json;
using Larkway.Emulator.Api.Control;
using Larkway.Emulator.Api.Im;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Web;

/// <summary>The server-rendered web view: chats, messages as users see them, uploaded resources.</summary>
internal static class WebEndpoints
{
    public static void MapWebEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/", Index);
        routes.MapGet("/chats/{chat_id}", Chat);
        routes.MapPost("/chats/{chat_id}/say", SayAsync);
        routes.MapGet("/_emulator/resources/{key}", Resource);
    }

    private static IResult Index(EmulatorState state)
    {
        var body = new StringBuilder("<h1>Chats</h1><table><tr><th>Chat</th><th>Type</th><th>Members</th><th>Messages</th></tr>");
        foreach (var chat in state.Chats.Where(c => !c.Dissolved))
        {
            body.Append("<tr><td><a href=\"/chats/").Append(Uri.EscapeDataString(chat.ChatId)).Append("\">").Append(Html.Encode(ChatTitle(chat, state))).Append("</a></td><td>")
                .Append(Html.Encode(chat.ChatMode)).Append("</td><td>").Append(chat.MemberOpenIds.Count.ToString(CultureInfo.InvariantCulture))
                .Append("</td><td>").Append(state.MessagesIn(chat.ChatId).Count.ToString(CultureInfo.InvariantCulture)).Append("</td></tr>");
        }

        return Page("Larkway Emulator", body.Append("</table>").ToString());
    }

    private static IResult Chat([FromRoute(Name = "chat_id")] string chatId, EmulatorState state)
    {
        if (state.FindChat(chatId) is not { } chat)
        {
            return Results.Content(Layout("Not found", "<h1>Chat not found</h1>"), "text/html; charset=utf-8", Encoding.UTF8, 404);
        }

        var renderer = new MessageHtmlRenderer(state);
        var members = string.Join(", ", chat.MemberOpenIds.Select(id => state.FindUser("open_id", id)?.Name ?? id).Concat(chat.BotAppIds.Select(id => (state.FindApp(id)?.BotName ?? id) + " (bot)")));
        var body = new StringBuilder("<h1>").Append(Html.Encode(ChatTitle(chat, state))).Append("</h1><p class=\"meta\">")
            .Append(Html.Encode(chat.Description)).Append("</p><p class=\"meta\">Members: ").Append(Html.Encode(members)).Append("</p>");
        foreach (var message in state.MessagesIn(chat.ChatId))
        {
            body.Append(renderer.Render(message));
        }

        AppendSayForm(body, chat, state);
        return Page(ChatTitle(chat, state), body.ToString());
    }

    /// <summary>A plain form to post as a member (no scripts): the message raises the receive events.</summary>
    private static void AppendSayForm(StringBuilder body, EmulatorChat chat, EmulatorState state)
    {
        var members = chat.MemberOpenIds.Select(id => state.FindUser("open_id", id)).OfType<EmulatorUser>().Where(u => !u.IsResigned).ToList();
        if (chat.Dissolved || members.Count == 0)
        {
            return;
        }

        body.Append("<form class=\"say\" method=\"post\" action=\"/chats/").Append(Uri.EscapeDataString(chat.ChatId)).Append("/say\"><select name=\"sender\">");
        foreach (var user in members)
        {
            body.Append("<option value=\"").Append(Html.Encode(user.OpenId)).Append("\">").Append(Html.Encode(user.Name)).Append("</option>");
        }

        body.Append("</select> <input name=\"text\" size=\"60\" required> ");
        if (chat.ChatMode != ChatModes.P2p)
        {
            body.Append("<label><input type=\"checkbox\" name=\"mention_bots\" value=\"1\" checked> @ the bots</label> ");
        }

        body.Append("<button type=\"submit\">Send as user</button></form>");
    }

    private static async Task<IResult> SayAsync(HttpContext context, [FromRoute(Name = "chat_id")] string chatId, EmulatorState state, MessageContent contentParser)
    {
        // A form post from another site (CSRF) carries a foreign Origin; refuse it.
        if (context.Request.Headers.Origin is { Count: > 0 } origin
            && (!Uri.TryCreate(origin.ToString(), UriKind.Absolute, out var originUri) || !string.Equals(originUri.Authority, context.Request.Host.Value, StringComparison.OrdinalIgnoreCase)))
        {
            return Results.StatusCode(403);
        }

        if (state.FindChat(chatId) is not { } chat || !context.Request.HasFormContentType)
        {
            return Results.NotFound();
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var sender = state.FindUser("open_id", form["sender"].ToString());
        var text = form["text"].ToString();
        if (sender is null || text.Length == 0)
        {
            return Results.Redirect("/chats/" + Uri.EscapeDataString(chat.ChatId));
        }

        if (form["mention_bots"].ToString() == "1")
        {
            text = string.Concat(chat.BotAppIds.Select(id => state.FindApp(id)).OfType<EmulatorApp>().Select(a => $"<at user_id=\"{a.BotOpenId}\">{a.BotName}</at> ")) + text;
        }

        EventControlEndpoints.PostUserMessage(state, contentParser, sender, chat, "text", JsonSerializer.Serialize(new { text }), parentId: null);
        return Results.Redirect("/chats/" + Uri.EscapeDataString(chat.ChatId), permanent: false, preserveMethod: false);
    }

    private static IResult Resource(string key, EmulatorState state) =>
        state.FindResource(key) is { } resource
            ? resource.Kind == ResourceKind.Image
                ? Results.File(resource.Data.ToArray(), resource.ContentType)
                : Results.File(resource.Data.ToArray(), resource.ContentType, resource.FileName)
            : Results.NotFound();

    private static string ChatTitle(EmulatorChat chat, EmulatorState state) =>
        chat.ChatMode == ChatModes.P2p
            ? "Direct: " + string.Join(" ↔ ", chat.BotAppIds.Select(id => state.FindApp(id)?.BotName ?? id).Concat(chat.MemberOpenIds.Select(id => state.FindUser("open_id", id)?.Name ?? id)))
            : chat.Name;

    private static IResult Page(string title, string body) => Results.Content(Layout(title, body), "text/html; charset=utf-8", Encoding.UTF8);

    private static string Layout(string title, string body) =>
        $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{Html.Encode(title)}</title><style>{PageStyles.Css}</style></head>"
        + $"<body><header><a href=\"/\">Larkway Emulator</a></header><main>{body}</main></body></html>";
}
