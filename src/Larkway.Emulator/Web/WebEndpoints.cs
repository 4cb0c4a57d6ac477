using System.Globalization;
using System.Text;
using System.Text.Json;
using Larkway.Emulator.Api.Control;
using Larkway.Emulator.Api.Im;
using Larkway.Emulator.Events.Callbacks;
using Larkway.Emulator.Platform;
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
        routes.MapGet("/chats/{chat_id}/timeline", Timeline);
        routes.MapPost("/chats/{chat_id}/say", SayAsync);
        routes.MapPost("/_emulator/web/messages/{message_id}/actions", CardActionAsync);
        routes.MapGet("/_emulator/resources/{key}", Resource);
    }

    private static IResult Index(EmulatorState state, CardKit.CardKitStore cardKit)
    {
        var body = new StringBuilder("<h1>Chats</h1><table><tr><th>Chat</th><th>Type</th><th>Members</th><th>Messages</th><th>Latest</th></tr>");
        foreach (var chat in state.Chats.Where(c => !c.Dissolved))
        {
            body.Append("<tr><td><a href=\"/chats/").Append(Uri.EscapeDataString(chat.ChatId)).Append("\">").Append(Html.Encode(ChatTitle(chat, state))).Append("</a></td><td>")
                .Append(Html.Encode(chat.ChatMode)).Append("</td><td>").Append(Members(chat, state).Count.ToString(CultureInfo.InvariantCulture))
                .Append("</td><td>").Append(state.MessagesIn(chat.ChatId).Count.ToString(CultureInfo.InvariantCulture))
                .Append("</td><td class=\"preview\">").Append(Html.Encode(LastPreview(chat, state, cardKit))).Append("</td></tr>");
        }

        return Page("Larkway Emulator", body.Append("</table>").ToString());
    }

    private static IResult Chat([FromRoute(Name = "chat_id")] string chatId, [FromQuery(Name = "as")] string? actingAs, [FromQuery] string? flash, EmulatorState state, CardCallbackService callbacks, CardKit.CardKitStore cardKit)
    {
        if (state.FindChat(chatId) is not { } chat)
        {
            return Results.Content(Layout("Not found", "<h1>Chat not found</h1>"), "text/html; charset=utf-8", Encoding.UTF8, 404);
        }

        var members = Members(chat, state);
        var body = new StringBuilder("<h1>").Append(Html.Encode(ChatTitle(chat, state))).Append("</h1><p class=\"meta\">")
            .Append(Html.Encode(chat.Description)).Append("</p><p class=\"meta\">Members (").Append(members.Count.ToString(CultureInfo.InvariantCulture)).Append("): ")
            .Append(Html.Encode(string.Join(", ", members))).Append("</p>");
        var actors = Actors(chat, state);
        var actingOpenId = actingAs is null ? null : state.FindUserByAnyOpenId(actingAs)?.OpenId;
        var current = actors.FirstOrDefault(u => u.OpenId == actingOpenId) ?? actors.FirstOrDefault();
        AppendActingAs(body, chat, actors, current);
        if (flash is not null && callbacks.FindOutcome(flash) is { } outcome)
        {
            AppendFlash(body, outcome);
        }

        // The timeline polls its fragment, so streamed card entities grow as their updates arrive.
        var fragment = "/chats/" + Uri.EscapeDataString(chat.ChatId) + "/timeline" + (current is null ? string.Empty : "?as=" + Uri.EscapeDataString(current.OpenId));
        body.Append(ChatFrame.Timeline("fs", fragment, TimelineItems(chat, current, state, cardKit)));
        AppendSayForm(body, chat, actors, current);
        return Page(ChatTitle(chat, state), body.ToString());
    }

    /// <summary>The chat's messages alone, for the page's poll (204 while unchanged).</summary>
    private static IResult Timeline([FromRoute(Name = "chat_id")] string chatId, [FromQuery(Name = "as")] string? actingAs, [FromQuery] string? since, EmulatorState state, CardKit.CardKitStore cardKit)
    {
        if (state.FindChat(chatId) is not { } chat)
        {
            return Results.NotFound();
        }

        var actors = Actors(chat, state);
        var actingOpenId = actingAs is null ? null : state.FindUserByAnyOpenId(actingAs)?.OpenId;
        var current = actors.FirstOrDefault(u => u.OpenId == actingOpenId) ?? actors.FirstOrDefault();
        return ChatFrame.Fragment("fs", TimelineItems(chat, current, state, cardKit), since);
    }

    /// <summary>Each message as the acting user sees it; a streaming card entity is marked as generating.</summary>
    private static List<(DateTimeOffset At, string Html)> TimelineItems(EmulatorChat chat, EmulatorUser? current, EmulatorState state, CardKit.CardKitStore cardKit)
    {
        var renderer = new MessageHtmlRenderer(state);
        var items = new List<(DateTimeOffset At, string Html)>();
        foreach (var message in state.MessagesIn(chat.ChatId))
        {
            var html = renderer.Render(message, chat.Dissolved ? null : current?.OpenId);
            if (cardKit.ForMessage(message.MessageId) is { } card)
            {
                html += CardKitStatus(card, cardKit);
            }

            items.Add((DateTimeOffset.FromUnixTimeMilliseconds(message.CreateTimeMs), html));
        }

        return items;
    }

    /// <summary>Under a card entity: whether it is still streaming, with the preview the chat list shows meanwhile.</summary>
    private static string CardKitStatus(CardKit.CardEntity card, CardKit.CardKitStore cardKit)
    {
        var streaming = cardKit.IsStreaming(card);
        var status = "<p class=\"meta cardkit-status\" data-card-id=\"" + Html.Encode(card.CardId) + "\" data-streaming=\"" + (streaming ? "true" : "false") + "\">";
        return streaming
            ? status + "<span class=\"tag\">streaming</span> preview: " + Html.Encode(CardKitPreview(card, cardKit)) + "</p>"
            : status + "</p>";
    }

    /// <summary>The chat-list preview of a card entity: "[生成中...]" while streaming unless config.summary.content is set.</summary>
    private static string CardKitPreview(CardKit.CardEntity card, CardKit.CardKitStore cardKit)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(card.CardJson) as System.Text.Json.Nodes.JsonObject;
        var summary = json is null ? null : CardKit.CardJson.Summary(json);
        return cardKit.IsStreaming(card) ? summary ?? "[生成中...]" : summary ?? "[Card]";
    }

    /// <summary>The last message of a chat as the chat list previews it.</summary>
    private static string LastPreview(EmulatorChat chat, EmulatorState state, CardKit.CardKitStore cardKit)
    {
        if (state.MessagesIn(chat.ChatId) is not [.., var last])
        {
            return string.Empty;
        }

        if (last.Deleted)
        {
            return "[recalled]";
        }

        if (cardKit.ForMessage(last.MessageId) is { } card)
        {
            return CardKitPreview(card, cardKit);
        }

        if (last.MsgType == "text")
        {
            using var document = JsonDocument.Parse(last.Content);
            var text = document.RootElement.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : string.Empty;
            return text.Length > 40 ? text[..40] + "…" : text;
        }

        return "[" + last.MsgType + "]";
    }

    /// <summary>
    /// Everyone in the chat as the client counts them — people and bots; a direct chat has the user and the bot — so
    /// the chat list and the chat page show one number.
    /// </summary>
    private static List<string> Members(EmulatorChat chat, EmulatorState state) =>
        [.. chat.MemberOpenIds.Select(id => state.FindUser("open_id", id)?.Name ?? id), .. chat.BotAppIds.Select(id => (state.FindApp(id)?.BotName ?? id) + " (bot)")];

    /// <summary>Members who can act in the page (post, click cards).</summary>
    private static List<EmulatorUser> Actors(EmulatorChat chat, EmulatorState state) =>
        [.. chat.MemberOpenIds.Select(id => state.FindUser("open_id", id)).OfType<EmulatorUser>().Where(u => !u.IsResigned)];

    /// <summary>The page's current user (?as=open_id): who posts and who clicks card buttons.</summary>
    private static void AppendActingAs(StringBuilder body, EmulatorChat chat, List<EmulatorUser> actors, EmulatorUser? current)
    {
        if (chat.Dissolved || actors.Count == 0)
        {
            return;
        }

        body.Append("<form class=\"acting\" method=\"get\" action=\"/chats/").Append(Uri.EscapeDataString(chat.ChatId)).Append("\"><label>Acting as <select name=\"as\" onchange=\"this.form.submit()\">");
        AppendUserOptions(body, actors, current);
        body.Append("</select></label> <button type=\"submit\">Switch</button></form>");
    }

    /// <summary>What the clicking user would see: the toast, or the error code of a failed callback.</summary>
    private static void AppendFlash(StringBuilder body, CardActionOutcome outcome)
    {
        if (outcome.Toast is { } toast)
        {
            var kind = toast.Type is "success" or "error" or "warning" ? toast.Type : "info";
            body.Append("<div class=\"flash flash-").Append(kind).Append("\" role=\"status\">").Append(Html.Encode(toast.Content)).Append("</div>");
        }

        if (outcome.ErrorCode is { } code)
        {
            body.Append("<div class=\"flash flash-error\" role=\"alert\" data-error-code=\"").Append(code.ToString(CultureInfo.InvariantCulture))
                .Append("\">Card action failed (error code ").Append(code.ToString(CultureInfo.InvariantCulture)).Append("): ").Append(Html.Encode(outcome.Error)).Append("</div>");
        }

        if (outcome.Note is { } note)
        {
            body.Append("<div class=\"flash flash-info\">").Append(Html.Encode(note)).Append("</div>");
        }
    }

    /// <summary>A card element's form post: the same click as <c>POST /_emulator/messages/{id}/actions</c>, then back to the chat.</summary>
    private static async Task<IResult> CardActionAsync(HttpContext context, [FromRoute(Name = "message_id")] string messageId, EmulatorState state, CardCallbackService callbacks)
    {
        if (IsCrossSite(context))
        {
            return Results.StatusCode(403);
        }

        if (!context.Request.HasFormContentType || state.FindMessage(messageId) is not { } message)
        {
            return Results.NotFound();
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var user = state.FindUserByAnyOpenId(form["operator"].ToString());
        var tag = form["tag"].ToString();
        if (user is null || tag.Length == 0)
        {
            return Results.BadRequest();
        }

        var (option, timezone) = PickerOption(tag, form["picker"].ToString());
        var action = new CardAction(tag)
        {
            Value = ParseValue(form["value"].ToString()),
            Name = NullIfEmpty(form["name"].ToString()),
            Option = option ?? NullIfEmpty(form["option"].ToString()),
            Timezone = timezone,
            InputValue = tag == "input" ? form["input_value"].ToString() : null,
        };
        CardActionOutcome outcome;
        try
        {
            var (app, clicked) = CardActionEndpoints.RequireClickable(state, messageId, user);
            outcome = await callbacks.ClickAsync(app, clicked, user, action, context.RequestAborted);
        }
        catch (ApiErrorException e)
        {
            return Results.Content(Layout("Card action refused", "<h1>Card action refused</h1><p>" + Html.Encode(e.Message) + "</p>"), "text/html; charset=utf-8", Encoding.UTF8, 400);
        }

        return Results.Redirect($"/chats/{Uri.EscapeDataString(message.ChatId)}?as={Uri.EscapeDataString(user.OpenId)}&flash={outcome.OutcomeId}#{Uri.EscapeDataString(message.MessageId)}");
    }

    /// <summary>HTML pickers give 2024-04-01 / 13:45 / 2024-04-01T13:45; Feishu sends the value with a UTC offset and the timezone.</summary>
    private static (string? Option, string? Timezone) PickerOption(string tag, string picked)
    {
        if (picked.Length == 0 || tag is not ("date_picker" or "picker_date" or "picker_time" or "picker_datetime"))
        {
            return (null, null);
        }

        return (picked.Replace('T', ' ') + " +0000", "UTC");
    }

    private static JsonElement? ParseValue(string raw)
    {
        if (raw.Length == 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(raw);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            // A v1 value may be a plain string.
            return JsonSerializer.SerializeToElement(raw);
        }
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    /// <summary>A form post from another site (CSRF) carries a foreign Origin.</summary>
    internal static bool IsCrossSite(HttpContext context) =>
        context.Request.Headers.Origin is { Count: > 0 } origin
        && (!Uri.TryCreate(origin.ToString(), UriKind.Absolute, out var originUri) || !string.Equals(originUri.Authority, context.Request.Host.Value, StringComparison.OrdinalIgnoreCase));

    private static void AppendUserOptions(StringBuilder body, List<EmulatorUser> users, EmulatorUser? selected)
    {
        foreach (var user in users)
        {
            body.Append("<option value=\"").Append(Html.Encode(user.OpenId)).Append('"').Append(user == selected ? " selected" : string.Empty).Append('>').Append(Html.Encode(user.Name)).Append("</option>");
        }
    }

    /// <summary>A plain form to post as a member: the message raises the receive events.</summary>
    private static void AppendSayForm(StringBuilder body, EmulatorChat chat, List<EmulatorUser> members, EmulatorUser? current)
    {
        if (chat.Dissolved || members.Count == 0)
        {
            return;
        }

        body.Append("<form class=\"say\" method=\"post\" enctype=\"multipart/form-data\" action=\"/chats/").Append(Uri.EscapeDataString(chat.ChatId)).Append("/say\"><select name=\"sender\">");
        AppendUserOptions(body, members, current);
        body.Append("</select> <input name=\"text\" size=\"60\" placeholder=\"text\"> <input type=\"file\" name=\"image\" accept=\"image/*\"> ");
        if (chat.ChatMode != ChatModes.P2p)
        {
            body.Append("<label><input type=\"checkbox\" name=\"mention_bots\" value=\"1\" checked> @ the bots</label> ");
        }

        body.Append("<button type=\"submit\">Send as user</button></form>");
    }

    private static async Task<IResult> SayAsync(HttpContext context, [FromRoute(Name = "chat_id")] string chatId, EmulatorState state, MessageContent contentParser)
    {
        if (IsCrossSite(context))
        {
            return Results.StatusCode(403);
        }

        if (state.FindChat(chatId) is not { } chat || !context.Request.HasFormContentType)
        {
            return Results.NotFound();
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var sender = state.FindUserByAnyOpenId(form["sender"].ToString());
        var text = form["text"].ToString();
        var image = form.Files.GetFile("image");
        if (sender is null || (text.Length == 0 && image is not { Length: > 0 }))
        {
            return Results.Redirect("/chats/" + Uri.EscapeDataString(chat.ChatId));
        }

        // An image goes out as its own image message, as the Feishu client sends it.
        if (image is { Length: > 0 })
        {
            if (image.Length > MaxWebImageBytes)
            {
                return Results.Content(Layout("Image too large", $"<h1>Image too large</h1><p>Images up to {MaxWebImageBytes / (1024 * 1024)} MB can be sent.</p>"), "text/html; charset=utf-8", Encoding.UTF8, 400);
            }

            using var buffer = new MemoryStream();
            await image.CopyToAsync(buffer, context.RequestAborted);
            var bytes = buffer.ToArray();
            if (ImageFormats.Sniff(bytes) is not { } format)
            {
                return Results.Content(Layout("Not an image", "<h1>Not an image</h1><p>Send a JPEG, PNG, GIF, WEBP or BMP file.</p>"), "text/html; charset=utf-8", Encoding.UTF8, 400);
            }

            var key = Ids.ImageKey();
            state.AddResource(new EmulatorResource(key, ResourceKind.Image, "message", key + format.Extension, format.ContentType, bytes, "user:" + sender.OpenId, state.NowMs()));
            EventControlEndpoints.PostUserMessage(state, contentParser, sender, chat, "image", JsonSerializer.Serialize(new { image_key = key }), parentId: null);
            if (text.Length == 0)
            {
                return Results.Redirect("/chats/" + Uri.EscapeDataString(chat.ChatId) + "?as=" + Uri.EscapeDataString(sender.OpenId), permanent: false, preserveMethod: false);
            }
        }

        if (form["mention_bots"].ToString() == "1")
        {
            text = string.Concat(chat.BotAppIds.Select(id => state.FindApp(id)).OfType<EmulatorApp>().Select(a => $"<at user_id=\"{a.BotOpenId}\">{a.BotName}</at> ")) + text;
        }

        EventControlEndpoints.PostUserMessage(state, contentParser, sender, chat, "text", JsonSerializer.Serialize(new { text }), parentId: null);
        return Results.Redirect("/chats/" + Uri.EscapeDataString(chat.ChatId) + "?as=" + Uri.EscapeDataString(sender.OpenId), permanent: false, preserveMethod: false);
    }

    private const long MaxWebImageBytes = 10L * 1024 * 1024;

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

    /// <param name="wide">Tables too wide for a chat's column (the directory).</param>
    internal static string Layout(string title, string body, bool wide = false) =>
        $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{Html.Encode(title)}</title><style>{PageStyles.Css}</style></head>"
        + $"<body><header><a href=\"/\">Larkway Emulator</a> · <a href=\"/approvals\">Approvals</a> · <a href=\"/directory\">Directory</a> · <a href=\"/bitable\">Bitable</a> · <a href=\"/docx\">Docs</a> · <a href=\"/dingtalk-chat\">DingTalk</a> · <a href=\"/wecom-chat\">WeCom</a></header><main{(wide ? " class=\"wide\"" : string.Empty)}>{body}</main></body></html>";
}
