using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.Api.Im;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.Extensions.Logging;

namespace Larkway.Emulator.Events.Callbacks;

/// <summary>What a user did to an interactive element of a card (the <c>action</c> object of the callback).</summary>
internal sealed record CardAction(string Tag)
{
    public JsonElement? Value { get; init; }

    public string? Name { get; init; }

    public string? Option { get; init; }

    public IReadOnlyList<string>? Options { get; init; }

    public JsonElement? FormValue { get; init; }

    public string? InputValue { get; init; }

    public bool? Checked { get; init; }

    public string? Timezone { get; init; }
}

/// <summary>The toast Feishu would show the clicking user.</summary>
internal sealed record CardToastView(string Type, string Content);

/// <summary>The result of one click as the user would experience it (and as tests read it).</summary>
internal sealed record CardActionOutcome(
    string OutcomeId,
    string MessageId,
    string AppId,
    string CallbackType,
    string? EventId,
    string? Target,
    int? HttpStatus,
    CardToastView? Toast,
    bool CardUpdated,
    bool TemplateCard,
    int? ErrorCode,
    string? Error,
    string? Note)
{
    public bool Success => ErrorCode is null;
}

/// <summary>
/// Card clicks: builds the callback Feishu would send (new <c>card.action.trigger</c> or the old
/// message-card body, per the app's route), sends it synchronously through the first transport that has
/// a route for the app, and applies the answer as Feishu does — a toast, a replaced card (raw JSON) or a
/// recorded template card; a timeout, a non-200 status or a malformed answer leaves the card as it was
/// and yields the error code the user would see. Each callback is logged in the <see cref="DeliveryLog"/>.
/// </summary>
internal sealed partial class CardCallbackService(
    EmulatorState state,
    IEnumerable<ICardCallbackTransport> transports,
    MessageContent contentParser,
    DeliveryLog log,
    EmulatorOptions options,
    TimeProvider time,
    ILogger<CardCallbackService> logger,
    CardKit.CardInteractions interactions)
{
    public const string TriggerType = "card.action.trigger";
    public const string LegacyType = "card.action.trigger_v1";
    private const int RememberedOutcomes = 1000;

    private static readonly string[] CardKeys = ["header", "elements", "i18n_elements", "i18n_header", "body", "schema", "config", "card_link"];

    private readonly ConcurrentDictionary<string, CardActionOutcome> _outcomes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _outcomeOrder = new();

    /// <summary>A recent outcome by id (the web view shows it after its redirect).</summary>
    public CardActionOutcome? FindOutcome(string outcomeId) => _outcomes.GetValueOrDefault(outcomeId);

    public async Task<CardActionOutcome> ClickAsync(EmulatorApp app, EmulatorMessage message, EmulatorUser user, CardAction action, CancellationToken cancellationToken)
    {
        var outcomeId = Ids.Hex(16);
        var route = transports.Select(t => (Transport: t, Route: t.RouteFor(app))).FirstOrDefault(r => r.Route is not null);
        if (route.Route is null)
        {
            return Finish(new CardActionOutcome(outcomeId, message.MessageId, app.AppId, TriggerType, null, null, null, null, false, false,
                ErrorCodes.CardCallbackUndeliverable, "the app has no card callback configured (PUT /_emulator/apps/{app_id}/callback, or an event subscription)", null));
        }

        var legacy = route.Route.Style == CardCallbackStyle.LegacyCard;
        var eventId = legacy ? null : Ids.Hex(32);
        var body = legacy ? LegacyBody(app, message, user, action) : TriggerBody(app, message, user, action, route.Route.VerificationToken, eventId!);
        // While the app answers, a streaming card entity shown by the message cannot be updated (CardKit 200810).
        using var interaction = interactions.Begin(message.MessageId);
        var reply = await route.Transport.SendAsync(route.Route, Encoding.UTF8.GetBytes(body), options.CardCallbackTimeout, cancellationToken);
        var outcome = Apply(new CardActionOutcome(outcomeId, message.MessageId, app.AppId, legacy ? LegacyType : TriggerType, eventId, route.Route.Target,
            reply.StatusCode, null, false, false, null, null, null), app, message, reply, legacy);
        return Finish(outcome);
    }

    private CardActionOutcome Finish(CardActionOutcome outcome)
    {
        log.Add(new DeliveryAttempt(outcome.EventId ?? "cb_" + outcome.OutcomeId, outcome.CallbackType, outcome.AppId, 1, 1, time.GetUtcNow().ToUnixTimeMilliseconds(),
            outcome.HttpStatus, outcome.Success, outcome.Error is null ? null : $"{outcome.ErrorCode}: {outcome.Error}", null));
        if (!outcome.Success)
        {
            LogCallbackFailed(logger, outcome.CallbackType, outcome.MessageId, outcome.AppId, outcome.ErrorCode ?? 0, outcome.Error ?? string.Empty);
        }

        _outcomes[outcome.OutcomeId] = outcome;
        _outcomeOrder.Enqueue(outcome.OutcomeId);
        while (_outcomeOrder.Count > RememberedOutcomes && _outcomeOrder.TryDequeue(out var old))
        {
            _outcomes.TryRemove(old, out _);
        }

        return outcome;
    }

    private CardActionOutcome Apply(CardActionOutcome outcome, EmulatorApp app, EmulatorMessage message, CardCallbackReply reply, bool legacy)
    {
        switch (reply.Failure)
        {
            case CardCallbackFailure.Timeout:
                return outcome with { ErrorCode = ErrorCodes.CardCallbackTimeout, Error = reply.Error };
            case CardCallbackFailure.Unreachable:
                return outcome with { ErrorCode = ErrorCodes.CardCallbackUndeliverable, Error = reply.Error };
        }

        if (reply.StatusCode != 200)
        {
            return outcome with { ErrorCode = ErrorCodes.CardCallbackHttpStatus, Error = $"the callback answered HTTP {reply.StatusCode}" };
        }

        // An empty answer (or {}) keeps the card as it is and shows nothing.
        if (string.IsNullOrWhiteSpace(reply.Body))
        {
            return outcome;
        }

        JsonElement answer;
        try
        {
            using var document = JsonDocument.Parse(reply.Body);
            answer = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return outcome with { ErrorCode = ErrorCodes.CardCallbackBadResponse, Error = "the callback answer is not JSON" };
        }

        if (answer.ValueKind != JsonValueKind.Object)
        {
            return outcome with { ErrorCode = ErrorCodes.CardCallbackBadResponse, Error = "the callback answer is not a JSON object" };
        }

        CardToastView? toast = null;
        if (answer.TryGetProperty("toast", out var toastElement))
        {
            toast = ToastOf(toastElement);
            if (toast is null)
            {
                return outcome with { ErrorCode = ErrorCodes.CardCallbackBadResponse, Error = "toast must be an object with a string content (or i18n)" };
            }
        }

        string? newCard;
        var template = false;
        if (legacy)
        {
            // The old callback answers with the card itself (optionally beside a toast).
            var isCard = CardKeys.Any(k => answer.TryGetProperty(k, out _)) || (answer.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "template");
            if (isCard)
            {
                var card = JsonNode.Parse(answer.GetRawText())!.AsObject();
                card.Remove("toast");
                newCard = card.ToJsonString(EmulatorJson.Options);
                template = card["type"]?.GetValueKind() == JsonValueKind.String && card["type"]!.GetValue<string>() == "template";
            }
            else
            {
                newCard = null;
            }
        }
        else if (answer.TryGetProperty("card", out var cardElement))
        {
            if (cardElement.ValueKind != JsonValueKind.Object || !cardElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                return outcome with { ErrorCode = ErrorCodes.CardCallbackBadResponse, Error = "card must be {\"type\":\"raw\"|\"template\",\"data\":{…}}" };
            }

            switch (cardElement.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null)
            {
                case "raw":
                    newCard = data.GetRawText();
                    break;
                case "template":
                    newCard = new JsonObject { ["type"] = "template", ["data"] = JsonNode.Parse(data.GetRawText()) }.ToJsonString(EmulatorJson.Options);
                    template = true;
                    break;
                default:
                    return outcome with { ErrorCode = ErrorCodes.CardCallbackBadResponse, Error = "card.type must be raw or template" };
            }
        }
        else
        {
            newCard = null;
        }

        if (newCard is not null)
        {
            ParsedContent parsed;
            try
            {
                parsed = contentParser.Parse("interactive", newCard, app.AppId, app.AppId);
            }
            catch (ContentException e)
            {
                return outcome with { ErrorCode = ErrorCodes.CardCallbackBadCard, Error = "the card in the answer is invalid: " + e.Message };
            }

            state.UpdateMessage(message.MessageId, m => m.Deleted ? m : m with
            {
                Content = parsed.ReadContent,
                SendContent = parsed.SendContent,
                Mentions = parsed.Mentions,
                ResourceKeys = parsed.ResourceKeys,
                Updated = true,
                UpdateTimeMs = state.NowMs(),
            });
        }

        return outcome with
        {
            Toast = toast,
            CardUpdated = newCard is not null,
            TemplateCard = template,
            Note = template ? "template cards are recorded but not rendered by the emulator" : null,
        };
    }

    private static CardToastView? ToastOf(JsonElement toast)
    {
        if (toast.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var type = toast.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "info";
        if (toast.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
        {
            return new CardToastView(type, content.GetString()!);
        }

        // i18n only: show the first locale, as a client in another language would fall back.
        if (toast.TryGetProperty("i18n", out var i18n) && i18n.ValueKind == JsonValueKind.Object
            && i18n.EnumerateObject().FirstOrDefault(p => p.Value.ValueKind == JsonValueKind.String) is { Value.ValueKind: JsonValueKind.String } first)
        {
            return new CardToastView(type, first.Value.GetString()!);
        }

        return null;
    }

    /// <summary>
    /// card.action.trigger (doc 卡片回传交互回调): v2 envelope; <c>header.token</c> is the Verification
    /// Token, <c>event.token</c> a card-update token; <c>create_time</c> in microseconds as the doc example shows.
    /// </summary>
    private string TriggerBody(EmulatorApp app, EmulatorMessage message, EmulatorUser user, CardAction action, string? verificationToken, string eventId)
    {
        var envelope = new JsonObject
        {
            ["schema"] = "2.0",
            ["header"] = new JsonObject
            {
                ["event_id"] = eventId,
                ["token"] = verificationToken ?? string.Empty,
                ["create_time"] = (time.GetUtcNow().ToUnixTimeMilliseconds() * 1000).ToString(CultureInfo.InvariantCulture),
                ["event_type"] = TriggerType,
                ["tenant_key"] = state.Tenant.TenantKey,
                ["app_id"] = app.AppId,
            },
            ["event"] = new JsonObject
            {
                ["operator"] = new JsonObject
                {
                    ["tenant_key"] = state.Tenant.TenantKey,
                    ["user_id"] = user.UserId,
                    ["open_id"] = state.OpenIdFor(app.AppId, user),
                    ["union_id"] = state.UnionIdFor(app.AppId, user),
                },
                ["token"] = UpdateToken(),
                ["action"] = ActionJson(action, legacy: false),
                ["host"] = "im_message",
                ["context"] = new JsonObject
                {
                    ["open_message_id"] = message.MessageId,
                    ["open_chat_id"] = message.ChatId,
                },
            },
        };
        return envelope.ToJsonString(EmulatorJson.Options);
    }

    /// <summary>The old message-card callback (doc 消息卡片回传交互（旧）): a flat body; <c>token</c> is the card-update token.</summary>
    private string LegacyBody(EmulatorApp app, EmulatorMessage message, EmulatorUser user, CardAction action) =>
        new JsonObject
        {
            ["open_id"] = state.OpenIdFor(app.AppId, user),
            ["user_id"] = user.UserId,
            ["open_message_id"] = message.MessageId,
            ["open_chat_id"] = message.ChatId,
            ["tenant_key"] = state.Tenant.TenantKey,
            ["token"] = UpdateToken(),
            ["action"] = ActionJson(action, legacy: true),
        }.ToJsonString(EmulatorJson.Options);

    private static JsonObject ActionJson(CardAction action, bool legacy)
    {
        var json = new JsonObject
        {
            ["value"] = action.Value is { } value ? JsonNode.Parse(value.GetRawText()) : new JsonObject(),
            ["tag"] = action.Tag,
        };
        Add(json, "option", action.Option);
        Add(json, "timezone", action.Timezone);
        Add(json, "name", action.Name);
        if (action.FormValue is { } form)
        {
            json["form_value"] = JsonNode.Parse(form.GetRawText());
        }

        if (!legacy)
        {
            Add(json, "input_value", action.InputValue);
            if (action.Options is { } options)
            {
                json["options"] = new JsonArray([.. options.Select(o => (JsonNode)JsonValue.Create(o))]);
            }

            if (action.Checked is { } isChecked)
            {
                json["checked"] = isChecked;
            }
        }

        return json;
    }

    private static void Add(JsonObject json, string name, string? value)
    {
        if (value is not null)
        {
            json[name] = value;
        }
    }

    // Feishu's update tokens look like c- followed by hex; the delayed-update API is not emulated, so they are not stored.
    private static string UpdateToken() => "c-" + Ids.Hex(40);

    [LoggerMessage(EventId = LogEvents.CardCallbackServiceCallbackFailed, Level = LogLevel.Information, Message = "Card callback {CallbackType} for message {MessageId} (app {AppId}) failed: {ErrorCode} {Error}")]
    private static partial void LogCallbackFailed(ILogger logger, string callbackType, string messageId, string appId, int errorCode, string error);
}
