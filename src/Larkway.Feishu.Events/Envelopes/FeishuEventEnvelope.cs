using System.Globalization;
using System.Text.Json;

namespace Larkway.Feishu.Events.Envelopes;

/// <summary>
/// A parsed, decrypted event or callback body: which envelope it is, its type, dedup key, token and
/// the raw <c>event</c> object. Parsing detects the shape; it does not check tokens or signatures.
/// </summary>
public sealed class FeishuEventEnvelope
{
    /// <summary>Event type used for url_verification bodies.</summary>
    public const string UrlVerificationType = "url_verification";

    /// <summary>Event type this library assigns to old (message-card) callbacks, which carry no type of their own.</summary>
    public const string LegacyCardActionType = "card.action.legacy";

    private FeishuEventEnvelope(FeishuEnvelopeKind kind, string eventType, JsonElement @event)
    {
        Kind = kind;
        EventType = eventType;
        Event = @event;
    }

    /// <summary>The envelope shape.</summary>
    public FeishuEnvelopeKind Kind { get; }

    /// <summary>v2 <c>header.event_type</c>, v1 <c>event.type</c>, <c>url_verification</c>, or <see cref="LegacyCardActionType"/>.</summary>
    public string EventType { get; }

    /// <summary>v2 <c>header.event_id</c> or v1 <c>uuid</c>; null for challenges and old card callbacks.</summary>
    public string? DedupKey { get; private init; }

    /// <summary>The verification token carried by the body (v2 <c>header.token</c>, v1/challenge <c>token</c>); null for old card callbacks, whose <c>token</c> is a card-update token.</summary>
    public string? Token { get; private init; }

    /// <summary>v2 <c>header.app_id</c> or v1 <c>event.app_id</c>.</summary>
    public string? AppId { get; private init; }

    /// <summary>v2 <c>header.tenant_key</c>, v1 <c>event.tenant_key</c>, or the old card callback's <c>tenant_key</c>.</summary>
    public string? TenantKey { get; private init; }

    /// <summary>When the event was created: v2 <c>header.create_time</c> (ms; else <c>event_create_time</c>, s), v1 <c>ts</c> (seconds with fraction).</summary>
    public DateTimeOffset? CreateTime { get; private init; }

    /// <summary>The <c>challenge</c> value of a url_verification body.</summary>
    public string? Challenge { get; private init; }

    /// <summary>The <c>event</c> object (v1/v2) or the whole body (url_verification, old card callback). Independent of any document.</summary>
    public JsonElement Event { get; }

    /// <summary>True for a url_verification challenge.</summary>
    public bool IsUrlVerification => Kind == FeishuEnvelopeKind.UrlVerification;

    /// <summary>Parses a decrypted UTF-8 JSON body (read strictly: see <see cref="FeishuJsonBody"/>).</summary>
    /// <exception cref="FeishuEventException">Reason <see cref="FeishuEventErrorReason.Malformed"/>.</exception>
    public static FeishuEventEnvelope Parse(ReadOnlySpan<byte> plaintextJson) => FromRoot(FeishuJsonBody.Parse(plaintextJson));

    /// <summary>Parses a body the caller hands over and never changes again (a decrypted plaintext): read in place, not copied.</summary>
    internal static FeishuEventEnvelope ParseOwned(byte[] plaintextJson) => FromRoot(FeishuJsonBody.ParseOwned(plaintextJson));

    /// <summary>Detects the envelope of a body already read by <see cref="FeishuJsonBody.Parse"/>.</summary>
    /// <exception cref="FeishuEventException">Reason <see cref="FeishuEventErrorReason.Malformed"/>.</exception>
    internal static FeishuEventEnvelope FromRoot(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Malformed("the body is not a JSON object");
        }

        if (root.TryGetProperty("encrypt", out _))
        {
            throw Malformed("the body is still encrypted; decrypt it first");
        }

        var type = GetString(root, "type");
        if (type == UrlVerificationType)
        {
            return new FeishuEventEnvelope(FeishuEnvelopeKind.UrlVerification, UrlVerificationType, root)
            {
                Token = GetString(root, "token"),
                Challenge = GetString(root, "challenge") ?? throw Malformed("the url_verification body has no challenge"),
            };
        }

        if (root.TryGetProperty("schema", out _) || root.TryGetProperty("header", out _))
        {
            return ParseV2(root);
        }

        if (root.TryGetProperty("uuid", out _) || type == "event_callback")
        {
            return ParseV1(root);
        }

        if (root.TryGetProperty("action", out var action)
            && (root.TryGetProperty("open_message_id", out _) || root.TryGetProperty("open_id", out _)))
        {
            if (action.ValueKind != JsonValueKind.Object)
            {
                // A click without its action cannot be handled; refusing it here beats failing in a handler later.
                throw Malformed("the card callback's action is not an object");
            }

            return new FeishuEventEnvelope(FeishuEnvelopeKind.LegacyCardCallback, LegacyCardActionType, root)
            {
                TenantKey = GetString(root, "tenant_key"),
            };
        }

        throw Malformed("the body is not a url_verification, v1, v2 or card-callback envelope");
    }

    private static FeishuEventEnvelope ParseV2(JsonElement root)
    {
        var schema = GetString(root, "schema");
        if (schema is not null && schema != "2.0")
        {
            throw Malformed("the envelope schema is not 2.0");
        }

        if (!root.TryGetProperty("header", out var header) || header.ValueKind != JsonValueKind.Object)
        {
            throw Malformed("the v2 envelope has no header object");
        }

        var eventType = GetString(header, "event_type");
        if (string.IsNullOrEmpty(eventType))
        {
            throw Malformed("the v2 envelope header has no event_type");
        }

        var @event = root.TryGetProperty("event", out var e) ? e : default;
        if (@event.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined))
        {
            throw Malformed("the v2 envelope event is not an object");
        }

        return new FeishuEventEnvelope(FeishuEnvelopeKind.V2, eventType, @event)
        {
            DedupKey = GetString(header, "event_id"),
            Token = GetString(header, "token"),
            AppId = GetString(header, "app_id"),
            TenantKey = GetString(header, "tenant_key"),
            // Some doc examples (approval.approval.updated_v4) carry event_create_time in seconds instead.
            CreateTime = ParseUnixMilliseconds(GetFlexibleString(header, "create_time"))
                ?? ParseUnixSeconds(GetFlexibleString(header, "event_create_time")),
        };
    }

    private static FeishuEventEnvelope ParseV1(JsonElement root)
    {
        if (!root.TryGetProperty("event", out var @event) || @event.ValueKind != JsonValueKind.Object)
        {
            throw Malformed("the v1 envelope has no event object");
        }

        var eventType = GetString(@event, "type");
        if (string.IsNullOrEmpty(eventType))
        {
            throw Malformed("the v1 envelope event has no type");
        }

        return new FeishuEventEnvelope(FeishuEnvelopeKind.V1, eventType, @event)
        {
            DedupKey = GetString(root, "uuid"),
            Token = GetString(root, "token"),
            AppId = GetString(@event, "app_id"),
            TenantKey = GetString(@event, "tenant_key"),
            CreateTime = ParseUnixSeconds(GetFlexibleString(root, "ts")),
        };
    }

    /// <summary>Milliseconds since the epoch; 16-digit values (seen in doc examples) are read as microseconds.</summary>
    internal static DateTimeOffset? ParseUnixMilliseconds(string? value)
    {
        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }

        if (number >= 100_000_000_000_000)
        {
            number /= 1000;
        }

        return number <= 253_402_300_799_999 ? DateTimeOffset.FromUnixTimeMilliseconds(number) : null;
    }

    private static DateTimeOffset? ParseUnixSeconds(string? value)
    {
        if (!decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            || seconds > 253_402_300_799m)
        {
            return null;
        }

        return DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000m));
    }

    private static string? GetString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? GetFlexibleString(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
    }

    private static FeishuEventException Malformed(string what) => FeishuJsonBody.Malformed(what);
}
