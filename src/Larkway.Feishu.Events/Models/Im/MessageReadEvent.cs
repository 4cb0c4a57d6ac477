using System.Text.Json.Serialization;

namespace Larkway.Feishu.Events.Models.Im;

/// <summary><c>im.message.message_read_v1</c>: a user read the bot's p2p messages.</summary>
public sealed record MessageReadEvent : FeishuEvent, IFeishuEventType
{
    public const string Type = "im.message.message_read_v1";

    public static string TypeName => Type;

    [JsonIgnore]
    public override string EventType => Type;

    public MessageReader? Reader { get; init; }

    public IReadOnlyList<string> MessageIdList { get; init; } = [];
}

/// <summary>Who read, and when.</summary>
public sealed record MessageReader
{
    public UserIds? ReaderId { get; init; }

    /// <summary>Milliseconds since the epoch, as a string.</summary>
    [JsonConverter(typeof(Serialization.FlexibleStringConverter))]
    public string? ReadTime { get; init; }

    public string? TenantKey { get; init; }
}
