using System.Text.Json.Serialization;

namespace Larkway.Channels.Backends.OpenAi;

/// <summary>An OpenAI error answer: <c>{"error": {"message": "…", "type": "…", "param": …, "code": "…"}}</c>.</summary>
internal sealed class OpenAiErrorBody
{
    public OpenAiError? Error { get; set; }
}

internal sealed class OpenAiError
{
    public string? Message { get; set; }

    public string? Type { get; set; }

    /// <summary>A string for OpenAI; some compatible servers send a number.</summary>
    [JsonConverter(typeof(Internal.StringOrNumberConverter))]
    public string? Code { get; set; }
}

/// <summary>Source-generated JSON for OpenAI error answers.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(OpenAiErrorBody))]
internal sealed partial class OpenAiJsonContext : JsonSerializerContext;
