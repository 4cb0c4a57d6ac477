using System.Text.Json.Serialization;

namespace Larkway.Feishu.Events.LongConnection;

/// <summary>Source-generated JSON for the discovery request body (PascalCase keys, as the wire wants).</summary>
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class LongConnectionJsonContext : JsonSerializerContext;
