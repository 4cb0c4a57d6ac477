using System.Text.Json;
using System.Text.Json.Serialization;

namespace Larkway.Feishu.Events.Models;

/// <summary>Base of every typed event and callback.</summary>
public abstract record FeishuEvent
{
    /// <summary>The Feishu event type (v2 <c>header.event_type</c> or v1 <c>event.type</c>).</summary>
    [JsonIgnore]
    public abstract string EventType { get; }
}

/// <summary>Implemented by typed events so that handlers can be registered by type without reflection.</summary>
public interface IFeishuEventType
{
    /// <summary>The Feishu event type string this model represents.</summary>
    static abstract string TypeName { get; }
}

/// <summary>An event whose type this library does not model (or a custom one): the raw <c>event</c> object is kept as data.</summary>
public sealed record UnknownEvent(string Type, JsonElement Raw) : FeishuEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string EventType => Type;
}
