using System.Text.Json.Serialization;

namespace Larkway.Channels.Backends.Dify;

/// <summary>Source-generated JSON for Dify's answers (trim- and AOT-safe), snake_case as Dify names them.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(DifyEvent))]
[JsonSerializable(typeof(DifyErrorBody))]
[JsonSerializable(typeof(DifyUploadedFile))]
internal sealed partial class DifyJsonContext : JsonSerializerContext;
