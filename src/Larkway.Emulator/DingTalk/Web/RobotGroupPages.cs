using System.Globalization;
using System.Text;
using Larkway.Emulator.DingTalk.Robots;
using Larkway.Emulator.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.DingTalk.Web;

/// <summary>
/// The web view's DingTalk part: the groups custom robots post into, and each group's messages rendered. Under
/// <c>/dingtalk-groups</c>, outside <c>/dingtalk</c>, which is the emulated API.
/// </summary>
internal static class RobotGroupPages
{
    public const string Path = "/dingtalk-groups";

    public static void MapDingTalkPages(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path, Index);
        routes.MapGet(Path + "/{conversationId}", Group);
    }

    private static IResult Index(RobotStore robots)
    {
        var body = new StringBuilder("<h1>DingTalk robot groups</h1><table><tr><th>Group</th><th>Robots</th><th>Messages</th></tr>");
        var all = robots.Robots();
        foreach (var conversation in robots.Conversations())
        {
            var names = all.Where(r => r.ConversationId == conversation.ConversationId).Select(r => r.Name);
            body.Append("<tr><td><a href=\"").Append(Path).Append('/').Append(Uri.EscapeDataString(conversation.ConversationId)).Append("\">")
                .Append(Html.Encode(conversation.Title)).Append("</a></td><td>").Append(Html.Encode(string.Join(", ", names))).Append("</td><td>")
                .Append(robots.MessagesIn(conversation.ConversationId).Count.ToString(CultureInfo.InvariantCulture)).Append("</td></tr>");
        }

        return Page("DingTalk robot groups", body.Append("</table>").ToString(), 200);
    }

    private static IResult Group([FromRoute] string conversationId, RobotStore robots)
    {
        if (robots.Conversation(conversationId) is not { } conversation)
        {
            return Page("Not found", "<h1>Group not found</h1>", 404);
        }

        var names = robots.Robots().ToDictionary(r => r.AccessToken, r => r.Name, StringComparer.Ordinal);
        var body = new StringBuilder("<h1>").Append(Html.Encode(conversation.Title)).Append("</h1>");
        foreach (var message in robots.MessagesIn(conversationId))
        {
            body.Append(RobotMessageHtml.Render(message, names.GetValueOrDefault(message.RobotAccessToken, "robot")));
        }

        return Page(conversation.Title, body.ToString(), 200);
    }

    private static IResult Page(string title, string body, int status) =>
        Results.Content(WebEndpoints.Layout(title, body), "text/html; charset=utf-8", Encoding.UTF8, status);
}
