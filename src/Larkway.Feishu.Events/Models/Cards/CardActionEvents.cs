using System.Text.Json;
using System.Text.Json.Serialization;

namespace Larkway.Feishu.Events.Models.Cards;

/// <summary>
/// <c>card.action.trigger</c> (v2 callback): a user interacted with a card component. Answer within 3 s
/// with a <see cref="CardActionResponse"/>.
/// </summary>
public sealed record CardActionTriggerEvent : FeishuEvent, IFeishuEventType
{
    public const string Type = "card.action.trigger";

    public static string TypeName => Type;

    [JsonIgnore]
    public override string EventType => Type;

    public CardActionOperator? Operator { get; init; }

    /// <summary>The card-update token (valid 30 minutes, usable twice) for delayed card updates. Not the verification token.</summary>
    public string? Token { get; init; }

    public CardAction Action { get; init; } = new();

    /// <summary>Where the card is shown, e.g. <c>im_message</c>, <c>im_top_notice</c>.</summary>
    public string? Host { get; init; }

    /// <summary>How the card was delivered, e.g. <c>url_preview</c>.</summary>
    public string? DeliveryType { get; init; }

    public CardActionContext? Context { get; init; }
}

/// <summary>The user who acted.</summary>
public sealed record CardActionOperator
{
    public string? TenantKey { get; init; }

    public string? UserId { get; init; }

    public string? OpenId { get; init; }

    public string? UnionId { get; init; }
}

/// <summary>The interaction: which component, and the values it carried.</summary>
public sealed record CardAction
{
    /// <summary>The component's callback value (any JSON: usually an object, sometimes a string).</summary>
    public JsonElement? Value { get; init; }

    /// <summary>The component tag: button, select_static, overflow, input, checker, form submit button, …</summary>
    public string? Tag { get; init; }

    /// <summary>The selected option of a select/overflow/date picker.</summary>
    public string? Option { get; init; }

    public string? Timezone { get; init; }

    /// <summary>The component name (form components).</summary>
    public string? Name { get; init; }

    /// <summary>Submitted form values keyed by component name (strings or arrays).</summary>
    public JsonElement? FormValue { get; init; }

    public string? InputValue { get; init; }

    /// <summary>The selected options of a multi-select.</summary>
    public IReadOnlyList<string>? Options { get; init; }

    /// <summary>The state of a checker.</summary>
    public bool? Checked { get; init; }
}

/// <summary>Where the card lives.</summary>
public sealed record CardActionContext
{
    public string? Url { get; init; }

    public string? PreviewToken { get; init; }

    public string? OpenMessageId { get; init; }

    public string? OpenChatId { get; init; }
}

/// <summary>
/// The old message-card callback (no envelope, signed with SHA-1 and the verification token).
/// Its <see cref="Token"/> is a card-update token.
/// </summary>
public sealed record LegacyCardActionEvent : FeishuEvent, IFeishuEventType
{
    public const string Type = Envelopes.FeishuEventEnvelope.LegacyCardActionType;

    public static string TypeName => Type;

    [JsonIgnore]
    public override string EventType => Type;

    public string? OpenId { get; init; }

    public string? UserId { get; init; }

    public string? OpenMessageId { get; init; }

    public string? OpenChatId { get; init; }

    public string? TenantKey { get; init; }

    public string? Token { get; init; }

    public CardAction Action { get; init; } = new();
}
