using System.Globalization;
using System.Text;
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

        return Page(ChatTitle(chat, state), body.ToString());
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
