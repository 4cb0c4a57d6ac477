using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.WeCom.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.WeCom.AiBot;

/// <summary>
/// URL-callback mode's routes: the response_url API (<c>POST /wecom/cgi-bin/aibot/response?response_code=</c>, document
/// 101138) and the test control under <c>/_emulator/wecom/aibot/callback</c> — configure (with URL verification), leave,
/// list the settings, and list what was posted and answered.
/// </summary>
internal static class AiBotUrlCallbackEndpoints
{
    public const string ResponsePath = WeComApiExtensions.Prefix + "/cgi-bin/aibot/response";

    private static readonly string[] ResponseTypes = ["markdown", "template_card"];

    public static void MapAiBotUrlCallbackEndpoints(this IEndpointRouteBuilder routes)
    {
        // The response_code is the credential: no access_token.
        routes.MapPost(ResponsePath, RespondAsync).AsWeCom(requiresToken: false);

        var control = routes.MapGroup(AiBotEndpoints.ControlPrefix + "/callback");
        control.MapPost(string.Empty, ConfigureAsync);
        control.MapGet(string.Empty, (AiBotUrlCallbackStore store) =>
            Ok(new { items = store.AllSettings().Select(s => new { bot_id = s.BotId, url = s.Url, verified_at = s.VerifiedAt }) }));
        control.MapDelete(string.Empty, (string? bot_id, AiBotHub hub, AiBotUrlCallbackStore store) =>
        {
            var botId = bot_id ?? hub.Bots[0].BotId;
            return store.Remove(botId) ? Ok(new { bot_id = botId, mode = "long_connection" }) : Problem(404, $"bot '{botId}' is not in URL-callback mode");
        });
        control.MapGet("deliveries", (string? bot_id, string? msgid, AiBotUrlCallbackStore store) => Ok(new { items = store.Records(bot_id, msgid) }));
    }

    /// <summary><c>{bot_id?, url, token, encoding_aes_key}</c>: verifies the URL, then the bot receives messages there.</summary>
    private static async Task<IResult> ConfigureAsync(HttpContext context, AiBotHub hub, AiBotUrlCallbacks callbacks)
    {
        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }

        if (body is null)
        {
            return Problem(400, "the body must be a JSON object {bot_id?, url, token, encoding_aes_key}");
        }

        var botId = AiBotFrames.String(body, "bot_id") ?? hub.Bots[0].BotId;
        if (hub.Bot(botId) is null)
        {
            return Problem(404, $"no bot '{botId}' (bots: {string.Join(", ", hub.Bots.Select(b => b.BotId))})");
        }

        if (!Uri.TryCreate(AiBotFrames.String(body, "url"), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            return Problem(400, "url must be an absolute http(s) URL: where WeCom posts the bot's callbacks");
        }

        var token = AiBotFrames.String(body, "token");
        if (token is not { Length: >= 3 and <= 32 } || !token.All(char.IsAsciiLetterOrDigit))
        {
            return Problem(400, "token must be 3 to 32 letters or digits (the Token of the bot's API settings)");
        }

        var key = AiBotFrames.String(body, "encoding_aes_key");
        if (key is not { Length: 43 } || !key.All(char.IsAsciiLetterOrDigit))
        {
            return Problem(400, "encoding_aes_key must be 43 letters or digits (the EncodingAESKey of the bot's API settings)");
        }

        var (settings, problem) = await callbacks.ConfigureAsync(botId, url, token, key, AiBotEndpoints.BaseUrl(context), context.RequestAborted);
        if (problem is not null)
        {
            return Problem(400, "URL verification failed: " + problem);
        }

        // The two modes are exclusive: a connection the bot held is closed.
        await hub.DropAsync(botId);
        return Ok(new { bot_id = botId, url = settings!.Url, mode = "url_callback", verified_at = settings.VerifiedAt });
    }

    /// <summary>
    /// The one reply a response_url takes (markdown ≤ 20480 bytes, or a template card) within 1 hour. Refusals are WeCom's
    /// errcodes: 40058 for a code that is unknown, used or expired; 47001 a body that is not JSON; 40008 another msgtype;
    /// 44004 empty markdown; 45002 markdown over the limit; 40058 a card that breaks its rules. A refused call does not use
    /// the code up.
    /// </summary>
    private static async Task<IResult> RespondAsync(HttpContext context, AiBotUrlCallbackStore store, AiBotReplies replies, AiBotOptions options)
    {
        var code = context.Request.Query["response_code"].FirstOrDefault();
        var found = store.Usable(code, out var why) ?? throw WeComException.InvalidParameter(why);
        var (element, _) = await WeComBody.ReadObjectAsync(context.Request);
        var body = JsonNode.Parse(element.GetRawText())!.AsObject();
        var msgType = AiBotFrames.String(body, "msgtype");
        if (msgType is null || !ResponseTypes.Contains(msgType))
        {
            store.Record(found.BotId, "response_url", found.MsgId, null, 1, 200, "refused", "msgtype", body.ToJsonString());
            throw WeComException.Of(WeComCodes.InvalidMsgType, "msgtype must be markdown or template_card");
        }

        if (msgType == "markdown")
        {
            var content = AiBotFrames.String(body["markdown"] as JsonObject, "content");
            if (string.IsNullOrEmpty(content))
            {
                store.Record(found.BotId, "response_url", found.MsgId, null, 1, 200, "refused", "empty markdown.content", body.ToJsonString());
                throw WeComException.Of(WeComCodes.EmptyContent, "markdown.content is required");
            }

            if (WeComBody.Bytes(content) > options.MaxStreamContentBytes)
            {
                store.Record(found.BotId, "response_url", found.MsgId, null, 1, 200, "refused", "markdown.content too long", body.ToJsonString());
                throw WeComException.Of(WeComCodes.ContentTooLarge, $"markdown.content is {WeComBody.Bytes(content)} bytes; at most {options.MaxStreamContentBytes} (UTF-8)");
            }
        }

        if (!store.Use(found.Code))
        {
            throw WeComException.InvalidParameter("this response_url was used already: each takes one reply");
        }

        var (errcode, errmsg) = replies.ReplyThroughResponseUrl(found.BotId, found.ConversationId, body);
        if (errcode != AiBotErrors.Ok)
        {
            // The card broke a rule: nothing was shown, so the code stays usable.
            store.Unuse(found.Code);
            store.Record(found.BotId, "response_url", found.MsgId, null, 1, 200, "refused", errmsg, body.ToJsonString());
            throw WeComException.InvalidParameter(errmsg);
        }

        store.Record(found.BotId, "response_url", found.MsgId, null, 1, 200, "accepted", null, body.ToJsonString());
        return WeComJson.Ok();
    }

    private static IResult Ok(object body) => Results.Json(body, ControlJson);

    private static IResult Problem(int status, string message) => Results.Json(new { error = message }, ControlJson, statusCode: status);

    private static readonly JsonSerializerOptions ControlJson = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
