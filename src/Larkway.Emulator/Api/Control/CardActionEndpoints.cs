using System.Text.Json;
using Larkway.Emulator.Events;
using Larkway.Emulator.Events.Callbacks;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Control;

/// <summary>
/// Test control for card callbacks: an app's callback configuration and clicks by a user, from tests
/// (JSON) or from the web view (form posts). Not part of Feishu.
/// </summary>
internal static class CardActionEndpoints
{
    private const int Invalid = ErrorCodes.BadRequest;

    public static void MapCardActionEndpoints(this IEndpointRouteBuilder routes)
    {
        var control = routes.MapGroup("/_emulator");
        control.MapPut("apps/{app_id}/callback", PutCallbackAsync);
        control.MapGet("apps/{app_id}/callback", GetCallback);
        control.MapDelete("apps/{app_id}/callback", ([FromRoute(Name = "app_id")] string appId, EmulatorState state) =>
        {
            RequireApp(state, appId);
            return Envelope.Ok(new { removed = state.RemoveCardCallback(appId) });
        });
        control.MapPost("messages/{message_id}/actions", ClickAsync);
    }

    /// <summary><c>{"url"?, "card_request_url"?, "encrypt_key"?, "verification_token"?, "verify"?}</c>; each URL is verified with a challenge unless verify is false.</summary>
    private static async Task<IResult> PutCallbackAsync(HttpContext context, [FromRoute(Name = "app_id")] string appId, EmulatorState state, EventSubscriptions subscriptions)
    {
        RequireApp(state, appId);
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var url = OptionalUrl(body, "url");
        var cardRequestUrl = OptionalUrl(body, "card_request_url");
        if (url is null && cardRequestUrl is null)
        {
            throw ApiErrorException.BadRequest(Invalid, "give url (card.action.trigger) and/or card_request_url (old message-card callbacks)");
        }

        var settings = new CardCallbackSettings(appId, url, cardRequestUrl)
        {
            EncryptKey = body.OptionalString("encrypt_key", Invalid) is { Length: > 0 } key ? key : null,
            VerificationToken = body.OptionalString("verification_token", Invalid),
        };
        if (body.OptionalBool("verify", Invalid) ?? true)
        {
            var events = state.EventSubscriptionOf(appId);
            var token = settings.VerificationToken ?? events?.VerificationToken;
            foreach (var (target, encryptKey) in new[] { (url, settings.EncryptKey ?? events?.EncryptKey), (cardRequestUrl, null) })
            {
                if (target is null)
                {
                    continue;
                }

                // The old card request URL was verified with a plain challenge; new callback URLs like event URLs.
                var verification = await subscriptions.VerifyAsync(new EventSubscription(appId, target, encryptKey, token), context.RequestAborted);
                if (!verification.Ok)
                {
                    var status = verification.StatusCode is { } code ? $" (HTTP {code})" : string.Empty;
                    throw ApiErrorException.BadRequest(Invalid, $"url_verification failed for {target}{status}: {verification.Error}; the callback configuration was not saved");
                }
            }
        }

        return Envelope.Ok(new { callback = View(state.SetCardCallback(settings)) });
    }

    private static IResult GetCallback([FromRoute(Name = "app_id")] string appId, EmulatorState state)
    {
        RequireApp(state, appId);
        return state.CardCallbackOf(appId) is { } settings
            ? Envelope.Ok(new { callback = View(settings) })
            : throw new ApiErrorException(404, Invalid, $"app '{appId}' has no callback configuration (card callbacks go to its event subscription URL, if any)");
    }

    /// <summary>
    /// A user clicks: <c>{"operator"|"open_id"|"user_id": …, "tag", "value"?, "name"?, "option"?, "options"?,
    /// "form_value"?, "input_value"?, "checked"?, "timezone"?}</c> → the outcome (HTTP 200 even when the
    /// callback failed: the click happened; <c>error_code</c> says what the user saw).
    /// </summary>
    private static async Task<IResult> ClickAsync(HttpContext context, [FromRoute(Name = "message_id")] string messageId, EmulatorState state, CardCallbackService callbacks)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var reference = body.OptionalString("operator", Invalid) ?? body.OptionalString("open_id", Invalid) ?? body.OptionalString("user_id", Invalid)
            ?? throw ApiErrorException.BadRequest(Invalid, "give the acting user as operator, open_id or user_id");
        var user = state.FindUserByReference(reference)
            ?? throw ApiErrorException.BadRequest(Invalid, $"unknown user '{reference}' (open_id, user_id or email)");
        var action = new CardAction(body.RequiredString("tag", Invalid))
        {
            Value = body.TryGetProperty("value", out var value) && value.ValueKind != JsonValueKind.Null ? value : null,
            Name = body.OptionalString("name", Invalid),
            Option = body.OptionalString("option", Invalid),
            Options = body.OptionalStringArray("options", Invalid),
            FormValue = body.TryGetProperty("form_value", out var form) && form.ValueKind == JsonValueKind.Object ? form
                : form.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? null : throw ApiErrorException.BadRequest(Invalid, "form_value must be an object"),
            InputValue = body.OptionalString("input_value", Invalid),
            Checked = body.OptionalBool("checked", Invalid),
            Timezone = body.OptionalString("timezone", Invalid),
        };
        var (app, message) = RequireClickable(state, messageId, user);
        var outcome = await callbacks.ClickAsync(app, message, user, action, context.RequestAborted);
        return Envelope.Ok(View(outcome));
    }

    /// <summary>The card must be an app's (bots get callbacks; custom-bot and user cards do not) and the user a member of its chat.</summary>
    internal static (EmulatorApp App, EmulatorMessage Message) RequireClickable(EmulatorState state, string messageId, EmulatorUser user)
    {
        var message = state.FindMessage(messageId) ?? throw ApiErrorException.BadRequest(Invalid, $"unknown message_id '{messageId}'");
        if (message.MsgType != "interactive" || message.Deleted)
        {
            throw ApiErrorException.BadRequest(Invalid, "the message is not a card (or was recalled)");
        }

        var app = message.Sender.SenderType == "app" ? state.FindApp(message.Sender.Id) : null;
        if (app is null)
        {
            throw ApiErrorException.BadRequest(Invalid, "only cards sent by an app's bot call back");
        }

        if (state.FindChat(message.ChatId) is not { } chat || !chat.HasMember(user.OpenId))
        {
            throw ApiErrorException.BadRequest(Invalid, $"'{user.Name}' is not a member of the card's chat");
        }

        return (app, message);
    }

    internal static object View(CardActionOutcome outcome) => new
    {
        outcome_id = outcome.OutcomeId,
        status = outcome.Success ? "ok" : "error",
        callback_type = outcome.CallbackType,
        event_id = outcome.EventId,
        target = outcome.Target,
        http_status = outcome.HttpStatus,
        toast = outcome.Toast is { } toast ? new { type = toast.Type, content = toast.Content } : null,
        card_updated = outcome.CardUpdated,
        template_card = outcome.TemplateCard,
        error_code = outcome.ErrorCode,
        error = outcome.Error,
        note = outcome.Note,
    };

    private static string? OptionalUrl(JsonElement body, string name)
    {
        var value = body.OptionalString(name, Invalid);
        if (value is null)
        {
            return null;
        }

        return Uri.TryCreate(value, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https"
            ? value
            : throw ApiErrorException.BadRequest(Invalid, $"{name} must be an absolute http(s) URL");
    }

    private static object View(CardCallbackSettings settings) => new
    {
        app_id = settings.AppId,
        url = settings.Url,
        card_request_url = settings.CardRequestUrl,
        has_encrypt_key = settings.EncryptKey is not null,
        has_verification_token = settings.VerificationToken is not null,
    };

    private static EmulatorApp RequireApp(EmulatorState state, string appId) =>
        state.FindApp(appId) ?? throw ApiErrorException.BadRequest(Invalid, $"unknown app_id '{appId}'");
}
