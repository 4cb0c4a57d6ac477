using System.Text.Json.Serialization;

namespace Larkway.DingTalk.Stream;

/// <summary>Source-generated JSON of the Stream wire types.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DingTalkRobotInboundMessage))]
[JsonSerializable(typeof(Dictionary<string, string?>))]
[JsonSerializable(typeof(OpenConnectionRequest))]
[JsonSerializable(typeof(OpenConnectionAnswer))]
internal sealed partial class StreamJson : JsonSerializerContext;

/// <summary><c>POST /v1.0/gateway/connections/open</c>'s body.</summary>
internal sealed record OpenConnectionRequest(
    [property: JsonPropertyName("clientId")] string ClientId,
    [property: JsonPropertyName("clientSecret")] string ClientSecret,
    [property: JsonPropertyName("subscriptions")] IReadOnlyList<SubscriptionWire> Subscriptions,
    [property: JsonPropertyName("ua")] string UserAgent,
    [property: JsonPropertyName("localIp")] string? LocalIp);

internal sealed record SubscriptionWire([property: JsonPropertyName("type")] string Type, [property: JsonPropertyName("topic")] string Topic);

/// <summary>Its answer: where to connect and the single-use ticket (valid 90 s).</summary>
internal sealed record OpenConnectionAnswer([property: JsonPropertyName("endpoint")] string? Endpoint, [property: JsonPropertyName("ticket")] string? Ticket);
