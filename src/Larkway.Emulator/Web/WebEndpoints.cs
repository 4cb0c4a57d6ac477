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
    private const string Css = """
        body{font:14px/1.5 -apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f5f6f7;color:#1f2329}
        header{background:#3370ff;color:#fff;padding:10px 20px}header a{color:#fff;text-decoration:none}
        main{max-width:860px;margin:20px auto;padding:0 16px}
        table{width:100%;border-collapse:collapse;background:#fff}td,th{padding:8px;border-bottom:1px solid #eee;text-align:left}
        .msg{background:#fff;border-radius:8px;padding:10px 14px;margin:10px 0;box-shadow:0 1px 2px rgba(0,0,0,.06)}
        .meta{color:#646a73;font-size:12px}.sender{font-weight:600;color:#1f2329}.tag{background:#eef;border-radius:4px;padding:0 4px}
        .mention{color:#3370ff;background:#e1eaff;border-radius:3px;padding:0 2px}.recalled{color:#8f959e}
        .image,.el-img{max-width:320px;max-height:240px;display:block;margin:4px 0}.note-img{height:16px}
        .card{border:1px solid #dee0e3;border-radius:8px;max-width:520px;overflow:hidden;background:#fff}
        .card-header{padding:10px 12px;background:#f8f9fa}.card-title{font-weight:600}.card-subtitle{color:#646a73}
        .card-body{padding:10px 12px}.fields{display:flex;flex-wrap:wrap}.field.short{width:50%}.field.long{width:100%}
        .el-note{color:#8f959e;font-size:12px}.el-columns{display:flex;gap:8px}.el-column{flex:1}
        .btn{display:inline-block;margin:4px 6px 4px 0;padding:4px 12px;border:1px solid #dee0e3;border-radius:6px;background:#fff;color:#1f2329;text-decoration:none}
        .btn-primary,.btn-primary_filled{background:#3370ff;color:#fff;border-color:#3370ff}.btn-danger,.btn-danger_filled{color:#f54a45;border-color:#f54a45}
        """;

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
        $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{Html.Encode(title)}</title><style>{Css}</style></head>"
        + $"<body><header><a href=\"/\">Larkway Emulator</a></header><main>{body}</main></body></html>";
}
