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
        var body = new StringBuilder("<h1>DingTalk robot groups</h1><p class=\"meta\">The groups robots post into: custom robots' webhooks and the app robot's groups. ")
            .Append("Open one to see what its robots posted, or <a href=\"").Append(ChatPages.Path).Append("\">the chat view</a> to write in it as a member.</p>");
        var all = robots.Robots();
        var conversations = robots.Conversations().ToList();
        if (conversations.Count == 0)
        {
            return Page("DingTalk robot groups", body.Append("<p class=\"meta\">No groups yet: create a custom robot (POST /_emulator/dingtalk/robots) or a group (POST /_emulator/dingtalk/groups).</p>").ToString(), 200);
        }

        body.Append("<table><tr><th>Group</th><th>Robots</th><th>Robot messages</th><th></th></tr>");
        foreach (var conversation in conversations)
        {
            var names = all.Where(r => r.ConversationId == conversation.ConversationId).Select(r => r.Name).ToList();
            var id = Uri.EscapeDataString(conversation.ConversationId);
            body.Append("<tr><td><a href=\"").Append(Path).Append('/').Append(id).Append("\">").Append(Html.Encode(conversation.Title)).Append("</a></td><td>")
                .Append(names.Count > 0 ? Html.Encode(string.Join(", ", names)) : "<span class=\"meta\">app robot only</span>").Append("</td><td>")
                .Append(robots.MessagesIn(conversation.ConversationId).Count.ToString(CultureInfo.InvariantCulture)).Append("</td><td><a href=\"")
                .Append(ChatPages.Path).Append("/groups/").Append(id).Append("\">Open in chat</a></td></tr>");
        }

        return Page("DingTalk robot groups", body.Append("</table>").ToString(), 200);
    }

    private static IResult Group([FromRoute] string conversationId, RobotStore robots)
    {
        var back = $"<p class=\"meta\"><a href=\"{Path}\">← All robot groups</a></p>";
        if (robots.Conversation(conversationId) is not { } conversation)
        {
            return Page("Not found", back + "<h1>Group not found</h1><p>No robot posts into a group with this id.</p>", 404);
        }

        var names = robots.Robots().ToDictionary(r => r.AccessToken, r => r.Name, StringComparer.Ordinal);
        var messages = robots.MessagesIn(conversationId);
        var body = new StringBuilder(back).Append("<h1>").Append(Html.Encode(conversation.Title)).Append("</h1><p class=\"meta\">Custom robots' messages. <a href=\"")
            .Append(ChatPages.Path).Append("/groups/").Append(Uri.EscapeDataString(conversationId)).Append("\">Open in chat</a> for everyone's messages and the app robot's.</p>");
        if (messages.Count == 0)
        {
            body.Append("<p class=\"meta\">No robot has posted here yet.</p>");
        }

        foreach (var message in messages)
        {
            body.Append(RobotMessageHtml.Render(message, names.GetValueOrDefault(message.RobotAccessToken, "robot")));
        }

        return Page(conversation.Title, body.ToString(), 200);
    }

    private static IResult Page(string title, string body, int status) =>
        Results.Content(WebEndpoints.Layout(title, body), "text/html; charset=utf-8", Encoding.UTF8, status);
}
