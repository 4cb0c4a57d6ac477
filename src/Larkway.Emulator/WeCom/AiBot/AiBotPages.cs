using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Larkway.Emulator.Web;
using Larkway.Emulator.WeCom.State;
using Larkway.Emulator.WeCom.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.WeCom.AiBot;

/// <summary>The AI bot's section of the WeCom page's sidebar: each member's single chat with the bot, and its group.</summary>
internal sealed class AiBotPageSection(AiBotHub hub, AiBotDirectory directory) : IWeComPageSection
{
    public string Title => "AI bot";

    public IReadOnlyList<WeComPageLink> Links() =>
        [.. hub.Bots.SelectMany(bot => directory.Users.Select(u => new WeComPageLink(AiBotPages.ChatPath(bot.BotId, "single", u.Key), u.Value, bot.Name))
            .Concat(directory.Groups.Select(g => new WeComPageLink(AiBotPages.ChatPath(bot.BotId, "group", g.ChatId), g.Name, bot.Name + " · group"))))];
}

/// <summary>
/// The AI bot's conversations as the WeCom user sees them, inside the WeCom page (<c>/wecom-chat/aibot/…</c>): a member
/// writes to the bot (in the group, with or without @-mentioning it); the bot's replies show as they would — a stream
/// growing in place (the timeline polls), markdown rendered, <c>&lt;think&gt;</c> shown as reasoning, template cards
/// whose buttons raise <c>template_card_event</c>, and feedback buttons that raise <c>feedback_event</c>. Opening a
/// member's single chat for the first time in a day raises <c>enter_chat</c>, as WeCom does.
/// </summary>
internal static partial class AiBotPages
{
    public const string Prefix = WeComChatPages.Path + "/aibot";

    public static string ChatPath(string botId, string chatType, string id) => $"{Prefix}/{Uri.EscapeDataString(botId)}/{chatType}/{Uri.EscapeDataString(id)}";

    public static void MapAiBotPages(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Prefix + "/{botId}/{chatType}/{id}", ChatAsync);
        routes.MapGet(Prefix + "/{botId}/{chatType}/{id}/timeline", Timeline);
        routes.MapPost(Prefix + "/{botId}/{chatType}/{id}/say", SayAsync);
        routes.MapPost(Prefix + "/messages/{messageId}/click", ClickAsync);
        routes.MapPost(Prefix + "/messages/{messageId}/feedback", FeedbackAsync);
    }

    private static async Task<IResult> ChatAsync(HttpContext context, [FromRoute] string botId, [FromRoute] string chatType, [FromRoute] string id, [FromQuery(Name = "as")] string? actingAs, [FromQuery] string? flash,
        AiBotHub hub, AiBotDirectory directory, AiBotInbound inbound)
    {
        if (Resolve(hub, directory, botId, chatType, id, actingAs) is not { } chat)
        {
            return WeComChatPages.Page(context, "AI bot", null, "<div class=\"wc-empty\"><h1>Not found</h1><p>No such bot, member or group.</p></div>", 404);
        }

        if (chatType == "single")
        {
            await inbound.EnterChatOncePerDayAsync(botId, id);
        }

        var path = ChatPath(botId, chatType, id);
        var query = chatType == "group" ? "?as=" + Uri.EscapeDataString(chat.Viewer) : string.Empty;
        var composer = new StringBuilder("<form class=\"wc-composer\" method=\"post\" action=\"").Append(Html.Encode(path + "/say" + query)).Append("\">")
            .Append("<span class=\"wc-as\">as ").Append(Html.Encode(directory.UserName(chat.Viewer))).Append("</span>");
        if (chatType == "group")
        {
            composer.Append("<label class=\"wc-as\"><input type=\"checkbox\" name=\"mention\" value=\"1\" checked> @").Append(Html.Encode(chat.Bot.Name)).Append("</label>");
        }

        composer.Append("<input name=\"text\" autocomplete=\"off\" aria-label=\"Message\" placeholder=\"Message ").Append(Html.Encode(chat.Bot.Name)).Append("\" required>")
            .Append("<button type=\"submit\" class=\"btn btn-primary\">Send</button></form>");
        var switcher = chatType == "group"
            ? "<div class=\"wc-sub\">Viewing as: " + string.Join(" · ", directory.Users.Select(u => u.Key == chat.Viewer ? Html.Encode(u.Value) : $"<a href=\"{Html.Encode(path + "?as=" + Uri.EscapeDataString(u.Key))}\">{Html.Encode(u.Value)}</a>")) + "</div>"
            : string.Empty;
        var subtitle = chatType == "group" ? $"Group with {chat.Bot.Name}: only messages that @-mention it reach the bot" : $"Single chat of {directory.UserName(id)} with {chat.Bot.Name}";
        var flashHtml = flash is null ? string.Empty : $"<div class=\"wc-status failed\">{Html.Encode(flash)}</div>";
        return WeComChatPages.Page(context, chat.Title + " · " + chat.Bot.Name, path, WeComChatPages.Header(chat.Title, subtitle) + switcher + flashHtml
            + WeComChatPages.Timeline(path + "/timeline" + query, Items(chat, context.RequestServices)) + composer);
    }

    private static IResult Timeline(HttpContext context, [FromRoute] string botId, [FromRoute] string chatType, [FromRoute] string id, [FromQuery(Name = "as")] string? actingAs, [FromQuery] string? since, AiBotHub hub, AiBotDirectory directory) =>
        Resolve(hub, directory, botId, chatType, id, actingAs) is { } chat ? WeComChatPages.Fragment(Items(chat, context.RequestServices), since) : Results.NotFound();

    private static async Task<IResult> SayAsync(HttpContext context, [FromRoute] string botId, [FromRoute] string chatType, [FromRoute] string id, [FromQuery(Name = "as")] string? actingAs, AiBotHub hub, AiBotDirectory directory, AiBotInbound inbound)
    {
        if (Resolve(hub, directory, botId, chatType, id, actingAs) is not { } chat)
        {
            return Results.NotFound();
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var text = form["text"].ToString();
        var mentioned = chatType == "single" || form["mention"].ToString() == "1";
        if (mentioned && chatType == "group")
        {
            text = "@" + chat.Bot.Name + " " + text;
        }

        var (_, _, problem) = await inbound.SendAsync(new AiBotUserMessage(botId, chat.Viewer, chatType, chatType == "group" ? id : null, "text", text, mentioned), AiBotEndpoints.BaseUrl(context));
        return Back(ChatPath(botId, chatType, id) + (chatType == "group" ? "?as=" + Uri.EscapeDataString(chat.Viewer) : string.Empty), problem);
    }

    private static async Task<IResult> ClickAsync(HttpContext context, [FromRoute] string messageId, AiBotInbound inbound)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var (_, problem) = await inbound.ClickAsync(messageId, form["user"].ToString(), form["key"].ToString());
        return Back(form["back"].ToString(), problem);
    }

    private static async Task<IResult> FeedbackAsync(HttpContext context, [FromRoute] string messageId, AiBotInbound inbound)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        _ = int.TryParse(form["type"].ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var type);
        var (_, problem) = await inbound.FeedbackAsync(messageId, form["user"].ToString(), type);
        return Back(form["back"].ToString(), problem);
    }

    /// <summary>Back to the page (only a local path), with the problem to show if there was one.</summary>
    private static IResult Back(string back, string? problem)
    {
        var target = back.StartsWith(Prefix + "/", StringComparison.Ordinal) ? back : Prefix;
        return Results.Redirect(problem is null ? target : target + (target.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "flash=" + Uri.EscapeDataString(problem));
    }

    private sealed record Chat(AiBotDefinition Bot, string ConversationId, string Title, string Viewer, string Back);

    private static Chat? Resolve(AiBotHub hub, AiBotDirectory directory, string botId, string chatType, string id, string? actingAs)
    {
        if (hub.Bot(botId) is not { } bot)
        {
            return null;
        }

        if (chatType == "single")
        {
            return directory.UserName(id) is { } name ? new Chat(bot, AiBotConversations.SingleId(botId, id), name, id, ChatPath(botId, chatType, id)) : null;
        }

        if (chatType == "group" && directory.Group(id) is { } group)
        {
            var viewer = actingAs is not null && group.Members.Contains(actingAs) ? actingAs : group.Members.FirstOrDefault();
            return viewer is null ? null : new Chat(bot, AiBotConversations.GroupId(botId, id), group.Name, viewer, ChatPath(botId, chatType, id) + "?as=" + Uri.EscapeDataString(viewer));
        }

        return null;
    }

    private static List<(DateTimeOffset At, string Html)> Items(Chat chat, IServiceProvider services)
    {
        var conversations = (AiBotConversations)services.GetService(typeof(AiBotConversations))!;
        var directory = (AiBotDirectory)services.GetService(typeof(AiBotDirectory))!;
        var org = (WeComOrg)services.GetService(typeof(WeComOrg))!;
        var items = new List<(DateTimeOffset, string)>();
        foreach (var message in conversations.Messages(chat.ConversationId))
        {
            var at = DateTimeOffset.FromUnixTimeMilliseconds(message.CreatedAtMs);
            if (message.From == "bot")
            {
                items.Add((at, WeComChatPages.Bubble(chat.Bot.Name, "app", at, BotBody(message, chat, org), status: BotStatus(message), anchor: message.Id)));
            }
            else
            {
                var name = directory.UserName(message.From) ?? message.From;
                var body = UserBody(message);
                items.Add((at, WeComChatPages.Bubble(name, string.Empty, at, body, mine: message.From == chat.Viewer, status: UserStatus(message), anchor: message.Id)));
            }
        }

        return items;
    }

    private static string UserBody(AiBotMessage message)
    {
        var quote = message.QuoteText is null ? string.Empty : $"<div class=\"wc-quote\">{Html.Encode(message.QuoteText)}</div>";
        return quote + message.MsgType switch
        {
            "image" => "<span class=\"wc-file\">[image]</span>",
            "file" => $"<span class=\"wc-file\">[file] {Html.Encode(message.FileName)}</span>",
            "voice" => $"<span class=\"wc-file\">[voice]</span> {Html.Encode(message.Content)}",
            _ => Html.Encode(message.Content).Replace("\n", "<br>", StringComparison.Ordinal),
        };
    }

    private static string? UserStatus(AiBotMessage message) => message.Delivery switch
    {
        "connection" => "<div class=\"wc-status\">delivered to the bot's long connection</div>",
        "callback" => "<div class=\"wc-status\">delivered to the bot's callback URL</div>",
        "callback-failed" => "<div class=\"wc-status failed\">the bot's callback URL did not answer (after WeCom's retries)</div>",
        "not-mentioned" => "<div class=\"wc-status\">not sent to the bot (it was not @-mentioned)</div>",
        "no-connection" => "<div class=\"wc-status failed\">the bot has no connection: nothing was delivered</div>",
        "lost" => "<div class=\"wc-status failed\">lost on a dead connection</div>",
        null => null,
        var other => $"<div class=\"wc-status failed\">{Html.Encode(other)}</div>",
    };

    private static string? BotStatus(AiBotMessage message) =>
        message.MsgType is "stream" or "stream_with_template_card" && !message.Finished ? "<div class=\"wc-status\">typing…</div>" : null;

    private static string BotBody(AiBotMessage message, Chat chat, WeComOrg org)
    {
        var html = new StringBuilder();
        switch (message.MsgType)
        {
            case "stream":
            case "stream_with_template_card":
                html.Append(StreamHtml(message.Content ?? string.Empty, message.Finished, org));
                break;
            case "markdown":
                html.Append(WeComMessageHtml.Markdown(message.Content, org));
                break;
            case "text":
                html.Append(Html.Encode(message.Content).Replace("\n", "<br>", StringComparison.Ordinal));
                break;
            case "image" or "file" or "voice" or "video":
                html.Append("<span class=\"wc-file\">[").Append(message.MsgType).Append("] ").Append(Html.Encode(message.FileName)).Append("</span>");
                break;
        }

        if (message.Card is { } card)
        {
            html.Append(CardHtml(message, card, chat, org));
        }

        var feedbackId = message.FeedbackId ?? AiBotFrames.String(message.Card?["feedback"] as JsonObject, "id");
        if (feedbackId is not null && message.Finished)
        {
            html.Append(Feedback(message, chat));
        }

        return html.ToString();
    }

    /// <summary>
    /// A stream's text: what is inside <c>&lt;think&gt;…&lt;/think&gt;</c> is the model's reasoning, shown apart (open
    /// while it is still being written); the rest is markdown.
    /// </summary>
    private static string StreamHtml(string content, bool finished, WeComOrg org)
    {
        var html = new StringBuilder();
        var rest = content;
        var match = Think().Match(content);
        if (match.Success)
        {
            var closed = match.Groups["close"].Length > 0;
            html.Append("<details class=\"wc-think\"").Append(closed && finished ? string.Empty : " open").Append("><summary>")
                .Append(closed ? "Reasoning" : "Thinking…").Append("</summary><div class=\"wc-sub\">")
                .Append(Html.Encode(match.Groups["text"].Value.Trim()).Replace("\n", "<br>", StringComparison.Ordinal)).Append("</div></details>");
            rest = content[(match.Index + match.Length)..];
        }

        return html.Append(WeComMessageHtml.Markdown(rest.Trim(), org)).ToString();
    }

    /// <summary>The card as the WeCom page draws cards, with this bot's buttons: each raises <c>template_card_event</c>.</summary>
    private static string CardHtml(AiBotMessage message, JsonObject card, Chat chat, WeComOrg org)
    {
        // The WeCom page's card drawing, without its own actions (those call the app, not the bot).
        var shown = (JsonObject)card.DeepClone();
        shown["card_type"] = "text_notice";
        using var document = JsonDocument.Parse(shown.ToJsonString());
        var drawn = WeComMessageHtml.Card(document.RootElement, org, null, null, chat.Back);
        var keys = new List<(string Text, string Key)>();
        if (card["button_list"] is JsonArray buttons)
        {
            keys.AddRange(buttons.OfType<JsonObject>().Select(b => (AiBotFrames.String(b, "text") ?? "?", AiBotFrames.String(b, "key") ?? string.Empty)));
        }

        if (card["submit_button"] is JsonObject submit)
        {
            keys.Add((AiBotFrames.String(submit, "text") ?? "Submit", AiBotFrames.String(submit, "key") ?? string.Empty));
        }

        if (keys.Count == 0)
        {
            return drawn;
        }

        var actions = new StringBuilder("<form class=\"wc-card-actions\" method=\"post\" action=\"").Append(Html.Encode($"{Prefix}/messages/{Uri.EscapeDataString(message.Id)}/click")).Append("\">")
            .Append("<input type=\"hidden\" name=\"user\" value=\"").Append(Html.Encode(chat.Viewer)).Append("\">")
            .Append("<input type=\"hidden\" name=\"back\" value=\"").Append(Html.Encode(chat.Back)).Append("\">");
        foreach (var (text, key) in keys)
        {
            actions.Append("<button type=\"submit\" class=\"btn s1\" name=\"key\" value=\"").Append(Html.Encode(key)).Append("\">").Append(Html.Encode(text)).Append("</button>");
        }

        actions.Append("</form>");
        return drawn.EndsWith("</div>", StringComparison.Ordinal) ? drawn[..^6] + actions + "</div>" : drawn + actions;
    }

    private static string Feedback(AiBotMessage message, Chat chat)
    {
        if (message.FeedbackGiven is { } given)
        {
            return $"<div class=\"wc-card-actions\"><span class=\"done\">{(given == 1 ? "👍 Marked helpful" : "👎 Marked not helpful")}</span></div>";
        }

        return new StringBuilder("<form class=\"wc-card-actions\" method=\"post\" action=\"").Append(Html.Encode($"{Prefix}/messages/{Uri.EscapeDataString(message.Id)}/feedback")).Append("\">")
            .Append("<input type=\"hidden\" name=\"user\" value=\"").Append(Html.Encode(chat.Viewer)).Append("\">")
            .Append("<input type=\"hidden\" name=\"back\" value=\"").Append(Html.Encode(chat.Back)).Append("\">")
            .Append("<button type=\"submit\" class=\"btn s2\" name=\"type\" value=\"1\" aria-label=\"Helpful\">👍</button>")
            .Append("<button type=\"submit\" class=\"btn s2\" name=\"type\" value=\"2\" aria-label=\"Not helpful\">👎</button></form>").ToString();
    }

    [GeneratedRegex("^\\s*<think>(?<text>.*?)(?<close></think>|$)", RegexOptions.Singleline)]
    private static partial Regex Think();
}
